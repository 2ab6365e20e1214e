/** Plain words for a failed call, for the status line (never a stack trace). */
import { RpcError, RpcErrorCode } from '../../../core/rpc/errors.ts';

export function describeCallError(action: string, error: unknown): string {
  if (error instanceof RpcError) {
    switch (error.code) {
      case RpcErrorCode.DISCONNECTED:
        return `${action}: not connected to the Underlay host. It will be retried once the connection is back.`;
      case RpcErrorCode.UNAVAILABLE:
        return `${action}: the simulation is not available right now (${error.message}).`;
      case RpcErrorCode.TIMEOUT:
        return `${action}: the host took too long to answer.`;
      case RpcErrorCode.CANCELLED:
        return `${action}: cancelled.`;
      default:
        return `${action}: ${error.message}`;
    }
  }
  return `${action}: ${error instanceof Error ? error.message : String(error)}`;
}
