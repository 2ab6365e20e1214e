import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/base/rng.ts';

const take = (r: Rng, n: number) => Array.from({ length: n }, () => r.nextU32());

describe('Rng (xoshiro128**)', () => {
  it('matches the reference C implementation for state {1, 2, 3, 4}', () => {
    // Output of Blackman & Vigna's xoshiro128starstar.c (1.1) seeded with s[] = {1, 2, 3, 4}.
    expect(take(new Rng(1, 2, 3, 4), 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('derives named streams to fixed golden values (the cross-platform, cross-version contract)', () => {
    const r = Rng.stream(42, 'link:tor0-spine0:a>b:loss');
    expect(r.state()).toEqual([3701129204, 399473541, 3001270505, 2868325203]);
    expect(take(r, 6)).toEqual([3160093331, 2137480624, 2532421613, 2112018349, 936943953, 2282362094]);
    expect(take(Rng.stream(0, ''), 4)).toEqual([2340730864, 3189705619, 1281039928, 3771117267]);
    // All 53 seed bits and non-ASCII names count.
    expect(take(Rng.stream(2 ** 53 - 1, 'über/ßtream'), 4)).toEqual([725187833, 1831959161, 1266539765, 3443709972]);
  });

  it('gives the same sequence for the same (seed, name), whatever else was created', () => {
    const a = take(Rng.stream(9, 'x'), 50);
    for (let i = 0; i < 10; i++) Rng.stream(9, `noise${i}`).nextU32();
    expect(take(Rng.stream(9, 'x'), 50)).toEqual(a);
  });

  it('gives different sequences for different names and for seeds differing only in high bits', () => {
    const first = (seed: number, name: string) => take(Rng.stream(seed, name), 4).join(',');
    const seen = new Set<string>();
    for (const name of ['a', 'b', 'ab', 'ba', 'link:l1:a>b:loss', 'link:l1:b>a:loss', 'link:l1:a>b:corrupt']) seen.add(first(1, name));
    seen.add(first(1 + 2 ** 32, 'a'));
    seen.add(first(2, 'a'));
    expect(seen.size).toBe(9);
  });

  it('float is in [0, 1) and has the expected mean; clone continues the same sequence', () => {
    const r = Rng.stream(3, 'float');
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = r.float();
      if (!(f >= 0 && f < 1)) outside++;
      sum += f;
    }
    expect(outside).toBe(0);
    // Mean of U(0,1) over 1e5 draws: sd = sqrt(1/12/1e5) ≈ 0.0009; allow 5 sd.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.0046);
    const c = r.clone();
    expect(take(c, 5)).toEqual(take(r, 5));
  });

  it('int covers [lo, hi) uniformly (chi-square) and rejects bad ranges', () => {
    const r = Rng.stream(7, 'dist');
    expect(Array.from({ length: 8 }, () => r.int(-5, 5))).toEqual([4, -3, -3, -5, 3, 3, -1, 0]);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[r.int(0, 10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
    expect(r.int(5, 6)).toBe(5);
    const big = r.int(0, 2 ** 32);
    expect(big >= 0 && big < 2 ** 32 && Number.isInteger(big)).toBe(true);
    expect(() => r.int(3, 3)).toThrow(RangeError);
    expect(() => r.int(0, 2 ** 32 + 1)).toThrow(RangeError);
    expect(() => r.int(0.5, 2)).toThrow(RangeError);
  });

  it('bernoulli always consumes one draw and hits its rate', () => {
    const a = Rng.stream(11, 'b');
    const b = Rng.stream(11, 'b');
    a.bernoulli(0);
    a.bernoulli(1);
    b.nextU32();
    b.nextU32();
    expect(a.nextU32()).toBe(b.nextU32());
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (a.bernoulli(0.25)) hits++;
    // Binomial(1e5, 0.25): sd ≈ 137; allow 5 sd.
    expect(Math.abs(hits - 25_000)).toBeLessThan(685);
    expect(Array.from({ length: 100 }, () => a.bernoulli(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => a.bernoulli(1)).every(Boolean)).toBe(true);
  });

  it('pick chooses from the array and refuses an empty one', () => {
    const r = Rng.stream(5, 'pick');
    const items = ['x', 'y', 'z'] as const;
    const seen = new Set(Array.from({ length: 100 }, () => r.pick(items)));
    expect([...seen].sort()).toEqual(['x', 'y', 'z']);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it('rejects an all-zero state and invalid seeds', () => {
    expect(() => new Rng(0, 0, 0, 0)).toThrow(RangeError);
    expect(() => Rng.stream(-1, 'a')).toThrow(RangeError);
    expect(() => Rng.stream(1.5, 'a')).toThrow(RangeError);
    expect(() => Rng.stream(2 ** 53, 'a')).toThrow(RangeError);
  });
});
