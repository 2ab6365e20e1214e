/** A PortSink serving the fake simulation on 'simulation' ports, recording every connection. */
import { toDisposable } from '../../../../core/base/event.ts';
import { simulationContract } from '../../../../core/contract/simulation.ts';
import { RpcServer } from '../../../../core/rpc/server.ts';
import type { ContractName, PortSink } from '../../../../main/web/contracts.ts';
import { realScheduler } from '../../../../main/rpc/real-scheduler.ts';
import { fakeSimulation } from '../../../core/rpc/support/fake-simulation.ts';

export interface FakeSink extends PortSink {
  readonly connections: ContractName[];
  readonly disposed: ContractName[];
}

export function fakeSink(): FakeSink {
  const connections: ContractName[] = [];
  const disposed: ContractName[] = [];
  return {
    connections,
    disposed,
    connect(contract, port) {
      connections.push(contract);
      const fake = fakeSimulation();
      const server = contract === 'simulation' ? new RpcServer(port, simulationContract, fake.implementation, fake.events, { scheduler: realScheduler }) : undefined;
      return toDisposable(() => {
        disposed.push(contract);
        server?.dispose();
      });
    },
  };
}
