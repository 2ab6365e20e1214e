/**
 * The capture view's packet list over CaptureQuery: a display filter, a choice of capture points
 * and a sort column, paged in bounded slices (DESIGN.md §5: the list is built where the frames
 * live; the page holds only what it shows). Rows add what the page needs to draw them without
 * asking again: absolute virtual time, the delta to the previous displayed entry (Wireshark's
 * "since previous displayed" format) and the coloring rule that matched.
 *
 * A list is an index of frame numbers. The plain list (no filter, all points, frame order) needs
 * none: entry i is frame i + 1. Others are built once and extended as frames arrive (appended in
 * frame order; rebuilt when sorted). A few recent lists are kept (LRU), so flipping between two
 * filters or sort orders does not rescan.
 */
import type { FilterError } from '../filter/error.ts';
import type { CaptureRow } from './capture-query.ts';
import type { CaptureQuery } from './capture-query.ts';
import { Coloring } from './coloring.ts';
import { emptyFrame } from '../fabric/capture/capture-store.ts';
import { encodeFrames, MAX_PAGE_FRAME_BYTES, type FramePage, type PageEntry } from './frame-page.ts';

export type SortColumn = 'number' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info' | 'point' | 'trace';
export const SORT_COLUMNS: readonly SortColumn[] = ['number', 'time', 'source', 'destination', 'protocol', 'length', 'info', 'point', 'trace'];
/** Columns whose sort key needs a dissection of every entry. */
const DISSECTED: ReadonlySet<SortColumn> = new Set(['source', 'destination', 'protocol', 'info']);
/** Entries a list may have to be sorted by a dissected column (each costs a full dissection). */
export const MAX_DISSECTED_SORT = 200_000;

export interface ListQuery {
  readonly offset: number;
  readonly count: number;
  /** Display filter; empty or absent: every frame. */
  readonly filter?: string;
  /** Capture point ids to show; absent: all. */
  readonly points?: readonly number[];
  readonly sort?: { readonly column: SortColumn; readonly descending: boolean };
}

export interface ListRow extends CaptureRow {
  /** Absolute virtual time of the frame, integer nanoseconds. */
  readonly timeNs: number;
  /** Nanoseconds since the previous entry of this list (0 for the first, or when it was evicted). */
  readonly deltaDisplayedNs: number;
  /** Index of the coloring rule that matched, or −1. */
  readonly coloring: number;
}

export interface ListPage {
  readonly offset: number;
  /** Entries in the list. */
  readonly total: number;
  /** Entries in the asked range whose frame was evicted (left out of `rows`). */
  readonly evicted: number;
  readonly rows: ListRow[];
  /** The filter's compile error; the page is then empty. */
  readonly error: FilterError | null;
  /** Why the asked sort was not applied (the list is then in frame order). */
  readonly sortError: string | null;
}

interface ListIndex {
  frames: Int32Array;
  length: number;
  /** Highest frame number the index has considered. */
  builtTo: number;
  sorted: boolean;
}

const INDEX_CACHE = 4;
/**
 * A filtered binary page (`frames`) does not wait for the filter to test every frame (Wireshark
 * shows rows while it filters): a list's first call tests frames until its page can be filled or
 * this many were tested; each later call tests this many more (so asking again, even for no
 * entries, moves the filter on) until the newest frame. Such a page says `partial`: its entries
 * are final, its total counts the matches so far.
 */
export const FILTER_STEP_FRAMES = 1 << 16;
/** The first slice of frames a call filters; slices double up to FILTER_STEP_FRAMES. */
const FIRST_SLICE_FRAMES = 1 << 12;
/** Most rows the column cache keeps (a row is some 15 short fields: about 100 MB at most). */
export const ROW_CACHE_SIZE = 1 << 18;

export class CaptureList {
  readonly coloring: Coloring;
  private readonly indexes = new Map<string, ListIndex>();
  private generation = -1;
  private readonly scratch = emptyFrame();

  /**
   * The column cache (Wireshark's is per packet-list row): each frame's row and coloring rule,
   * built once while the first pass stays where it was (see CaptureQuery.firstPassUpTo), at
   * most ROW_CACHE_SIZE of them, oldest dropped first; cleared when the store is.
   */
  private readonly rowCache = new Map<number, { readonly row: CaptureRow; readonly coloring: number }>();
  private cachePassed = -1;
  private cacheGeneration = -1;
  private origin: { readonly generation: number; readonly ns: number } | null = null;
  /** The newest binary page's query when its list was answered `partial` (see advancePartial), else null. */
  private partialQuery: ListQuery | null = null;

  constructor(private readonly query: CaptureQuery) {
    this.coloring = new Coloring(query.fields);
  }

