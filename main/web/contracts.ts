/**
 * The contracts a renderer connects to, one port each. The same names travel over both shells:
 * browser mode's WebSocket paths (/rpc/<name>) and the preload's connect(name) in Electron.
 */
import type { Disposable } from '../../core/base/event.ts';
import type { PortLike } from '../../core/rpc/port.ts';

export const CONTRACT_NAMES = ['simulation', 'workspace', 'host', 'labs'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export function isContractName(value: unknown): value is ContractName {
  return typeof value === 'string' && (CONTRACT_NAMES as readonly string[]).includes(value);
}

/** What a shell hands each renderer port to: the host (main/host), or a fake in tests. */
export interface PortSink {
  connect(contract: ContractName, port: PortLike): Disposable;
}
