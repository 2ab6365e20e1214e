/** A fake clock for the RPC's Scheduler: time moves only when a test calls advance(). */
import { toDisposable, type Disposable } from '../../../../core/base/event.ts';
import type { Scheduler } from '../../../../core/rpc/scheduler.ts';

interface Task {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

export class ManualScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private tasks: Task[] = [];

  get now(): number {
    return this.time;
  }

  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  schedule(delayMs: number, run: () => void): Disposable {
    const task: Task = { at: this.time + delayMs, seq: this.seq++, run, cancelled: false };
    this.tasks.push(task);
    return toDisposable(() => (task.cancelled = true));
  }

  /** Moves time forward by `ms`, running due tasks in time order (including ones they schedule). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.tasks.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.time = due.at;
      due.run();
    }
    this.time = end;
    this.tasks = this.tasks.filter((t) => !t.cancelled);
  }
}
