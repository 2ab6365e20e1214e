/** A fresh Pinia per test, connected to a fresh harness, and a helper to let the RPC settle. */
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { expect } from 'vitest';
import type { BackoffPolicy } from '../../../renderer/src/rpc/backoff.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { createHarness, type Harness } from './harness.ts';

/** Fast retries, so reconnection tests take milliseconds. */
export const testBackoff: BackoffPolicy = { initialMs: 5, maxMs: 20, maxAttempts: 4 };

export interface Connected {
  readonly pinia: Pinia;
  readonly harness: Harness;
}

/** A Pinia and a harness; the connection starts (and, unless `wait` is false, comes up). */
export async function connected(options: { wait?: boolean; harness?: Harness } = {}): Promise<Connected> {
  const pinia = createPinia();
  setActivePinia(pinia);
  const harness = options.harness ?? createHarness();
  const connection = useConnectionStore(pinia);
  connection.start(harness.connector, { backoff: testBackoff });
  if (options.wait !== false) await expect.poll(() => connection.phase).toBe('connected');
  return { pinia, harness };
}

/** Resolves after pending port deliveries and coalesced events (34 ms windows) have gone through. */
export function settle(ms = 60): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
