/**
 * Browser mode's server (DESIGN.md §2): the built renderer bundle over HTTP and one WebSocket per
 * contract, on loopback, behind the per-launch token (access.ts). Each accepted socket becomes a
 * PortLike (main/rpc/ws-port.ts) handed to the host, which serves the contract on it exactly as it
 * serves an Electron MessagePort.
 *
 *   GET /?token=T                          the page (sets the token cookie for its assets)
 *   GET /assets/…                          the bundle (token by cookie or query)
 *   WS  /rpc/<simulation|workspace|host>?token=T   one contract's RPC (frame-codec.ts)
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsPort } from '../rpc/ws-port.ts';
import { checkAccess, tokenCookie, type AccessPolicy, type RequestFacts } from './access.ts';
import { assetPath, contentTypeOf } from './assets.ts';
import { isContractName, type PortSink } from './contracts.ts';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp.ts';
import { allowedHosts, resolveBindAddress } from './loopback.ts';
import { createToken } from './token.ts';

export interface WebServerOptions {
  /** Directory of the built renderer (index.html and assets/). */
  readonly rendererDir: string;
  /** Receives every accepted contract port. */
  readonly sink: PortSink;
  /** Loopback address to bind (default 127.0.0.1); anything else is refused. */
  readonly host?: string;
  /** Port to bind; 0 or omitted picks a free one. */
  readonly port?: number;
  /** The access token; a fresh random one when omitted (tests pass their own). */
  readonly token?: string;
  /** Refused requests and connection failures, for the console. */
  readonly log?: (message: string) => void;
}

export interface WebServer {
  /** The URL to open: the page, with the token. */
  readonly url: string;
  /** http://host:port, what the page's Origin is. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Large enough for the biggest topology document (limits.ts) as UTF-8; bounds what a peer can make us buffer. */
const MAX_WS_PAYLOAD = 32 * 1024 * 1024;
const RPC_PATH = /^\/rpc\/([a-z]+)$/;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const bind = resolveBindAddress(options.host);
  const token = options.token ?? createToken();
  const log = options.log ?? (() => {});
  // The port is known only after listening; the policy reads it through this holder.
  let policy: AccessPolicy = { token, hosts: new Set(), port: 0 };
  let csp = contentSecurityPolicy();

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  const server = createServer((req, res) => {
    void serveHttp(req, res).catch((error: unknown) => {
      log(`http error: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkAccess(policy, facts(req, false));
    if (!verdict.ok) return refuseHttp(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
      return;
    }
    const file = assetPath(options.rendererDir, verdict.pathname);
    if (file === null || !(await isFile(file))) {
      const missingBundle = !(await isFile(assetPath(options.rendererDir, '/')!));
      const status = missingBundle ? 503 : 404;
      const body = missingBundle ? `renderer bundle not built (${options.rendererDir}): run npx electron-vite build\n` : 'not found\n';
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(body);
      return;
    }
    const body = await readFile(file);
    const headers: Record<string, string> = {
      'Content-Type': contentTypeOf(file),
      'Content-Length': String(body.length),
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
      ...SECURITY_HEADERS,
    };
    if (file.endsWith('.html')) headers['Set-Cookie'] = tokenCookie(policy);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkAccess(policy, facts(req, true));
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason);
    const contract = RPC_PATH.exec(verdict.pathname)?.[1];
    if (!isContractName(contract)) return refuseUpgrade(socket, 404, 'no such contract');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      try {
        const connection = options.sink.connect(contract, wsPort(ws));
        ws.once('close', () => connection.dispose());
      } catch (error) {
        log(`connect ${contract} failed: ${String(error)}`);
        ws.close(1011, 'host refused the connection');
      }
    });
  });

  function refuseHttp(res: ServerResponse, status: number, reason: string): void {
    log(`refused ${status}: ${reason}`);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`${reason}\n`);
  }

  function refuseUpgrade(socket: Duplex, status: 401 | 403 | 400 | 404, reason: string): void {
    log(`refused WebSocket ${status}: ${reason}`);
    const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: bind, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const hosts = allowedHosts(bind, port);
  const hostPart = [...hosts][0];
  policy = { token, hosts, port };
  const origin = `http://${hostPart}`;
  // Every name the page may be opened under: a page opened as localhost:PORT connects there.
  csp = contentSecurityPolicy({ connect: [...hosts].map((h) => `ws://${h}`) });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function facts(req: IncomingMessage, upgrade: boolean): RequestFacts {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return { host: header('host'), origin: header('origin'), cookie: header('cookie'), url: req.url ?? '/', upgrade };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