  page(q: ListQuery): ListPage {
    const store = this.query.store;
    const list = this.resolve(q);
    if ('error' in list) return { offset: list.offset, total: 0, evicted: 0, rows: [], error: list.error, sortError: null };
    const { offset, total, at } = list;
    const numbers: number[] = [];
    const previous = new Map<number, number>();
    let evicted = 0;
    for (let i = offset; i < Math.min(total, offset + list.count); i++) {
      const n = at(i);
      if (!store.has(n)) {
        evicted++;
        continue;
      }
      numbers.push(n);
      previous.set(n, i > 0 ? at(i - 1) : 0);
    }
    return { offset, total, evicted, rows: this.rowsFor(numbers, (n) => previous.get(n) ?? 0), error: null, sortError: list.sortError };
  }

  /**
   * The same entries as `page` as a binary page (frame-page.ts): records and frame bytes in one
   * buffer, no row built. At most `maxBytes` of frame bytes: `covered` says how far it got.
   */
  frames(q: ListQuery, maxBytes = MAX_PAGE_FRAME_BYTES): FramePage {
    const store = this.query.store;
    const list = this.resolve(q, true);
    const partial = !('error' in list) && list.partial;
    this.partialQuery = partial ? q : null;
    const empty = (offset: number, total: number, error: FilterError | null, sortError: string | null): FramePage => ({
      offset, total, covered: 0, evicted: 0, entries: 0, originNs: -1, strings: [], data: new Uint8Array(0), error, sortError, partial,
    });
    if ('error' in list) return empty(list.offset, 0, list.error, null);
    const { offset, total, at } = list;
    // An offset past the end (a view still scrolled where a longer list was) covers nothing.
    const end = Math.max(offset, Math.min(total, offset + list.count));
    const entries: PageEntry[] = [];
    for (let i = offset; i < end; i++) {
      const n = at(i);
      if (store.has(n)) entries.push({ index: i, frame: n, previous: i > 0 ? at(i - 1) : 0 });
    }
    if (entries.length === 0) return { ...empty(offset, total, null, list.sortError), covered: end - offset, evicted: end - offset };
    const { data, written, strings } = encodeFrames(store, entries, maxBytes);
    const coveredTo = written < entries.length ? entries[written].index : end;
    return {
      offset,
      total,
      covered: coveredTo - offset,
      evicted: coveredTo - offset - written,
      entries: written,
      originNs: this.originNs(),
      strings,
      data,
      error: null,
      sortError: list.sortError,
      partial,
    };
  }

  /**
   * The Time column's origin: the time of the frame the first pass began with (Wireshark's
   * "beginning of capture" for the held frames), read back from a row the worker built.
   */
  private originNs(): number {
    const generation = this.query.generationSeen;
    if (this.origin !== null && this.origin.generation === generation) return this.origin.ns;
    const store = this.query.store;
    const n = store.firstAvailable;
    const row = this.query.row(n);
    if (row === null) return -1;
    const negative = row.time.startsWith('-');
    const [sec, frac] = (negative ? row.time.slice(1) : row.time).split('.');
    const since = Number(sec) * 1e9 + Number(frac);
    const ns = store.timeOf(n) - (negative ? -since : since);
    this.origin = { generation, ns };
    return ns;
  }

  /**
   * Moves the list of the newest binary page answered `partial` on by one step
   * (FILTER_STEP_FRAMES frames), as the view's next ask would: a host calls it while it has
   * nothing else to do, so the filter goes on between the view's asks instead of waiting for
   * them, and an ask then finds the frames tested. False once that list is whole (or was replaced
   * by a page that is not partial): nothing is left to move on.
   */
  advancePartial(): boolean {
    const q = this.partialQuery;
    if (q === null) return false;
    const list = this.resolve({ ...q, offset: 0, count: 0 }, true);
    if ('error' in list || !list.partial) {
      this.partialQuery = null;
      return false;
    }
    return true;
  }

