/**
 * The host side of the renderer's tests, in this thread: a real simulation (main/host's
 * implementation of the contract over core's SimulationService, so real fabric, real frames), an
 * in-memory workspace and a host contract whose restart notice the test fires. `connector` is what
 * the connection store is started with: each call opens an in-memory port pair with a validating
 * RpcServer on the far end, as the real host does per connection. Ports copy messages with
 * structuredClone, as a real port does.
 */
import { Emitter } from '../../../core/base/event.ts';
import { hostContract, type HostApi, type HostEvents, type WorkerRestarted, type WorkerStatus } from '../../../core/contract/host.ts';
import { labsContract } from '../../../core/contract/labs.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import { workspaceContract } from '../../../core/contract/workspace.ts';
import { createMemoryPortPair } from '../../../core/rpc/memory-port.ts';
import type { PortLike } from '../../../core/rpc/port.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import type { Implementation } from '../../../core/rpc/service-types.ts';
import { createSimulationHost } from '../../../main/host/simulation-host.ts';
import { LabCatalogue } from '../../../main/host/lab-catalogue.ts';
import { createLabService } from '../../../main/host/lab-service.ts';
import { labProgressDouble } from '../labs/lab-progress-double.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { ConnectError, type Connector, type ContractName } from '../../../renderer/src/transport/connector.ts';
import { workspaceDouble } from './workspace-double.ts';

export interface Harness {
  readonly connector: Connector;
  /** Server ends of the ports open now. */
  readonly open: ReadonlySet<PortLike>;
  /** Connections made so far, per contract. */
  readonly connections: Record<ContractName, number>;
  /** Closes every open connection from the host's side (a host restart, a network blip). */
  dropAll(): void;
  /** Makes the next `count` connection attempts fail with `reason` (their simulation port is refused). */
  refuse(count: number, reason?: string): void;
  /** Fires the host contract's workerRestarted event. */
  restart(notice: WorkerRestarted): void;
  /** Sets the worker status the host contract reports, and fires workerState. */
  setWorker(status: WorkerStatus): void;
  /** restartWorker() calls received. */
  readonly restartRequests: number;
  /** Calls the simulation contract's server received so far, by method (the texts of filterCheck's). */
  readonly simulationCalls: ReadonlyMap<string, readonly unknown[][]>;
  dispose(): void;
}

export function createHarness(): Harness {
  const simulation = createSimulationHost({ yieldNow: () => new Promise<void>((resolve) => setTimeout(resolve, 0)) });
  // The same implementation, each call's arguments noted by method.
  const simulationCalls = new Map<string, unknown[][]>();
  const countedSimulation = Object.fromEntries(
    Object.entries(simulation.implementation).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        const list = simulationCalls.get(name) ?? [];
        list.push(args.slice(0, -1)); // the last argument is the call context
        simulationCalls.set(name, list);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as typeof simulation.implementation;
  const workspace = workspaceDouble();
  // The labs service for real: labs/ from the repository, graded on this thread's live simulation.
  const never = { signal: { aborted: false, addEventListener() {}, removeEventListener() {} } };
  const labs = createLabService({
    catalogue: new LabCatalogue(),
    store: labProgressDouble(),
    newSeed: () => 1, // the tests read seed-1 names
    arm: async (actions) => simulation.implementation.labScenario(actions, never),
    grade: async (checks) => ({ results: await simulation.implementation.labCheck(checks, never), timeNs: await simulation.implementation.now(never) }),
  });
  const workerState = new Emitter<WorkerStatus>();
  const workerRestarted = new Emitter<WorkerRestarted>();
  let status: WorkerStatus = { state: 'ready', restarts: 0, lastProblem: null };
  let restartRequests = 0;
  const host: Implementation<HostApi> = {
    info: () => ({ version: 'test', mode: 'headless', workspaceDir: '/tmp/underlay-test' }),
    workerStatus: () => status,
    restartWorker: () => {
      restartRequests++;
      status = { state: 'ready', restarts: status.restarts + 1, lastProblem: status.lastProblem };
      return status;
    },
  };
  const hostEvents = { workerState: workerState.event, workerRestarted: workerRestarted.event } satisfies { [K in keyof HostEvents]: unknown };

  const open = new Set<PortLike>();
  const connections: Record<ContractName, number> = { simulation: 0, workspace: 0, host: 0, labs: 0 };
  let refusals: { count: number; reason: string } = { count: 0, reason: '' };
  const servers = new Set<{ dispose(): void }>();

  const serve = (contract: ContractName, port: PortLike) => {
    const options = { scheduler: realScheduler };
    switch (contract) {
      case 'simulation':
        return new RpcServer(port, simulationContract, countedSimulation, simulation.events, options);
      case 'workspace':
        return new RpcServer(port, workspaceContract, workspace.implementation, workspace.events, options);
      case 'host':
        return new RpcServer(port, hostContract, host, hostEvents, options);
      case 'labs':
        return new RpcServer(port, labsContract, labs, {}, options);
    }
  };

  const connector: Connector = async (contract) => {
    if (contract === 'simulation' && refusals.count > 0) {
      refusals = { ...refusals, count: refusals.count - 1 };
      throw new ConnectError(refusals.reason);
    }
    const [client, server] = createMemoryPortPair({ clone: (m, transfer) => structuredClone(m, { transfer: [...transfer] }) });
    connections[contract]++;
    open.add(server);
    const rpc = serve(contract, server);
    servers.add(rpc);
    server.onClose(() => {
      open.delete(server);
      servers.delete(rpc);
    });
    return client;
  };

  return {
    connector,
    open,
    connections,
    dropAll() {
      for (const p of [...open]) p.close();
    },
    refuse(count, reason = 'The test host refused the connection.') {
      refusals = { count, reason };
    },
    restart(notice) {
      workerRestarted.fire(notice);
    },
    setWorker(next) {
      status = next;
      workerState.fire(next);
    },
    get restartRequests() {
      return restartRequests;
    },
    simulationCalls,
    dispose() {
      for (const s of [...servers]) s.dispose();
      simulation.dispose();
    },
  };
}
