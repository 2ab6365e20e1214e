/**
 * Browser mode end to end, minus the browser: the real host (fabric worker, workspace on disk)
 * behind the web server, driven over WebSockets with the page's Origin and token, one socket per
 * contract. Load a sample topology, ping, page the capture, save it to the workspace; then the
 * same call without the token is refused and a shut-down host closes its sockets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { hostContract } from '../../../core/contract/host.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import type { Contract } from '../../../core/contract/spec.ts';
import { workspaceContract } from '../../../core/contract/workspace.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { connectWsPort } from '../../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';
import { fakeBundle } from './support/bundle.ts';
import { tryUpgrade } from './support/http.ts';

const MINIMAL = readFileSync(new URL('../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');

let dir: string;
let host: Host;
let server: WebServer;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-web-host-'));
  host = await createHost({ workspaceDir: dir, mode: 'browser', version: '9.9.9', log: () => {} });
  server = await startWebServer({ rendererDir: fakeBundle(), sink: host });
});

afterAll(async () => {
  await server.close();
  await host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function client<A, E>(name: string, contract: Contract<A, E>): Promise<RpcClient<A, E>> {
  const url = `${server.origin.replace('http:', 'ws:')}/rpc/${name}?token=${server.token}`;
  const { port, socket } = await connectWsPort(url, { origin: server.origin });
  sockets.push(socket);
  return new RpcClient(port, contract);
}

it('serves the three contracts of the real host over WebSockets', async () => {
  const app = await client('host', hostContract);
  const sim = await client('simulation', simulationContract);
  const ws = await client('workspace', workspaceContract);
  expect(await app.api.info()).toEqual({ version: '9.9.9', mode: 'browser', workspaceDir: host.workspaceDir });

  expect((await sim.api.load(MINIMAL, 1)).ok).toBe(true);
  const instances = await sim.api.instances();
  expect(instances).toEqual(expect.arrayContaining(['web', 'db']));
  const lines: string[] = [];
  sim.events.output((o) => o.line !== null && lines.push(o.line));
  await sim.api.exec('web', 'ping -c 2 db');
  await sim.api.run(3_000_000_000);

  const page = await sim.api.capturePage(0, 50, 'icmp');
  expect(page.total).toBeGreaterThanOrEqual(4);
  expect(page.rows.length).toBe(page.total);
  const detail = await sim.api.frameDetail(page.rows[0].number);
  expect(detail?.sources[0].bytes).toBeInstanceOf(Uint8Array);
  const pcapng = await sim.api.exportPcapng();
  expect([...pcapng.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
  await expect.poll(() => lines.join('\n')).toMatch(/2 packets transmitted, 2 received/);

  const entry = await ws.api.saveCapture('over the web');
  expect(entry.frames).toBe((await sim.api.capturePage(0, 0)).total);
  expect((await ws.api.listCaptures()).map((c) => c.name)).toContain('over the web');
});

it('refuses the same sockets without the token or from another origin', async () => {
  const base = server.origin.replace('http:', 'ws:');
  expect(await tryUpgrade(`${base}/rpc/simulation`, { origin: server.origin })).toEqual({ status: 401 });
  expect(await tryUpgrade(`${base}/rpc/simulation?token=${server.token}`, { origin: 'http://localhost.evil.example' })).toEqual({ status: 403 });
});

it('refuses a call the contract does not allow, over the socket as over any port', async () => {
  const sim = await client('simulation', simulationContract);
  const raw = sim.call.bind(sim) as (m: string, a: unknown[]) => Promise<unknown>;
  await expect(raw('shutdown', [])).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
  await expect(raw('step', [0])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
});
