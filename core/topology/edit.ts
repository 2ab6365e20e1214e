/**
 * Typed edits applied to the YAML syntax tree rather than to the parsed value, so the text keeps
 * its comments, key order and flow/block style everywhere the edit did not touch. The visual
 * editor turns gestures into these; the text editor gets the new text from `tree.toString()` and
 * then reloads it with loadTopology to validate. Paths are the same as in diagnostics.
 * The YAML printer normalises spacing on the first print (one space before a trailing comment,
 * consistent indentation); from then on an edit changes only the text it edits.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { err, ok, type Result } from '../base/result.ts';
import { formatPath, type DocPath } from './diagnostics.ts';

export type TopologyChange =
  /** Create or replace the value at `path`; missing parent mappings are created. */
  | { readonly op: 'set'; readonly path: DocPath; readonly value: unknown }
  /** Remove the value at `path` (a map entry or a list item). */
  | { readonly op: 'delete'; readonly path: DocPath }
  /** Insert into the list at `path` before `index` (index = length appends). */
  | { readonly op: 'insert'; readonly path: DocPath; readonly index: number; readonly value: unknown }
  /** Rename the map key at `path` in place (its comments and position stay). */
  | { readonly op: 'rename'; readonly path: DocPath; readonly to: string }
  /**
   * Put back what a delete removed, at its old position: `entry` is the removed map entry (a YAML
   * Pair, whose key carries the comment above it) or list item. Undo needs it, since a plain `set`
   * would append at the end and lose the comment above the entry; `path` names the entry itself.
   */
  | { readonly op: 'restore'; readonly path: DocPath; readonly index: number; readonly entry: Pair | Node };

export function applyChange(tree: Document, change: TopologyChange): Result<void, string> {
  const where = formatPath(change.path);
  switch (change.op) {
    case 'set':
      if (change.path.length === 0) return err('cannot replace the whole document');
      if (!fillEmptyParents(tree, change.path)) return err(`${where} is inside a value that is not a mapping or list`);
      if (change.path.length === 2) blockIfEmpty(tree, change.path[0]);
      // A YAML node (from undo) goes in as it is, with its comments; createNode returns it unchanged.
      tree.setIn(change.path, isNode(change.value) ? change.value : tree.createNode(change.value));
      return ok(undefined);
    case 'delete':
      if (!tree.hasIn(change.path)) return err(`nothing at ${where}`);
      tree.deleteIn(change.path);
      return ok(undefined);
    case 'insert': {
      const list = tree.getIn(change.path, true);
      if (!isSeq(list)) return err(`${where} is not a list`);
      if (!Number.isInteger(change.index) || change.index < 0 || change.index > list.items.length) return err(`no position ${change.index} in ${where}`);
      list.items.splice(change.index, 0, tree.createNode(change.value));
      return ok(undefined);
    }
    case 'rename': {
      const key = change.path[change.path.length - 1];
      const parent = tree.getIn(change.path.slice(0, -1), true);
      if (typeof key !== 'string' || !isMap(parent)) return err(`${where} is not a map entry`);
      if (parent.items.some((p) => isScalar(p.key) && p.key.value === change.to)) return err(`"${change.to}" already exists next to ${where}`);
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair || !isScalar(pair.key)) return err(`nothing at ${where}`);
      pair.key.value = change.to;
      return ok(undefined);
    }
    case 'restore': {
      const parent = change.path.length > 1 ? tree.getIn(change.path.slice(0, -1), true) : tree.contents;
      const at = Math.min(Math.max(0, change.index), isMap(parent) || isSeq(parent) ? parent.items.length : 0);
      if (isMap(parent) && isPair(change.entry)) {
        if (tree.hasIn(change.path)) return err(`${where} already exists`);
        parent.items.splice(at, 0, change.entry);
        return ok(undefined);
      }
      if (isSeq(parent) && isNode(change.entry)) {
        parent.items.splice(at, 0, change.entry);
        return ok(undefined);
      }
      return err(`cannot put an entry back at ${where}`);
    }
  }
}

/**
 * A top-level collection written `vpcs: {}` (what deleting its last object prints) gets its first
 * new object in block style, one object per line as in the examples, not `vpcs: { a: { … } }`.
 */
function blockIfEmpty(tree: Document, collection: string | number): void {
  const node = tree.getIn([collection], true);
  if (isMap(node) && node.items.length === 0 && node.flow) node.flow = false;
}

/**
 * `web:` (an empty entry, a null scalar) along the path of a set becomes an empty mapping, so
 * setting `instances.web.subnet` works on `web:` as on `web: {}`. False when a non-empty scalar
 * is in the way (the YAML library would throw).
 */
function fillEmptyParents(tree: Document, path: DocPath): boolean {
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const node = tree.getIn(prefix, true);
    if (node === undefined) return true;
    if (isScalar(node)) {
      if (node.value !== null && node.value !== undefined) return false;
      const map = tree.createNode({});
      // Keep the trailing comment of `web:   # note` on the new mapping.
      map.comment = node.comment;
      tree.setIn(prefix, map);
    }
  }
  return true;
}

/** Apply changes in order; stops at the first that cannot apply and says which. */
export function applyChanges(tree: Document, changes: readonly TopologyChange[]): Result<void, { index: number; message: string }> {
  for (let i = 0; i < changes.length; i++) {
    const r = applyChange(tree, changes[i]);
    if (!r.ok) return err({ index: i, message: r.error });
  }
  return ok(undefined);
}
