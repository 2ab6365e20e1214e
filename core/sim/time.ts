/**
 * Virtual time: an integer number of nanoseconds in a plain JS number.
 *
 * Why not bigint: it is several times slower in the event loop and every comparison on the hot path
 * would pay for it. The cost is a range limit: integers are exact up to 2^53 − 1 ns
 * (`MAX_SIM_TIME`), which is about 104.2 days of simulated time — far beyond any lab or benchmark.
 * The scheduler refuses times beyond it instead of silently losing precision.
 *
 * Times must be integers: a fractional nanosecond is a modelling bug (round where you compute it,
 * e.g. serialization time is rounded up to whole ns by the link).
 */
export type SimTime = number;

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SECOND = 1_000_000_000;

/** The last exactly representable instant: 2^53 − 1 ns ≈ 104 days. */
export const MAX_SIM_TIME: SimTime = Number.MAX_SAFE_INTEGER;

/** True when `t` is a valid instant or delay: an integer in [0, MAX_SIM_TIME]. */
export function isSimTime(t: number): boolean {
  return Number.isSafeInteger(t) && t >= 0;
}

/** Whole nanoseconds from microseconds/milliseconds/seconds, rounded to the nearest ns. */
export const usToNs = (us: number): SimTime => Math.round(us * US);
export const msToNs = (ms: number): SimTime => Math.round(ms * MS);
export const secondsToNs = (s: number): SimTime => Math.round(s * SECOND);

/** Seconds as a float, for display only (loses ns precision past ~104 days, like the clock itself). */
export const nsToSeconds = (t: SimTime): number => t / SECOND;

/** `1.234567890 s`-style text with all nine fractional digits, exact for any valid time. */
export function formatSimTime(t: SimTime): string {
  const s = Math.floor(t / SECOND);
  const frac = t - s * SECOND;
  return `${s}.${String(frac).padStart(9, '0')} s`;
}
