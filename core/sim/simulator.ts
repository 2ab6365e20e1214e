/**
 * The discrete-event simulator: a virtual clock plus the pending-event queue, modelled on ns-3's
 * Simulator (Schedule / Run / Stop / Now) but as an object, so several simulations can coexist.
 *
 * Time only moves when an event runs (or when `run(until)` reaches `until`); nothing here reads a
 * wall clock. Pacing virtual time to wall time for animation is the host's job: it calls
 * `run(now + Δwall · speed)` on each frame. As-fast-as-possible batch runs call `run()`.
 *
 * Hot-path scheduling is `schedule(delay, target, kind, payload)`: no closure, no allocation
 * (`post`, for events never cancelled, does not even make an id — ids outgrow small integers). The
 * closure form `call(delay, fn)` is for tests, setup and rare events.
 *
 * Clock semantics (as ns-3 with Simulator::Stop(until)):
 *  - `run(until)` runs every event whose time is ≤ `until`, including events that those events
 *    schedule at ≤ `until`, then leaves the clock at exactly `until` — also when the queue drained
 *    earlier — so successive `run(t1)`, `run(t2)` calls compose like one run to t2.
 *  - `run()` (no bound) runs until the queue is empty; the clock stays at the last event's time.
 *  - `step(n)`, `pause()` and the event limit leave the clock at the last executed event's time.
 */
import { Rng } from '../base/rng.ts';
import { type EventHandler, type EventId, EventQueue } from './event-queue.ts';
import { MAX_SIM_TIME, type SimTime } from './time.ts';

export type { EventHandler, EventId } from './event-queue.ts';

export interface SimulatorOptions {
  /** Seed of every random stream drawn through `rng(name)`. Integer in [0, 2^53); default 1. */
  readonly seed?: number;
  /** Hard stop against runaway models: total events this simulator may ever execute. Default ∞. */
  readonly eventLimit?: number;
}

/**
 * Why `run` returned:
 *  - `until`: the clock reached `until` and later events remain;
 *  - `idle`: no events remain (the clock is at `until` if one was given);
 *  - `paused`: an event handler called `pause()`;
 *  - `event-limit`: `executedEvents` reached `eventLimit`.
 */
export type RunOutcome = 'until' | 'idle' | 'paused' | 'event-limit';

/** The handler of closure events: the payload is the function to call. */
const CALL: EventHandler<() => void> = {
  handleEvent(_kind: number, fn: () => void): void {
    fn();
  },
};

export class Simulator {
  readonly seed: number;
  private readonly queue = new EventQueue();
  private clock: SimTime = 0;
  private executed = 0;
  private limit: number;
  private running = false;
  private pauseRequested = false;

