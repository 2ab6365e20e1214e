/**
 * Undo and redo for typed edits. Each change is inverted against the tree just before it is
 * applied, so the inverse carries exactly what it replaced or removed (the old YAML nodes, with
 * their comments and style) and undoing puts the text back as it was printed. Inverses are
 * recomputed on every undo and redo rather than stored once: after an undo the tree holds the
 * restored nodes, and the next redo must remove those very nodes.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { err, ok, type Result } from '../base/result.ts';
import type { DocPath } from './diagnostics.ts';
import { applyChange, type TopologyChange } from './edit.ts';

/** The change that undoes `change` on `tree` as it is now (before `change` is applied). */
export function invertChange(tree: Document, change: TopologyChange): Result<TopologyChange, string> {
  switch (change.op) {
    case 'set': return ok(invertSet(tree, change.path));
    case 'insert': return ok({ op: 'delete', path: [...change.path, change.index] });
    case 'rename': return ok({ op: 'rename', path: [...change.path.slice(0, -1), change.to], to: String(change.path[change.path.length - 1]) });
    case 'restore': return ok({ op: 'delete', path: change.path });
    case 'delete': return invertDelete(tree, change.path);
  }
}

function invertSet(tree: Document, path: DocPath): TopologyChange {
  // The first object in an empty `vpcs: {}` turns the collection to block style (edit.ts): undo
  // puts the empty flow mapping back as it was.
  const coll = path.length === 2 ? tree.getIn([path[0]], true) : undefined;
  if (isMap(coll) && coll.flow && coll.items.length === 0) return { op: 'set', path: [path[0]], value: coll.clone() };
  // Walk down: the first missing level is what the set creates (remove it again); an empty
  // entry on the way (`web:`) becomes a mapping (put the empty entry back).
  for (let i = 1; i <= path.length; i++) {
    const prefix = path.slice(0, i);
    const node = tree.getIn(prefix, true) as Node | undefined;
    if (node === undefined) return { op: 'delete', path: prefix };
    if (i < path.length && isScalar(node) && (node.value === null || node.value === undefined)) return { op: 'set', path: prefix, value: node.clone() };
    if (i === path.length) return { op: 'set', path, value: node.clone() };
  }
  return { op: 'delete', path };
}

function invertDelete(tree: Document, path: DocPath): Result<TopologyChange, string> {
  const parent = path.length > 1 ? tree.getIn(path.slice(0, -1), true) : tree.contents;
  const key = path[path.length - 1];
  if (isMap(parent)) {
    const index = parent.items.findIndex((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    if (index >= 0) return ok({ op: 'restore', path, index, entry: parent.items[index] });
  }
  if (isSeq(parent) && typeof key === 'number' && key >= 0 && key < parent.items.length) {
    const item = parent.items[key];
    if (item && typeof item === 'object') return ok({ op: 'restore', path, index: key, entry: item as Node });
  }
  return err(`nothing to delete at ${path.join('.')}`);
}

/**
 * Applies `changes` in order and returns the changes that undo them (in the order to apply them).
 * All or nothing: if one cannot apply, those already applied are undone and the error says which.
 */
export function applyTracked(tree: Document, changes: readonly TopologyChange[]): Result<TopologyChange[], { index: number; message: string }> {
  const inverse: TopologyChange[] = [];
  for (let i = 0; i < changes.length; i++) {
    const inv = invertChange(tree, changes[i]);
    const applied = inv.ok ? applyChange(tree, changes[i]) : inv;
    if (!inv.ok || !applied.ok) {
      for (const back of inverse) applyChange(tree, back);
      return err({ index: i, message: applied.ok ? 'cannot be undone' : applied.error });
    }
    inverse.unshift(inv.value);
  }
  return ok(inverse);
}

export interface HistoryEntry {
  /** What the person did, for the Undo/Redo button titles ("Add subnet app"). */
  readonly label: string;
  /** Applying these redoes the edit. */
  readonly redo: readonly TopologyChange[];
  /** Applying these undoes it. */
  readonly undo: readonly TopologyChange[];
}

/** How many edits undo remembers; older ones fall off. */
export const HISTORY_LIMIT = 500;

/** The undo and redo stacks of one document's tree. */
export class EditHistory {
  private readonly past: HistoryEntry[] = [];
  private readonly future: HistoryEntry[] = [];

  get canUndo(): boolean { return this.past.length > 0; }
  get canRedo(): boolean { return this.future.length > 0; }
  get undoLabel(): string | null { return this.past.at(-1)?.label ?? null; }
  get redoLabel(): string | null { return this.future.at(-1)?.label ?? null; }
  get depth(): { readonly undo: number; readonly redo: number } { return { undo: this.past.length, redo: this.future.length }; }

  /** Applies an edit and remembers it; a new edit clears what could be redone. */
  apply(tree: Document, label: string, changes: readonly TopologyChange[]): Result<HistoryEntry, { index: number; message: string }> {
    const r = applyTracked(tree, changes);
    if (!r.ok) return r;
    const entry: HistoryEntry = { label, redo: changes, undo: r.value };
    this.past.push(entry);
    if (this.past.length > HISTORY_LIMIT) this.past.shift();
    this.future.length = 0;
    return ok(entry);
  }

  /** Undoes the last edit on `tree`; null when there is nothing to undo or it no longer applies. */
  undo(tree: Document): HistoryEntry | null {
    return this.move(tree, this.past, this.future, 'undo');
  }

  redo(tree: Document): HistoryEntry | null {
    return this.move(tree, this.future, this.past, 'redo');
  }

  clear(): void {
    this.past.length = 0;
    this.future.length = 0;
  }

  private move(tree: Document, from: HistoryEntry[], to: HistoryEntry[], side: 'undo' | 'redo'): HistoryEntry | null {
    const entry = from.pop();
    if (!entry) return null;
    const r = applyTracked(tree, entry[side]);
    if (!r.ok) {
      // The text was edited by hand since, so this edit no longer fits: forget it, and what is older.
      from.length = 0;
      return null;
    }
    const next: HistoryEntry = side === 'undo' ? { label: entry.label, redo: r.value, undo: entry.undo } : { label: entry.label, redo: entry.redo, undo: r.value };
    to.push(next);
    return next;
  }
}
