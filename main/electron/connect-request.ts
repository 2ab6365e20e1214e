/**
 * The page's one request to main: "give me a port for this contract". The preload sends it with
 * ipcRenderer.postMessage(CONNECT_CHANNEL, { contract }, [port]); main checks who asks and for
 * what before handing the port to the host. Anything but our own top frame asking for one of the
 * three contracts with exactly one port is refused.
 */
import { isContractName, type ContractName } from '../web/contracts.ts';
import { isAppUrl } from './policy.ts';

export const CONNECT_CHANNEL = 'underlay:connect';
/** What the preload posts to the page with the port (renderer/src/transport/electron.ts). */
export const PORT_MESSAGE_TYPE = 'underlay:port';

export interface ConnectFacts {
  readonly message: unknown;
  readonly ports: number;
  /** The sending frame's URL and whether it is the window's top frame. */
  readonly frameUrl: string | undefined;
  readonly topFrame: boolean;
  /** The page's origin (policy.ts pageOrigin). */
  readonly origin: string;
}

export type ConnectDecision = { readonly ok: true; readonly contract: ContractName } | { readonly ok: false; readonly reason: string };

export function decideConnect(facts: ConnectFacts): ConnectDecision {
  if (!facts.topFrame) return { ok: false, reason: 'asked from a subframe' };
  if (!facts.frameUrl || !isAppUrl(facts.frameUrl, facts.origin)) return { ok: false, reason: `asked from ${facts.frameUrl ?? 'an unknown frame'}` };
  if (facts.ports !== 1) return { ok: false, reason: `came with ${facts.ports} ports` };
  const contract = typeof facts.message === 'object' && facts.message !== null ? (facts.message as { contract?: unknown }).contract : undefined;
  if (!isContractName(contract)) return { ok: false, reason: `no contract named ${JSON.stringify(contract)}` };
  return { ok: true, contract };
}
