/**
 * The capture view's questions, answered where the frames live (DESIGN.md §5): pages of the packet
 * list with Wireshark's summary columns plus the fabric's verdicts, display filters, the detail tree
 * and hex of one frame, and every frame of one trace ("follow the packet").
 *
 * Lists are indexed stably. Unfiltered, entry i is frame i + 1 (frame numbers are absolute and
 * survive eviction). Filtered, entry i is the i-th match found since the filter was first asked
 * for; matches are found incrementally as frames arrive (frames evicted before the filter reached
 * them are counted as `untested`). An entry whose frame has been evicted is left out of a page and
 * counted in its `evicted`, so a scrolled-back view can say so.
 *
 * Dissection follows Wireshark: one first pass over the frames in order (conversation state,
 * time deltas) made lazily up to the newest frame asked for; rows and trees are later passes. The
 * Time column is seconds since the first frame that pass saw. Each filter has its own pruned pass.
 */
import type { CaptureSession, DissectionEngine, DissectResult } from '../dissect/engine.ts';
import { createDefaultEngine } from '../dissect/protocols/index.ts';
import { NullSink, type FilterSink, type TreeNode } from '../dissect/sink.ts';
import { timeColumn, type PacketSummary } from '../dissect/summary.ts';
import { isVisible, nodeLabel } from '../dissect/tree-text.ts';
import { compileFilter, FilterRunner, type FilterError } from '../filter/index.ts';
import { CaptureFrameRecord } from '../fabric/capture/capture-frame-record.ts';
import type { CaptureDirection } from '../fabric/capture/capture-point.ts';
import type { CaptureStore } from '../fabric/capture/capture-store.ts';
import type { VerdictKind } from '../fabric/verdict.ts';
import { SameBytesOutcomes } from './same-bytes-outcomes.ts';

/** One packet-list row: Wireshark's columns plus where the frame was seen and what the fabric did. */
export interface CaptureRow extends PacketSummary {
  readonly pointId: number;
  /** The capture point's name (the pcapng if_name). */
  readonly point: string;
  readonly direction: CaptureDirection;
  readonly traceId: number;
  readonly hop: number;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  /** The text of the rule that decided the verdict, if any. */
  readonly rule: string | null;
}

export interface CapturePage {
  /** Index of the first entry asked for. */
  readonly offset: number;
  /** Entries in the list: frames recorded, or matches found so far. */
  readonly total: number;
  /** Index of the first entry whose frame is still held; entries before it were evicted. */
  readonly firstAvailable: number;
  /** Entries in the asked range that were evicted (left out of `rows`). */
  readonly evicted: number;
  /** Filtered lists only: frames evicted before the filter could test them (their matches are unknown). */
  readonly untested: number;
  readonly rows: CaptureRow[];
  /** Set when the filter does not compile; the page is then empty. */
  readonly error: FilterError | null;
}

export type FilterResult = { readonly ok: true; readonly frames: number[] } | { readonly ok: false; readonly error: FilterError };

/** A node of the detail pane: its label, its bytes (in data source `source`) and children. */
export interface DetailNode {
  readonly label: string;
  /** The field's filter name (`ip.src`), or null for a text-only node. */
  readonly field: string | null;
  readonly offset: number;
  readonly length: number;
  readonly source: number;
  readonly children: DetailNode[];
}

export interface FrameDetail {
  readonly number: number;
  readonly tree: DetailNode[];
  /** Byte sources nodes point into: 0 is the frame, more for reassembled data (copies). */
  readonly sources: { readonly name: string; readonly bytes: Uint8Array }[];
}

/** How many filters keep their incremental scan (least recently used are dropped). */
const FILTER_CACHE_SIZE = 8;

/** One filter's incremental pass. */
interface FilterScan {
  readonly runner: FilterRunner;
  readonly session: CaptureSession;
  /** Highest frame number tested. */
  scanned: number;
  /** Matching frame numbers, ascending; entry i of the list is matches[i − trimmed]. */
  matches: number[];
  trimmed: number;
  /** Frames evicted before this scan reached them. */
  untested: number;
  /** Outcomes a frame with the same bytes may take without dissection, or null (see SameBytesOutcomes). */
  readonly copies: SameBytesOutcomes | null;
}

