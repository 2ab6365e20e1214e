/**
 * Rate-limits one pushed event to one message per window (DESIGN.md §7: ≤ 30 per second).
 *
 * The first value after a quiet period is sent at once (a click's effect shows immediately) and
 * opens a window; values arriving inside the window wait and go out together when it ends, which
 * opens the next window. So messages are at least `intervalMs` apart: with the default of 34 ms,
 * any one second holds at most 30 of them.
 */
import type { Disposable } from '../base/event.ts';
import type { EventSpec } from '../contract/spec.ts';
import type { Scheduler } from './scheduler.ts';

/** Any one second holds at most ⌊1000 / 34⌋ + 1 = 30 sends (33 ms would allow 31). */
export const DEFAULT_EVENT_INTERVAL_MS = 34;

export type FlushEvent = (values: readonly unknown[], dropped: number) => void;

export class EventCoalescer implements Disposable {
  private pending: unknown[] = [];
  private dropped = 0;
  private window: Disposable | null = null;
  private disposed = false;

  constructor(
    private readonly spec: EventSpec,
    private readonly scheduler: Scheduler,
    private readonly intervalMs: number,
    private readonly flush: FlushEvent,
  ) {}

  push(value: unknown): void {
    if (this.disposed) return;
    if (this.window === null) {
      this.openWindow();
      this.flush([value], 0);
      return;
    }
    if (this.spec.coalesce === 'latest') this.pending[0] = value;
    else if (this.pending.length < this.spec.maxQueued) this.pending.push(value);
    else this.dropped++;
  }

  dispose(): void {
    this.disposed = true;
    this.window?.dispose();
    this.window = null;
    this.pending = [];
  }

  private openWindow(): void {
    this.window = this.scheduler.schedule(this.intervalMs, () => this.closeWindow());
  }

  private closeWindow(): void {
    this.window = null;
    if (this.disposed || (this.pending.length === 0 && this.dropped === 0)) return;
    const values = this.pending;
    const dropped = this.dropped;
    this.pending = [];
    this.dropped = 0;
    this.openWindow();
    this.flush(values, dropped);
  }
}
