/**
 * Seeded pseudo-random streams for the simulation: core draws every random number from here (lint bans the global one).
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018). 128-bit state, period 2^128 − 1, passes
 * BigCrush and PractRand to many terabytes; only 32-bit integer operations (`Math.imul`, shifts,
 * xor), so every JavaScript engine on every platform produces the same bits.
 *
 * Streams: `Rng.stream(seed, name)` derives the 128-bit state from the pair (seed, name) with four
 * differently-seeded MurmurHash3-style lanes over the name's UTF-16 code units. A stream therefore
 * depends only on its own (seed, name) — not on how many other streams exist or were created first —
 * so adding a link or a component never shifts the random numbers another one sees. Give every
 * decision its own name (`link:tor0-spine:a>b:loss`), so changing one probability never moves
 * another decision's draws either.
 *
 * This is a simulation generator, not a cryptographic one.
 */

import { fmix32 } from './hash.ts';

const TWO_POW_32 = 0x1_0000_0000;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** Lane seeds for the 128-bit name hash: the fractional digits of π (any distinct odd words do). */
const LANE_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * A generator from raw state words; most code wants `Rng.stream(seed, name)` instead.
   * An all-zero state is the one state xoshiro cannot leave, so it is rejected.
   */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new RangeError('Rng: the all-zero state is invalid');
  }

  /**
   * The stream named `name` under `seed`: same pair ⇒ same sequence, everywhere and always.
   * `seed` is any integer in [0, 2^53); all of its bits count.
   */
  static stream(seed: number, name: string): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Rng: seed must be an integer in [0, 2^53), got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const w = [0, 0, 0, 0];
    for (let lane = 0; lane < 4; lane++) w[lane] = hashLane(LANE_SEEDS[lane], lo, hi, name);
    // Lanes are mixed into each other once so that a weakness of one lane cannot survive alone.
    const s0 = fmix32(w[0] ^ w[3]);
    const s1 = fmix32(w[1] ^ w[0]);
    const s2 = fmix32(w[2] ^ w[1]);
    const s3 = fmix32(w[3] ^ w[2]);
    // fmix32 is a bijection with fmix32(0) = 0, so all-zero needs all four inputs zero: ~2^-128.
    return (s0 | s1 | s2 | s3) === 0 ? new Rng(1, 0, 0, 0) : new Rng(s0, s1, s2, s3);
  }

  /** A copy that continues the same sequence independently (for look-ahead in tests and tools). */
  clone(): Rng {
    return new Rng(this.s0, this.s1, this.s2, this.s3);
  }

  /** The raw state words, e.g. to save and later restore a stream with `new Rng(...state)`. */
  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (steps of 2^-32); one draw. */
  float(): number {
    return this.nextU32() * INV_TWO_POW_32;
  }

  /**
   * Uniform integer in [lo, hi), without modulo bias (rejection sampling; the expected number of
   * draws is below 2). Requires integers with 1 ≤ hi − lo ≤ 2^32.
   */
  int(lo: number, hi: number): number {
    const n = hi - lo;
    if (!Number.isInteger(lo) || !Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int: need integers with 1 <= hi - lo <= 2^32, got [${lo}, ${hi})`);
    }
    // Accept only draws below the largest multiple of n, so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return lo + (x % n);
  }

  /**
   * True with probability p. Always consumes exactly one draw (even for p = 0 or 1), so the
   * stream's position does not depend on the probability. p ≤ 0 is never true, p ≥ 1 always.
   */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[this.int(0, items.length)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One MurmurHash3-x86-32-style lane over (seed lo, seed hi, name length, name code units). */
function hashLane(laneSeed: number, lo: number, hi: number, name: string): number {
  let h = laneSeed;
  h = mixWord(h, lo);
  h = mixWord(h, hi);
  h = mixWord(h, name.length);
  for (let i = 0; i < name.length; i++) h = mixWord(h, name.charCodeAt(i));
  return fmix32(h ^ (name.length + 3));
}

function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
