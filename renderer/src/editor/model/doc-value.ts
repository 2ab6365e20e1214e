/**
 * The document as the canvas reads it: the plain value of the YAML tree, taken even when the
 * document does not validate (a broken CIDR must still be drawn, with its badge). Objects are
 * addressed as `<collection>/<name>`, which is also the first two steps of a diagnostic path.
 */
import type { Document } from 'yaml';

export type Fields = Readonly<Record<string, unknown>>;
/** Collection name → object name → the object's fields ({} for an empty entry like `web:`). */
export type DocValue = Readonly<Record<string, Readonly<Record<string, Fields>>>>;

export const EMPTY_VALUE: DocValue = {};

/** Null when the tree is not a mapping (a YAML or JSON syntax error, a list at the top). */
export function readValue(tree: Document | null): DocValue | null {
  if (!tree) return null;
  let raw: unknown;
  try {
    raw = tree.toJS({ maxAliasCount: 100 });
  } catch {
    return null;
  }
  if (!isRecord(raw)) return null;
  const out: Record<string, Record<string, Fields>> = {};
  for (const [key, coll] of Object.entries(raw)) {
    if (!isRecord(coll)) continue;
    const objects: Record<string, Fields> = {};
    for (const [name, v] of Object.entries(coll)) objects[name] = isRecord(v) ? v : {};
    out[key] = objects;
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const objectId = (collection: string, name: string): string => `${collection}/${name}`;

export function splitId(id: string): { collection: string; name: string } {
  const slash = id.indexOf('/');
  return { collection: id.slice(0, slash), name: id.slice(slash + 1) };
}

export function namesOf(value: DocValue, collection: string): string[] {
  return Object.keys(value[collection] ?? {});
}

/** A reference as written, or the only candidate when it is omitted (the document's "sole" rule). */
export function resolveRef(value: DocValue, fields: Fields, field: string, targetCollection: string): string | null {
  const written = fields[field];
  if (typeof written === 'string') return written;
  if (written !== undefined && written !== null) return null;
  const names = namesOf(value, targetCollection);
  return names.length === 1 ? names[0] : null;
}

/** A list of names (subnets of a route table, security groups of an instance); junk ignored. */
export function nameList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