  /**
   * The list a query asks for: its entries by index, or the filter's error. With `early`, a
   * filtered list in frame order may be answered before the filter has tested every frame
   * (`partial`; see FILTER_STEP_FRAMES).
   */
  private resolve(
    q: ListQuery,
    early = false,
  ): { offset: number; count: number; total: number; at: (i: number) => number; sortError: string | null; partial: boolean } | { offset: number; error: FilterError } {
    const store = this.query.store;
    if (this.generation !== this.query.generationSeen) {
      this.generation = this.query.generationSeen;
      this.indexes.clear();
    }
    const filter = q.filter?.trim() ?? '';
    const points = normalizePoints(q.points, store.points.length);
    let sort = q.sort && !(q.sort.column === 'number' && !q.sort.descending) ? q.sort : null;
    const offset = Math.max(0, Math.floor(q.offset));
    const count = Math.max(0, Math.floor(q.count));

    // The plain list: no index at all (a million frames cost nothing until asked for).
    if (filter === '' && points === null && sort === null) return { offset, count, total: store.count, at: (i) => i + 1, sortError: null, partial: false };

    let sortError: string | null = null;
    let index = this.index(filter, points, sort, early && sort === null && filter !== '' ? offset + count : undefined);
    if ('error' in index) return { offset, error: index.error };
    if (sort !== null && DISSECTED.has(sort.column) && index.length > MAX_DISSECTED_SORT) {
      sortError = `Sorting by ${sort.column} needs every entry dissected; this list has ${index.length.toLocaleString('en-US')} (at most ${MAX_DISSECTED_SORT.toLocaleString('en-US')}). Filter first.`;
      sort = null;
      const plain = this.index(filter, points, null);
      if ('error' in plain) return { offset, error: plain.error };
      index = plain;
    }
    const frames = index.frames;
    return { offset, count, total: index.length, at: (i) => frames[i], sortError, partial: index.builtTo < store.count };
  }

  /** Rows (coloured, timed; delta to the previous frame given) for chosen frames, in that order. */
  rowsOf(numbers: readonly number[]): ListRow[] {
    return this.rowsFor(numbers, (n) => {
      const i = numbers.indexOf(n);
      return i > 0 ? numbers[i - 1] : 0;
    });
  }

  private rowsFor(numbers: readonly number[], previousOf: (n: number) => number): ListRow[] {
    const store = this.query.store;
    const coloring = this.coloring;
    const cache = this.rowCache;
    if (this.cacheGeneration !== this.query.generationSeen) {
      this.cacheGeneration = this.query.generationSeen;
      cache.clear();
    }
    let newest = 0;
    for (const n of numbers) if (n > newest) newest = n;
    if (newest === 0) return [];
    // Rows built before the first pass got as far as now may differ from rows built now: drop them.
    const passed = this.query.firstPassUpTo(newest);
    if (passed !== this.cachePassed) {
      this.cachePassed = passed;
      cache.clear();
    }
    const missing: number[] = [];
    for (const n of numbers) if (!cache.has(n) && store.has(n)) missing.push(n);
    if (missing.length > 0) {
      if (cache.size + missing.length > ROW_CACHE_SIZE) {
        // Oldest first (Map order is insertion order); evicted frames' rows go this way too.
        let drop = cache.size + missing.length - ROW_CACHE_SIZE;
        for (const n of cache.keys()) {
          if (drop-- <= 0) break;
          cache.delete(n);
        }
      }
      this.query.rowsWith(missing, coloring.sink, (row, _result, bytes) => cache.set(row.number, { row, coloring: coloring.match(bytes) }));
    }
    const out: ListRow[] = [];
    for (const n of numbers) {
      const c = cache.get(n);
      if (c === undefined) continue; // not held
      const r = c.row;
      const timeNs = store.timeOf(n);
      const prev = previousOf(n);
      out.push({
        number: r.number,
        time: r.time,
        source: r.source,
        destination: r.destination,
        protocol: r.protocol,
        length: r.length,
        info: r.info,
        pointId: r.pointId,
        point: r.point,
        direction: r.direction,
        traceId: r.traceId,
        hop: r.hop,
        verdict: r.verdict,
        reason: r.reason,
        rule: r.rule,
        timeNs,
        deltaDisplayedNs: prev > 0 && store.has(prev) ? timeNs - store.timeOf(prev) : 0,
        coloring: c.coloring,
      });
    }
    return out;
  }

