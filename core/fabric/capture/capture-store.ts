/**
 * The frames captured at every capture point of a world, kept in bounded memory.
 *
 * Bytes go to a chunked arena: each frame is copied to the end of the current chunk (4 MiB by
 * default); a frame that does not fit opens a new chunk, and a frame larger than a chunk gets a
 * chunk of its own. Metadata goes to one fixed-size record per frame (FrameIndex). Recording a
 * frame is one `set` of its bytes plus a dozen word stores: no object is allocated per frame but
 * the short-lived view an edited frame's long patch is copied through (see copyRange).
 *
 * Ring-buffer bound: chunk bytes plus the metadata of the frames kept (FRAME_META_BYTES each) stay
 * within `maxBytes`. When a new chunk or frame would pass it, the oldest chunk is evicted with
 * every frame whose bytes it holds (frames fill chunks in order, so those are the oldest frames). Frame numbers are absolute and never reused:
 * frame n is still frame n after eviction, and asking for an evicted frame answers null.
 *
 * Edited frames (`recordEditedCoded`: a frame its device declared to differ from the one it
 * arrived as only in a prefix) store just that prefix and refer to the arrival's frame for the
 * rest (a chain, followed at read time: every frame of it is in the same chunk); chunks fill and the budget counts as if they were copied whole, so the same frames are held.
 *
 * `bytes` handed out by `frame`/`read` are views into the arena, valid until that frame is evicted
 * (its chunk is then reused for new frames): copy what you keep across further recording. An
 * edited frame's bytes are joined at read time into a block that is never reused (valid as long
 * as they are referenced).
 */
import type { RuleRef, VerdictKind } from '../verdict.ts';
import { type CaptureDirection, type CapturePoint, type CapturePointSpec, DIRECTION_CODE, directionOf, VERDICTS, verdictCode } from './capture-point.ts';
import * as layout from './frame-index.ts';
import { FrameIndex } from './frame-index.ts';

// Module-local copies of the record layout and its size: optimized code then folds them as
// constants, where an imported binding stays a module-cell load (measured ~10% per frame).
const { FRAME_META_BYTES, F64_TIME, F64_TRACE, W_POINT, W_CHUNK, W_OFFSET, W_CAPLEN, W_ORIGLEN, W_HOP, W_REASON, W_RULE, W_PATCH, W_CODES, W_SOURCE } = layout;
import { RuleTable, StringTable } from './intern.ts';

export interface CaptureStoreOptions {
  /** Memory bound for frame bytes and metadata (default 256 MiB). */
  readonly maxBytes?: number;
  /** Arena chunk size (default 4 MiB, or maxBytes / 8 when that is smaller, so eviction stays fine-grained). */
  readonly chunkSize?: number;
  /** Keep at most this many bytes of each frame (its original length is kept); 0 = whole frames (default). */
  readonly snaplen?: number;
  /**
   * Store a frame declared as an edit of an earlier one (`recordEditedCoded`) as its changed
   * prefix plus the earlier frame's bytes (default true). False copies every frame whole: the
   * frames read back are the same either way (tests compare the two).
   */
  readonly deltas?: boolean;
}

/** Longest changed prefix stored as a patch (a frame edited further in front is copied whole). */
export const MAX_PATCH_BYTES = 255;

/**
 * An edited frame's patch is preceded in its chunk by this header: the number of the frame it
 * refers to, mod 2^32 (little-endian; held frames span far less than 2^32 numbers, so the
 * reference is the newest frame below the reader with those low bits), then the patch length.
 * Its `offset` is where in that frame its bytes after the patch start.
 */