export class CaptureQuery {
  private readonly record: CaptureFrameRecord;
  private session!: CaptureSession;
  /** Highest frame number the first pass has dissected. */
  private passed = 0;
  private generation = -1;
  private readonly scans = new Map<string, FilterScan>();

  constructor(
    readonly store: CaptureStore,
    private readonly engine: DissectionEngine = createDefaultEngine(),
  ) {
    this.record = new CaptureFrameRecord(store);
    this.sync();
  }

  /** Entries offset … offset + count − 1 of the list (all frames, or the filter's matches). */
  page(offset: number, count: number, filter?: string): CapturePage {
    this.sync();
    const start = Math.max(0, Math.floor(offset));
    const text = filter?.trim() ?? '';
    let total: number;
    let firstAvailable: number;
    let entry: (i: number) => number;
    let untested = 0;
    if (text === '') {
      total = this.store.count;
      firstAvailable = this.store.firstAvailable - 1;
      entry = (i) => i + 1;
    } else {
      const scan = this.scan(text);
      if (!('runner' in scan)) return { offset: start, total: 0, firstAvailable: 0, evicted: 0, untested: 0, rows: [], error: scan.error };
      untested = scan.untested;
      total = scan.trimmed + scan.matches.length;
      firstAvailable = scan.trimmed + lowerBound(scan.matches, this.store.firstAvailable);
      entry = (i) => scan.matches[i - scan.trimmed] ?? 0; // 0: trimmed away, so evicted
    }
    const end = Math.min(total, start + Math.max(0, Math.floor(count)));
    const numbers: number[] = [];
    let evicted = 0;
    for (let i = start; i < end; i++) {
      const n = entry(i);
      if (this.store.has(n)) numbers.push(n);
      else evicted++;
    }
    return { offset: start, total, firstAvailable, evicted, untested, rows: this.rows(numbers), error: null };
  }

  /** The held frames matching a display filter, or the compile error with its position. */
  filter(expression: string): FilterResult {
    this.sync();
    const text = expression.trim();
    if (text === '') {
      const frames: number[] = [];
      for (let n = this.store.firstAvailable; n <= this.store.count; n++) frames.push(n);
      return { ok: true, frames };
    }
    const scan = this.scan(text);
    if (!('runner' in scan)) return { ok: false, error: scan.error };
    return { ok: true, frames: scan.matches.slice(lowerBound(scan.matches, this.store.firstAvailable)) };
  }

  /** The packet-list row of one frame, or null when it is not held. */
  row(n: number): CaptureRow | null {
    this.sync();
    return this.store.has(n) ? this.rows([n])[0] : null;
  }

  /** The protocol tree of one frame for the detail pane, or null when it is not held. */
  detail(n: number): FrameDetail | null {
    this.sync();
    if (!this.store.has(n)) return null;
    this.firstPassTo(n);
    this.record.load(n);
    const { tree } = this.session.tree(this.record);
    return {
      number: n,
      tree: detailNodes(tree.root),
      sources: tree.sources.map((s) => ({ name: s.name, bytes: s.bytes.slice() })),
    };
  }

  /** A copy of one frame's captured bytes for the hex pane, or null when it is not held. */
  hex(n: number): Uint8Array | null {
    return this.store.bytesOf(n)?.slice() ?? null;
  }

  /** Every held frame of one trace, across capture points, in capture order. */
  framesOfTrace(traceId: number): CaptureRow[] {
    this.sync();
    if (traceId === 0) return []; // 0 means "no trace": unrelated frames share it
    const numbers: number[] = [];
    for (let n = this.store.firstAvailable; n <= this.store.count; n++) if (this.store.traceOf(n) === traceId) numbers.push(n);
    return this.rows(numbers);
  }

