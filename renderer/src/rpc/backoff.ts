/**
 * When to try again after a failed connection attempt: doubling delays up to a ceiling, then give
 * up and let the person decide. No jitter: there is one client per host, so nothing to spread out,
 * and fixed delays keep the tests exact.
 */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** Failed attempts in a row before the store stops and reports "failed". */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 8_000, maxAttempts: 8 };

/** The delay after the `failures`-th failure in a row (1-based). */
export function retryDelay(policy: BackoffPolicy, failures: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1));
}