export const PATCH_HEADER_BYTES = 5;

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * Copies src[from, from + n) to dst[at, at + n). Optimized code checks both arrays on every
 * element of a plain byte loop (~1.5 ns a byte measured), while `set` costs a fixed ~50 ns (a view
 * and the builtin): a loop unrolled by 8 for short runs (a router's 26-byte patch), `set` from 48
 * bytes on (a tunnel's 94; the one view it allocates dies young).
 */
function copyRange(dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number): void {
  if (n >= 48) {
    dst.set(src.subarray(from, from + n), at);
    return;
  }
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = at + i;
    const f = from + i;
    dst[o] = src[f];
    dst[o + 1] = src[f + 1];
    dst[o + 2] = src[f + 2];
    dst[o + 3] = src[f + 3];
    dst[o + 4] = src[f + 4];
    dst[o + 5] = src[f + 5];
    dst[o + 6] = src[f + 6];
    dst[o + 7] = src[f + 7];
  }
  for (; i < n; i++) dst[at + i] = src[from + i];
}

export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
const MIN_CHUNK_SIZE = 4096;
/** Size of the blocks read-time joins are cut from. */
const JOIN_BLOCK_BYTES = 256 * 1024;
/** Recent joins kept (a power of two; see joinSources). */
const JOIN_CACHE = 256;

/** One captured frame. `bytes` is a view into the arena (see the file comment). */
export interface CapturedFrame {
  /** Absolute 1-based frame number (Wireshark's No.). */
  readonly number: number;
  readonly pointId: number;
  /** Simulation time in integer nanoseconds. */
  readonly timeNs: number;
  /** The captured bytes, possibly cut by the snap length. */
  readonly bytes: Uint8Array;
  readonly originalLength: number;
  readonly traceId: number;
  readonly hop: number;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly direction: CaptureDirection;
  readonly rule: RuleRef | null;
}

/** A record `read` fills in place, so scans over many frames allocate nothing but the bytes view. */
export type MutableCapturedFrame = { -readonly [K in keyof CapturedFrame]: CapturedFrame[K] };

export function emptyFrame(): MutableCapturedFrame {
  return { number: 0, pointId: 0, timeNs: 0, bytes: EMPTY, originalLength: 0, traceId: 0, hop: 0, verdict: 'forward', reason: null, direction: 'in', rule: null };
}

const EMPTY = new Uint8Array(0);

export class CaptureStore {
  readonly maxBytes: number;
  readonly chunkSize: number;
  readonly snaplen: number;
  readonly deltas: boolean;

  private readonly pointList: CapturePoint[] = [];
  /**
   * Held frames per point, and per chunk (parallel to `chunks`) the frames per point numbered in
   * its range, which evicting it takes off: kept once heldByPoint has been asked (null before).
   */
  private pointHeld: number[] | null = null;
  private chunkHeld: Int32Array[] = [];
  private readonly index = new FrameIndex(256);
  private readonly reasons = new StringTable();
  private readonly rules = new RuleTable();

  // The arena: chunks oldest first; chunkFirst[i] is the number of the first frame in chunks[i].
  private chunks: Uint8Array[] = [];
  private chunkFirst: number[] = [];
  /** Sequence number of chunks[0]; frames store sequence numbers, which eviction does not shift. */
  private firstChunkSeq = 0;
  private current: Uint8Array = EMPTY;
  /** Bytes written into the current chunk. */
  private used = 0;
  /**
   * How full the current chunk counts as: what its frames would take copied whole (an edited
   * frame counts its full length, a shared one nothing). Chunks are sealed and the budget is kept
   * by this count, so which frames are held never depends on `deltas`; only fewer bytes are
   * written (and touched: the rest of an edited frames' chunk is never written).
   */
  private fill = 0;
  private chunkBytes = 0;
  /** Where read-time joins of edited frames are cut from (see bytesAt). */
  private joinBlock: Uint8Array = EMPTY;
  private joinUsed = 0;
  /**
   * Recent joins, direct-mapped by the number of the first frame with those bytes
   * (bytesSourceOf): a frame asked again, its shared copies, and the next edit along the path
   * (whose rest is this join's bytes) read them instead of walking the chain again.
   */
  private readonly joinSources = new Float64Array(JOIN_CACHE);
  private readonly joinViews: Uint8Array[] = new Array<Uint8Array>(JOIN_CACHE).fill(EMPTY);
  /** One evicted chunk kept for reuse (see keepSpare); not counted in the budget. */
  private spare: Uint8Array | null = null;

  private last = 0;
  private first = 1;
  private gen = 0;

  constructor(options: CaptureStoreOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= MIN_CHUNK_SIZE)) throw new RangeError(`CaptureStore: maxBytes must be an integer ≥ ${MIN_CHUNK_SIZE}, got ${maxBytes}`);
    const chunkSize = options.chunkSize ?? Math.max(MIN_CHUNK_SIZE, Math.min(DEFAULT_CHUNK_SIZE, Math.floor(maxBytes / 8)));
    if (!(Number.isSafeInteger(chunkSize) && chunkSize > 0 && chunkSize <= maxBytes && chunkSize <= 0xffffffff)) {
      throw new RangeError(`CaptureStore: chunkSize must be an integer in [1, maxBytes], got ${chunkSize}`);
    }
    const snaplen = options.snaplen ?? 0;
    if (!(Number.isSafeInteger(snaplen) && snaplen >= 0)) throw new RangeError(`CaptureStore: snaplen must be a non-negative integer, got ${snaplen}`);
    this.maxBytes = maxBytes;
    this.chunkSize = chunkSize;
    this.snaplen = snaplen;
    this.deltas = options.deltas ?? true;
  }

  // ---- capture points

  /** Declares a capture point; returns its id (0, 1, 2 … in order). */
  addPoint(spec: CapturePointSpec): number {
    const id = this.pointList.length;
    this.pointList.push({ id, name: spec.name, description: spec.description, kind: spec.kind });
    return id;
  }

  /**
   * Frames held per capture point, indexed by point id. The first call counts them (a pass over
   * every record: ~10 ms for a million frames, bound by memory) and from then on the store keeps
   * the counts as frames are recorded and evicted, so the capture view's info, asked whenever the
   * frame count moves, costs nothing more while a run records; a store nobody asks (a benchmark,
   * the CLI) never pays for them.
   */
  heldByPoint(): number[] {
    if (this.pointHeld === null) this.startCountingPoints();
    const held = this.pointHeld!;
    return this.pointList.map((p) => held[p.id] ?? 0);
  }

  private startCountingPoints(): void {
    const ix = this.index;
    const u32 = ix.u32;
    this.pointHeld = new Array<number>(this.pointList.length).fill(0);
    this.chunkHeld = [];
    // Each chunk's share: the frames numbered from its chunkFirst up to the next one's.
    for (let c = 0; c < this.chunks.length; c++) {
      const counts = new Int32Array(this.pointList.length);
      const from = c === 0 ? this.first : this.chunkFirst[c];
      const to = c + 1 < this.chunks.length ? this.chunkFirst[c + 1] - 1 : this.last;
      for (let n = from; n <= to; n++) counts[u32[ix.at(n) + W_POINT]]++;
      for (let p = 0; p < counts.length; p++) this.pointHeld[p] += counts[p];
      this.chunkHeld.push(counts);
    }
  }

  /** Counts a new frame at `pointId` (only once heldByPoint has been asked for). */
  private countPoint(pointId: number): void {
    const held = this.pointHeld!;
    held[pointId] = (held[pointId] ?? 0) + 1;
    let counts = this.chunkHeld[this.chunkHeld.length - 1];
    if (pointId >= counts.length) {
      const grown = new Int32Array(this.pointList.length);
      grown.set(counts);
      counts = this.chunkHeld[this.chunkHeld.length - 1] = grown;
    }
    counts[pointId]++;
  }

  get points(): readonly CapturePoint[] {
    return this.pointList;
  }

  point(id: number): CapturePoint {
    const p = this.pointList[id];
    if (p === undefined) throw new RangeError(`CaptureStore: no capture point ${id}`);
    return p;
  }

  // ---- counters

  /** Frames recorded so far: the number of the newest frame (0 when none). */
  get count(): number {
    return this.last;
  }

  /** Number of the oldest frame still held (count + 1 when none is). */
  get firstAvailable(): number {
    return this.first;
  }

  /** Frames held now. */
  get available(): number {
    return this.last - this.first + 1;
  }

  /** Frames evicted to stay within maxBytes. */
  get droppedFrames(): number {
    return this.first - 1;
  }

  /** Bumped by `clear`: frame numbers restart, so whoever cached frame numbers must drop them. */
  get generation(): number {
    return this.gen;
  }

  /**
   * What `maxBytes` bounds: arena chunks plus the metadata of the frames kept. Always ≤ maxBytes,
   * unless a single frame is larger than the whole budget.
   */
  get usedBytes(): number {
    return this.chunkBytes + this.available * FRAME_META_BYTES;
  }

  /**
   * Memory allocated now: chunks (with the one spare kept for reuse, at most a chunk beyond the
   * budget) plus the metadata columns' capacity (a power of two ≥ the frames kept).
   */
  get memoryBytes(): number {
    return this.chunkBytes + (this.spare === null ? 0 : this.spare.length) + this.index.bytes;
  }

  // ---- recording

  /**
   * Records a frame; `bytes` are lent and copied (cut to the snap length). Returns its number.
   * The hot path of a capture: allocates nothing except when a new chunk is needed.
   */
  record(
    pointId: number,
    timeNs: number,
    bytes: Uint8Array,
    traceId: number,
    hop: number,
    verdict: VerdictKind,
    reason: string | null,
    direction: CaptureDirection,
    rule: RuleRef | null,
  ): number {
    return this.recordCoded(pointId, timeNs, bytes, traceId, hop, verdictCode(verdict), this.reasonCode(reason), DIRECTION_CODE[direction], this.ruleCode(rule));
  }

  /** The stored code of a drop reason (0 for none): taps intern once, not per frame. */
  reasonCode(reason: string | null): number {
    return reason === null ? 0 : this.reasons.intern(reason);
  }

  /** The stored code of a rule (0 for none). */
  ruleCode(rule: RuleRef | null): number {
    return rule === null ? 0 : this.rules.intern(rule);
  }

  /**
   * `record` with the verdict, reason, direction and rule already coded (`verdictCode`,
   * `reasonCode`, `DIRECTION_CODE`, `ruleCode`): what taps call per frame.
   */
  recordCoded(pointId: number, timeNs: number, bytes: Uint8Array, traceId: number, hop: number, verdict: number, reason: number, direction: number, rule: number): number {
    if (pointId >= this.pointList.length || pointId < 0) throw new RangeError(`CaptureStore: no capture point ${pointId}`);
    const orig = bytes.length;
    const snap = this.snaplen;
    const cap = snap !== 0 && orig > snap ? snap : orig;
    if (this.fill + cap > this.current.length || this.current === EMPTY) this.openChunk(cap);
    else if (this.overBudget(0)) this.makeRoomForMetadata(cap);
    const at = this.used;
    const chunk = this.current;
    if (cap === orig) chunk.set(bytes, at);
    else for (let i = 0; i < cap; i++) chunk[at + i] = bytes[i]; // a subarray would allocate
    this.used = at + cap;
    this.fill += cap;
    return this.addMeta(pointId, timeNs, this.firstChunkSeq + this.chunks.length - 1, at, cap, orig, traceId, hop, verdict, reason, direction, rule, 0, 0);
  }

  /**
   * Records `bytes` (lent), which its holder declared to be an edit of held frame `base`
   * (SimPacket.declareEdit): `bytes[0, prefix)` new, every later byte the byte of `base` at its
   * position minus `grow`. Only the changed prefix is copied; the rest is a reference into
   * `base` (see PATCH_HEADER_BYTES): a router's rewrite stores its 26 bytes, a decapsulated frame
   * none at all. References that land beyond a frame's own patch go on to that frame's own
   * reference at once, so a read follows at most one link per patch it actually uses. Possible
   * while `base`'s bytes are in the chunk being filled and the patch fits there (so eviction,
   * chunk by chunk in frame order, never drops them first) and frames are kept whole. Returns the
   * new frame number, or 0 when it cannot (the caller then records a copy).
   */
  recordEditedCoded(
    base: number, prefix: number, grow: number,
    pointId: number, timeNs: number, bytes: Uint8Array, traceId: number, hop: number, verdict: number, reason: number, direction: number, rule: number,
  ): number {
    if (pointId >= this.pointList.length || pointId < 0) throw new RangeError(`CaptureStore: no capture point ${pointId}`);
    if (!this.deltas || this.snaplen !== 0 || !(base >= this.first && base <= this.last)) return 0;
    const ix = this.index;
    const u32 = ix.u32;
    let rs = ix.at(base);
    const chunkSeq = u32[rs + W_CHUNK];
    const len = bytes.length;
    const baseLen = u32[rs + W_CAPLEN];
    // Exactly when a copy would fit without opening a chunk or evicting (see `fill`).
    if (chunkSeq !== this.firstChunkSeq + this.chunks.length - 1 || baseLen !== u32[rs + W_ORIGLEN] || len !== baseLen + grow || this.fill + len > this.current.length || this.overBudget(0)) return 0;
    // Bytes added in front are new whatever the declared prefix says.
    const head = prefix > grow ? prefix : grow;
    if (!(prefix >= 0) || head >= len || head > MAX_PATCH_BYTES || head + PATCH_HEADER_BYTES > len) return 0;
    const chunk = this.current;
    // The rest, bytes[head, len), is base's bytes from `from` on. Where base's own patch ends at or
    // before `from`, those bytes are its reference's: follow it (every frame met is in this chunk).
    let ref = base;
    let from = head - grow;
    for (let at = u32[rs + W_PATCH]; at !== 0; at = u32[rs + W_PATCH]) {
      const h = chunk[at - 1];
      if (from < h) break;
      ref -= (ref - readU32(chunk, at - PATCH_HEADER_BYTES)) >>> 0;
      from = u32[rs + W_OFFSET] + (from - h);
      rs = ix.at(ref);
    }
    this.fill += len;
    if (u32[rs + W_PATCH] === 0 && head === 0) {
      // Nothing new and the rest is a plain frame's run: a plain view.
      return this.addMeta(pointId, timeNs, chunkSeq, u32[rs + W_OFFSET] + from, len, len, traceId, hop, verdict, reason, direction, rule, 0, 0);
    }
    // Header (the reference's number mod 2^32, the patch length), then the patch: at most len
    // bytes written, so `used` stays ≤ `fill`.
    let at = this.used;
    chunk[at] = ref & 0xff;
    chunk[at + 1] = (ref >>> 8) & 0xff;
    chunk[at + 2] = (ref >>> 16) & 0xff;
    chunk[at + 3] = (ref >>> 24) & 0xff;
    chunk[at + 4] = head;
    at += PATCH_HEADER_BYTES;
    copyRange(chunk, at, bytes, 0, head);
    this.used = at + head;
    return this.addMeta(pointId, timeNs, chunkSeq, from, len, len, traceId, hop, verdict, reason, direction, rule, at, 0);
  }

  /** Appends frame `last + 1`'s metadata to the index; returns its number. */
  private addMeta(
    pointId: number, timeNs: number, chunkSeq: number, offset: number, cap: number, orig: number,
    traceId: number, hop: number, verdict: number, reason: number, direction: number, rule: number, patchAt: number, sourceBack: number,
  ): number {
    const n = this.last + 1;
    const ix = this.index;
    if (n - this.first >= ix.capacity) ix.grow(this.first, n - this.first);
    const s = ix.at(n);
    const u32 = ix.u32;
    const f64 = ix.f64;
    f64[(s >> 1) + F64_TIME] = timeNs;
    f64[(s >> 1) + F64_TRACE] = traceId;
    u32[s + W_POINT] = pointId;
    u32[s + W_CHUNK] = chunkSeq;
    u32[s + W_OFFSET] = offset;
    u32[s + W_CAPLEN] = cap;
    u32[s + W_ORIGLEN] = orig;
    u32[s + W_HOP] = hop;
    u32[s + W_REASON] = reason;
    u32[s + W_RULE] = rule;
    u32[s + W_PATCH] = patchAt;
    u32[s + W_CODES] = verdict | (direction << 8);
    u32[s + W_SOURCE] = sourceBack;
    if (this.pointHeld !== null) this.countPoint(pointId);
    this.last = n;
    return n;
  }

  /** Forgets every frame; numbering restarts at 1 (points stay). */
  clear(): void {
    this.chunks = [];
    this.chunkFirst = [];
    this.pointHeld = null; // counted again when next asked
    this.chunkHeld = [];
    this.firstChunkSeq = 0;
    this.current = EMPTY;
    this.used = 0;
    this.fill = 0;
    this.chunkBytes = 0;
    this.spare = null;
    this.last = 0;
    this.first = 1;
    this.joinSources.fill(0); // numbering restarts: no join is of a frame to come
    this.gen++;
  }

  // ---- access

  /** True when frame `n` is held (recorded and not evicted). */
  has(n: number): boolean {
    return Number.isInteger(n) && n >= this.first && n <= this.last;
  }

  /** Frame `n`, or null when it was evicted or not recorded yet. */
  frame(n: number): CapturedFrame | null {
    const f = emptyFrame();
    return this.read(n, f) ? f : null;
  }

  /** Fills `into` with frame `n`; false (and `into` untouched) when it is not held. */
  read(n: number, into: MutableCapturedFrame): boolean {
    if (!this.has(n)) return false;
    const ix = this.index;
    const s = ix.at(n);
    const u32 = ix.u32;
    const codes = u32[s + W_CODES];
    into.number = n;
    into.pointId = u32[s + W_POINT];
    into.timeNs = ix.f64[(s >> 1) + F64_TIME];
    into.bytes = this.bytesAt(s, n);
    into.originalLength = u32[s + W_ORIGLEN];
    into.traceId = ix.f64[(s >> 1) + F64_TRACE];
    into.hop = u32[s + W_HOP];
    into.verdict = VERDICTS[codes & 0xff];
    into.reason = this.reasons.get(u32[s + W_REASON]);
    into.direction = directionOf(codes >>> 8);
    into.rule = this.rules.get(u32[s + W_RULE]);
    return true;
  }

  /** The captured bytes of frame `n` (a view), or null when not held. */
  bytesOf(n: number): Uint8Array | null {
    return this.has(n) ? this.bytesAt(this.index.at(n), n) : null;
  }

  /**
   * The first frame recorded with exactly frame `n`'s bytes: `n` itself, or the earlier frame it
   * was recorded sharing them with (recordShared: the same packet at the far end of a link). 0
   * when `n` is not held. A filter pass tests such a frame's bytes once (core/service/capture-query.ts).
   */
  bytesSourceOf(n: number): number {
    return this.has(n) ? n - this.index.u32[this.index.at(n) + W_SOURCE] : 0;
  }

  /** Capture point of a held frame (for scans: no record is built). */
  pointOf(n: number): number {
    return this.has(n) ? this.index.u32[this.index.at(n) + W_POINT] : -1;
  }

  /** Trace id of a held frame (for scans); -1 when not held. */
  traceOf(n: number): number {
    return this.has(n) ? this.index.f64[(this.index.at(n) >> 1) + F64_TRACE] : -1;
  }

  /** Time of a held frame in ns; NaN when not held. */
  timeOf(n: number): number {
    return this.has(n) ? this.index.f64[(this.index.at(n) >> 1) + F64_TIME] : NaN;
  }

  /**
   * A frame's bytes: a view into the arena, or for an edited frame (patch + reference) a fresh
   * array joining the pieces — made here, at read time, so recording stays a short copy.
   */
  private bytesAt(rec: number, n: number): Uint8Array {
    const ix = this.index;
    const u32 = ix.u32;
    const chunk = this.chunks[u32[rec + W_CHUNK] - this.firstChunkSeq];
    const len = u32[rec + W_CAPLEN];
    let at = u32[rec + W_PATCH];
    if (at === 0) {
      const off = u32[rec + W_OFFSET];
      return chunk.subarray(off, off + len);
    }
    // The same bytes asked again (a dissector, then a filter; a shared copy): the same join.
    const source = n - u32[rec + W_SOURCE];
    const known = this.recentJoin(source);
    if (known !== null) return known;
    // Joined frames are cut from blocks that are never reused (a block lives while any view of it
    // does), so each costs a view, not an ArrayBuffer of its own.
    if (this.joinUsed + len > this.joinBlock.length) {
      this.joinBlock = new Uint8Array(len > JOIN_BLOCK_BYTES ? len : JOIN_BLOCK_BYTES);
      this.joinUsed = 0;
    }
    const start = this.joinUsed;
    const out = this.joinBlock.subarray(start, start + len);
    this.joinUsed = start + len;
    // Frame x (this one, then its references) from byte `from` on fills out[pos, len). Every frame
    // of the chain is in this chunk (see recordEditedCoded).
    let h = chunk[at - 1];
    copyRange(out, 0, chunk, at, h);
    let pos = h;
    let x = n;
    let s = rec;
    let from = h;
    while (pos < len) {
      // bytes of x from `from` on, with from ≥ x's patch length h: its reference's from offset[s] + (from − h).
      const ref = x - ((x - readU32(chunk, at - PATCH_HEADER_BYTES)) >>> 0);
      from = u32[s + W_OFFSET] + (from - h);
      x = ref;
      s = ix.at(x);
      // The reference's bytes joined lately (the previous hop's frame, read just before): its rest.
      const joined = this.recentJoin(x - u32[s + W_SOURCE]);
      if (joined !== null && from + len - pos <= joined.length) {
        copyRange(out, pos, joined, from, len - pos);
        break;
      }
      at = u32[s + W_PATCH];
      if (at === 0) {
        copyRange(out, pos, chunk, u32[s + W_OFFSET] + from, len - pos);
        break;
      }
      h = chunk[at - 1];
      if (from < h) {
        const k = Math.min(h - from, len - pos);
        copyRange(out, pos, chunk, at + from, k);
        pos += k;
        from += k;
      }
    }
    const slot = source & (JOIN_CACHE - 1);
    this.joinSources[slot] = source;
    this.joinViews[slot] = out;
    return out;
  }

  /** The join kept for the bytes first recorded as frame `source`, or null. */
  private recentJoin(source: number): Uint8Array | null {
    const slot = source & (JOIN_CACHE - 1);
    return this.joinSources[slot] === source ? this.joinViews[slot] : null;
  }

  // ---- the arena

  /**
   * Whether adding a chunk of `extra` bytes and one more frame would pass the budget: the chunks
   * plus the metadata of the frames kept (the columns' allocated slack is not counted).
   */
  /**
   * Records a frame whose bytes are exactly those of frame `same` (the same packet seen at the far
   * end of a link), sharing them instead of copying. Only possible while `same`'s bytes are in the
   * chunk being filled — then eviction, which goes chunk by chunk in frame order, can never drop
   * them before this frame. Returns the new frame number, or 0 when it cannot share (the caller
   * then records a copy).
   */
  recordShared(
    same: number,
    pointId: number,
    timeNs: number,
    traceId: number,
    hop: number,
    verdict: VerdictKind,
    reason: string | null,
    direction: CaptureDirection,
    rule: RuleRef | null,
  ): number {
    return this.recordSharedCoded(same, pointId, timeNs, traceId, hop, verdictCode(verdict), this.reasonCode(reason), DIRECTION_CODE[direction], this.ruleCode(rule));
  }

  /** `recordShared` with coded verdict, reason, direction and rule (see `recordCoded`). */
  recordSharedCoded(same: number, pointId: number, timeNs: number, traceId: number, hop: number, verdict: number, reason: number, direction: number, rule: number): number {
    if (pointId >= this.pointList.length || pointId < 0) throw new RangeError(`CaptureStore: no capture point ${pointId}`);
    if (!(same >= this.first && same <= this.last)) return 0;
    const ix = this.index;
    const u32 = ix.u32;
    const from = ix.at(same);
    const chunkSeq = u32[from + W_CHUNK];
    if (chunkSeq !== this.firstChunkSeq + this.chunks.length - 1 || this.overBudget(0)) return 0;
    // The first frame with these bytes: `same`, or the one `same` itself shares them with.
    const source = same - u32[from + W_SOURCE];
    const back = this.last + 1 - source;
    return this.addMeta(pointId, timeNs, chunkSeq, u32[from + W_OFFSET], u32[from + W_CAPLEN], u32[from + W_ORIGLEN], traceId, hop, verdict, reason, direction, rule, u32[from + W_PATCH], back);
  }

  private overBudget(extra: number): boolean {
    return this.chunkBytes + extra + (this.last - this.first + 2) * FRAME_META_BYTES > this.maxBytes;
  }

  /** Many small frames: their metadata outgrew the budget before the chunk filled. */
  private makeRoomForMetadata(need: number): void {
    while (this.chunks.length > 1 && this.overBudget(0)) this.keepSpare(this.evictOldest());
    if (this.overBudget(0)) this.openChunk(need); // only the current chunk is left: it goes too
  }

  /** Seals the current chunk and opens one that holds `need` bytes, evicting old chunks to stay in budget. */
  private openChunk(need: number): void {
    const size = need > this.chunkSize ? need : this.chunkSize;
    // A single frame larger than the whole budget is still kept, alone: the bound's only excess.
    while (this.chunks.length > 0 && this.overBudget(size)) this.keepSpare(this.evictOldest());
    const spare = this.spare;
    let chunk: Uint8Array;
    if (spare !== null && size === this.chunkSize) {
      chunk = spare;
      this.spare = null;
    } else chunk = new Uint8Array(size);
    this.chunks.push(chunk);
    this.chunkFirst.push(this.last + 1);
    if (this.pointHeld !== null) this.chunkHeld.push(new Int32Array(this.pointList.length));
    this.chunkBytes += size;
    this.current = chunk;
    this.used = 0;
    this.fill = 0;
  }

  /**
   * Keeps one evicted chunk for the next `openChunk`: frames that cost mostly metadata (shared
   * and edited ones) evict chunks before the current one fills, and allocating a fresh chunk for
   * each would cost page faults and GC for nothing.
   */
  private keepSpare(chunk: Uint8Array): void {
    if (chunk.length === this.chunkSize && this.spare === null) this.spare = chunk;
  }

  /** Drops the oldest chunk and every frame whose bytes it holds; returns the chunk for reuse. */
  private evictOldest(): Uint8Array {
    const end = this.chunks.length > 1 ? this.chunkFirst[1] - 1 : this.last;
    if (this.pointHeld !== null) {
      const gone = this.chunkHeld.shift()!;
      for (let p = 0; p < gone.length; p++) this.pointHeld[p] -= gone[p];
    }
    this.first = end + 1;
    const chunk = this.chunks.shift()!;
    this.chunkFirst.shift();
    this.firstChunkSeq++;
    this.chunkBytes -= chunk.length;
    if (this.chunks.length === 0) {
      this.current = EMPTY;
      this.used = 0;
    this.fill = 0;
    }
    return chunk;
  }
}
