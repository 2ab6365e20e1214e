import * as bytesModule from '../base/bytes.ts';
import type { FieldDef, FieldGroup, FieldValue } from './field.ts';
import * as fieldModule from './field.ts';
import type { FrameRecord } from './frame-record.ts';
import * as sinkModule from './sink.ts';
import type { FieldSink } from './sink.ts';
import * as expertModule from './expert.ts';
import type { ExpertInfo, Severity } from './expert.ts';
import * as builtin from './builtin.ts';
import type { DissectorTables, TableRef } from './tables.ts';
import type { CaptureState } from './capture-state.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { latin1 } = bytesModule;
const { maskShift } = fieldModule;
const { FilterSink } = sinkModule;
type FilterSink = sinkModule.FilterSink;
const { Group } = expertModule;
type Group = expertModule.Group;
const { WS } = builtin;

/**
 * Thrown when a dissector reads past the captured bytes (Wireshark's tvbuff exception). The engine
 * catches it at the protocol boundary and marks the frame malformed or short; it never escapes.
 */
export class BoundsError extends Error {
  constructor(
    readonly kind: 'malformed' | 'short',
    readonly offset: number,
  ) {
    super(kind);
  }
}

/** The summary columns of the packet list (Source/Destination/Protocol/Info); innermost layer wins. */
export interface Columns {
  protocol: string;
  info: string;
  src: string;
  dst: string;
}

/**
 * What a dissector works with: the frame's bytes, a sink for fields, the summary columns, expert
 * info, hand-off through dissector tables, and capture-wide state for conversations. One context
 * is reused for every frame a pass dissects, so the hot path allocates little.
 */
export class DissectContext {
  bytes: Uint8Array = new Uint8Array(0);
  frame!: FrameRecord;
  sink!: FieldSink;
  /** Whether summary columns are wanted (off while only filtering). */
  wantColumns = true;
  readonly columns: Columns = { protocol: '', info: '', src: '', dst: '' };
  /** Whether the network layer has set Source/Destination (they then override link addresses). */
  netAddressesSet = false;
  readonly expertInfos: ExpertInfo[] = [];
  // frame.protocols, kept in a reused array with a count: truncating an array to length 0 drops
  // its storage, so the array is trimmed to the count only when read.
  private readonly protocolList: string[] = [];
  private protocolCount = 0;

  /** frame.protocols: each protocol entered, in order (`eth:ethertype:ip:udp:…`). */
  get protocols(): string[] {
    const list = this.protocolList;
    if (list.length !== this.protocolCount) list.length = this.protocolCount;
    return list;
  }

  /** How many protocols have been entered so far in this frame. */
  get protocolDepth(): number {
    return this.protocolCount;
  }

  /** How many times `abbrev` was entered before in this frame (0 for the outermost instance). */
  layerOf(abbrev: string): number {
    const list = this.protocolList;
    let n = 0;
    for (let i = 0; i < this.protocolCount; i++) if (list[i] === abbrev) n++;
    return n;
  }
  /** The protocol whose dissector runs now, for expert info and malformed markers. */
  currentProtocol = 'frame';
  /**
   * Where the payload handed to the last table call really ended. A dissector that knows its own
   * length (IPv4's total length) lowers it, so the caller can show what follows as padding.
   */
  payloadEnd = 0;
  /** Which data source `bytes` is: 0 the frame, higher a buffer made during dissection. */
  source = 0;
  private sourceCount = 1;

  constructor(
    readonly tables: DissectorTables,
    readonly state: CaptureState,
  ) {}

  /** True when labels are being kept (a tree for the detail pane); dissectors format labels only then. */
  tree = false;
  /**
   * Protocols this pass skips (indexed by the protocol item's field id, 1 = skip), or null: set
   * only in a session pruned for one filter pass (see DissectorTables.pruneMask).
   */
  skip: Uint8Array | null = null;
  /**
   * Protocols whose conversation tracking this pass skips (indexed like `skip`), or null: set only
   * in a session pruned for one filter pass (see DissectorTables.pruneMasks).
   */
  untracked: Uint8Array | null = null;
  /**
   * Which protocols the sink wants own fields of (indexed like `skip`), or null for all (a tree):
   * set by the session whenever the sink changes (see DissectorTables.fieldsWantedMask).
   */
  fieldsWanted: Uint8Array | null = null;
  /**
   * Whether the sink wants any field of the protocol whose dissector runs now (always, for a tree).
   * When it is false a dissector may skip adding its own fields, and must still read (and so
   * bounds-check) its bytes, raise its expert info and hand on exactly as otherwise.
   */
  full = true;
  /**
   * Whether the running protocol must keep its conversation state (see ConversationState): false
   * only in a pruned filter pass that cannot see it.
   */
  tracks = true;
  /** Whether the frame's comments are dissected (pkt_comment): a tree, columns, or a field wants them. */
  wantComments = true;

