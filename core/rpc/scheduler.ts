/**
 * Time for the RPC (event coalescing windows, call timeouts), injected because core has no wall
 * clock: the host passes real timers (main/rpc/real-scheduler.ts), tests a manual clock.
 */
import type { Disposable } from '../base/event.ts';

export interface Scheduler {
  /** Runs `task` once after `delayMs` milliseconds unless the result is disposed first. */
  schedule(delayMs: number, task: () => void): Disposable;
}
