/**
 * createHost as Electron main and the browser-mode server use it: one port per contract, each
 * served by a validating RpcServer; the simulation in a real worker, the workspace on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contract } from '../../../core/contract/spec.ts';
import { hostContract, type WorkerRestarted } from '../../../core/contract/host.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import { workspaceContract } from '../../../core/contract/workspace.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createHost, type Host, type HostContractName } from '../../../main/host/host.ts';
import { WorkspaceStore } from '../../../main/host/workspace-store.ts';
import { messagePortPort } from '../../../main/rpc/worker-port.ts';

const MINIMAL = readFileSync(new URL('../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');

function connect<A, E>(host: Host, name: HostContractName, contract: Contract<A, E>): RpcClient<A, E> {
  const { port1, port2 } = new MessageChannel();
  host.connect(name, messagePortPort(port1));
  return new RpcClient(messagePortPort(port2), contract);
}

describe('createHost', () => {
  let dir: string;
  let host: Host;
  const log: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'underlay-host-'));
    host = await createHost({ workspaceDir: dir, mode: 'browser', version: '1.2.3', log: (m) => log.push(m) });
  });
  afterAll(async () => {
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the host, simulation and workspace contracts on their own ports', async () => {
    const app = connect(host, 'host', hostContract);
    const sim = connect(host, 'simulation', simulationContract);
    const ws = connect(host, 'workspace', workspaceContract);
    expect(await app.api.info()).toEqual({ version: '1.2.3', mode: 'browser', workspaceDir: host.workspaceDir });
    expect(await app.api.workerStatus()).toMatchObject({ state: 'ready', restarts: 0 });
    expect(await ws.api.info()).toMatchObject({ schemaVersion: 2, journalMode: 'wal' });

    expect((await sim.api.load(MINIMAL, 5)).ok).toBe(true);
    await sim.api.exec('web', 'ping -c 2 db');
    await sim.api.run(3_000_000_000);
    const live = await sim.api.capturePage(0, 0);

    // The workspace saves the worker's capture: it crosses from the worker to the file.
    const entry = await ws.api.saveCapture('from the worker');
    expect(entry.frames).toBe(live.total);
    const opened = await ws.api.openCapture(entry.id);
    expect(opened.ok && (await ws.api.viewPage(opened.view.viewId, 0, 0)).total).toBe(live.total);

    // A restart asked for through the host contract replays the run and says so.
    const restarts: WorkerRestarted[] = [];
    app.events.workerRestarted((r) => restarts.push(r));
    await app.api.info();
    expect(await app.api.restartWorker()).toMatchObject({ state: 'ready', restarts: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(restarts).toMatchObject([{ reason: 'requested', replay: { topology: true, timeNs: 3_000_000_000, frames: live.total } }]);
    expect((await sim.api.capturePage(0, 0)).total).toBe(live.total);
  });

  it('refuses unknown methods and malformed arguments before they reach a service', async () => {
    const sim = connect(host, 'simulation', simulationContract);
    const ws = connect(host, 'workspace', workspaceContract);
    const rawSim = sim.call.bind(sim) as (m: string, a: unknown[]) => Promise<unknown>;
    const rawWs = ws.call.bind(ws) as (m: string, a: unknown[]) => Promise<unknown>;
    await expect(rawSim('configureLink', ['x', {}])).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(rawSim('step', [-1])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    await expect(rawSim('load', [42])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    await expect(rawWs('getTopology', ['1'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    await expect(rawWs('dropAllTables', [])).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(log.some((l) => /UNKNOWN_METHOD/.test(l))).toBe(true);
    const { port1 } = new MessageChannel();
    expect(() => host.connect('shell' as HostContractName, messagePortPort(port1))).toThrow(/no contract named "shell"/);
  });
});

describe('host dispose', () => {
  it('writes the pending autosave before closing the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'underlay-host-'));
    try {
      const host = await createHost({ workspaceDir: dir, autosaveDelayMs: 60_000 });
      const ws = connect(host, 'workspace', workspaceContract);
      await ws.api.saveDraft(null, 'typed just before quitting');
      await host.dispose();
      const store = await WorkspaceStore.open(dir);
      expect(await store.readDraft(null)).toMatchObject({ text: 'typed just before quitting' });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
