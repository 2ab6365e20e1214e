/** The RPC's scheduler on real timers, for hosts (core has no wall clock; see core/rpc/scheduler.ts). */
import { toDisposable } from '../../core/base/event.ts';
import type { Scheduler } from '../../core/rpc/scheduler.ts';

export const realScheduler: Scheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(task, delayMs);
    // A pending coalescing window or call time limit must not keep a process alive on its own.
    timer.unref?.();
    return toDisposable(() => clearTimeout(timer));
  },
};
