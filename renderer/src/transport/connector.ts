/**
 * What the app needs from a transport: given a contract's name, a port to its service. Electron and
 * browser mode each provide one (electron.ts, websocket.ts); tests provide in-memory ones. The
 * connection store owns retries, so a connector makes one attempt and says in plain words why it
 * failed.
 */
import type { PortLike } from '../../../core/rpc/port.ts';

/** The services the renderer talks to, one port each. */
export type ContractName = 'simulation' | 'workspace' | 'host' | 'labs';

export type Connector = (contract: ContractName) => Promise<PortLike>;

/**
 * A failed attempt. `fatal` means trying again cannot help (the page was opened without its access
 * token, the preload is missing): the store then stops retrying and shows the reason.
 */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** A message for people from whatever a connector threw. */
export function reasonOf(error: unknown): string {
  if (error instanceof ConnectError) return error.message;
  if (error instanceof Error && error.message) return `Could not connect: ${error.message}`;
  return 'Could not connect to the Underlay host.';
}
