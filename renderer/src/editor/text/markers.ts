/** Our diagnostics as Monaco markers: same line/column (1-based, end exclusive) as the CLI prints. */
import type { TopologyDiagnostic } from '../../../../core/topology/index.ts';
import type { monaco } from './monaco.ts';

export function toMarkers(m: typeof monaco, diagnostics: readonly TopologyDiagnostic[]): monaco.editor.IMarkerData[] {
  return diagnostics.map((d) => ({
    severity: d.severity === 'error' ? m.MarkerSeverity.Error : m.MarkerSeverity.Warning,
    message: d.message,
    code: d.code,
    source: 'underlay',
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    // An empty span (a missing key) still gets a visible squiggle.
    endColumn: d.endLine === d.line && d.endColumn <= d.column ? d.column + 1 : d.endColumn,
  }));
}

/** The smallest edit turning `from` into `to`: Monaco keeps the cursor and its undo stack sane. */
export function minimalEdit(from: string, to: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)) tail++;
  return { start, end: from.length - tail, text: to.slice(start, to.length - tail) };
}
