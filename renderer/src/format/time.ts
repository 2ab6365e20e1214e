/** Virtual time for people: integer nanoseconds as seconds with up to nine decimals. */
export function formatSeconds(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const frac = String(ns % 1e9).padStart(9, '0').replace(/0+$/, '');
  return frac ? `${s}.${frac} s` : `${s} s`;
}

/** Seconds typed by a person to integer nanoseconds (null when it is not a time). */
export function secondsToNs(seconds: number): number | null {
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  return Math.round(seconds * 1e9);
}
