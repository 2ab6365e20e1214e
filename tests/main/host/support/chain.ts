/**
 * A renderer-side client wired to a FabricSupervisor the way host.ts does it: the renderer's port
 * goes to an RpcServer (the validating relay) whose implementation is the supervisor's.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { hostContract, type HostApi, type HostEvents } from '../../../../core/contract/host.ts';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../../core/contract/simulation.ts';
import { RpcClient } from '../../../../core/rpc/client.ts';
import { RpcServer } from '../../../../core/rpc/server.ts';
import { FabricSupervisor, type SupervisorTimings } from '../../../../main/host/fabric-supervisor.ts';
import { spawnFabricWorker } from '../../../../main/host/worker-spawn.ts';
import { realScheduler } from '../../../../main/rpc/real-scheduler.ts';
import { messagePortPort } from '../../../../main/rpc/worker-port.ts';

export interface Chain {
  readonly supervisor: FabricSupervisor;
  readonly renderer: RpcClient<SimulationApi, SimulationEvents>;
  /** Every worker the supervisor started, oldest first (tests kill them). */
  readonly workers: Worker[];
  readonly log: string[];
  close(): Promise<void>;
}

export async function startChain(timings: Partial<SupervisorTimings> = {}, script?: string): Promise<Chain> {
  const workers: Worker[] = [];
  const log: string[] = [];
  const supervisor = new FabricSupervisor({
    spawn: () => {
      const w = spawnFabricWorker(script);
      workers.push(w);
      return w;
    },
    scheduler: realScheduler,
    timings,
    log: (m) => log.push(m),
  });
  await supervisor.start();
  const { port1, port2 } = new MessageChannel();
  const server = new RpcServer(messagePortPort(port1), simulationContract, supervisor.implementation, supervisor.events, { scheduler: realScheduler });
  const renderer = new RpcClient<SimulationApi, SimulationEvents>(messagePortPort(port2), simulationContract);
  return {
    supervisor,
    renderer,
    workers,
    log,
    async close() {
      renderer.dispose();
      server.dispose();
      await supervisor.dispose();
    },
  };
}

/** A host-contract client on the same supervisor (for workerRestarted). */
export function hostClient(supervisor: FabricSupervisor): RpcClient<HostApi, HostEvents> {
  const { port1, port2 } = new MessageChannel();
  new RpcServer(
    messagePortPort(port1),
    hostContract,
    { info: () => ({ version: 't', mode: 'headless', workspaceDir: '/' }), workerStatus: () => supervisor.status(), restartWorker: () => supervisor.restart('requested', 'test') },
    { workerState: supervisor.onDidChangeState, workerRestarted: supervisor.onDidRestart },
    { scheduler: realScheduler },
  );
  return new RpcClient(messagePortPort(port2), hostContract);
}

/** The real fabric worker plus test hooks (support/hookable-fabric-worker.ts). */
export const HOOKABLE_WORKER = fileURLToPath(new URL('./hookable-fabric-worker.ts', import.meta.url));

/** Makes a hookable worker exit with a code, or block its thread for good. */
export function hook(worker: Worker, action: 'exit' | 'hang'): void {
  worker.postMessage({ testHook: action });
}

/** Polls until `probe` gives a value. */
export async function until<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Loads, pings, runs to 3 s; returns what the capture looked like. */
export async function populate(chain: Chain) {
  const { renderer } = chain;
  expect((await renderer.api.load(MINIMAL, 11)).ok).toBe(true);
  expect((await renderer.api.exec('web', 'ping -c 3 db')).ok).toBe(true);
  await renderer.api.run(3_000_000_000);
  const page = await renderer.api.capturePage(0, 50);
  const hex = await renderer.api.frameHex(page.total);
  return { total: page.total, firstRows: page.rows.map((r) => r.info), lastHex: [...hex!] };
}

const MINIMAL = readFileSync(new URL('../../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');
