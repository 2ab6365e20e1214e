/**
 * The `editor` store: the open document as the two editors see it. The text is the workspace's
 * (`workspace.text`, which autosaves drafts and feeds "Load into simulation"); this store parses it
 * with loadTopology on every change for the tree, the value the canvas draws and the diagnostics,
 * and keeps the selection, remembered positions, the clipboard and the undo/redo stacks of typed
 * changes. Canvas gestures become TopologyChange lists applied to the YAML tree (comments and order
 * survive), whose printed text goes back to the workspace; text edits simply reparse.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { EditHistory, loadTopology, type LoadResult, type TopologyChange } from '../../../core/topology/index.ts';
import { useConnectionStore } from '../stores/connection.ts';
import { useWorkspaceStore } from '../stores/workspace.ts';
import { badgesByObject } from './model/badges.ts';
import { EMPTY_VALUE, readValue, type DocValue } from './model/doc-value.ts';
import { copyObjects, refused, type ClipboardItem, type Edit, type Gesture } from './model/gestures.ts';
import { buildGraph, type Point } from './model/graph.ts';
import type { View } from './model/kinds.ts';
import { layoutView } from './model/layout.ts';
import { rememberPositions } from './remembered-positions.ts';

/** The exact texts around one edit, so undo gives back the characters the user had. */
interface Snapshot { readonly before: string; readonly after: string }