  /**
   * With a FilterSink: the field ids it keeps, so `value` and `item` need not call it for the
   * others (they only mark its last item unwanted); null for other sinks.
   */
  private keep: Uint8Array | null = null;
  private filterSink: FilterSink | null = null;
  /** wantsAnyOf answers for the current sink, by group index: -1 not asked yet, 0 no, 1 yes. */
  private groupAnswers = new Int8Array(64).fill(-1);

  /** Whether the sink wants any field of `group` (always, for a tree). */
  wantsAnyOf(group: FieldGroup): boolean {
    const i = group.index;
    if (i >= this.groupAnswers.length) {
      const grown = new Int8Array(Math.max(i + 1, this.groupAnswers.length * 2)).fill(-1);
      grown.set(this.groupAnswers);
      this.groupAnswers = grown;
    }
    const known = this.groupAnswers[i];
    if (known !== -1) return known === 1;
    const sink = this.sink;
    const yes = group.fields.some((f) => sink.wants(f));
    this.groupAnswers[i] = yes ? 1 : 0;
    return yes;
  }

  reset(frame: FrameRecord, sink: FieldSink, wantColumns: boolean): void {
    this.frame = frame;
    this.bytes = frame.bytes;
    if (sink !== this.sink) {
      this.sink = sink;
      this.filterSink = sink instanceof FilterSink ? sink : null;
      this.keep = this.filterSink !== null ? this.filterSink.wantedIds : null;
      this.groupAnswers.fill(-1);
    }
    this.tree = sink.keepsLabels;
    this.source = 0;
    this.sourceCount = 1;
    if (this.filterSink !== null) this.filterSink.useSource(0, frame.bytes);
    else sink.useSource(0, frame.bytes, 'Frame');
    this.wantColumns = wantColumns;
    this.columns.protocol = '';
    this.columns.info = '';
    this.columns.src = '';
    this.columns.dst = '';
    this.netAddressesSet = false;
    if (this.expertInfos.length !== 0) this.expertInfos.length = 0;
    this.protocolCount = 0;
    this.currentProtocol = 'frame';
    this.payloadEnd = 0;
  }

  // ---- reading bytes (big-endian, bounds-checked against the captured length) ----

