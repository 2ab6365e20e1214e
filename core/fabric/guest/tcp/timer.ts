/**
 * A restartable deadline on the simulator that is cheap to move: at most one event is pending, and
 * pushing the deadline later (the common case: a retransmission timer restarted by every ACK) only
 * changes a field. When the event fires before the deadline it re-schedules itself for the
 * deadline; only moving the deadline earlier cancels and re-schedules.
 *
 * The owner schedules nothing itself: its `handleEvent(kind)` calls `expired()` for this timer's
 * kind and acts only when that returns true.
 */
import type { EventHandler, EventId, Simulator } from '../../../sim/simulator.ts';

const NONE = -1;

export class Deadline {
  private at = NONE;
  private eventId: EventId = NONE;
  private eventAt = NONE;

  constructor(
    private readonly sim: Simulator,
    private readonly target: EventHandler<unknown>,
    private readonly kind: number,
  ) {}

  get armed(): boolean {
    return this.at !== NONE;
  }

  /** The absolute deadline in ns, or −1 when stopped. */
  get deadline(): number {
    return this.at;
  }

  /** Sets the deadline to the absolute time `at` (≥ now), replacing any earlier setting. */
  arm(at: number): void {
    this.at = at;
    if (this.eventId !== NONE) {
      if (this.eventAt <= at) return;
      this.sim.cancel(this.eventId);
    }
    this.eventAt = at;
    this.eventId = this.sim.scheduleAt(at, this.target, this.kind);
  }

  /** Stops the timer (a pending event will find nothing to do). */
  stop(): void {
    this.at = NONE;
  }

  /** Stops the timer and cancels its event (when the owner goes away). */
  dispose(): void {
    this.at = NONE;
    if (this.eventId !== NONE) this.sim.cancel(this.eventId);
    this.eventId = NONE;
  }

  /** Call from the owner's handleEvent for this timer's kind: true when the deadline has passed. */
  expired(): boolean {
    this.eventId = NONE;
    if (this.at === NONE) return false;
    const now = this.sim.now();
    if (now < this.at) {
      this.eventAt = this.at;
      this.eventId = this.sim.scheduleAt(this.at, this.target, this.kind);
      return false;
    }
    this.at = NONE;
    return true;
  }
}
