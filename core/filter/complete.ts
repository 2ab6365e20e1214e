import type { FieldDef } from '../dissect/field.ts';
import type { FieldRegistry } from '../dissect/registry.ts';
import { scan, type Token } from './scanner.ts';
import { FUNCTIONS } from './semcheck.ts';
import { typeDescription, typeOfField } from './types.ts';

/**
 * Completion for the filter bar: what may come at the cursor, from the same registry the
 * compiler resolves names against. Field names complete one level at a time as Wireshark's bar
 * does (`ip.` offers `ip.src`, `ip.flags`, …; `ip.flags.` then `ip.flags.df`); after a value the
 * candidates are operators and connectives; after a comparison, a field's value strings.
 */

export type CompletionKind = 'field' | 'protocol' | 'function' | 'operator' | 'keyword' | 'value';

export interface Completion {
  /** The text to insert in place of `from..to`. */
  readonly label: string;
  readonly kind: CompletionKind;
  /** A description: the field's name and type, the operator's meaning. */
  readonly detail: string;
}

export interface CompletionResult {
  /** The range of the text the completion replaces (the partial word at the cursor). */
  readonly from: number;
  readonly to: number;
  readonly items: readonly Completion[];
}

const OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['==', 'equal (any occurrence)'],
  ['!=', 'not equal (all occurrences)'],
  ['===', 'equal (all occurrences)'],
  ['!==', 'not equal (any occurrence)'],
  ['>', 'greater than'],
  ['>=', 'greater than or equal'],
  ['<', 'less than'],
  ['<=', 'less than or equal'],
  ['contains', 'contains a string or bytes'],
  ['matches', 'matches a regular expression (case-insensitive)'],
  ['in', 'member of a set {a, b, c..d}'],
  ['not in', 'not a member of a set'],
  ['&', 'bitwise and'],
  ['&&', 'logical and'],
  ['||', 'logical or'],
  ['and', 'logical and'],
  ['or', 'logical or'],
];

const WORD_CHAR = /[A-Za-z0-9_.-]/;

const VALUE_END = new Set(['unparsed', 'field', 'literal', 'string', 'charconst', 'rparen', 'rbracket', 'index', 'rbrace']);
const EXPECT_VALUE = new Set(['cmp', 'contains', 'matches', 'plus', 'minus', 'star', 'slash', 'percent', 'bitand']);

export function completeFilter(text: string, cursor: number, registry: FieldRegistry, limit = 50): CompletionResult {
  const at = Math.max(0, Math.min(cursor, text.length));
  let from = at;
  while (from > 0 && WORD_CHAR.test(text[from - 1])) from--;
  let to = at;
  while (to < text.length && WORD_CHAR.test(text[to])) to++;
  const word = text.slice(from, at);
  const before = text.slice(0, from);

  // Inside a string or a slice nothing is offered.
  const tokens = scan(before).tokens.filter((t) => t.kind !== 'eof');
  const last = tokens[tokens.length - 1];
  if (last && last.kind === 'error') return { from, to, items: [] };
  if (last && (last.kind === 'range' || last.kind === 'lbracket' || last.kind === 'hash')) return { from, to, items: [] };

  let items: Completion[];
  if (last && VALUE_END.has(last.kind)) {
    items = operators(word);
  } else if (last && (EXPECT_VALUE.has(last.kind) || last.kind === 'lbrace' || last.kind === 'comma' || last.kind === 'dotdot')) {
    items = [...values(tokens, registry, word), ...names(registry, word, limit)];
  } else {
    items = [...names(registry, word, limit), ...functions(word), ...keywords(word)];
  }
  return { from, to, items: items.slice(0, limit) };
}

function operators(word: string): Completion[] {
  return OPERATORS.filter(([op]) => op.startsWith(word)).map(([op, detail]) => ({ label: op, kind: 'operator', detail }));
}

function keywords(word: string): Completion[] {
  return ['not', 'any', 'all'].filter((k) => word.length > 0 && k.startsWith(word)).map((k) => ({ label: k, kind: 'keyword', detail: k === 'not' ? 'logical not' : `${k} occurrence must match` }));
}

function functions(word: string): Completion[] {
  if (word.includes('.')) return [];
  return Object.entries(FUNCTIONS)
    .filter(([name]) => word.length > 0 && name.startsWith(word))
    .map(([name, spec]) => ({ label: `${name}(`, kind: 'function', detail: spec.doc }));
}

/** Field and protocol names, one dotted level past the typed prefix. */
function names(registry: FieldRegistry, word: string, limit: number): Completion[] {
  const seen = new Map<string, Completion>();
  for (const def of registry.all()) {
    if (!def.abbrev.startsWith(word)) continue;
    const next = def.abbrev.indexOf('.', word.length);
    const label = next < 0 ? def.abbrev : def.abbrev.slice(0, next);
    if (seen.has(label)) continue;
    const exact = label === def.abbrev ? def : registry.get(label);
    seen.set(label, describe(label, exact));
    if (seen.size >= limit) break;
  }
  return [...seen.values()];
}

function describe(label: string, def: FieldDef | undefined): Completion {
  if (!def) return { label, kind: 'field', detail: '' };
  if (def.type === 'protocol') return { label, kind: 'protocol', detail: def.name };
  return { label, kind: 'field', detail: `${def.name} (${typeDescription(typeOfField(def))})` };
}

/** Value strings (or True/False) of the field left of the operator just typed. */
function values(tokens: readonly Token[], registry: FieldRegistry, word: string): Completion[] {
  let i = tokens.length - 1;
  // Skip back over a set's elements to the field before `in {`.
  while (i >= 0 && tokens[i].kind !== 'cmp' && tokens[i].kind !== 'in') {
    if (tokens[i].kind === 'lbrace' && tokens[i - 1]?.kind === 'in') break;
    i--;
  }
  if (tokens[i]?.kind === 'lbrace') i--;
  const lhs = tokens[i - 1];
  if (!lhs || (lhs.kind !== 'unparsed' && lhs.kind !== 'field')) return [];
  const def = registry.get(lhs.value);
  if (!def) return [];
  const lower = word.toLowerCase().replace(/^"/, '');
  if (def.type === 'bool') {
    return ['True', 'False'].filter((v) => v.toLowerCase().startsWith(lower)).map((v) => ({ label: v, kind: 'value', detail: def.abbrev }));
  }
  if (!def.strings) return [];
  return Object.entries(def.strings)
    .filter(([, name]) => name.toLowerCase().startsWith(lower))
    .map(([num, name]) => ({ label: `"${name}"`, kind: 'value', detail: `${def.abbrev} == ${num}` }));
}
