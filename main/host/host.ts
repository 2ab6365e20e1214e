/**
 * The host services in one object (DESIGN.md §1, §7): the fabric worker behind its supervisor, the
 * workspace store, and the host's own little contract. Electron's main process and the
 * browser-mode server each create one host and hand it every renderer connection: one port per
 * contract, served by a validating RpcServer (unknown methods and malformed arguments are refused
 * with an error code before any implementation runs).
 */
import { randomInt } from 'node:crypto';
import { toDisposable, type Disposable } from '../../core/base/event.ts';
import { hostContract, type HostApi, type HostEvents } from '../../core/contract/host.ts';
import { labsContract } from '../../core/contract/labs.ts';
import { simulationContract } from '../../core/contract/simulation.ts';
import { workspaceContract } from '../../core/contract/workspace.ts';
import type { PortLike } from '../../core/rpc/port.ts';
import { RpcServer, type RpcProblem } from '../../core/rpc/server.ts';
import type { Scheduler } from '../../core/rpc/scheduler.ts';
import type { EventSources, Implementation } from '../../core/rpc/service-types.ts';
import { realScheduler } from '../rpc/real-scheduler.ts';
import { FabricSupervisor, type SupervisorTimings } from './fabric-supervisor.ts';
import { LabCatalogue } from './lab-catalogue.ts';
import { createLabService } from './lab-service.ts';
import { spawnFabricWorker } from './worker-spawn.ts';
import { WorkspaceService } from './workspace-service.ts';
import { WorkspaceStore } from './workspace-store.ts';

export type HostContractName = 'simulation' | 'workspace' | 'host' | 'labs';

export interface HostOptions {
  /** Folder of the workspace: the database and `captures/`. Created when missing. */
  readonly workspaceDir: string;
  /**
   * The fabric worker's entry. Default: main/host/fabric-worker.ts run through tsx (plain Node,
   * tests). Electron passes its bundled `fabric-worker.js`; a `.ts` path is run through tsx.
   */
  readonly workerScript?: string;
  /** Reported by the host contract's info(). */
  readonly mode?: 'desktop' | 'browser' | 'headless';
  readonly version?: string;
  /** Heartbeat and restart timings of the worker supervisor (tests shorten them). */
  readonly supervisor?: Partial<SupervisorTimings>;
  /** Debounce of the topology draft autosave, ms (default 1000). */
  readonly autosaveDelayMs?: number;
  /** Timers for the RPC servers, the heartbeat and the autosave (tests inject a manual clock). */
  readonly scheduler?: Scheduler;
  /** Problems worth a log line (refused calls, worker crashes). Default: console.warn. */
  readonly log?: (message: string) => void;
  /**
   * The folder of guided labs. Default: the repository's labs/; a packaged app passes the copy
   * under process.resourcesPath.
   */
  readonly labsDir?: string;
  /** Draws the workspace's learner seed, once (default: a cryptographic random integer; tests fix it). */
  readonly labSeed?: () => number;
}

export interface Host {
  readonly workspaceDir: string;
  /** Serves one contract on one port until the port closes or the result is disposed. */
  connect(contract: HostContractName, port: PortLike): Disposable;
  /** Closes every connection, flushes the autosave, stops the worker and closes the database. */
  dispose(): Promise<void>;
}

/** Opens the workspace (running its migrations) and starts the fabric worker. */
export async function createHost(options: HostOptions): Promise<Host> {
  const log = options.log ?? ((m: string) => console.warn(`[underlay host] ${m}`));
  const scheduler = options.scheduler ?? realScheduler;
  const store = await WorkspaceStore.open(options.workspaceDir);
  let supervisor: FabricSupervisor;
  try {
    supervisor = new FabricSupervisor({ spawn: () => spawnFabricWorker(options.workerScript), timings: options.supervisor, scheduler, log });
    // A worker that cannot start leaves the host up (the workspace still works) in the `failed`
    // state, which the host contract reports; restartWorker() tries again.
    const started = await supervisor.start();
    if (started.state === 'failed') log(`the fabric worker could not be started: ${started.lastProblem ?? 'unknown problem'}`);
  } catch (e) {
    await store.close();
    throw e;
  }
  const workspace = new WorkspaceService(store, {
    exportPcapng: () => supervisor.exportPcapng(),
    scheduler,
    autosaveDelayMs: options.autosaveDelayMs,
  });
  const host: Implementation<HostApi> = {
    info: () => ({ version: options.version ?? '0.0.0', mode: options.mode ?? 'headless', workspaceDir: store.dir }),
    workerStatus: () => supervisor.status(),
    restartWorker: () => supervisor.restart('requested', 'restart asked for by the user'),
  };
  // Lab checks are graded by the worker on the live world: the run the learner's consoles drove.
  const catalogue = new LabCatalogue(options.labsDir);
  // The catalogue reads and checks every lab the first time it is listed (~150 ms on this thread,
  // where every relayed answer waits). Done right after start-up instead, it overlaps with the page
  // loading its script, and the page's own labs.list finds it ready.
  const warmLabs = scheduler.schedule(0, () => catalogue.list());
  const labs = createLabService({
    catalogue,
    store,
    newSeed: options.labSeed ?? (() => randomInt(1, 0x7fff_ffff)),
    grade: async (checks) => {
      const context = { signal: { aborted: false, addEventListener() {}, removeEventListener() {} } };
      const [results, timeNs] = await Promise.all([supervisor.implementation.labCheck(checks, context), supervisor.implementation.now(context)]);
      return { results, timeNs };
    },
    arm: (actions) => Promise.resolve(supervisor.implementation.labScenario(actions, { signal: { aborted: false, addEventListener() {}, removeEventListener() {} } })),
    log,
  });
  const hostEvents: EventSources<HostEvents> = { workerState: supervisor.onDidChangeState, workerRestarted: supervisor.onDidRestart };

  const servers = new Set<RpcServer<unknown, unknown>>();
  const onProblem = (contract: string) => (p: RpcProblem) => log(`${contract}: ${p.code}${p.method ? ` (${p.method})` : ''}: ${p.message}`);
  let disposed = false;

  return {
    workspaceDir: store.dir,
    connect(contract, port) {
      if (disposed) {
        port.close();
        return toDisposable(() => {});
      }
      const serverOptions = { scheduler, onProblem: onProblem(contract) };
      let server: RpcServer<unknown, unknown>;
      switch (contract) {
        case 'simulation':
          server = new RpcServer(port, simulationContract, supervisor.implementation, supervisor.events, serverOptions) as RpcServer<unknown, unknown>;
          break;
        case 'workspace':
          server = new RpcServer(port, workspaceContract, workspace.implementation, workspace.events, serverOptions) as RpcServer<unknown, unknown>;
          break;
        case 'host':
          server = new RpcServer(port, hostContract, host, hostEvents, serverOptions) as RpcServer<unknown, unknown>;
          break;
        case 'labs':
          server = new RpcServer(port, labsContract, labs, {}, serverOptions) as RpcServer<unknown, unknown>;
          break;
        default:
          // A name from an untyped caller (the preload, a URL): refuse rather than guess.
          port.close();
          throw new Error(`no contract named "${String(contract)}"`);
      }
      servers.add(server);
      const forget = port.onClose(() => servers.delete(server));
      return toDisposable(() => {
        forget.dispose();
        servers.delete(server);
        server.dispose();
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      warmLabs.dispose();
      for (const s of [...servers]) s.dispose();
      servers.clear();
      await workspace.dispose(); // flushes a pending autosave
      await supervisor.dispose();
      await store.close();
    },
  };
}