  /** Starts over when the store was cleared: frame numbers have restarted. */
  private sync(): void {
    if (this.generation === this.store.generation) return;
    this.generation = this.store.generation;
    this.session = this.engine.newSession();
    this.passed = 0;
    this.scans.clear();
  }

  /** Runs the first pass in frame order up to frame `n` (evicted frames are skipped). */
  private firstPassTo(n: number): void {
    const rec = this.record;
    for (let m = Math.max(this.passed + 1, this.store.firstAvailable); m <= n; m++) {
      if (rec.load(m)) this.session.dissect(rec, NullSink.instance, false);
    }
    if (n > this.passed) this.passed = n;
  }

  /**
   * Brings the first pass up to frame `n` and returns how far it has got. A row is a function of
   * the frame and of how far the first pass had got when it was built (a later frame can change
   * an earlier one's columns), so a cache of rows is valid while this number stays the same.
   */
  firstPassUpTo(n: number): number {
    this.sync();
    this.firstPassTo(n);
    return this.passed;
  }

  /** Rows for held frames, ascending. */
  private rows(numbers: readonly number[]): CaptureRow[] {
    return this.rowsWith(numbers, null, () => {});
  }

  /**
   * Rows for held frames in any order (a sorted list), dissected into `sink` when given (the
   * coloring rules' fields); `each` sees every row with what its dissection left in the sink and
   * the result (expert infos), before the next frame is dissected.
   */
  rowsWith(numbers: readonly number[], sink: FilterSink | null, each: (row: CaptureRow, result: DissectResult, bytes: Uint8Array) => void): CaptureRow[] {
    this.sync();
    if (numbers.length === 0) return [];
    let newest = 0;
    for (const n of numbers) if (n > newest) newest = n;
    this.firstPassTo(newest);
    const rec = this.record;
    const out: CaptureRow[] = [];
    for (const n of numbers) {
      if (!rec.load(n)) continue;
      sink?.reset();
      const result = this.session.dissect(rec, sink ?? NullSink.instance, true);
      const m = rec.captured;
      const columns = result.columns;
      // One literal with the summary's fields (summary.ts summaryOf) rather than a spread of it:
      // a row is then one allocation of one shape.
      const row: CaptureRow = {
        number: rec.number,
        time: timeColumn(this.session, rec),
        source: columns.src,
        destination: columns.dst,
        protocol: columns.protocol,
        length: rec.originalLength,
        info: columns.info,
        pointId: m.pointId,
        point: this.store.point(m.pointId).name,
        direction: m.direction,
        traceId: m.traceId,
        hop: m.hop,
        verdict: m.verdict,
        reason: m.reason,
        rule: m.rule?.text ?? null,
      };
      each(row, result, rec.bytes);
      out.push(row);
    }
    return out;
  }

  /**
   * A filter's matches so far (ascending frame numbers; entry i of its list is `matches[i − trimmed]`),
   * brought up to the newest frame, or its compile error. The array is the scan's own: read, do not keep.
   */
  matchesOf(expression: string): { readonly matches: readonly number[]; readonly trimmed: number } | { readonly error: FilterError } {
    this.sync();
    const scan = this.scan(expression.trim());
    return 'runner' in scan ? { matches: scan.matches, trimmed: scan.trimmed } : scan;
  }

  /**
   * Like matchesOf, but tests at most `maxFrames` more frames (at least one when any is left), so a
   * caller can answer the first matches before the filter has reached the newest frame (Wireshark
   * shows rows while it filters). `scanned` is the highest frame number tested: the matches up to
   * it are final; `complete` says it is the newest frame.
   */
  advanceFilter(
    expression: string,
    maxFrames: number,
  ): { readonly matches: readonly number[]; readonly trimmed: number; readonly scanned: number; readonly complete: boolean } | { readonly error: FilterError } {
    this.sync();
    const scan = this.scan(expression.trim(), Math.max(1, Math.floor(maxFrames)));
    if (!('runner' in scan)) return scan;
    return { matches: scan.matches, trimmed: scan.trimmed, scanned: scan.scanned, complete: scan.scanned >= this.store.count };
  }