  constructor(options: SimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Simulator: seed must be an integer in [0, 2^53), got ${seed}`);
    this.seed = seed;
    this.limit = checkLimit(options.eventLimit ?? Infinity);
  }

  /** Current virtual time in integer nanoseconds. */
  now(): SimTime {
    return this.clock;
  }

  /** Events executed so far (cancelled events never count). */
  get executedEvents(): number {
    return this.executed;
  }

  /** Events scheduled and not yet run or cancelled. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** True when no event is pending: running now would do nothing but move the clock. */
  get isIdle(): boolean {
    return this.queue.size === 0;
  }

  /** True while inside `run` or `step` (i.e. during an event handler). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Total executed events after which `run`/`step` stop with `event-limit`. */
  get eventLimit(): number {
    return this.limit;
  }

  set eventLimit(n: number) {
    this.limit = checkLimit(n);
  }

  /** Time of the next pending event, or undefined when idle (lets a host skip idle stretches). */
  nextEventTime(): SimTime | undefined {
    const t = this.queue.nextTime();
    return t === Infinity ? undefined : t;
  }

  /**
   * Schedules `target.handleEvent(kind, payload)` to run `delayNs` from now. `delayNs` is an integer
   * ≥ 0; a delay of 0 runs after every event already scheduled for the current instant.
   */
  schedule<P>(delayNs: SimTime, target: EventHandler<P>, kind: number, payload?: P): EventId {
    const time = this.clock + delayNs;
    if (!(delayNs >= 0) || !(time <= MAX_SIM_TIME) || Math.floor(delayNs) !== delayNs) throw badTime('delay', delayNs, this.clock);
    return this.queue.push(time, target as EventHandler<unknown>, kind, payload);
  }

  /** Like `schedule`, at an absolute time ≥ now. */
  scheduleAt<P>(timeNs: SimTime, target: EventHandler<P>, kind: number, payload?: P): EventId {
    if (!(timeNs >= this.clock) || !(timeNs <= MAX_SIM_TIME) || Math.floor(timeNs) !== timeNs) throw badTime('time', timeNs, this.clock);
    return this.queue.push(timeNs, target as EventHandler<unknown>, kind, payload);
  }

  /**
   * `schedule` for events that will never be cancelled (a packet's arrival, a periodic send): no
   * id is made, so the hot path allocates nothing at all.
   */
  post<P>(delayNs: SimTime, target: EventHandler<P>, kind: number, payload?: P): void {
    const time = this.clock + delayNs;
    if (!(delayNs >= 0) || !(time <= MAX_SIM_TIME) || Math.floor(delayNs) !== delayNs) throw badTime('delay', delayNs, this.clock);
    this.queue.post(time, target as EventHandler<unknown>, kind, payload);
  }

  /** Like `post`, at an absolute time ≥ now. */
  postAt<P>(timeNs: SimTime, target: EventHandler<P>, kind: number, payload?: P): void {
    if (!(timeNs >= this.clock) || !(timeNs <= MAX_SIM_TIME) || Math.floor(timeNs) !== timeNs) throw badTime('time', timeNs, this.clock);
    this.queue.post(timeNs, target as EventHandler<unknown>, kind, payload);
  }

  /** Closure form of `schedule`, for tests, setup and rare events (allocates the closure). */
  call(delayNs: SimTime, fn: () => void): EventId {
    return this.schedule(delayNs, CALL, 0, fn);
  }

  /** Closure form of `scheduleAt`. */
  callAt(timeNs: SimTime, fn: () => void): EventId {
    return this.scheduleAt(timeNs, CALL, 0, fn);
  }

  /** Cancels a pending event; false when it already ran, was cancelled, or the id is unknown. */
  cancel(id: EventId): boolean {
    return this.queue.cancel(id);
  }

  /** True while the event is scheduled and has neither run nor been cancelled. */
  isPending(id: EventId): boolean {
    return this.queue.isPending(id);
  }

  /**
   * Runs events in (time, insertion) order; see the clock semantics at the top of this file.
   * An exception from a handler ends the run and propagates; that event counts as executed and
   * the simulator stays usable (the clock is left at the event's time).
   */
  run(untilNs: SimTime = Infinity): RunOutcome {
    if (untilNs !== Infinity && (!(untilNs >= this.clock) || !(untilNs <= MAX_SIM_TIME) || Math.floor(untilNs) !== untilNs)) {
      throw badTime('until', untilNs, this.clock);
    }
    this.enter();
    const q = this.queue;
    let outcome: RunOutcome | undefined;
    try {
      if (this.executed >= this.limit) outcome = 'event-limit';
      else {
        while (q.shift(untilNs)) {
          this.clock = q.curTime;
          const n = ++this.executed;
          q.curTarget.handleEvent(q.curKind, q.curPayload);
          if (this.pauseRequested) {
            outcome = 'paused';
            break;
          }
          if (n >= this.limit) {
            outcome = 'event-limit';
            break;
          }
        }
      }
    } finally {
      this.leave();
    }
    if (outcome !== undefined) return outcome;
    if (untilNs !== Infinity) this.clock = untilNs;
    return q.size === 0 ? 'idle' : 'until';
  }

  /**
   * Executes up to `n` events (fewer when the queue empties, a handler pauses, or the event limit
   * is reached) and returns how many ran.
   */
  step(n = 1): number {
    if (!(n >= 0) || Math.floor(n) !== n) throw new RangeError(`Simulator.step: n must be a non-negative integer, got ${n}`);
    this.enter();
    const q = this.queue;
    let done = 0;
    try {
      while (done < n && this.executed < this.limit && q.shift(Infinity)) {
        this.clock = q.curTime;
        this.executed++;
        done++;
        q.curTarget.handleEvent(q.curKind, q.curPayload);
        if (this.pauseRequested) break;
      }
    } finally {
      this.leave();
    }
    return done;
  }

  /**
   * Asks the current `run`/`step` to return right after the event that is executing now. Outside a
   * run it does nothing: there is nothing to interrupt, and a stale request must not cut the next
   * run short.
   */
  pause(): void {
    if (this.running) this.pauseRequested = true;
  }

  /**
   * The random stream `name` of this simulation: depends only on (seed, name). Each call returns a
   * new generator at the start of that stream, so give each consumer and decision its own name.
   */
  rng(name: string): Rng {
    return Rng.stream(this.seed, name);
  }

  private enter(): void {
    if (this.running) throw new Error('Simulator: run/step called from inside an event handler');
    this.running = true;
    this.pauseRequested = false;
  }

  private leave(): void {
    this.running = false;
    this.pauseRequested = false;
  }
}

function checkLimit(n: number): number {
  if (!(n >= 0) || (n !== Infinity && Math.floor(n) !== n)) throw new RangeError(`Simulator: eventLimit must be a non-negative integer or Infinity, got ${n}`);
  return n;
}

function badTime(what: string, value: number, now: number): RangeError {
  return new RangeError(`Simulator: ${what} ${value} is not a valid integer-ns instant at or after now (${now}) and within 2^53 ns`);
}
