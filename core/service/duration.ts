/**
 * Virtual-time durations as people type them: `5s`, `250ms`, `1.5s`, `20us` (or `20µs`), `800ns`,
 * `2m`. Integer nanoseconds out; null for anything else (the caller says where it came from).
 */
const UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9 };

export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)\s*$/.exec(text);
  if (!m) return null;
  const ns = Math.round(Number(m[1]) * UNITS[m[2]]);
  return Number.isSafeInteger(ns) ? ns : null;
}

/** Seconds with nine decimals, as the capture view's Time column shows virtual time. */
export function formatSeconds(ns: number): string {
  const sec = Math.floor(ns / 1e9);
  return `${sec}.${String(ns - sec * 1e9).padStart(9, '0')}`;
}
