/**
 * Browser mode's server over real sockets on loopback: what it binds, who it lets in (token, Host,
 * Origin) and that an admitted WebSocket carries the RPC to the host's sink. The sink here is a
 * fake; host-roundtrip.test.ts drives the real host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { wsPort } from '../../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';
import { fakeBundle } from './support/bundle.ts';
import { fakeSink } from './support/fake-sink.ts';
import { get, tryUpgrade } from './support/http.ts';

const sink = fakeSink();
let server: WebServer;
let base: string;
let wsBase: string;

beforeAll(async () => {
  server = await startWebServer({ rendererDir: fakeBundle(), sink });
  base = server.origin;
  wsBase = base.replace('http:', 'ws:');
});
afterAll(() => server.close());

describe('binding', () => {
  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '[::]'])('refuses to bind %s', async (host) => {
    await expect(startWebServer({ rendererDir: fakeBundle(), sink, host })).rejects.toThrow(/loopback address only/);
  });

  it('binds ::1 when asked (loopback), or the machine has no IPv6', async () => {
    const v6 = await startWebServer({ rendererDir: fakeBundle(), sink, host: '::1' }).catch((e: NodeJS.ErrnoException) => e);
    if (v6 instanceof Error) return expect(v6.code).toMatch(/EADDRNOTAVAIL|EAFNOSUPPORT/);
    expect(v6.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await get(v6.url)).status).toBe(200);
    await v6.close();
  });

  it('uses the port it is given and fails clearly when it is taken', async () => {
    const again = startWebServer({ rendererDir: fakeBundle(), sink, port: server.port });
    await expect(again).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('HTTP', () => {
  it('serves the page with the token, sets the cookie and a strict CSP', async () => {
    const reply = await get(server.url);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<div id="app">');
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${wsBase} ws://localhost:${server.port};`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(String(reply.headers['set-cookie'])).toBe(`underlay-token-${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('refuses the page without the token, or with a wrong one', async () => {
    expect((await get(`${base}/`)).status).toBe(401);
    expect((await get(`${base}/?token=`)).status).toBe(401);
    expect((await get(`${base}/?token=${server.token.slice(0, -1)}x`)).status).toBe(401);
    expect((await get(`${base}/assets/app.js`)).status).toBe(401);
    expect((await get(`${base}/assets/app.js`, { Cookie: `underlay-token-${server.port}=nope` })).status).toBe(401);
  });

  it('admits the page assets by cookie', async () => {
    const reply = await get(`${base}/assets/app.js`, { Cookie: `other=1; underlay-token-${server.port}=${server.token}` });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.body).toBe('console.log("underlay")');
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin even with the token', async () => {
    expect((await get(server.url, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.url, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.url, { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get(server.url, { Origin: base })).status).toBe(200);
  });

  it('serves nothing outside the bundle, no dotfiles, and only GET/HEAD', async () => {
    const t = `token=${server.token}`;
    expect((await get(`${base}/../../etc/passwd?${t}`)).status).toBe(404);
    expect((await get(`${base}/%2e%2e/%2e%2e/etc/passwd?${t}`)).status).toBe(404);
    expect((await get(`${base}/..%5c..%5cetc%5cpasswd?${t}`)).status).toBe(404);
    expect((await get(`${base}/.secret?${t}`)).status).toBe(404);
    expect((await get(`${base}/missing.js?${t}`)).status).toBe(404);
    expect((await get(`${base}/?${t}`, {}, 'POST')).status).toBe(405);
    const head = await get(`${base}/assets/app.css?${t}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('says how to build when the bundle is missing', async () => {
    const empty = await startWebServer({ rendererDir: '/nonexistent/underlay-renderer', sink });
    const reply = await get(empty.url);
    expect(reply.status).toBe(503);
    expect(reply.body).toContain('electron-vite build');
    await empty.close();
  });
});

describe('WebSocket', () => {
  const rpc = (contract: string, token = server.token) => `${wsBase}/rpc/${contract}?token=${token}`;

  it('refuses an upgrade without the token, with a wrong token, or by a wrong cookie', async () => {
    expect(await tryUpgrade(`${wsBase}/rpc/simulation`, { origin: base })).toEqual({ status: 401 });
    expect(await tryUpgrade(rpc('simulation', 'x'.repeat(43)), { origin: base })).toEqual({ status: 401 });
    expect(await tryUpgrade(`${wsBase}/rpc/simulation`, { origin: base, headers: { Cookie: `underlay-token-${server.port}=bad` } })).toEqual({ status: 401 });
  });

  it('refuses an upgrade from a foreign Origin, or with none', async () => {
    expect(await tryUpgrade(rpc('simulation'), { origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await tryUpgrade(rpc('simulation'), { origin: `http://127.0.0.1:${server.port + 1}` })).toEqual({ status: 403 });
    expect(await tryUpgrade(rpc('simulation'))).toEqual({ status: 403 });
  });

  it('refuses unknown contracts', async () => {
    expect(await tryUpgrade(rpc('shell'), { origin: base })).toEqual({ status: 404 });
    expect(await tryUpgrade(`${wsBase}/?token=${server.token}`, { origin: base })).toEqual({ status: 404 });
  });

  it('admits the token by cookie too, as the page sends it', async () => {
    const result = await tryUpgrade(`${wsBase}/rpc/host`, { origin: base, headers: { Cookie: `underlay-token-${server.port}=${server.token}` } });
    expect(result.status).toBe('open');
    if (result.status === 'open') result.socket.close();
  });

  it('hands an admitted socket to the sink, which serves RPC on it, and ends it when the socket closes', async () => {
    const before = sink.connections.length;
    const result = await tryUpgrade(rpc('simulation'), { origin: base });
    if (result.status !== 'open') throw new Error(`refused: ${result.status}`);
    expect(sink.connections.slice(before)).toEqual(['simulation']);
    const client = new RpcClient<SimulationApi, SimulationEvents>(wsPort(result.socket), simulationContract);
    expect(await client.call('instances', [])).toEqual(expect.any(Array));
    const bytes = await client.call('frameHex', [5]);
    expect(bytes).toEqual(Uint8Array.from([0, 1, 2, 3, 4]));
    const disposedBefore = sink.disposed.length;
    await new Promise<void>((resolve) => {
      result.socket.once('close', () => resolve());
      result.socket.close();
    });
    await expect.poll(() => sink.disposed.length).toBe(disposedBefore + 1);
  });
});
