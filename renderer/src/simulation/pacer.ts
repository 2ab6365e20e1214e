/**
 * Plays the simulation: virtual time paced to wall time (1×, 0.1×, 0.01×…) or as fast as possible,
 * in bounded `run(until)` slices. Bounded because the supervisor serializes world-changing calls:
 * a command typed into a console during play waits for the current slice only, and pause takes
 * effect at the next slice. The clock and the timer are injected, so tests drive it without
 * waiting and the page passes performance.now and setTimeout.
 */

export type Speed = number | 'max';

export interface PacerDeps {
  /** Wall time in milliseconds (monotonic). */
  readonly clock: () => number;
  /** Runs `fn` after about `ms`; returns a cancel function. */
  readonly schedule: (fn: () => void, ms: number) => () => void;
  /** Virtual time now, in ns (as last reported). */
  readonly now: () => number;
  /** Runs the simulation to an absolute virtual time; resolves when that slice is done. */
  readonly runTo: (untilNs: number) => Promise<void>;
  /** Called after each slice (to refresh lists and the animation); errors stop play. */
  readonly afterSlice?: () => Promise<void> | void;
  readonly onStop?: (error: unknown) => void;
}

/** Wall time between slices when paced: ~15 per second is smooth enough for a strip or a canvas. */
export const TICK_MS = 66;
/** As fast as possible: the first slice's virtual length, then adapted to take ~TARGET_MS of wall time. */
export const MAX_FIRST_SLICE_NS = 10_000_000;
export const MAX_TARGET_MS = 150;
/** A paced slice never covers more than this much virtual time (a long-stalled tab must not jump minutes). */
export const MAX_PACED_SLICE_NS = 1_000_000_000;

export class Pacer {
  private cancel: (() => void) | null = null;
  private active = false;
  private speedValue: Speed = 1;
  /** Wall and virtual time at the last (re)anchoring: paced target = v0 + (wall − w0) · speed. */
  private w0 = 0;
  private v0 = 0;
  private maxSlice = MAX_FIRST_SLICE_NS;

  constructor(private readonly deps: PacerDeps) {}

  get playing(): boolean {
    return this.active;
  }

  get speed(): Speed {
    return this.speedValue;
  }

  /** Changes speed; while playing, pacing continues from where time is now. */
  setSpeed(speed: Speed): void {
    this.speedValue = speed;
    this.anchor();
  }

  play(): void {
    if (this.active) return;
    this.active = true;
    this.anchor();
    this.maxSlice = MAX_FIRST_SLICE_NS;
    this.next(0);
  }

  /** Stops after the slice in flight (if any). */
  stop(): void {
    this.active = false;
    this.cancel?.();
    this.cancel = null;
  }

  private anchor(): void {
    this.w0 = this.deps.clock();
    this.v0 = this.deps.now();
  }

  private next(ms: number): void {
    this.cancel = this.deps.schedule(() => {
      this.cancel = null;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (!this.active) return;
    const started = this.deps.clock();
    const now = this.deps.now();
    let target: number;
    if (this.speedValue === 'max') {
      target = now + this.maxSlice;
    } else {
      const paced = this.v0 + Math.round((started - this.w0) * 1e6 * this.speedValue);
      target = Math.min(paced, now + MAX_PACED_SLICE_NS);
    }
    try {
      if (target > now) await this.deps.runTo(target);
      await this.deps.afterSlice?.();
    } catch (e) {
      this.stop();
      this.deps.onStop?.(e);
      return;
    }
    if (!this.active) return;
    const took = this.deps.clock() - started;
    if (this.speedValue === 'max') {
      // Grow the slice while it is quick, shrink it when it is slow: each stays ~MAX_TARGET_MS.
      if (took < MAX_TARGET_MS / 2) this.maxSlice = Math.min(this.maxSlice * 2, 60_000_000_000);
      else if (took > MAX_TARGET_MS) this.maxSlice = Math.max(1000, Math.floor(this.maxSlice / 2));
      this.next(0);
    } else {
      this.next(Math.max(0, TICK_MS - took));
    }
  }
}
