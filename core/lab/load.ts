/**
 * loadLab(files, { seed }) — one learner's instance of a lab: lab.yaml read and checked, its
 * variables drawn for the seed and substituted into everything, the steps and the starting
 * topology read (and the topology validated, so a broken lab is caught at load, not mid-run), the
 * reference solution read. Pure: the caller gives file access (`LabFiles`), so the same code runs
 * in the CLI, the app's worker and tests. Every problem comes back at once, placed in its file.
 */
import { loadTopology } from '../topology/index.ts';
import type { MigrationRegistry } from '../topology/migrations.ts';
import { labSchema, type LabAction, type LabDocument, solutionSchema } from './schema.ts';
import { type LabDiagnostic, readLabFile, textDiagnostic } from './source.ts';
import { drawVariables, substitute, substituteDeep, type UnknownVariable } from './variables.ts';

/** Read access to one lab folder; paths are relative to it. Null when the file does not exist. */
export interface LabFiles {
  read(path: string): string | null;
}

export interface LabStep {
  readonly title: string;
  readonly file: string;
  readonly markdown: string;
}

export interface LabSolution {
  readonly file: string;
  readonly topologyFile: string | null;
  readonly topologyText: string | null;
  readonly actions: readonly LabAction[];
  readonly notes: string | null;
}

export interface LabInstance {
  readonly seed: number;
  /** The lab document with the variables substituted. */
  readonly lab: LabDocument;
  readonly variables: ReadonlyMap<string, string>;
  readonly topologyFile: string;
  readonly topologyText: string;
  readonly steps: readonly LabStep[];
  readonly solution: LabSolution | null;
  readonly migratedFrom: number | null;
}

export interface LoadLabOptions {
  readonly seed?: number;
  readonly migrations?: MigrationRegistry;
}

export type LoadLabResult = { readonly ok: true; readonly instance: LabInstance } | { readonly ok: false; readonly diagnostics: readonly LabDiagnostic[] };

export const LAB_FILE = 'lab.yaml';
export const DEFAULT_SOLUTION_FILE = 'solution.yaml';

export function loadLab(files: LabFiles, options: LoadLabOptions = {}): LoadLabResult {
  const seed = options.seed ?? 1;
  const text = files.read(LAB_FILE);
  if (text === null) return { ok: false, diagnostics: [missing(LAB_FILE, 'the lab folder has no lab.yaml')] };
  const read = readLabFile(LAB_FILE, text, labSchema, options.migrations);
  if (!read.ok) return read;
  const raw = read.value;
  const diagnostics: LabDiagnostic[] = [];
  const values = drawVariables(raw.id, seed, raw.variables ?? {});

  const unknownInLab: { path: (string | number)[]; name: string }[] = [];
  const lab = substituteDeep(raw, values, unknownInLab);
  for (const u of unknownInLab) diagnostics.push(read.place({ code: 'unknown-reference', severity: 'error', path: u.path, message: `no variable named "${u.name}" (variables: ${[...values.keys()].join(', ') || 'none'})` }));
  // Ids are what results and saved progress key on.
  const seen = new Set<string>();
  lab.checks.forEach((c, i) => {
    if (seen.has(c.id)) diagnostics.push(read.place({ code: 'duplicate-name', severity: 'error', path: ['checks', i, 'id'], message: `check id "${c.id}" is used twice` }));
    seen.add(c.id);
  });

  const textFile = (file: string, path: (string | number)[]): string | null => {
    const t = files.read(file);
    if (t === null) {
      diagnostics.push(read.place({ code: 'unknown-reference', severity: 'error', path, message: `no file "${file}" in the lab folder` }));
      return null;
    }
    const unknown: UnknownVariable[] = [];
    const out = substitute(t, values, unknown);
    for (const u of unknown) diagnostics.push(textDiagnostic(file, t, { code: 'unknown-reference', severity: 'error', path: [], message: `no variable named "${u.name}"` }, u.offset, u.offset + u.length));
    // A topology with a reference left in would only add confusing syntax errors.
    if (unknown.length > 0) unresolved.add(file);
    return out;
  };
  const unresolved = new Set<string>();

  const topologyText = textFile(lab.topology, ['topology']);
  if (topologyText !== null && !unresolved.has(lab.topology)) diagnostics.push(...topologyProblems(lab.topology, topologyText));
  const steps: LabStep[] = [];
  lab.steps.forEach((s, i) => {
    const markdown = textFile(s.file, ['steps', i, 'file']);
    if (markdown !== null) steps.push({ title: s.title, file: s.file, markdown });
  });

  let solution: LabSolution | null = null;
  const solutionFile = lab.solution ?? DEFAULT_SOLUTION_FILE;
  const solutionText = files.read(solutionFile);
  if (solutionText === null) {
    if (lab.solution !== undefined) diagnostics.push(read.place({ code: 'unknown-reference', severity: 'error', path: ['solution'], message: `no file "${solutionFile}" in the lab folder` }));
  } else {
    const sol = readLabFile(solutionFile, solutionText, solutionSchema, options.migrations);
    if (!sol.ok) diagnostics.push(...sol.diagnostics);
    else {
      const unknown: { path: (string | number)[]; name: string }[] = [];
      const doc = substituteDeep(sol.value, values, unknown);
      for (const u of unknown) diagnostics.push(sol.place({ code: 'unknown-reference', severity: 'error', path: u.path, message: `no variable named "${u.name}"` }));
      let solTopology: string | null = null;
      if (doc.topology !== undefined) {
        const t = files.read(doc.topology);
        if (t === null) diagnostics.push(sol.place({ code: 'unknown-reference', severity: 'error', path: ['topology'], message: `no file "${doc.topology}" in the lab folder` }));
        else {
          solTopology = substitute(t, values);
          diagnostics.push(...topologyProblems(doc.topology, solTopology));
        }
      }
      solution = { file: solutionFile, topologyFile: doc.topology ?? null, topologyText: solTopology, actions: doc.actions ?? [], notes: doc.notes ?? null };
    }
  }

  if (diagnostics.length > 0 || topologyText === null) return { ok: false, diagnostics };
  return { ok: true, instance: { seed, lab, variables: values, topologyFile: lab.topology, topologyText, steps, solution, migratedFrom: read.migratedFrom } };
}

function topologyProblems(file: string, text: string): LabDiagnostic[] {
  return loadTopology(text).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, file }));
}

function missing(file: string, message: string): LabDiagnostic {
  return { code: 'unknown-reference', severity: 'error', path: [], message, file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 };
}
