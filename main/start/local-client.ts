/**
 * The shell's own client of a host contract: an in-memory port pair, one end served by the host
 * exactly like a renderer's port (so the same validation applies), the other driven by main. The
 * Electron menus use it to import files and export captures without going through the page.
 */
import type { Contract } from '../../core/contract/spec.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { createMemoryPortPair } from '../../core/rpc/memory-port.ts';
import type { PortSink, ContractName } from '../web/contracts.ts';

export function localClient<Api, Events>(sink: PortSink, name: ContractName, contract: Contract<Api, Events>): RpcClient<Api, Events> {
  const [mine, theirs] = createMemoryPortPair();
  sink.connect(name, theirs);
  return new RpcClient<Api, Events>(mine, contract);
}
