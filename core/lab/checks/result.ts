/** What a check says: passed or not, and why, in words a learner can act on. */
export interface CheckOutcome {
  readonly passed: boolean;
  readonly explanation: string;
}

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

/** min defaults to 1 unless only max is given ("at most 0 frames" is a natural check). */
export function withinBounds(n: number, b: Bounds): boolean {
  const min = b.min ?? (b.max !== undefined ? 0 : 1);
  return n >= min && (b.max === undefined || n <= b.max);
}

export function describeBounds(b: Bounds): string {
  const min = b.min ?? (b.max !== undefined ? 0 : 1);
  if (b.max === undefined) return `at least ${min}`;
  if (min === b.max) return `exactly ${min}`;
  if (min === 0) return `at most ${b.max}`;
  return `between ${min} and ${b.max}`;
}

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;
