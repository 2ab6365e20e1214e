import { describe, expect, it } from 'vitest';
import { type EventHandler, Simulator } from '../../../core/sim/simulator.ts';
import { MAX_SIM_TIME, formatSimTime, msToNs, secondsToNs, usToNs } from '../../../core/sim/time.ts';

/** A simulator plus a log of `name@time` entries written by closure events. */
function logged(options = {}) {
  const sim = new Simulator(options);
  const log: string[] = [];
  const at = (t: number, name: string, then?: () => void) =>
    sim.callAt(t, () => {
      log.push(`${name}@${sim.now()}`);
      then?.();
    });
  return { sim, log, at };
}

describe('Simulator: scheduling', () => {
  it('calls target.handleEvent(kind, payload) at the scheduled time, without closures', () => {
    const sim = new Simulator();
    const seen: [number, number, string][] = [];
    const target: EventHandler<string> = { handleEvent: (kind, payload) => seen.push([sim.now(), kind, payload]) };
    sim.schedule(10, target, 3, 'x');
    sim.scheduleAt(5, target, 4, 'y');
    sim.run();
    expect(seen).toEqual([
      [5, 4, 'y'],
      [10, 3, 'x'],
    ]);
  });

  it('runs same-time events in insertion order, zero-delay events after those already due', () => {
    const { sim, log, at } = logged();
    at(10, 'a', () => {
      sim.call(0, () => log.push(`a0@${sim.now()}`));
      sim.call(1, () => log.push(`a1@${sim.now()}`));
    });
    at(10, 'b');
    at(11, 'c');
    at(10, 'd');
    sim.run();
    // c was scheduled before a1, so at t=11 it runs first.
    expect(log).toEqual(['a@10', 'b@10', 'd@10', 'a0@10', 'c@11', 'a1@11']);
  });

  it('cancels by id; cancelling twice or after running is a no-op', () => {
    const { sim, log, at } = logged();
    const a = at(1, 'a');
    const b = at(2, 'b');
    at(3, 'c', () => expect(sim.cancel(a)).toBe(false));
    expect(sim.isPending(b)).toBe(true);
    expect(sim.cancel(b)).toBe(true);
    expect(sim.cancel(b)).toBe(false);
    expect(sim.isPending(b)).toBe(false);
    expect(sim.pendingEvents).toBe(2);
    sim.run();
    expect(log).toEqual(['a@1', 'c@3']);
    expect(sim.executedEvents).toBe(2);
  });

  it('rejects negative, fractional, non-finite and past times', () => {
    const sim = new Simulator();
    const fn = () => {};
    expect(() => sim.call(-1, fn)).toThrow(RangeError);
    expect(() => sim.call(0.5, fn)).toThrow(RangeError);
    expect(() => sim.call(Number.NaN, fn)).toThrow(RangeError);
    expect(() => sim.call(Infinity, fn)).toThrow(RangeError);
    expect(() => sim.call(MAX_SIM_TIME + 2, fn)).toThrow(RangeError);
    sim.call(MAX_SIM_TIME, fn); // the last representable instant is fine
    sim.run(100);
    expect(() => sim.callAt(99, fn)).toThrow(RangeError);
    expect(() => sim.run(50)).toThrow(RangeError);
    expect(() => new Simulator({ seed: -3 })).toThrow(RangeError);
    expect(() => new Simulator({ eventLimit: 1.5 })).toThrow(RangeError);
  });
});

