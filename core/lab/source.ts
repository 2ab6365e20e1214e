/**
 * One lab file (lab.yaml, solution.yaml) from text to a checked value, with every problem placed
 * at its line and column — the same reading as topology documents (core/topology/source: YAML or
 * JSON, duplicate keys, hostile input) and the same diagnostic shape and codes, so editors and
 * the CLI show lab and topology errors alike.
 */
import type { z } from '../topology/schema/zod.ts';
import type { PathDiagnostic, TopologyDiagnostic } from '../topology/diagnostics.ts';
import { describeValue, issuesToDiagnostics } from '../topology/schema/issues.ts';
import { LineIndex } from '../topology/source/line-index.ts';
import { locate } from '../topology/source/locate.ts';
import { parseSource } from '../topology/source/parse-source.ts';
import type { DocumentValue } from '../topology/migrations.ts';
import { CURRENT_LAB_VERSION } from './schema.ts';
import { migrateLab } from './migrations.ts';
import type { MigrationRegistry } from '../topology/migrations.ts';

/** A diagnostic of a lab file: the topology diagnostic shape plus the file it is in. */
export interface LabDiagnostic extends TopologyDiagnostic {
  readonly file: string;
}

export type ReadResult<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly migratedFrom: number | null;
      /** Places a later diagnostic (a semantic one, by path) in this file. */
      readonly place: (d: PathDiagnostic) => LabDiagnostic;
    }
  | { readonly ok: false; readonly diagnostics: readonly LabDiagnostic[] };

export function readLabFile<T>(file: string, text: string, schema: z.ZodType<T>, migrations?: MigrationRegistry): ReadResult<T> {
  const lines = new LineIndex(text);
  const source = parseSource(text, file.endsWith('.json') ? 'json' : 'yaml');
  const placed = (d: PathDiagnostic, start: number, end: number): LabDiagnostic => {
    const s = lines.position(start);
    const e = lines.position(Math.max(start, end));
    return { ...d, file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, offset: start, endOffset: Math.max(start, end) };
  };
  const syntax = [...source.fatal, ...source.problems].map((p) => placed({ code: p.code, severity: 'error', path: [], message: p.message }, p.start, p.end));
  if (source.fatal.length > 0 || source.tree === null) return { ok: false, diagnostics: syntax };
  const tree = source.tree;
  const at = (d: PathDiagnostic): LabDiagnostic => {
    const span = locate(tree, d.path, d.atKey === true);
    return placed(d, span.start, span.end);
  };
  const early = [...syntax, ...source.valueProblems.map(at)];
  if (early.length > 0) return { ok: false, diagnostics: early };
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, diagnostics: [at({ code: 'not-a-mapping', severity: 'error', path: [], message: `${file} is a mapping that starts with "version: ${CURRENT_LAB_VERSION}", not ${describeValue(value)}` })] };
  }
  const version = (value as DocumentValue).version;
  if (version === undefined) return { ok: false, diagnostics: [at({ code: 'version-missing', severity: 'error', path: [], message: `${file} needs "version: ${CURRENT_LAB_VERSION}" at the top` })] };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return { ok: false, diagnostics: [at({ code: 'version-invalid', severity: 'error', path: ['version'], message: `version must be a whole number such as ${CURRENT_LAB_VERSION}, got ${describeValue(version)}` })] };
  }
  const migrated = migrateLab(value as DocumentValue, version, migrations);
  if (!migrated.ok) return { ok: false, diagnostics: [at({ code: migrated.error.code, severity: 'error', path: ['version'], message: migrated.error.message })] };
  const parsed = schema.safeParse(migrated.value.value, { reportInput: true });
  if (!parsed.success) {
    const ds = issuesToDiagnostics(parsed.error.issues, schema).map(at);
    return { ok: false, diagnostics: ds.sort((a, b) => a.offset - b.offset) };
  }
  return { ok: true, value: parsed.data, migratedFrom: migrated.value.applied.length > 0 ? version : null, place: at };
}

/** A diagnostic at a character range of a text file (steps, topology). */
export function textDiagnostic(file: string, text: string, d: PathDiagnostic, start: number, end: number): LabDiagnostic {
  const lines = new LineIndex(text);
  const s = lines.position(start);
  const e = lines.position(end);
  return { ...d, file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, offset: start, endOffset: end };
}

/** `lab.yaml:9:12: error unknown-key: …`, as compilers print, so terminals link to it. */
export function formatLabDiagnostic(d: LabDiagnostic, folder = ''): string {
  return `${folder ? `${folder}/` : ''}${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