  /**
   * The list's index, built or brought up to the newest frame; with `need` (a filtered list in
   * frame order), only as far as FILTER_STEP_FRAMES says for a page ending at entry `need`.
   */
  private index(filter: string, points: Uint8Array | null, sort: ListQuery['sort'] | null, need?: number): ListIndex | { error: FilterError } {
    const store = this.query.store;
    const key = JSON.stringify([filter, points ? [...points] : null, sort ?? null]);
    let index = this.indexes.get(key);
    const fresh = index === undefined;
    if (index !== undefined) this.indexes.delete(key);
    else {
      index = { frames: new Int32Array(1024), length: 0, builtTo: store.firstAvailable - 1, sorted: sort !== null };
      if (this.indexes.size >= INDEX_CACHE) this.indexes.delete(this.indexes.keys().next().value!);
    }
    this.indexes.set(key, index);
    if (index.builtTo >= store.count) return index;

    // New candidates since the last build, in frame order.
    const added: number[] = [];
    const from = Math.max(index.builtTo + 1, store.firstAvailable);
    const wanted = (n: number) => points === null || points[store.pointOf(n)] === 1;
    if (filter === '') {
      for (let n = from; n <= store.count; n++) if (wanted(n)) added.push(n);
    } else if (need !== undefined && sort === null) {
      // Slice by slice, stopping as FILTER_STEP_FRAMES says; the entries so far are final.
      let tested = 0;
      let slice = FIRST_SLICE_FRAMES;
      let next = from;
      for (;;) {
        const m = this.query.advanceFilter(filter, Math.min(slice, FILTER_STEP_FRAMES - tested));
        if ('error' in m) {
          this.indexes.delete(key);
          return m;
        }
        const moved: number[] = [];
        for (let i = lowerBound(m.matches, next); i < m.matches.length; i++) if (wanted(m.matches[i])) moved.push(m.matches[i]);
        append(index, moved);
        tested += Math.max(0, m.scanned - Math.max(next, index.builtTo + 1) + 1);
        index.builtTo = Math.max(index.builtTo, m.scanned);
        next = Math.max(next, m.scanned + 1);
        if (m.complete || tested >= FILTER_STEP_FRAMES || (fresh && index.length >= need)) break;
        slice *= 2;
      }
      return index;
    } else {
      const m = this.query.matchesOf(filter);
      if ('error' in m) {
        this.indexes.delete(key);
        return m;
      }
      for (let i = lowerBound(m.matches, from); i < m.matches.length; i++) if (wanted(m.matches[i])) added.push(m.matches[i]);
    }
    index.builtTo = store.count;
    append(index, added);
    if (sort) this.sortIndex(index, sort);
    return index;
  }

  /** Sorts the whole index by a column (stable on frame number), descending by reversal. */
  private sortIndex(index: ListIndex, sort: NonNullable<ListQuery['sort']>): void {
    const store = this.query.store;
    const n = index.length;
    const frames = index.frames.subarray(0, n);
    // Restore frame order first: appends after an earlier sort land at the end.
    frames.sort();
    if (DISSECTED.has(sort.column) && n > MAX_DISSECTED_SORT) return;
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    if (DISSECTED.has(sort.column)) {
      const keys: string[] = new Array(n).fill('');
      const at = new Map<number, number>();
      for (let i = 0; i < n; i++) at.set(frames[i], i);
      const CHUNK = 2000;
      for (let s = 0; s < n; s += CHUNK) {
        const rows = this.query.rowsWith(Array.from(frames.subarray(s, Math.min(n, s + CHUNK))), null, () => {});
        for (const r of rows) keys[at.get(r.number)!] = r[sort.column as 'source' | 'destination' | 'protocol' | 'info'];
      }
      perm.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    } else {
      const keys = new Float64Array(n);
      const rank = sort.column === 'point' ? pointRanks(store.points.map((p) => p.name)) : null;
      for (let i = 0; i < n; i++) {
        const f = frames[i];
        switch (sort.column) {
          case 'number': keys[i] = f; break;
          case 'time': keys[i] = store.timeOf(f); break;
          case 'trace': keys[i] = store.traceOf(f); break;
          case 'point': keys[i] = rank![store.pointOf(f)]; break;
          case 'length': keys[i] = store.read(f, this.scratch) ? this.scratch.originalLength : 0; break;
          default: keys[i] = f;
        }
      }
      perm.sort((a, b) => keys[a] - keys[b] || a - b);
    }
    const sorted = new Int32Array(n);
    for (let i = 0; i < n; i++) sorted[sort.descending ? n - 1 - i : i] = frames[perm[i]];
    frames.set(sorted);
  }
}

function append(index: ListIndex, numbers: readonly number[]): void {
  if (index.length + numbers.length > index.frames.length) {
    let size = index.frames.length;
    while (size < index.length + numbers.length) size *= 2;
    const grown = new Int32Array(size);
    grown.set(index.frames.subarray(0, index.length));
    index.frames = grown;
  }
  for (const n of numbers) index.frames[index.length++] = n;
}

/** A membership mask of capture point ids, or null for "all points". */
function normalizePoints(points: readonly number[] | undefined, known: number): Uint8Array | null {
  if (points === undefined) return null;
  const mask = new Uint8Array(known);
  for (const p of points) if (p >= 0 && p < known) mask[p] = 1;
  return mask;
}

/** Each point id's rank in name order, so "sort by capture point" reads alphabetically. */
function pointRanks(names: readonly string[]): Float64Array {
  const order = names.map((name, id) => ({ name, id })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  const rank = new Float64Array(names.length);
  order.forEach((o, i) => (rank[o.id] = i));
  return rank;
}

function lowerBound(a: readonly number[], value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
