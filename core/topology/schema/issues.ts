/**
 * Zod issues → diagnostics with our codes and plain-language messages. Zod's own messages name
 * its internal types ("expected record, received array"); users of a YAML file think in
 * mappings, lists and keys, and tests key on codes, so both are rewritten here.
 */
import type { z } from './zod.ts';
import type { DocPath, PathDiagnostic } from '../diagnostics.ts';
import { suggest } from '../resolve/suggest.ts';
import { CIDR_PATTERN, IPV4_PATTERN, PORT_RANGE_PATTERN } from './primitives.ts';
import { NAME_PATTERN } from '../names.ts';

type Issue = z.core.$ZodIssue;

const NOUNS: Record<string, string> = {
  object: 'a mapping', record: 'a mapping of names to objects', array: 'a list', tuple: 'a list', string: 'a string',
  number: 'a number', int: 'an integer', boolean: 'true or false', null: 'nothing',
};

export function describeValue(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return v instanceof Uint8Array ? 'binary data' : 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large to represent';
  return String(v);
}

export function issuesToDiagnostics(issues: readonly Issue[], schema: z.ZodType): PathDiagnostic[] {
  const out: PathDiagnostic[] = [];
  const byPath = new Map<string, number>();
  const error = (code: PathDiagnostic['code'], path: DocPath, message: string, atKey = false): void => {
    const d: PathDiagnostic = atKey ? { code, severity: 'error', path, message, atKey } : { code, severity: 'error', path, message };
    // One diagnostic per value: zod checks an integer's safe range before our bound, and the
    // later, tighter bound is the one worth reading.
    const key = JSON.stringify(path);
    const seen = byPath.get(key);
    if (seen === undefined) {
      byPath.set(key, out.length);
      out.push(d);
    } else if (out[seen].code === 'out-of-range' && code === 'out-of-range') {
      out[seen] = d;
    }
  };
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_type': {
        const key = path[path.length - 1];
        if (input === undefined && typeof key === 'string') error('missing-key', path, `missing required key "${key}"`);
        else if (typeof input === 'number' && !Number.isFinite(input)) error('wrong-type', path, `expected a finite number, got ${describeValue(input)}`);
        else error('wrong-type', path, `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${describeValue(input)}`);
        break;
      }
      case 'invalid_value':
        error('invalid-value', path, `expected ${issue.values.length === 1 ? describeValue(issue.values[0]) : `one of ${issue.values.map(describeValue).join(', ')}`}, got ${describeValue(input)}`);
        break;
      case 'too_small':
      case 'too_big': {
        const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const bound = `${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit}`;
        const unit = issue.origin === 'array' ? plural(limit, ' item') : issue.origin === 'string' ? plural(limit, ' character') : '';
        error('out-of-range', path, `must be ${bound}${unit}, got ${issue.origin === 'number' ? describeValue(input) : describeSize(input)}`);
        break;
      }
      case 'invalid_format': {
        const pattern = (issue as { pattern?: string }).pattern;
        const code = pattern === String(CIDR_PATTERN) ? 'cidr-syntax' : pattern === String(IPV4_PATTERN) ? 'ip-syntax'
          : pattern === String(NAME_PATTERN) ? 'invalid-name' : pattern === String(PORT_RANGE_PATTERN) ? 'port-range' : 'wrong-type';
        const message = code === 'port-range' ? 'expected a port number or a range such as "8000-8080"' : issue.message;
        error(code, path, `${message}, got ${describeValue(input)}`);
        break;
      }
      case 'invalid_union': {
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator === undefined) error('wrong-type', path, `${issue.message}, got ${describeValue(input)}`);
        else {
          const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[discriminator] : input;
          error('unknown-route-target', path, `${issue.message}, got ${given === undefined ? 'nothing' : describeValue(given)}`);
        }
        break;
      }
      case 'invalid_key': {
        const inner = issue.issues[0]?.message ?? 'invalid name';
        error('invalid-name', path, `${describeValue(path[path.length - 1])} is not a valid name: ${inner}`, true);
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const hint = suggest(key, keysAt(schema, path));
          error('unknown-key', [...path, key], `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, true);
        }
        break;
      default:
        error('wrong-type', path, issue.message);
    }
  }
  return out;
}

function describeSize(v: unknown): string {
  if (Array.isArray(v)) return `${v.length}${plural(v.length, ' item')}`;
  if (typeof v === 'string') return `${v.length}${plural(v.length, ' character')}`;
  return describeValue(v);
}

const plural = (n: number, word: string): string => (n === 1 ? word : `${word}s`);

interface Def { type: string; shape?: Record<string, Wrapped>; valueType?: Wrapped; element?: Wrapped; innerType?: Wrapped; options?: Wrapped[] }
interface Wrapped { _zod: { def: Def } }

/** The keys the schema allows for the object at `path`: "did you mean" candidates. */
function keysAt(schema: z.ZodType, path: DocPath): string[] {
  let nodes: Wrapped[] = [schema as unknown as Wrapped];
  const unwrap = (ws: Wrapped[]): Wrapped[] => ws.flatMap((w) => {
    const d = w._zod.def;
    if (d.innerType) return unwrap([d.innerType]);
    if (d.options) return unwrap(d.options);
    return [w];
  });
  for (const seg of path) {
    nodes = unwrap(nodes).flatMap((w) => {
      const d = w._zod.def;
      if (d.shape && typeof seg === 'string' && d.shape[seg]) return [d.shape[seg]];
      if (d.valueType && typeof seg === 'string') return [d.valueType];
      if (d.element && typeof seg === 'number') return [d.element];
      return [];
    });
  }
  return unwrap(nodes).flatMap((w) => Object.keys(w._zod.def.shape ?? {}));
}
