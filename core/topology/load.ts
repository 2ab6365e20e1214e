/**
 * loadTopology(text) — the whole pipeline for a file or an editor buffer: read the text (YAML or
 * JSON), migrate, check the structure, check the meaning, resolve. Every problem comes back at
 * once with its line and column; the resolved topology only when there is no error. It never
 * throws: hostile input gets diagnostics, and an unexpected failure inside Underlay is reported
 * as 'internal-error' rather than escaping into the caller.
 */
import type { Document } from 'yaml';
import type { PathDiagnostic, TopologyDiagnostic } from './diagnostics.ts';
import type { MigrationRegistry } from './migrations.ts';
import type { ResolvedTopology } from './resolved.ts';
import type { TopologyDocument } from './schema/document.ts';
import { LineIndex } from './source/line-index.ts';
import { locate, type Span } from './source/locate.ts';
import { parseSource, type SourceFormat, type SyntaxProblem } from './source/parse-source.ts';
import { validateDocument } from './validate.ts';

export interface LoadOptions {
  /** Default: JSON when the text starts with "{" or "[", else YAML. Pass it when the file name says. */
  readonly format?: SourceFormat;
  readonly migrations?: MigrationRegistry;
}

export interface LoadResult {
  readonly ok: boolean;
  /** Errors and warnings, in source order. `ok` is true exactly when none is an error. */
  readonly diagnostics: readonly TopologyDiagnostic[];
  /** The validated document (null when the structure is wrong): what the editors edit. */
  readonly document: TopologyDocument | null;
  /** The fully defaulted model the fabric consumes; null whenever there is an error. */
  readonly topology: ResolvedTopology | null;
  readonly format: SourceFormat;
  /** The YAML syntax tree (comments, order, ranges) for text editing; null if unreadable. */
  readonly tree: Document | null;
  /** Set when the text was written in an older version and migrated on load. */
  readonly migratedFrom: number | null;
}

export function loadTopology(text: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineIndex(typeof text === 'string' ? text : '');
  try {
    return load(text, options, lines);
  } catch (e) {
    const message = `Underlay failed to read this document (${e instanceof Error ? e.message : String(e)}); please report it`;
    return {
      ok: false, document: null, topology: null, format: options.format ?? 'yaml', tree: null, migratedFrom: null,
      diagnostics: [place(lines, { code: 'internal-error', severity: 'error', path: [], message }, { start: 0, end: 0 })],
    };
  }
}

function load(text: string, options: LoadOptions, lines: LineIndex): LoadResult {
  if (typeof text !== 'string') {
    // Reachable from untyped callers (RPC, plain JavaScript).
    const d = place(lines, { code: 'wrong-type', severity: 'error', path: [], message: 'a topology document is text (YAML or JSON)' }, { start: 0, end: 0 });
    return { ok: false, document: null, topology: null, format: options.format ?? 'yaml', tree: null, migratedFrom: null, diagnostics: [d] };
  }
  const source = parseSource(text, options.format);
  const base = { format: source.format, tree: source.tree };
  const syntax = (p: SyntaxProblem): TopologyDiagnostic => place(lines, { code: p.code, severity: 'error', path: [], message: p.message }, p);
  if (source.fatal.length > 0 || source.tree === null) {
    return { ...base, ok: false, document: null, topology: null, migratedFrom: null, diagnostics: sort([...source.fatal, ...source.problems].map(syntax)) };
  }
  const tree = source.tree;
  const at = (d: PathDiagnostic): TopologyDiagnostic => place(lines, d, locate(tree, d.path, d.atKey === true));
  const early = [...source.problems.map(syntax), ...source.valueProblems.map(at)];
  if (source.valueProblems.some((d) => d.code === 'too-complex')) {
    return { ...base, ok: false, document: null, topology: null, migratedFrom: null, diagnostics: sort(early) };
  }
  const result = validateDocument(source.value, { migrations: options.migrations });
  const diagnostics = sort([...early, ...result.diagnostics.map(at)]);
  const ok = result.ok && !diagnostics.some((d) => d.severity === 'error');
  return {
    ...base, ok, diagnostics, migratedFrom: result.migratedFrom,
    document: result.document, topology: ok && result.ok ? result.topology : null,
  };
}

function place(lines: LineIndex, d: PathDiagnostic, span: Span): TopologyDiagnostic {
  const s = lines.position(span.start);
  const e = lines.position(Math.max(span.end, span.start));
  return { ...d, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, offset: span.start, endOffset: Math.max(span.end, span.start) };
}

const sort = (ds: TopologyDiagnostic[]): TopologyDiagnostic[] => ds.sort((a, b) => a.offset - b.offset);
