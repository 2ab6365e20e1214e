import { describe, expect, it } from 'vitest';
import { Emitter } from '../../../core/base/event.ts';
import { TraceRegistry } from '../../../core/sim/trace-registry.ts';
import { type Traceable, TraceSource } from '../../../core/sim/trace.ts';

class Widget implements Traceable {
  readonly onDidPing = new TraceSource<number>('ping', 'pinged');
  readonly onDidDrop = new TraceSource<{ reason: string }>('drop');
  traceSources() {
    return [this.onDidPing, this.onDidDrop];
  }
}

describe('TraceSource', () => {
  it('is inactive without sinks, delivers to each sink in order, and stops after dispose', () => {
    const src = new TraceSource<number>('x');
    expect(src.active).toBe(false);
    src.fire(1); // nobody listens: nothing happens
    const got: string[] = [];
    const d1 = src.subscribe((v) => got.push(`a${v}`));
    const d2 = src.subscribe((v) => got.push(`b${v}`));
    expect(src.active).toBe(true);
    src.fire(2);
    d1.dispose();
    d1.dispose(); // idempotent
    src.fire(3);
    d2.dispose();
    src.fire(4);
    expect(got).toEqual(['a2', 'b2', 'b3']);
    expect(src.active).toBe(false);
  });

  it('lets a sink unsubscribe itself or add another while firing', () => {
    const src = new TraceSource<number>('x');
    const got: string[] = [];
    const once = src.subscribe((v) => {
      got.push(`once${v}`);
      once.dispose();
      src.subscribe((w) => got.push(`late${w}`));
    });
    src.subscribe((v) => got.push(`keep${v}`));
    src.fire(1);
    src.fire(2);
    expect(got).toEqual(['once1', 'keep1', 'keep2', 'late2']);
  });
});

describe('TraceRegistry', () => {
  it('finds sources by path and name and describes them', () => {
    const reg = new TraceRegistry();
    const w = new Widget();
    reg.add('tor0/eth1', w);
    expect(reg.paths()).toEqual(['tor0/eth1']);
    expect(reg.describe('tor0/eth1')).toEqual([
      { name: 'ping', description: 'pinged' },
      { name: 'drop', description: '' },
    ]);
    const got: number[] = [];
    const d = reg.subscribe<number>('tor0/eth1', 'ping', (v) => got.push(v));
    w.onDidPing.fire(7);
    d.dispose();
    w.onDidPing.fire(8);
    expect(got).toEqual([7]);
    expect(() => reg.subscribe('tor0/eth1', 'nope', () => {})).toThrow(/no trace source/);
    expect(() => reg.add('tor0/eth1', new Widget())).toThrow(/already registered/);
  });

  it('subscribeAll reaches components registered before and after, with their path, and filters', () => {
    const reg = new TraceRegistry();
    const a = new Widget();
    const b = new Widget();
    const c = new Widget();
    reg.add('a', a);
    const got: string[] = [];
    const sub = reg.subscribeAll<{ reason: string }>('drop', (path, v) => got.push(`${path}:${v.reason}`), (p) => p !== 'c');
    const removeB = reg.add('b', b);
    reg.add('c', c);
    a.onDidDrop.fire({ reason: 'R1' });
    b.onDidDrop.fire({ reason: 'R2' });
    c.onDidDrop.fire({ reason: 'R3' }); // filtered out
    removeB.dispose();
    b.onDidDrop.fire({ reason: 'R4' }); // unregistered: detached
    sub.dispose();
    a.onDidDrop.fire({ reason: 'R5' });
    expect(got).toEqual(['a:R1', 'b:R2']);
    expect(a.onDidDrop.active).toBe(false);
  });
});

describe('Emitter', () => {
  it('fires to listeners and removes only the disposed subscription', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    const fn = (v: number) => got.push(v);
    const s1 = e.event(fn);
    e.event(fn);
    e.fire(1);
    s1.dispose();
    e.fire(2);
    e.dispose();
    e.fire(3);
    expect(got).toEqual([1, 1, 2]);
    expect(e.hasListeners).toBe(false);
  });
});
