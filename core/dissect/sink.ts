import type { FieldDef, FieldValue } from './field.ts';

/**
 * Where dissection puts what it finds. The tree sink keeps everything for the detail and hex panes;
 * the filter sink keeps only the fields a compiled filter asked for, so filtering a million frames
 * builds no tree.
 */
export interface FieldSink {
  /** Whether this sink keeps `field`; dissectors skip reading values it does not want. */
  wants(field: FieldDef): boolean;
  add(field: FieldDef, offset: number, length: number, value: FieldValue): void;
  /** Makes the last added item the parent of what follows. */
  enter(): void;
  leave(): void;
  /** Sets the label of the last added item (tree sinks only). */
  label(text: string): void;
  /**
   * Hides the last added item from the tree (Wireshark's proto_item_set_hidden): filters and
   * field output still see it. Optional: sinks without a tree ignore it.
   */
  hide?(): void;
  /** Sets the length of the item whose subtree is open, once known. */
  setOpenLength(length: number): void;
  /** True when labels are kept, so dissectors know whether to format them. */
  readonly keepsLabels: boolean;
  /** How many subtrees are open; `unwindTo` closes back to a depth after an aborted dissector. */
  readonly depth: number;
  unwindTo(depth: number): void;
  /**
   * Data sources: index 0 is the frame, more are bytes a dissector made (a reassembled datagram).
   * Items added after `useSource(i)` point into source i.
   */
  useSource(index: number, bytes: Uint8Array, name: string): void;
}

/** A named byte buffer that tree items point into (Wireshark's tabs under the hex pane). */
export interface DataSource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One node of the protocol tree. `label` is null when the default `Name: value` label applies. */
export interface TreeNode {
  readonly field: FieldDef | null;
  readonly offset: number;
  length: number;
  value: FieldValue;
  label: string | null;
  /** Index into the sink's data sources of the bytes `offset` points into (0 = the frame). */
  readonly source: number;
  readonly children: TreeNode[];
  readonly parent: TreeNode | null;
  /** Set for an item hidden on its own (the field itself may be shown elsewhere). */
  hidden?: boolean;
}

export class TreeSink implements FieldSink {
  readonly root: TreeNode = { field: null, offset: 0, length: 0, value: null, label: '', children: [], parent: null, source: 0 };
  readonly sources: DataSource[] = [];
  private source = 0;
  private current: TreeNode = this.root;
  private last: TreeNode | null = null;
  readonly keepsLabels = true;
  depth = 0;

  wants(): boolean {
    return true;
  }

  add(field: FieldDef, offset: number, length: number, value: FieldValue): void {
    const node: TreeNode = { field, offset, length, value, label: null, children: [], parent: this.current, source: this.source };
    this.current.children.push(node);
    this.last = node;
  }

  useSource(index: number, bytes: Uint8Array, name: string): void {
    this.source = index;
    if (!this.sources[index]) this.sources[index] = { name, bytes };
  }

  /** A text-only node (no field), like Wireshark's proto_tree_add_text. */
  addText(text: string, offset: number, length: number): void {
    const node: TreeNode = { field: null, offset, length, value: null, label: text, children: [], parent: this.current, source: this.source };
    this.current.children.push(node);
    this.last = node;
  }

  enter(): void {
    if (this.last) {
      this.current = this.last;
      this.depth++;
    }
  }

  leave(): void {
    if (this.current.parent) {
      this.last = this.current;
      this.current = this.current.parent;
      this.depth--;
    }
  }

  unwindTo(depth: number): void {
    while (this.depth > depth) this.leave();
  }

  /** The node added last, so the engine can fill in values known only at the end (frame.protocols). */
  get lastNode(): TreeNode | null {
    return this.last;
  }

  label(text: string): void {
    if (this.last) this.last.label = text;
  }

  hide(): void {
    if (this.last) this.last.hidden = true;
  }

  setOpenLength(length: number): void {
    if (this.current !== this.root) this.current.length = length;
  }

  /** Every node in document order (depth first), for field lookups in tests and -T json. */
  *walk(node: TreeNode = this.root): Generator<TreeNode> {
    for (const child of node.children) {
      yield child;
      yield* this.walk(child);
    }
  }
}

/**
 * Keeps the occurrences of the wanted fields only, in frame order, for filters and `-T fields`.
 * Storage is reused across frames: `reset()` clears only the fields the last frame touched.
 */
export class FilterSink implements FieldSink {
  readonly keepsLabels = false;
  private readonly wanted: Uint8Array;
  private readonly values: FieldValue[][];
  private readonly offsets: number[][];
  private readonly lengths: number[][];
  private readonly sourceOf: number[][];
  // Add order of each occurrence within the frame, so a filter can tell which protocol layer it is in.
  private readonly seqOf: number[][];
  private seq = 0;
  private readonly counts: Int32Array;
  private readonly sourceBytes: Uint8Array[] = [];
  private source = 0;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  // Open subtrees as (id, index) pairs, so a protocol's length can be fixed once known; -1 = unwanted.
  // A preallocated stack with an explicit depth: resizing an array's length is slow.
  private open = new Int32Array(256);
  depth = 0;
  /**
   * The field id of the last item added if it was kept, else -1: what `enter` opens. A caller
   * that skips `add` for an unwanted field (DissectContext.value) sets it to -1 itself.
   */
  lastId = -1;
  private lastIndex = -1;

