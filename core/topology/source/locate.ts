/**
 * Document path → character range in the source, through the YAML node tree (JSON input is
 * parsed by the same YAML parser, so one mapping serves both). When the path leads somewhere the
 * source does not have (a missing required key, a default created by migration), the range of the
 * deepest node that exists is used, preferring the key that names the enclosing object, so the
 * editor underlines "web1:" for "instance web1 has no subnet".
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { DocPath } from '../diagnostics.ts';

export interface Span { readonly start: number; readonly end: number }

export function locate(doc: Document, path: DocPath, atKey: boolean): Span {
  let node: unknown = doc.contents;
  let keyNode: Node | null = null;
  let found = true;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (typeof seg === 'string' && isMap(node)) {
      // The last pair with the key: with a duplicated key, that is the one whose value counts.
      let pair = null;
      for (let i = node.items.length - 1; i >= 0 && !pair; i--) {
        const p = node.items[i];
        if (isScalar(p.key) && String(p.key.value) === seg) pair = p;
      }
      if (!pair) { found = false; break; }
      keyNode = pair.key as Node;
      node = pair.value ?? null;
    } else if (typeof seg === 'number' && isSeq(node) && seg >= 0 && seg < node.items.length) {
      keyNode = null;
      node = node.items[seg];
    } else {
      found = false;
      break;
    }
    if (node === null) break;
  }
  // An empty value ("web1:" and nothing) has a zero-length range: show its key instead.
  const empty = isScalar(node) && node.value === null && hasRange(node) && node.range[0] === node.range[1];
  const target = (atKey || !found || empty || !hasRange(node)) && keyNode ? keyNode : node;
  return hasRange(target) ? { start: target.range[0], end: target.range[1] } : { start: 0, end: 0 };
}

function hasRange(n: unknown): n is { range: [number, number, number] } {
  return typeof n === 'object' && n !== null && Array.isArray((n as { range?: unknown }).range);
}
