/**
 * The packet list's binary page (`captureFrames`): a bounded run of list entries — frame number,
 * time, "since previous displayed" delta, capture point, trace, verdict, lengths and the captured
 * bytes — in one ArrayBuffer, so a page crosses the worker port by transfer (DESIGN.md §7) and the
 * WebSocket as one binary part, with no per-row objects to clone. The renderer draws from it: it
 * builds the columns of the rows it shows itself (FrameRowBuilder, the same dissectors and coloring
 * rules as the worker), and asks the worker for the rows whose columns need the capture's
 * cross-frame state (see FrameRowBuilder).
 *
 * Layout (little-endian): `entries` records of RECORD_BYTES, then the frames' bytes.
 *
 *     0 u32 list index      4 u32 frame number     8 f64 time ns       16 f64 delta displayed ns
 *    24 u32 trace id       28 u32 original length 32 u32 bytes offset 36 u32 captured length
 *    40 u16 point id       42 u16 hop             44 u8 direction (0 in, 1 out)  45 u8 verdict
 *    46 u16 reason + 1     48 u16 rule text + 1   50 u16 point name  52 u16 point description
 *
 * String fields are indexes into the page's `strings` (0 in the "+ 1" fields: none).
 */
import type { FilterError } from '../filter/error.ts';
import type { CaptureDirection } from '../fabric/capture/capture-point.ts';
import type { CaptureStore, MutableCapturedFrame } from '../fabric/capture/capture-store.ts';
import { emptyFrame } from '../fabric/capture/capture-store.ts';
import type { VerdictKind } from '../fabric/verdict.ts';

export const RECORD_BYTES = 56;
/** Most frame bytes in one page (a page stops early rather than grow past it; `covered` says where). */
export const MAX_PAGE_FRAME_BYTES = 4 * 1024 * 1024;
export const VERDICT_KINDS: readonly VerdictKind[] = ['forward', 'drop', 'rewrite', 'deliver'];

export interface FramePage {
  /** List index of the first entry asked for. */
  readonly offset: number;
  /** Entries in the list. */
  readonly total: number;
  /** List indexes offset … offset + covered − 1 are in this page (held) or counted in `evicted`. */
  readonly covered: number;
  /** Entries in the covered range whose frame was evicted (left out). */
  readonly evicted: number;
  /** Records in `data`. */
  readonly entries: number;
  /**
   * Virtual time (ns) the Time column counts from: the frame the worker's first pass began with.
   * −1 when the page is empty.
   */
  readonly originNs: number;
  /** Reasons, rule texts and capture point names and descriptions the records point into. */
  readonly strings: string[];
  /** The records and the frames' bytes: a view over the whole of its own ArrayBuffer (transferred). */
  readonly data: Uint8Array;
  /** The filter's compile error; the page is then empty. */
  readonly error: FilterError | null;
  /** Why the asked sort was not applied (the list is then in frame order). */
  readonly sortError: string | null;
  /**
   * True while the list's filter has not yet tested every frame (capture-list.ts
   * FILTER_STEP_FRAMES): the entries given are final, `total` counts the matches found so far.
   * Asking again (for any entries) moves the filter on.
   */
  readonly partial: boolean;
}

/** One entry of the list: where it is, the frame, and `previous`, the entry before it (0: none). */
export interface PageEntry {
  readonly index: number;
  readonly frame: number;
  readonly previous: number;
}

/**
 * Writes the held frames of `entries` (list order) into one buffer, stopping before the frame
 * bytes would pass `maxBytes` (at least one entry is written). Returns the buffer, how many
 * entries it holds and the strings table.
 */