  constructor(fields: Iterable<FieldDef>, idLimit: number) {
    this.wanted = new Uint8Array(idLimit);
    this.counts = new Int32Array(idLimit);
    this.touched = new Int32Array(idLimit);
    this.values = new Array(idLimit);
    this.offsets = new Array(idLimit);
    this.lengths = new Array(idLimit);
    this.sourceOf = new Array(idLimit);
    this.seqOf = new Array(idLimit);
    for (const f of fields) {
      this.sourceOf[f.id] = [];
      this.seqOf[f.id] = [];
      this.wanted[f.id] = 1;
      this.values[f.id] = [];
      this.offsets[f.id] = [];
      this.lengths[f.id] = [];
    }
  }

  wants(field: FieldDef): boolean {
    return this.wanted[field.id] === 1;
  }

  /** Which field ids this sink keeps (1), indexed by id: for callers that test before adding. Read-only. */
  get wantedIds(): Uint8Array {
    return this.wanted;
  }

  add(field: FieldDef, offset: number, length: number, value: FieldValue): void {
    const id = field.id;
    if (this.wanted[id] !== 1) {
      this.lastId = -1;
      return;
    }
    const n = this.counts[id];
    this.lastId = id;
    this.lastIndex = n;
    if (n === 0) this.touched[this.touchedCount++] = id;
    this.values[id][n] = value;
    this.offsets[id][n] = offset;
    this.lengths[id][n] = length;
    this.sourceOf[id][n] = this.source;
    this.seqOf[id][n] = this.seq++;
    this.counts[id] = n + 1;
  }

  useSource(index: number, bytes: Uint8Array): void {
    this.source = index;
    this.sourceBytes[index] = bytes;
  }

  /**
   * The whole data source an occurrence points into (its bytes are at `offset`..`offset+length`):
   * lets filters read protocol bytes without making a subarray per frame.
   */
  dataOf(field: FieldDef, index: number): Uint8Array {
    return this.sourceBytes[this.sourceOf[field.id][index]];
  }

  /** The bytes an occurrence covers (for slices and `contains` on protocols and fields). */
  bytesOf(field: FieldDef, index: number): Uint8Array {
    const src = this.sourceBytes[this.sourceOf[field.id][index]];
    const off = this.offsets[field.id][index];
    return src.subarray(off, off + this.lengths[field.id][index]);
  }

  enter(): void {
    const n = this.depth * 2;
    if (n + 2 > this.open.length) {
      const grown = new Int32Array(this.open.length * 2);
      grown.set(this.open);
      this.open = grown;
    }
    this.open[n] = this.lastId;
    this.open[n + 1] = this.lastIndex;
    this.depth++;
  }

  leave(): void {
    if (this.depth > 0) this.depth--;
  }

  unwindTo(depth: number): void {
    if (this.depth > depth) this.depth = depth;
  }

  label(): void {}

  setOpenLength(length: number): void {
    const n = this.depth * 2;
    if (n >= 2 && this.open[n - 2] >= 0) this.lengths[this.open[n - 2]][this.open[n - 1]] = length;
  }

  reset(): void {
    const touched = this.touched;
    for (let i = 0; i < this.touchedCount; i++) this.counts[touched[i]] = 0;
    this.touchedCount = 0;
    this.depth = 0;
    this.lastId = -1;
    this.source = 0;
    this.seq = 0;
  }

  count(field: FieldDef): number {
    return this.counts[field.id];
  }

  value(field: FieldDef, index: number): FieldValue {
    return this.values[field.id][index];
  }

  offset(field: FieldDef, index: number): number {
    return this.offsets[field.id][index];
  }

  length(field: FieldDef, index: number): number {
    return this.lengths[field.id][index];
  }

  /**
   * Where an occurrence came in the frame's order of wanted items: the display filter's layer
   * operator (`ip.src#2`) counts the protocol's own items added before it.
   */
  order(field: FieldDef, index: number): number {
    return this.seqOf[field.id][index];
  }
}

/** Keeps nothing: for passes that want only the summary columns. */
export class NullSink implements FieldSink {
  static readonly instance = new NullSink();
  readonly keepsLabels = false;
  readonly depth = 0;
  wants(): boolean {
    return false;
  }
  add(): void {}
  enter(): void {}
  leave(): void {}
  label(): void {}
  setOpenLength(): void {}
  unwindTo(): void {}
  useSource(): void {}
}
