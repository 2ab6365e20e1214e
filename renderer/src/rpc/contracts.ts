/**
 * The contracts the renderer speaks, by name, and the client type of each. The connection store
 * opens one port per entry, so adding a service here is all it takes to connect to it.
 */
import { hostContract, type HostApi, type HostEvents } from '../../../core/contract/host.ts';
import { labsContract, type LabsApi, type LabsEvents } from '../../../core/contract/labs.ts';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { workspaceContract, type WorkspaceApi, type WorkspaceEvents } from '../../../core/contract/workspace.ts';
import type { RpcClient } from '../../../core/rpc/client.ts';
import type { ContractName } from '../transport/connector.ts';

export const contracts = {
  simulation: simulationContract,
  workspace: workspaceContract,
  host: hostContract,
  labs: labsContract,
} as const satisfies Record<ContractName, unknown>;

export interface Clients {
  readonly simulation: RpcClient<SimulationApi, SimulationEvents>;
  readonly workspace: RpcClient<WorkspaceApi, WorkspaceEvents>;
  readonly host: RpcClient<HostApi, HostEvents>;
  readonly labs: RpcClient<LabsApi, LabsEvents>;
}
