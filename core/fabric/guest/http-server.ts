/**
 * The HTTP/1.1 server every instance runs on TCP port 80 from boot, like a preinstalled nginx:
 *
 *   GET /            200, a small HTML page naming the instance (also /index.html)
 *   GET /bytes/N     200, N bytes of `httpBytesPattern` (application/octet-stream), N ≤ 100 000 000
 *   anything else    404 (405 for methods other than GET and HEAD, 400 for a malformed request)
 *
 * Persistent connections as in HTTP/1.1: the connection stays open after a response unless the
 * request said `Connection: close` (or was HTTP/1.0 without keep-alive), and is closed after
 * `HTTP_KEEPALIVE_NS` (nginx's 75 s keepalive_timeout) of idleness. Pipelined requests are
 * answered in order. Large bodies are fed by a `SendPump`, a few MiB ahead of what TCP has sent,
 * so a 100 MB answer never sits whole in the send buffer. Request heads are bounded (`HTTP_MAX_HEAD`);
 * request bodies (Content-Length) are read and ignored. No Date header: there is no wall clock.
 */
import { formatIpv4 } from '../../base/addr.ts';
import type { Disposable } from '../../base/event.ts';
import type { EventId } from '../../sim/simulator.ts';
import { HTTP_PORT, HttpView } from '../../wire/http.ts';
import { HTTP_KEEPALIVE_NS, HTTP_MAX_BYTES, HTTP_MAX_HEAD } from './constants.ts';
import type { Guest } from './guest.ts';
import { SendPump } from './send-pump.ts';
import type { TcpHandler, TcpSocket } from './tcp/index.ts';

export const HTTP_SERVER_NAME = 'underlay-httpd';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LINE = 64;
const MAX_REQUEST_BODY = 1024 * 1024;

/**
 * The bytes `/bytes/N` serves, from position `offset` on, into `out`: printable 64-byte lines
 * (63 characters of 0-9A-Za-z shifted by one per line, then '\n'), so a body can be shown in a
 * console and checked byte for byte.
 */
export function httpBytesPattern(offset: number, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    const at = offset + i;
    const col = at % LINE;
    out[i] = col === LINE - 1 ? 0x0a : ALPHABET.charCodeAt((col + Math.floor(at / LINE)) % ALPHABET.length);
  }
}