export const useEditorStore = defineStore('editor', () => {
  const workspace = useWorkspaceStore();
  const text = ref(workspace.text);
  const result = shallowRef<LoadResult>(loadTopology(text.value));
  /** What the canvas draws: the last readable value (a syntax error keeps the previous drawing). */
  const value = shallowRef<DocValue>(readValue(result.value.tree) ?? EMPTY_VALUE);
  const readable = ref(true);
  const view = ref<View>('logical');
  const selection = ref<readonly string[]>([]);
  const selectedEdges = ref<readonly string[]>([]);
  const positions = ref<Record<string, Point>>({});
  const clipboard = shallowRef<readonly ClipboardItem[]>([]);
  /** Why the last gesture did nothing, for the status line. */
  const message = ref<string | null>(null);
  const layingOut = ref(false);

  /** A place in the text to show (a diagnostic picked in the list, a node's definition). */
  const reveal = shallowRef<{ readonly offset: number; readonly endOffset: number } | null>(null);
  /** The text editor's pending (debounced) keystrokes: sent before any canvas edit reads the text. */
  let flushText: (() => void) | null = null;

  const history = new EditHistory();
  const past: Snapshot[] = [];
  const future: Snapshot[] = [];
  /** Bumped after every history move: the stacks are not reactive themselves. */
  const historyVersion = ref(0);

  const diagnostics = computed(() => result.value.diagnostics);
  const badges = computed(() => badgesByObject(diagnostics.value));
  const graph = computed(() => buildGraph(value.value, view.value, positions.value, badges.value));
  const canUndo = computed(() => (historyVersion.value, history.canUndo));
  const canRedo = computed(() => (historyVersion.value, history.canRedo));
  const undoLabel = computed(() => (historyVersion.value, history.undoLabel));
  const redoLabel = computed(() => (historyVersion.value, history.redoLabel));

  function reparse(next: string): void {
    text.value = next;
    result.value = loadTopology(next);
    const v = readValue(result.value.tree);
    readable.value = v !== null && !result.value.diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'json-syntax');
    if (v !== null && readable.value) value.value = v;
    const exists = (id: string) => {
      const [c, ...rest] = id.split('/');
      return value.value[c]?.[rest.join('/')] !== undefined;
    };
    selection.value = selection.value.filter(exists);
  }

  /** The text changed in the text editor (or anywhere else): reparse and pass it on. */
  function setText(next: string): void {
    if (next === text.value) return;
    reparse(next);
    workspace.text = next;
  }

  function commit(next: string): void {
    reparse(next);
    workspace.text = next;
    historyVersion.value++;
  }

  /** Keeps the exact-text snapshots as deep as the history (which may drop old or stale entries). */
  function trim(): void {
    const { undo, redo } = history.depth;
    if (past.length > undo) past.splice(0, past.length - undo);
    if (future.length > redo) future.splice(0, future.length - redo);
  }

  /** A tree to edit: parsed afresh, so ranges and nodes belong to the current text. */
  function editableTree() {
    const r = loadTopology(text.value);
    return r.tree && readable.value ? r.tree : null;
  }

  /** Applies changes as one undoable edit; false (with `message`) when they cannot apply. */
  function apply(label: string, changes: readonly TopologyChange[]): boolean {
    flushText?.();
    const tree = editableTree();
    if (!tree) {
      message.value = 'Fix the syntax error in the text first: the canvas edits the parsed document.';
      return false;
    }
    const r = history.apply(tree, label, changes);
    if (!r.ok) {
      message.value = `${label}: ${r.error.message}`;
      return false;
    }
    past.push({ before: text.value, after: tree.toString() });
    future.length = 0;
    trim();
    message.value = null;
    commit(tree.toString());
    return true;
  }

  /** Runs a gesture: applies its edit and selects what it made, or says why not. */
  function run(g: Gesture | null): boolean {
    if (g === null) return false;
    if (refused(g)) {
      message.value = g.refused;
      return false;
    }
    const e: Edit = g;
    if (!apply(e.label, e.changes)) return false;
    if (e.created) {
      selection.value = [...e.created];
      selectedEdges.value = [];
    }
    return true;
  }

  function undo(): boolean {
    return move('undo');
  }

  function redo(): boolean {
    return move('redo');
  }

  function move(side: 'undo' | 'redo'): boolean {
    flushText?.();
    const tree = editableTree();
    if (!tree) return false;
    const entry = side === 'undo' ? history.undo(tree) : history.redo(tree);
    if (!entry) {
      trim();
      historyVersion.value++;
      return false;
    }
    const snap = (side === 'undo' ? past : future).pop();
    if (snap) (side === 'undo' ? future : past).push(snap);
    // Unchanged since the edit: give back the exact text; else the tree's print of the inverse.
    const exact = snap && (side === 'undo' ? (text.value === snap.after ? snap.before : null) : (text.value === snap.before ? snap.after : null));
    trim();
    message.value = null;
    commit(exact ?? tree.toString());
    return true;
  }

  function select(ids: readonly string[], edges: readonly string[] = []): void {
    selection.value = [...ids];
    selectedEdges.value = [...edges];
  }

  function copy(): number {
    clipboard.value = copyObjects(value.value, selection.value);
    return clipboard.value.length;
  }

  function moveNode(id: string, position: Point): void {
    positions.value = { ...positions.value, [`${view.value}:${id}`]: position };
  }

  /** Lays out the current view with elkjs (or `which`); positions stay per view. */
  async function autoLayout(which: View = view.value): Promise<void> {
    layingOut.value = true;
    try {
      const laid = await layoutView(value.value, which);
      const keep = Object.fromEntries(Object.entries(positions.value).filter(([k]) => !k.startsWith(`${which}:`)));
      positions.value = { ...keep, ...laid };
    } finally {
      layingOut.value = false;
    }
  }

  /** Sends the text editor's pending keystrokes now (before loading the text elsewhere). */
  function flush(): void {
    flushText?.();
  }

  function onBeforeEdit(fn: (() => void) | null): void {
    flushText = fn;
  }

  function revealText(offset: number, endOffset: number): void {
    reveal.value = { offset, endOffset };
  }

  /** Shows where an object is defined in the text. */
  function revealObject(id: string): void {
    const [c, ...rest] = id.split('/');
    const node = result.value.tree?.getIn([c, rest.join('/')], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) revealText(node.range[0], node.range[1]);
  }

  function forget(): void {
    history.clear();
    past.length = 0;
    future.length = 0;
    positions.value = {};
    selection.value = [];
    selectedEdges.value = [];
    message.value = null;
    historyVersion.value++;
  }

  // The workspace opened another document (its text and identity changed together): start over.
  // Text changed alone (a restored draft): reparse and keep the history, whose entries that no
  // longer fit are dropped when reached.
  watch(
    () => [workspace.document, workspace.text] as const,
    ([doc, t], [oldDoc]) => {
      if (t === text.value) return;
      if (doc !== oldDoc) forget();
      reparse(t);
      historyVersion.value++;
    },
  );

  // After the watcher above: a document opened from the workspace has its positions cleared first,
  // then gets back the ones it was saved with.
  const connection = useConnectionStore();
  rememberPositions({
    positions,
    document: () => workspace.document,
    api: () => connection.clients?.workspace.api ?? null,
    problem: (m) => (message.value = m),
  });

  return {
    text, result, value, readable, view, selection, selectedEdges, positions, clipboard, message, layingOut, reveal,
    diagnostics, badges, graph, canUndo, canRedo, undoLabel, redoLabel,
    setText, apply, run, undo, redo, select, copy, moveNode, autoLayout, forget, flush, onBeforeEdit, revealText, revealObject,
  };
});
