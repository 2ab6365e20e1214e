/**
 * A renderer-side client wired to a FabricSupervisor the way host.ts does it: the renderer's port
 * goes to an RpcServer (the validating relay) whose implementation is the supervisor's.
 */
import { fileURLToPath } from 'node:url';
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
