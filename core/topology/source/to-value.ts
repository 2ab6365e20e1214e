/**
 * YAML nodes → plain JSON-like values, instead of the library's toJS(). Doing it here lets us
 * report a non-string map key at its position (toJS would stringify "[a]" with a console
 * warning), bound the work aliases can cause (a "billion laughs" document expands each alias
 * again), refuse "__proto__" keys, and find duplicate keys with a set per mapping: the parser's
 * own `uniqueKeys` check compares every pair of keys and takes seconds on a large document.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { PathDiagnostic, PathSegment } from '../diagnostics.ts';

/** A duplicated key: where its later occurrence is, for the diagnostic. */
export interface DuplicateKey { readonly name: string; readonly start: number; readonly end: number }

const MAX_NODES = 200_000;
const MAX_DEPTH = 128;

export function toValue(doc: Document, problems: PathDiagnostic[], duplicates: DuplicateKey[]): unknown {
  let budget = MAX_NODES;
  let exhausted = false;
  const visit = (node: unknown, path: PathSegment[], depth: number): unknown => {
    if (exhausted) return null;
    if (--budget < 0 || depth > MAX_DEPTH) {
      exhausted = true;
      problems.push({ code: 'too-complex', severity: 'error', path, message: depth > MAX_DEPTH
        ? `the document is nested deeper than ${MAX_DEPTH} levels`
        : `the document expands to more than ${MAX_NODES} values (too many aliases?)` });
      return null;
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return visit(node.resolve(doc), path, depth + 1);
    if (isScalar(node)) return node.value;
    if (isMap(node) || isPair(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      const pairs = isPair(node) ? [node] : node.items;
      for (const pair of pairs) {
        const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        const k = isScalar(key) ? key.value : key;
        if (typeof k !== 'string' && typeof k !== 'number') {
          problems.push({ code: 'key-not-string', severity: 'error', path, message: 'map keys must be plain strings' });
          continue;
        }
        const name = String(k);
        if (name === '__proto__') {
          // Schema libraries skip this key silently to avoid prototype pollution; say so instead.
          problems.push({ code: 'invalid-name', severity: 'error', path: [...path, name], message: '"__proto__" cannot be used as a key', atKey: true });
          continue;
        }
        // An alias's expansion is the anchor's map, checked where it is written.
        if (seen.has(name) && !isAlias(node) && isScalar(key) && key.range) duplicates.push({ name, start: key.range[0], end: key.range[1] });
        seen.add(name);
        Object.defineProperty(out, name, { value: visit(pair.value, [...path, name], depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => visit(item, [...path, i], depth + 1));
    return null;
  };
  return visit(doc.contents as Node | null, [], 0);
}
