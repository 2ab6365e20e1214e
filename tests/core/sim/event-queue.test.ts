import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.ts';
import { type EventHandler, EventQueue } from '../../../core/sim/event-queue.ts';

const H: EventHandler<unknown> = { handleEvent() {} };

/** Pops everything, returning the payloads in order. */
function drain(q: EventQueue): unknown[] {
  const out: unknown[] = [];
  while (q.shift(Infinity)) out.push(q.curPayload);
  return out;
}

describe('EventQueue', () => {
  it('pops by time, and equal times in insertion order', () => {
    const q = new EventQueue();
    const input: [number, string][] = [
      [5, 'a'], [1, 'b'], [5, 'c'], [0, 'd'], [1, 'e'], [5, 'f'], [3, 'g'], [0, 'h'],
    ];
    for (const [t, name] of input) q.push(t, H, 0, name);
    expect(q.size).toBe(8);
    expect(drain(q)).toEqual(['d', 'h', 'b', 'e', 'g', 'a', 'c', 'f']);
    expect(q.size).toBe(0);
  });

  it('loads time, target, kind and payload of the popped event', () => {
    const q = new EventQueue();
    const target: EventHandler<unknown> = { handleEvent() {} };
    q.push(42, target, 7, 'p');
    expect(q.shift(41)).toBe(false);
    expect(q.shift(42)).toBe(true);
    expect([q.curTime, q.curTarget, q.curKind, q.curPayload]).toEqual([42, target, 7, 'p']);
  });

  it('equals a stable sort by time for random interleavings of push, pop and cancel (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('push', 'push', 'push', 'pop', 'cancel'), fc.integer({ min: 0, max: 20 }), fc.nat()), { maxLength: 400 }),
        (ops) => {
          const q = new EventQueue();
          // The model: a list of live events; popping takes the earliest time, first inserted.
          let model: { t: number; id: number; seq: number }[] = [];
          let seq = 0;
          let lastTime = 0;
          for (const [op, dt, pick] of ops) {
            if (op === 'push') {
              const t = lastTime + dt; // never schedule before the last popped time, like the simulator
              const id = q.push(t, H, 0, seq);
              model.push({ t, id, seq: seq++ });
            } else if (op === 'pop') {
              const ok = q.shift(Infinity);
              if (model.length === 0) {
                expect(ok).toBe(false);
                continue;
              }
              let best = 0;
              for (let i = 1; i < model.length; i++) if (model[i].t < model[best].t) best = i;
              expect(ok).toBe(true);
              expect([q.curTime, q.curPayload]).toEqual([model[best].t, model[best].seq]);
              lastTime = model[best].t;
              model.splice(best, 1);
            } else if (model.length > 0) {
              const victim = model[pick % model.length];
              expect(q.cancel(victim.id)).toBe(true);
              expect(q.cancel(victim.id)).toBe(false);
              model = model.filter((m) => m !== victim);
            }
            expect(q.size).toBe(model.length);
          }
          const rest = drain(q);
          expect(rest).toEqual([...model].sort((a, b) => a.t - b.t || a.seq - b.seq).map((m) => m.seq));
        },
      ),
      { numRuns: 300, seed: 20_240_601 },
    );
  });

  it('orders a large random heap correctly and grows past its initial capacity', () => {
    const q = new EventQueue();
    const r = Rng.stream(1, 'eq-large');
    const events: { t: number; seq: number }[] = [];
    for (let seq = 0; seq < 20_000; seq++) {
      const t = r.int(0, 500); // many ties
      events.push({ t, seq });
      q.push(t, H, 0, seq);
    }
    const expected = [...events].sort((a, b) => a.t - b.t || a.seq - b.seq).map((e) => e.seq);
    const got = drain(q);
    // Report the first difference, not a 20,000-element diff.
    expect(got.length).toBe(expected.length);
    expect(got.findIndex((v, i) => v !== expected[i])).toBe(-1);
  });

  it('cancels lazily and compacts when most entries are dead', () => {
    const q = new EventQueue();
    const ids = Array.from({ length: 1000 }, (_, i) => q.push(i, H, 0, i));
    for (let i = 0; i < 1000; i++) if (i % 10 !== 0) expect(q.cancel(ids[i])).toBe(true);
    expect(q.size).toBe(100);
    expect(drain(q)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
  });

  it('makes ids stale once their event ran, even when the slot is reused', () => {
    const q = new EventQueue();
    const a = q.push(1, H, 0, 'a');
    expect(q.isPending(a)).toBe(true);
    expect(q.shift(Infinity)).toBe(true);
    expect(q.isPending(a)).toBe(false);
    const b = q.push(2, H, 0, 'b'); // reuses a's slot
    expect(b).not.toBe(a);
    expect(q.cancel(a)).toBe(false);
    expect(q.isPending(b)).toBe(true);
    expect(drain(q)).toEqual(['b']);
    expect(q.isPending(-1)).toBe(false);
    expect(q.isPending(Number.NaN)).toBe(false);
    expect(q.cancel(123_456_789)).toBe(false);
  });

  it('skips a cancelled head when reporting the next time', () => {
    const q = new EventQueue();
    const a = q.push(1, H, 0, 'a');
    q.push(9, H, 0, 'b');
    q.cancel(a);
    expect(q.nextTime()).toBe(9);
    q.clear();
    expect(q.nextTime()).toBe(Infinity);
    expect(q.size).toBe(0);
  });
});