/** The page `GET /` answers on instance `name`. */
export function httpIndexPage(name: string, ip: string): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    `<head><title>${name}</title></head>`,
    '<body>',
    `<h1>${name}</h1>`,
    `<p>Hello from ${name} (${ip}), served by ${HTTP_SERVER_NAME} on port 80.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function errorPage(status: number, reason: string): string {
  return `<html>\n<head><title>${status} ${reason}</title></head>\n<body>\n<center><h1>${status} ${reason}</h1></center>\n<hr><center>${HTTP_SERVER_NAME}</center>\n</body>\n</html>\n`;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export class HttpServer {
  readonly stats = { connections: 0, requests: 0, bytesServed: 0 };
  private listener: Disposable | null = null;

  constructor(readonly guest: Guest) {
    this.listener = guest.tcpListen(HTTP_PORT, (socket) => {
      this.stats.connections++;
      return new HttpConnection(this, socket);
    });
  }

  /** Stops listening (existing connections carry on). */
  stop(): void {
    this.listener?.dispose();
    this.listener = null;
  }

  get listening(): boolean {
    return this.listener !== null;
  }
}

class HttpConnection implements TcpHandler {
  private buf: Uint8Array = new Uint8Array(0);
  private stream: SendPump | null = null;
  private closeAfter = false;
  private peerClosed = false;
  private done = false;
  private idle: EventId = -1;

  constructor(
    private readonly server: HttpServer,
    private readonly socket: TcpSocket,
  ) {}

  connected(): void {
    this.armIdle();
  }

  data(_s: TcpSocket, bytes: Uint8Array): void {
    if (this.done) return;
    const next = new Uint8Array(this.buf.length + bytes.length);
    next.set(this.buf);
    next.set(bytes, this.buf.length);
    this.buf = next;
    this.armIdle();
    this.process();
  }

  remoteClosed(): void {
    this.peerClosed = true;
    if (this.stream === null) this.finish();
  }

  drained(): void {
    this.stream?.pump();
  }

  closed(): void {
    this.done = true;
    this.stream?.stop();
    this.stopIdle();
  }

  private process(): void {
    while (!this.done && this.stream === null && this.buf.length > 0) {
      const parsed = HttpView.checked(this.buf);
      if (!parsed.ok) {
        if (parsed.error.code === 'truncated' && this.buf.length <= HTTP_MAX_HEAD) return;
        this.respond(400, 'Bad Request', 'text/html', ascii(errorPage(400, 'Bad Request')), false, true);
        return;
      }
      const req = parsed.value;
      if (!req.isRequest) {
        this.respond(400, 'Bad Request', 'text/html', ascii(errorPage(400, 'Bad Request')), false, true);
        return;
      }
      const bodyLen = req.contentLength ?? 0;
      if (bodyLen > MAX_REQUEST_BODY) {
        this.respond(413, 'Request Entity Too Large', 'text/html', ascii(errorPage(413, 'Request Entity Too Large')), false, true);
        return;
      }
      if (this.buf.length < req.headerLen + bodyLen) return;
      this.buf = this.buf.slice(req.headerLen + bodyLen);
      this.server.stats.requests++;
      const connection = (req.header('connection') ?? '').toLowerCase();
      const keepAlive = req.version === 'HTTP/1.0' ? connection === 'keep-alive' : connection !== 'close';
      this.handle(req.method, req.target, keepAlive);
    }
  }

  private handle(method: string, target: string, keepAlive: boolean): void {
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      this.respond(405, 'Not Allowed', 'text/html', ascii(errorPage(405, 'Not Allowed')), false, !keepAlive);
      return;
    }
    const path = target.split('?')[0];
    const guest = this.server.guest;
    if (path === '/' || path === '/index.html') {
      this.respond(200, 'OK', 'text/html', ascii(httpIndexPage(guest.name, formatIpv4(guest.ip))), head, !keepAlive);
      return;
    }
    const m = /^\/bytes\/(\d{1,9})$/.exec(path);
    if (m !== null) {
      const n = Number(m[1]);
      if (n > HTTP_MAX_BYTES) {
        this.respond(400, 'Bad Request', 'text/html', ascii(errorPage(400, 'Bad Request')), head, !keepAlive);
        return;
      }
      this.sendHead(200, 'OK', 'application/octet-stream', n, !keepAlive);
      this.closeAfter = !keepAlive;
      if (head || n === 0) return this.responseDone();
      const stats = this.server.stats;
      const fill = (offset: number, chunk: Uint8Array) => {
        httpBytesPattern(offset, chunk);
        stats.bytesServed += chunk.length;
      };
      this.stream = new SendPump(guest.sim, this.socket, n, fill, () => {
        this.stream = null;
        this.responseDone();
      });
      this.stream.pump();
      return;
    }
    this.respond(404, 'Not Found', 'text/html', ascii(errorPage(404, 'Not Found')), head, !keepAlive);
  }

  private sendHead(status: number, reason: string, type: string, length: number, close: boolean): void {
    const head =
      `HTTP/1.1 ${status} ${reason}\r\nServer: ${HTTP_SERVER_NAME}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n` +
      `Connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
    this.send(ascii(head));
  }

  private respond(status: number, reason: string, type: string, body: Uint8Array, head: boolean, close: boolean): void {
    this.sendHead(status, reason, type, body.length, close);
    if (!head) this.send(body);
    this.closeAfter = close;
    this.responseDone();
  }

  private responseDone(): void {
    if (this.closeAfter || this.peerClosed) {
      this.finish();
      return;
    }
    this.armIdle();
    this.process();
  }

  private send(bytes: Uint8Array): void {
    if (this.done) return;
    try {
      this.socket.send(bytes);
      this.server.stats.bytesServed += bytes.length;
    } catch {
      this.done = true;
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopIdle();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private armIdle(): void {
    this.stopIdle();
    if (this.done) return;
    this.idle = this.server.guest.sim.call(HTTP_KEEPALIVE_NS, () => {
      this.idle = -1;
      if (this.stream === null) this.finish();
    });
  }

  private stopIdle(): void {
    if (this.idle >= 0) this.server.guest.sim.cancel(this.idle);
    this.idle = -1;
  }
}
