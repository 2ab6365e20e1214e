// Test helpers: documents with «markers» where a diagnostic is expected, so each test states the
// exact line and column without counting by hand.
import { expect } from 'vitest';
import { loadTopology, type LoadOptions, type LoadResult, type TopologyDiagnostic } from '../../../core/topology/index.ts';

export interface Marked { readonly text: string; readonly positions: { line: number; column: number }[] }

/** Strip every "«" from `src`, recording the 1-based line and column where each stood. */
export function marked(src: string): Marked {
  const positions: { line: number; column: number }[] = [];
  let text = '';
  let line = 1;
  let column = 1;
  for (const ch of src) {
    if (ch === '«') {
      positions.push({ line, column });
      continue;
    }
    text += ch;
    if (ch === '\n') {
      line++;
      column = 1;
    } else column += ch.length;
  }
  return { text, positions };
}

export const errorsOf = (r: LoadResult): TopologyDiagnostic[] => r.diagnostics.filter((d) => d.severity === 'error');

/** Load a marked document; expect exactly the given codes, one per marker, in source order. */
export function expectErrors(src: string, codes: string[], options?: LoadOptions): TopologyDiagnostic[] {
  const { text, positions } = marked(src);
  const r = loadTopology(text, options);
  const errors = errorsOf(r);
  expect(errors.map((d) => [d.code, d.line, d.column])).toEqual(codes.map((c, i) => [c, positions[i]?.line, positions[i]?.column]));
  expect(r.ok).toBe(false);
  expect(r.topology).toBeNull();
  return errors;
}

/** Load a document that must be valid and return its resolved topology. */
export function resolved(text: string, options?: LoadOptions) {
  const r = loadTopology(text, options);
  expect(errorsOf(r)).toEqual([]);
  expect(r.ok).toBe(true);
  return r.topology!;
}