export function encodeFrames(store: CaptureStore, entries: readonly PageEntry[], maxBytes = MAX_PAGE_FRAME_BYTES): { data: Uint8Array; written: number; strings: string[] } {
  // The records are written through typed arrays over the buffer (cheaper per field than a
  // DataView), in the platform's byte order, and swapped into the layout's afterwards where that
  // is not little-endian.
  // Each frame is read once (an edited frame's bytes are joined at read time): metadata and bytes
  // view kept in the pool, then all copied into the one buffer.
  let n = 0;
  let bytes = 0;
  for (; n < entries.length; n++) {
    const m = pooled(n);
    if (!store.read(entries[n].frame, m)) break; // entries are held frames: cannot happen
    if (n > 0 && bytes + m.bytes.length > maxBytes) break;
    bytes += m.bytes.length;
  }
  const recordBytes = n * RECORD_BYTES;
  const data = new Uint8Array(recordBytes + bytes);
  // RECORD_BYTES is a multiple of 8 and the records start the buffer: every field is aligned.
  const u32 = new Uint32Array(data.buffer, 0, recordBytes >> 2);
  const f64 = new Float64Array(data.buffer, 0, recordBytes >> 3);
  const u16 = new Uint16Array(data.buffer, 0, recordBytes >> 1);
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const stringId = (s: string): number => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  // Per capture point id: its name's string id | its description's << 16, or undefined.
  const pointStrings: number[] = [];
  let at = recordBytes;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    const m = pool[i];
    const w = i * (RECORD_BYTES >> 2); // record i in u32s; in f64s w / 2, in u16s w * 2
    const h = w << 1;
    const len = m.bytes.length;
    u32[w] = e.index;
    u32[w + 1] = e.frame;
    f64[(w >> 1) + 1] = m.timeNs;
    f64[(w >> 1) + 2] = e.previous > 0 && store.has(e.previous) ? m.timeNs - store.timeOf(e.previous) : 0;
    u32[w + 6] = m.traceId;
    u32[w + 7] = m.originalLength;
    u32[w + 8] = at;
    u32[w + 9] = len;
    u16[h + 20] = m.pointId;
    u16[h + 21] = m.hop;
    data[i * RECORD_BYTES + 44] = m.direction === 'in' ? 0 : 1;
    data[i * RECORD_BYTES + 45] = VERDICT_CODE[m.verdict];
    u16[h + 23] = m.reason === null ? 0 : stringId(m.reason) + 1;
    u16[h + 24] = m.rule === null ? 0 : stringId(m.rule.text) + 1;
    let point = pointStrings[m.pointId];
    if (point === undefined) {
      const p = store.point(m.pointId);
      point = stringId(p.name) | (stringId(p.description ?? '') << 16);
      pointStrings[m.pointId] = point;
    }
    u16[h + 25] = point & 0xffff;
    u16[h + 26] = point >>> 16;
    data.set(m.bytes, at);
    at += len;
    m.bytes = NO_BYTES; // the pool must not hold on to the arena's chunks
    m.rule = null;
  }
  if (!LITTLE_ENDIAN) swapRecords(data, n);
  return { data, written: n, strings };
}

/** Whether typed arrays are little-endian here (every platform we run on; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const VERDICT_CODE: Readonly<Record<VerdictKind, number>> = { forward: 0, drop: 1, rewrite: 2, deliver: 3 };

/** Reverses the bytes of every field of `n` records (written in the other byte order). */
function swapRecords(data: Uint8Array, n: number): void {
  const swap = (at: number, size: number) => {
    for (let a = at, b = at + size - 1; a < b; a++, b--) {
      const t = data[a];
      data[a] = data[b];
      data[b] = t;
    }
  };
  for (let r = 0; r < n * RECORD_BYTES; r += RECORD_BYTES) {
    for (const at of [0, 4, 24, 28, 32, 36]) swap(r + at, 4);
    swap(r + 8, 8);
    swap(r + 16, 8);
    for (const at of [40, 42, 46, 48, 50, 52]) swap(r + at, 2);
  }
}

/** Metadata records reused from page to page (the worker builds one page at a time). */
const pool: MutableCapturedFrame[] = [];
const NO_BYTES = new Uint8Array(0);
function pooled(i: number): MutableCapturedFrame {
  while (pool.length <= i) pool.push(emptyFrame());
  return pool[i];
}

/** One record of a page, read back (the bytes are a view into the page). */
export interface FrameEntry {
  readonly index: number;
  readonly number: number;
  readonly timeNs: number;
  readonly deltaDisplayedNs: number;
  readonly traceId: number;
  readonly originalLength: number;
  readonly bytes: Uint8Array;
  readonly pointId: number;
  readonly hop: number;
  readonly direction: CaptureDirection;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly rule: string | null;
  readonly point: string;
  readonly pointDescription: string;
}

/** Reads a page's records without copying: record i on demand. */
export class FramePageReader {
  private readonly view: DataView;

  constructor(readonly page: FramePage) {
    this.view = new DataView(page.data.buffer, page.data.byteOffset, page.data.byteLength);
  }

  get entries(): number {
    return this.page.entries;
  }

  /** The list index of record i. */
  indexAt(i: number): number {
    return this.view.getUint32(i * RECORD_BYTES, true);
  }

  /** The frame number of record i. */
  numberAt(i: number): number {
    return this.view.getUint32(i * RECORD_BYTES + 4, true);
  }

  entry(i: number): FrameEntry {
    const v = this.view;
    const r = i * RECORD_BYTES;
    const s = this.page.strings;
    const reason = v.getUint16(r + 46, true);
    const rule = v.getUint16(r + 48, true);
    const at = v.getUint32(r + 32, true);
    return {
      index: v.getUint32(r, true),
      number: v.getUint32(r + 4, true),
      timeNs: v.getFloat64(r + 8, true),
      deltaDisplayedNs: v.getFloat64(r + 16, true),
      traceId: v.getUint32(r + 24, true),
      originalLength: v.getUint32(r + 28, true),
      bytes: this.page.data.subarray(at, at + v.getUint32(r + 36, true)),
      pointId: v.getUint16(r + 40, true),
      hop: v.getUint16(r + 42, true),
      direction: v.getUint8(r + 44) === 0 ? 'in' : 'out',
      verdict: VERDICT_KINDS[v.getUint8(r + 45)] ?? 'forward',
      reason: reason === 0 ? null : s[reason - 1],
      rule: rule === 0 ? null : s[rule - 1],
      point: s[v.getUint16(r + 50, true)],
      pointDescription: s[v.getUint16(r + 52, true)],
    };
  }
}
