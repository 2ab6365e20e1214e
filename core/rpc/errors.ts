/**
 * Error codes of the RPC. Domain failures (a topology that does not parse, an unknown instance) are
 * results, not errors; these codes say the call itself could not be made or completed.
 */
export const RpcErrorCode = {
  /** The message is not an RPC message at all (garbage, wrong shape, undecodable frame). */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** The method is not in the contract's allowlist. */
  UNKNOWN_METHOD: 'UNKNOWN_METHOD',
  /** The event is not in the contract. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The arguments failed the contract's validator. */
  INVALID_ARGUMENTS: 'INVALID_ARGUMENTS',
  /** The caller cancelled. */
  CANCELLED: 'CANCELLED',
  /** No answer within the caller's time limit. */
  TIMEOUT: 'TIMEOUT',
  /** The connection closed before the answer came. */
  DISCONNECTED: 'DISCONNECTED',
  /** Too many calls in flight on one connection. */
  OVERLOADED: 'OVERLOADED',
  /** The service cannot take the call now (e.g. its worker is restarting). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The implementation failed (threw, or its result could not be sent). */
  INTERNAL: 'INTERNAL',
} as const;

export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(RpcErrorCode));

export function isRpcErrorCode(value: unknown): value is RpcErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/** What a failed call rejects with; an implementation may throw one to choose the code. */
export class RpcError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Longest error message sent: messages quote caller input, which may be huge. */
export const MAX_ERROR_MESSAGE = 1000;

export function clip(text: string, max = MAX_ERROR_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
