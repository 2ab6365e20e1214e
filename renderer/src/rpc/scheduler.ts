/** The RPC's scheduler on the page's timers (core has no wall clock; see core/rpc/scheduler.ts). */
import { toDisposable } from '../../../core/base/event.ts';
import type { Scheduler } from '../../../core/rpc/scheduler.ts';

export const pageScheduler: Scheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(task, delayMs);
    return toDisposable(() => clearTimeout(timer));
  },
};