describe('Simulator: run, step, pause', () => {
  it('run(until) runs events up to and including until, then leaves the clock at until', () => {
    const { sim, log, at } = logged();
    at(5, 'a');
    at(10, 'b', () => sim.call(0, () => log.push(`b0@${sim.now()}`))); // scheduled at until: runs
    at(11, 'c');
    expect(sim.run(10)).toBe('until');
    expect(log).toEqual(['a@5', 'b@10', 'b0@10']);
    expect(sim.now()).toBe(10);
    expect(sim.nextEventTime()).toBe(11);
  });

  it('run(until) moves the clock to until even when the queue drains earlier (runs compose)', () => {
    const { sim, log, at } = logged();
    at(3, 'a');
    expect(sim.run(100)).toBe('idle');
    expect(sim.now()).toBe(100);
    at(150, 'b');
    expect(sim.run(200)).toBe('idle');
    expect(log).toEqual(['a@3', 'b@150']);
    expect(sim.now()).toBe(200);
    expect(sim.isIdle).toBe(true);
    expect(sim.nextEventTime()).toBeUndefined();
  });

  it('run() without a bound stops at the last event, which is where the clock stays', () => {
    const { sim, at } = logged();
    at(7, 'a');
    at(42, 'b');
    expect(sim.run()).toBe('idle');
    expect(sim.now()).toBe(42);
    expect(sim.executedEvents).toBe(2);
  });

  it('step(n) executes exactly n events and leaves the clock at the last one', () => {
    const { sim, log, at } = logged();
    for (let i = 1; i <= 5; i++) at(i * 10, `e${i}`);
    expect(sim.step()).toBe(1);
    expect(sim.now()).toBe(10);
    expect(sim.step(3)).toBe(3);
    expect(sim.now()).toBe(40);
    expect(sim.step(10)).toBe(1);
    expect(sim.step(10)).toBe(0);
    expect(sim.now()).toBe(50);
    expect(log).toEqual(['e1@10', 'e2@20', 'e3@30', 'e4@40', 'e5@50']);
    expect(() => sim.step(-1)).toThrow(RangeError);
  });

  it('pause() from a handler returns from run after that event; run resumes where it stopped', () => {
    const { sim, log, at } = logged();
    at(1, 'a');
    at(2, 'b', () => sim.pause());
    at(2, 'c');
    at(3, 'd');
    expect(sim.run(10)).toBe('paused');
    expect(log).toEqual(['a@1', 'b@2']);
    expect(sim.now()).toBe(2); // not moved to until
    expect(sim.run(10)).toBe('idle');
    expect(log).toEqual(['a@1', 'b@2', 'c@2', 'd@3']);
    expect(sim.now()).toBe(10);
  });

  it('pause() also ends step early, and outside a run it does nothing', () => {
    const { sim, log, at } = logged();
    at(1, 'a', () => sim.pause());
    at(2, 'b');
    at(3, 'c');
    expect(sim.step(3)).toBe(1);
    sim.pause(); // no run in progress: must not cut the next one short
    expect(sim.step(3)).toBe(2);
    expect(log).toEqual(['a@1', 'b@2', 'c@3']);
  });

  it('stops a runaway model at the event limit', () => {
    const sim = new Simulator({ eventLimit: 1000 });
    const loop = () => sim.call(1, loop);
    loop();
    expect(sim.run()).toBe('event-limit');
    expect(sim.executedEvents).toBe(1000);
    expect(sim.now()).toBe(1000);
    expect(sim.run()).toBe('event-limit'); // stays stopped until the limit is raised
    expect(sim.executedEvents).toBe(1000);
    sim.eventLimit = 1500;
    expect(sim.step(10_000)).toBe(500);
    expect(sim.executedEvents).toBe(1500);
  });

  it('refuses re-entrant run and recovers from a throwing handler', () => {
    const { sim, log, at } = logged();
    at(1, 'a', () => expect(() => sim.run()).toThrow(/inside an event handler/));
    at(2, 'boom', () => {
      throw new Error('model bug');
    });
    at(3, 'c');
    expect(() => sim.run()).toThrow('model bug');
    expect(sim.isRunning).toBe(false);
    expect(sim.now()).toBe(2);
    expect(sim.run()).toBe('idle');
    expect(log).toEqual(['a@1', 'boom@2', 'c@3']);
  });

  it('hands out seeded random streams that depend only on (seed, name)', () => {
    const a = new Simulator({ seed: 5 }).rng('x').nextU32();
    const b = new Simulator({ seed: 5 }).rng('x').nextU32();
    const c = new Simulator({ seed: 6 }).rng('x').nextU32();
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('SimTime helpers', () => {
  it('convert and format exactly', () => {
    expect(usToNs(1.5)).toBe(1500);
    expect(msToNs(2)).toBe(2_000_000);
    expect(secondsToNs(0.000_000_001)).toBe(1);
    expect(formatSimTime(1_234_567_890)).toBe('1.234567890 s');
    expect(formatSimTime(MAX_SIM_TIME)).toBe('9007199.254740991 s');
  });
});
