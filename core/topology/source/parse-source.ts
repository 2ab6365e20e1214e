/**
 * Text → YAML syntax tree and plain value, with syntax problems as positioned diagnostics. JSON
 * input is checked by the strict JSON checker first (YAML would accept broken JSON) and then read
 * by the same YAML parser, so positions and editing work the same for both formats.
 */
import { parseDocument, type Document } from 'yaml';
import type { PathDiagnostic } from '../diagnostics.ts';
import { checkJsonSyntax, looksLikeJson } from './json-syntax.ts';
import { toValue, type DuplicateKey } from './to-value.ts';

export type SourceFormat = 'yaml' | 'json';

/** A syntax problem, located by character offsets. */
export interface SyntaxProblem { readonly code: PathDiagnostic['code']; readonly message: string; readonly start: number; readonly end: number }

export interface ParsedSource {
  readonly format: SourceFormat;
  /** The YAML syntax tree (comments and order included); null when the text was refused outright. */
  readonly tree: Document | null;
  readonly value: unknown;
  /** Syntax problems that make `value` unreliable: nothing further is checked. */
  readonly fatal: readonly SyntaxProblem[];
  /** Problems found in a usable value (duplicate names, keys that are not strings), by path or offset. */
  readonly problems: readonly SyntaxProblem[];
  readonly valueProblems: readonly PathDiagnostic[];
}

export const MAX_SOURCE_LENGTH = 4 * 1024 * 1024;
const MAX_SYNTAX_PROBLEMS = 50;

export function parseSource(text: string, format: SourceFormat = looksLikeJson(text) ? 'json' : 'yaml'): ParsedSource {
  const refused = (p: SyntaxProblem): ParsedSource => ({ format, tree: null, value: null, fatal: [p], problems: [], valueProblems: [] });
  if (text.length > MAX_SOURCE_LENGTH) {
    return refused({ code: 'too-large', message: `the document is larger than ${MAX_SOURCE_LENGTH / 1024 / 1024} MiB`, start: 0, end: 0 });
  }
  if (format === 'json') {
    const bad = checkJsonSyntax(text);
    if (bad) return refused({ code: bad.tooDeep ? 'too-complex' : 'json-syntax', message: bad.message, start: bad.offset, end: Math.min(bad.offset + 1, text.length) });
  }
  // Duplicate keys are found by toValue (see there why not by the parser).
  const tree = parseDocument(text, { prettyErrors: false, uniqueKeys: false, merge: false, intAsBigInt: false });
  const fatal: SyntaxProblem[] = [];
  const problems: SyntaxProblem[] = [];
  for (const e of tree.errors) {
    const [start, end] = e.pos;
    if (e.code === 'RESOURCE_EXHAUSTION') {
      // The parser reports one of these per level it gave up on; one is enough.
      if (!fatal.some((f) => f.code === 'too-complex')) fatal.push({ code: 'too-complex', message: 'the document is nested too deeply to read', start, end });
    } else if (e.code === 'MULTIPLE_DOCS') {
      fatal.push({ code: 'yaml-syntax', message: 'a topology file holds one YAML document: remove the second "---"', start, end });
    } else if (fatal.length < MAX_SYNTAX_PROBLEMS) {
      fatal.push({ code: 'yaml-syntax', message: firstLine(e.message), start, end });
    }
  }
  if (fatal.length > 0) return { format, tree, value: null, fatal, problems, valueProblems: [] };
  const valueProblems: PathDiagnostic[] = [];
  let value: unknown;
  try {
    const duplicates: DuplicateKey[] = [];
    value = toValue(tree, valueProblems, duplicates);
    for (const d of duplicates) {
      problems.push({ code: 'duplicate-name', message: `"${d.name}" is already defined in this mapping; names must be unique`, start: d.start, end: d.end });
    }
  } catch (e) {
    // yaml's alias resolution refuses documents whose aliases expand excessively.
    return { format, tree, value: null, fatal: [{ code: 'too-complex', message: e instanceof Error ? firstLine(e.message) : 'the document is too complex', start: 0, end: 0 }], problems, valueProblems: [] };
  }
  return { format, tree, value, fatal, problems, valueProblems };
}

const firstLine = (s: string): string => s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
