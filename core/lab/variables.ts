/**
 * Seeded variables: each learner's lab differs (addresses, names), so answers cannot be copied
 * from a neighbour and checks cannot hard-code them. A variable is drawn from its own stream,
 * `Rng.stream(seed, "lab:<id>:<name>")`, so it depends only on the seed, the lab and its own name:
 * adding a variable never changes another's value. `{{name}}` is replaced everywhere — the
 * topology text, the steps, the solution, and every string of the lab's actions and checks.
 */
import { Rng } from '../base/rng.ts';
import type { Variable } from './schema.ts';

export type VariableValues = ReadonlyMap<string, string>;

const REFERENCE = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export function drawVariables(labId: string, seed: number, variables: Readonly<Record<string, Variable>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, v] of Object.entries(variables)) {
    const rng = Rng.stream(seed, `lab:${labId}:${name}`);
    if ('int' in v) {
      const [lo, hi] = v.int[0] <= v.int[1] ? v.int : [v.int[1], v.int[0]];
      out.set(name, String(rng.int(lo, hi + 1)));
    } else {
      out.set(name, String(rng.pick(v.pick)));
    }
  }
  return out;
}

/** A `{{name}}` with no such variable: where it is in the text. */
export interface UnknownVariable { readonly name: string; readonly offset: number; readonly length: number }

export function substitute(text: string, values: VariableValues, unknown?: UnknownVariable[]): string {
  return text.replace(REFERENCE, (whole: string, name: string, offset: number) => {
    const v = values.get(name);
    if (v !== undefined) return v;
    unknown?.push({ name, offset, length: whole.length });
    return whole;
  });
}

/** Substitutes inside every string of a plain value (after validation: types never change). */
export function substituteDeep<T>(value: T, values: VariableValues, unknown: { path: (string | number)[]; name: string }[], path: (string | number)[] = []): T {
  if (typeof value === 'string') {
    const found: UnknownVariable[] = [];
    const out = substitute(value, values, found);
    for (const u of found) unknown.push({ path, name: u.name });
    return out as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteDeep(v, values, unknown, [...path, i])) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(v, values, unknown, [...path, k]);
    return out as T;
  }
  return value;
}
