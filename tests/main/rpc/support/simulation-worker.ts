/** A worker thread serving the fake simulation over its parentPort (started by worker-transport.test.ts). */
import { parentPort } from 'node:worker_threads';
import { simulationContract } from '../../../../core/contract/simulation.ts';
import { RpcServer } from '../../../../core/rpc/server.ts';
import { messagePortPort } from '../../../../main/rpc/worker-port.ts';
import { realScheduler } from '../../../../main/rpc/real-scheduler.ts';
import { fakeSimulation } from '../../../core/rpc/support/fake-simulation.ts';

if (!parentPort) throw new Error('run me as a worker');
const fake = fakeSimulation();
new RpcServer(messagePortPort(parentPort), simulationContract, fake.implementation, fake.events, { scheduler: realScheduler });
