/**
 * The inspector's form, generated from the topology JSON Schema (the same one Monaco validates
 * with): one field per property of an object kind, with its type, limits and description, and a
 * check of a typed value against them before it becomes a change. What the schema cannot say
 * (a CIDR inside its VPC, a free address) comes back as diagnostics after the edit, shown inline.
 */
import { topologyJsonSchema } from '../../../../core/topology/index.ts';
import { isRecord } from './doc-value.ts';

export type FieldType = 'string' | 'integer' | 'boolean' | 'names' | 'complex';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly description: string;
  readonly required: boolean;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

type Schema = Record<string, unknown>;

let cache: Map<string, FieldSpec[]> | null = null;

/** The object schema of one collection's items, with `null` (an empty entry) unwrapped. */
function itemSchema(root: Schema, collection: string): Schema | null {
  const coll = (root.properties as Schema | undefined)?.[collection];
  const map = isRecord(coll) && Array.isArray(coll.anyOf) ? coll.anyOf.find((s) => isRecord(s) && s.type === 'object') : null;
  let item = isRecord(map) ? map.additionalProperties : null;
  if (isRecord(item) && Array.isArray(item.anyOf)) item = item.anyOf.find((s) => isRecord(s) && s.type === 'object');
  return isRecord(item) ? item : null;
}

function specOf(name: string, s: Schema, required: boolean): FieldSpec {
  const description = typeof s.description === 'string' ? s.description : '';
  const base = { name, description, required };
  if (s.type === 'boolean') return { ...base, type: 'boolean' };
  if (s.type === 'integer' || s.type === 'number') {
    return { ...base, type: 'integer', ...(typeof s.minimum === 'number' ? { minimum: s.minimum } : {}), ...(typeof s.maximum === 'number' ? { maximum: s.maximum } : {}) };
  }
  if (s.type === 'string') {
    return { ...base, type: 'string', ...(typeof s.pattern === 'string' ? { pattern: s.pattern } : {}), ...(typeof s.maxLength === 'number' ? { maxLength: s.maxLength } : {}) };
  }
  const items = isRecord(s.items) ? s.items : Array.isArray(s.prefixItems) ? (s.prefixItems[0] as Schema) : null;
  if (s.type === 'array' && isRecord(items) && items.type === 'string') {
    return {
      ...base, type: 'names', ...(typeof items.pattern === 'string' ? { pattern: items.pattern } : {}),
      ...(typeof s.minItems === 'number' ? { minItems: s.minItems } : {}), ...(typeof s.maxItems === 'number' ? { maxItems: s.maxItems } : {}),
    };
  }
  return { ...base, type: 'complex' };
}

export function fieldsOf(collection: string): readonly FieldSpec[] {
  if (!cache) {
    cache = new Map();
    const root = topologyJsonSchema() as Schema;
    for (const c of Object.keys((root.properties as Schema) ?? {})) {
      const item = itemSchema(root, c);
      if (!item) continue;
      const req = new Set(Array.isArray(item.required) ? item.required : []);
      cache.set(c, Object.entries((item.properties as Schema) ?? {}).map(([n, p]) => specOf(n, p as Schema, req.has(n))));
    }
  }
  return cache.get(collection) ?? [];
}

export type Checked = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/**
 * Turns what was typed into the field's value: '' clears an optional field (undefined), numbers
 * and name lists are parsed, and the schema's limits are checked.
 */
export function checkField(spec: FieldSpec, raw: string | boolean): Checked {
  if (spec.type === 'boolean') return { ok: true, value: raw === true };
  const text = String(raw).trim();
  if (text === '') return spec.required ? { ok: false, error: `${spec.name} is required` } : { ok: true, value: undefined };
  if (spec.type === 'integer') {
    if (!/^-?\d+$/.test(text)) return { ok: false, error: 'a whole number' };
    const n = Number(text);
    if (spec.minimum !== undefined && n < spec.minimum) return { ok: false, error: `at least ${spec.minimum}` };
    if (spec.maximum !== undefined && n > spec.maximum) return { ok: false, error: `at most ${spec.maximum}` };
    return { ok: true, value: n };
  }
  if (spec.type === 'names') {
    const names = text.split(/[\s,]+/).filter((x) => x !== '');
    const bad = spec.pattern ? names.find((x) => !new RegExp(spec.pattern!).test(x)) : undefined;
    if (bad !== undefined) return { ok: false, error: `"${bad}" is not a valid name` };
    if (spec.minItems !== undefined && names.length < spec.minItems) return { ok: false, error: `at least ${spec.minItems} names` };
    if (spec.maxItems !== undefined && names.length > spec.maxItems) return { ok: false, error: `at most ${spec.maxItems} names` };
    return { ok: true, value: names };
  }
  if (spec.type === 'string') {
    if (spec.maxLength !== undefined && text.length > spec.maxLength) return { ok: false, error: `at most ${spec.maxLength} characters` };
    if (spec.pattern && !new RegExp(spec.pattern).test(text)) {
      return { ok: false, error: /cidr/i.test(spec.name) || /destination/.test(spec.name) ? 'not a CIDR block like 10.0.1.0/24' : spec.name === 'ip' ? 'not an IPv4 address' : 'not a valid name' };
    }
    return { ok: true, value: text };
  }
  return { ok: false, error: 'edit this field in the text' };
}

/** The field's current value as the form shows it. */
export function displayValue(spec: FieldSpec, v: unknown): string | boolean {
  if (spec.type === 'boolean') return v === true;
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return spec.type === 'names' ? v.join(', ') : `${v.length} item${v.length === 1 ? '' : 's'}`;
  return String(v);
}
