/**
 * The fabric worker's entry (a worker_threads thread): serves the simulation contract over the
 * thread's parentPort. The supervisor in main relays renderer calls here (already validated there;
 * this server validates again, as every server does) and pings `now()` as a heartbeat.
 *
 * Runs as TypeScript through tsx in plain Node (see worker-spawn.ts) and as a bundled file in
 * Electron; it has no other entry points.
 */
import { parentPort } from 'node:worker_threads';
import { simulationContract } from '../../core/contract/simulation.ts';
import { RpcServer } from '../../core/rpc/server.ts';
import { realScheduler } from '../rpc/real-scheduler.ts';
import { messagePortPort } from '../rpc/worker-port.ts';
import { createSimulationHost } from './simulation-host.ts';

if (!parentPort) throw new Error('fabric-worker.ts runs as a worker thread (see main/host/worker-spawn.ts)');

const simulation = createSimulationHost({ yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)) });
const server = new RpcServer(messagePortPort(parentPort), simulationContract, simulation.implementation, simulation.events, {
  scheduler: realScheduler,
  // Problems here are the supervisor's bugs, not a user's: they reach main as error answers already.
  onProblem: () => {},
});
parentPort.once('close', () => {
  server.dispose();
  simulation.dispose();
});
