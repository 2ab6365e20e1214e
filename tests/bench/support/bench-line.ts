/**
 * The line every benchmark ends with (DESIGN.md §9), one per target, for scripts to read:
 * `BENCH <name> ours=<value><unit> peer=<value><unit> ratio=<value> target=<condition> PASS|FAIL`.
 */
export function benchLine(name: string, ours: string, peer: string | null, ratio: number | null, target: string, pass: boolean): string {
  const r = ratio === null ? '-' : ratio.toFixed(2);
  return `BENCH ${name} ours=${ours} peer=${peer ?? '-'} ratio=${r} target=${target} ${pass ? 'PASS' : 'FAIL'}`;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