  /**
   * Dissects one held frame into `sink` in the capture's own session (after the first pass up to
   * it, so conversation fields such as tcp.stream are the list's); null when it is not held. The
   * sink and result are valid until the next dissection.
   */
  dissectInto(n: number, sink: FilterSink, columns = false): { readonly result: DissectResult; readonly bytes: Uint8Array } | null {
    this.sync();
    if (!this.store.has(n)) return null;
    this.firstPassTo(n);
    const rec = this.record;
    if (!rec.load(n)) return null;
    sink.reset();
    return { result: this.session.dissect(rec, sink, columns), bytes: rec.bytes };
  }

  /** The field registry filters compile against. */
  get fields(): DissectionEngine['fields'] {
    return this.engine.fields;
  }

  /** Bumped when the store was cleared (frame numbers restart): caches keyed on frames must drop. */
  get generationSeen(): number {
    this.sync();
    return this.generation;
  }

  /** The filter's scan brought up to the newest frame, or `maxFrames` further (compiled once, then incremental). */
  private scan(text: string, maxFrames = Infinity): FilterScan | { error: FilterError } {
    let scan = this.scans.get(text);
    if (scan === undefined) {
      const compiled = compileFilter(text, this.engine.fields);
      if (!compiled.ok) return { error: compiled.error };
      const runner = new FilterRunner(compiled.filter);
      // Frames evicted before the filter was first asked for are not counted as untested: the
      // list starts where the filter did.
      const scanned = this.store.firstAvailable - 1;
      const session = runner.newSession(this.engine);
      const copies = SameBytesOutcomes.forFilter(compiled.filter.fields, session.pruned);
      scan = { runner, session, scanned, matches: [], trimmed: 0, untested: 0, copies };
      if (this.scans.size >= FILTER_CACHE_SIZE) this.scans.delete(this.scans.keys().next().value!);
    } else {
      this.scans.delete(text); // re-inserted below: Map order is the LRU order
    }
    this.scans.set(text, scan);
    const rec = this.record;
    if (scan.scanned + 1 < this.store.firstAvailable) {
      scan.untested += this.store.firstAvailable - 1 - scan.scanned;
      scan.scanned = this.store.firstAvailable - 1;
    }
    const first = scan.scanned + 1;
    const last = Math.min(this.store.count, first + maxFrames - 1);
    const { runner, session, copies, matches } = scan;
    const state = session.state;
    const store = this.store;
    for (let m = first; m <= last; m++) {
      const source = copies !== null ? store.bytesSourceOf(m) : m;
      if (copies !== null && source !== m && source !== 0) {
        const known = copies.outcome(source);
        if (known !== -1) {
          if (known === 1) matches.push(m);
          session.passOver(m);
          continue;
        }
      }
      if (!rec.load(m)) continue;
      const reads = state.storeReads;
      const matched = runner.run(session, rec);
      if (matched) matches.push(m);
      if (copies !== null && state.storeReads === reads) copies.remember(source, matched);
    }
    scan.scanned = Math.max(scan.scanned, last);
    // Forget evicted matches once they are most of the list; `trimmed` keeps indexes stable.
    const gone = lowerBound(scan.matches, this.store.firstAvailable);
    if (gone > 1024 && gone * 2 > scan.matches.length) {
      scan.matches = scan.matches.slice(gone);
      scan.trimmed += gone;
    }
    return scan;
  }
}

/** Index of the first element ≥ value in an ascending array. */
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

/** The visible part of a tree as plain nodes (no parent links, no field objects): easy to post. */
function detailNodes(node: TreeNode): DetailNode[] {
  const out: DetailNode[] = [];
  for (const child of node.children) {
    if (!isVisible(child)) continue;
    out.push({
      label: nodeLabel(child),
      field: child.field?.abbrev ?? null,
      offset: child.offset,
      length: child.length,
      source: child.source,
      children: detailNodes(child),
    });
  }
  return out;
}