  /** Throws BoundsError unless `[offset, offset+length)` is inside the captured bytes. */
  ensure(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      const reported = this.source === 0 ? this.frame.originalLength : this.bytes.length;
      throw new BoundsError(offset + length <= reported && reported > this.bytes.length ? 'short' : 'malformed', offset);
    }
  }

  u8(offset: number): number {
    this.ensure(offset, 1);
    return this.bytes[offset];
  }

  u16(offset: number): number {
    this.ensure(offset, 2);
    return (this.bytes[offset] << 8) | this.bytes[offset + 1];
  }

  u24(offset: number): number {
    this.ensure(offset, 3);
    return (this.bytes[offset] << 16) | (this.bytes[offset + 1] << 8) | this.bytes[offset + 2];
  }

  u32(offset: number): number {
    this.ensure(offset, 4);
    const b = this.bytes;
    return ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
  }

  /** Big-endian unsigned integer of 1..7 bytes (exact below 2^53). */
  uint(offset: number, length: number): number {
    this.ensure(offset, length);
    let v = 0;
    for (let i = 0; i < length; i++) v = v * 256 + this.bytes[offset + i];
    return v;
  }

  // ---- the tree ----

  /** Adds an item whose value is read from the bytes according to the field's type and mask. */
  item(field: FieldDef, offset: number, length: number): void {
    this.ensure(offset, length);
    const keep = this.keep;
    if (keep !== null) {
      if (keep[field.id] !== 1) {
        this.filterSink!.lastId = -1;
        return;
      }
      this.filterSink!.add(field, offset, length, this.readValue(field, offset, length));
      return;
    }
    if (!this.sink.wants(field)) {
      this.sink.add(field, offset, length, null);
      return;
    }
    this.sink.add(field, offset, length, this.readValue(field, offset, length));
  }

  /** Adds an item with a value the dissector computed (still pointing at its bytes). */
  value(field: FieldDef, offset: number, length: number, value: FieldValue): void {
    const keep = this.keep;
    if (keep !== null) {
      // A filter pass: calls on the FilterSink itself (one class at these call sites, while the
      // same dissectors also feed trees and NullSinks), and none for a field it does not keep.
      if (keep[field.id] !== 1) this.filterSink!.lastId = -1;
      else this.filterSink!.add(field, offset, length, value);
      return;
    }
    this.sink.add(field, offset, length, value);
  }

  /**
   * What `value` does for a field the filter sink does not keep, for a caller that already knows
   * it is not kept and skipped the call: the next `enter` then opens nothing.
   */
  notKept(): void {
    if (this.filterSink !== null) this.filterSink.lastId = -1;
  }

  /** Adds a protocol item and opens its subtree; `length` may be fixed later with `setLength`. */
  openProtocol(proto: FieldDef, offset: number, length: number): void {
    this.protocolList[this.protocolCount++] = proto.abbrev;
    const keep = this.keep;
    if (keep !== null) {
      const fs = this.filterSink!;
      if (keep[proto.id] !== 1) fs.lastId = -1;
      else fs.add(proto, offset, length, null);
      fs.enter();
      return;
    }
    this.sink.add(proto, offset, length, null);
    this.sink.enter();
  }

  /** Opens the subtree of the last added item (a bit field's flags, an option). */
  enter(): void {
    if (this.filterSink !== null) this.filterSink.enter();
    else this.sink.enter();
  }

  /** Closes the innermost open subtree. */
  leave(): void {
    if (this.filterSink !== null) this.filterSink.leave();
    else this.sink.leave();
  }

  /** The sink's open-subtree depth (see FieldSink.depth). */
  get sinkDepth(): number {
    return this.filterSink !== null ? this.filterSink.depth : this.sink.depth;
  }

  /** Closes the sink's subtrees back to `depth` (see FieldSink.unwindTo). */
  unwindTo(depth: number): void {
    if (this.filterSink !== null) this.filterSink.unwindTo(depth);
    else this.sink.unwindTo(depth);
  }

  /** Sets the label of the last added item; a no-op unless a tree is kept. */
  label(text: string): void {
    if (this.tree) this.sink.label(text);
  }

  /** Hides the last added item from the tree only (proto_item_set_hidden); a no-op without a tree. */
  hide(): void {
    this.sink.hide?.();
  }

  /** Fixes the length of the open protocol or subtree item once known. */
  setLength(length: number): void {
    if (this.filterSink !== null) this.filterSink.setOpenLength(length);
    else this.sink.setOpenLength(length);
  }

  /**
   * Dissects bytes that are not the frame's own (a reassembled datagram) as a new data source:
   * offsets inside `fn` are offsets into `bytes`, and tree items say so.
   */
  withDataSource(name: string, bytes: Uint8Array, fn: () => void): void {
    const outerBytes = this.bytes;
    const outerSource = this.source;
    const index = this.sourceCount++;
    this.bytes = bytes;
    this.source = index;
    this.sink.useSource(index, bytes, name);
    try {
      fn();
    } finally {
      this.bytes = outerBytes;
      this.source = outerSource;
      this.sink.useSource(outerSource, outerBytes, '');
    }
  }

  /** Records a pseudo-protocol in frame.protocols (Wireshark lists `ethertype` this way). */
  noteProtocol(name: string): void {
    this.protocolList[this.protocolCount++] = name;
  }

  /** Reads a field's value from the bytes: integers through the mask, addresses, bytes, text. */
  readValue(field: FieldDef, offset: number, length: number): FieldValue {
    switch (field.type) {
      case 'uint':
      case 'int':
      case 'bool':
      case 'framenum': {
        let raw = length <= 4 ? this.uintSmall(offset, length) : this.uint(offset, length);
        if (field.mask) {
          raw = length <= 4 ? (raw & field.mask) >>> 0 : bigMask(raw, field.mask);
          if (field.type === 'bool') return raw !== 0 ? 1 : 0;
          raw = Math.floor(raw / 2 ** maskShift(field.mask));
        } else if (field.type === 'bool') {
          return raw !== 0 ? 1 : 0;
        }
        if (field.type === 'int' && field.bits && raw >= 2 ** (field.bits - 1)) raw -= 2 ** field.bits;
        return raw;
      }
      case 'ipv4':
        return this.u32(offset);
      case 'ether':
        return this.uint(offset, 6);
      case 'bytes':
        return this.bytes.subarray(offset, offset + length);
      case 'string':
        return latin1(this.bytes, offset, offset + length);
      default:
        return null;
    }
  }

  private uintSmall(offset: number, length: number): number {
    const b = this.bytes;
    switch (length) {
      case 1:
        return b[offset];
      case 2:
        return (b[offset] << 8) | b[offset + 1];
      case 3:
        return (b[offset] << 16) | (b[offset + 1] << 8) | b[offset + 2];
      default:
        return ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
    }
  }

  // ---- summary columns ----

  setProtocolColumn(text: string): void {
    this.columns.protocol = text;
  }

  setInfo(text: string): void {
    this.columns.info = text;
  }

  appendInfo(text: string): void {
    this.columns.info = this.columns.info ? `${this.columns.info} ${text}` : text;
  }

  /** Link-layer addresses fill Source/Destination until a network layer sets its own. */
  setLinkAddresses(src: string, dst: string): void {
    if (this.netAddressesSet) return;
    this.columns.src = src;
    this.columns.dst = dst;
  }

  setNetAddresses(src: string, dst: string): void {
    this.netAddressesSet = true;
    this.columns.src = src;
    this.columns.dst = dst;
  }

  // ---- expert info ----

  /**
   * Whether expert infos are kept at all: always, except in a pruned filter pass (it wants no
   * `_ws` field and its results are only tested), where an expert adds only its own field.
   */
  get keepsExperts(): boolean {
    return this.skip === null || this.keep === null;
  }

  /** Whether an expert item for `field` would be seen; callers may skip building its message. */
  seesExpert(field: FieldDef): boolean {
    return this.skip === null || this.keep === null || this.keep[field.id] === 1;
  }

  expert(severity: Severity, group: Group, message: string, offset: number, length: number, field?: FieldDef): void {
    const keep = this.keep;
    if (this.skip !== null && keep !== null) {
      // A pruned filter pass: no `_ws` field is wanted (any turns pruning off) and its results
      // are only tested, so all that can be seen is the expert's own field (tcp.connection.syn).
      if (field !== undefined && keep[field.id] === 1) this.tables.addExpertItems(this, severity, group, message, offset, length, field);
      this.filterSink!.lastId = -1;
      return;
    }
    this.expertInfos.push({ severity, group, message, protocol: this.currentProtocol, offset, length });
    this.tables.addExpertItems(this, severity, group, message, offset, length, field);
    if (group === Group.malformed) {
      // expert.c: an item of the Malformed group also adds a hidden `_ws.malformed`, so the
      // `_ws.malformed` filter finds it.
      this.sink.add(WS.malformed, offset, 0, null);
      this.hide();
    }
  }

  // ---- hand-off ----

  /** Calls the dissector registered in `table` under `key`; false when none is. */
  callTable(table: string | TableRef, key: number, offset: number, end: number, data?: unknown): boolean {
    return this.tables.call(this, table, key, offset, end, data);
  }

  /** Tries the lower port then the higher one, as Wireshark's TCP and UDP do. */
  callPorts(table: string | TableRef, src: number, dst: number, offset: number, end: number, data?: unknown): boolean {
    const low = Math.min(src, dst);
    const high = Math.max(src, dst);
    if (low !== 0 && this.tables.call(this, table, low, offset, end, data)) return true;
    return high !== low && high !== 0 && this.tables.call(this, table, high, offset, end, data);
  }

  /** Tries the heuristic dissectors registered for `table`; true when one took the bytes. */
  callHeuristics(table: string, offset: number, end: number): boolean {
    return this.tables.callHeuristics(this, table, offset, end);
  }

  /** Calls a protocol by its abbrev (`eth`, `ip`), bypassing tables. */
  callProtocol(abbrev: string, offset: number, end: number, data?: unknown): boolean {
    return this.tables.callByName(this, abbrev, offset, end, data);
  }

  /** Bytes no dissector claimed: Wireshark's `data` protocol. */
  data(offset: number, end: number): void {
    this.tables.callData(this, offset, end);
  }
}

function bigMask(raw: number, mask: number): number {
  // Masks wider than 32 bits: split into high and low halves to stay exact.
  const hi = Math.floor(raw / 2 ** 32) & Math.floor(mask / 2 ** 32);
  const lo = (raw >>> 0) & (mask >>> 0);
  return hi * 2 ** 32 + (lo >>> 0);
}
