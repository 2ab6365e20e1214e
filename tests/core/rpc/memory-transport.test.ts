/** The shared RPC suite over in-memory ports, with structuredClone standing in for a real port's copy. */
import type { SimulationApi, SimulationEvents } from '../../../core/contract/simulation.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createMemoryPortPair } from '../../../core/rpc/memory-port.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { fakeSimulation } from './support/fake-simulation.ts';
import { rpcSuite } from './support/rpc-suite.ts';

rpcSuite('in-memory ports', async () => {
  const [clientPort, serverPort] = createMemoryPortPair({ clone: (m, transfer) => structuredClone(m, { transfer: [...transfer] }) });
  const fake = fakeSimulation();
  const server = new RpcServer(serverPort, simulationContract, fake.implementation, fake.events, { scheduler: realScheduler });
  const client = new RpcClient<SimulationApi, SimulationEvents>(clientPort, simulationContract);
  return {
    client,
    async close() {
      server.dispose();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
});
