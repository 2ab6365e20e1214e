/**
 * The packet list's entries, fetched in bounded binary pages on demand (`captureFrames`: records
 * and frame bytes in one transferred buffer, core/service/frame-page.ts) and kept in a small LRU
 * cache: the page never holds the whole list (a million-frame capture stays a few thousand
 * entries in memory). Rows are built here, only for the entries the list draws, from the frame
 * bytes with the worker's own dissectors and coloring rules (core/service/frame-rows.ts), and kept
 * with their page. An entry whose columns need the capture's cross-frame state (a fragment, TCP
 * analysis, request/response matching) gets the worker's row instead (`captureRows`, asked in one
 * batch per draw), so every row equals the worker's. A new epoch (another filter, sort or point
 * set, or new frames) drops everything cached.
 */
import type { FramePage, ListRow } from '../../../core/contract/simulation.ts';
import { FramePageReader } from '../../../core/service/frame-page.ts';
import { FrameRowBuilder } from '../../../core/service/frame-rows.ts';

/** Entries per fetched page. */
export const PAGE_ROWS = 1000;
/** Pages kept (LRU): a few screens around the view. */
export const CACHED_PAGES = 16;
/** Rows from a page's end (or start) at which the next (or previous) page is fetched ahead. */
export const PREFETCH_ROWS = 200;

export type FetchFrames = (offset: number, count: number) => Promise<FramePage>;
export type FetchRows = (frames: number[]) => Promise<ListRow[]>;

/** Slot states besides a record number: not in the page (evicted), or waiting for the worker's row. */
const ABSENT = -1;

interface Page {
  readonly readers: FramePageReader[];
  /** Per slot (list index − first index of the page): reader << 16 | record, or ABSENT. */
  readonly slots: Int32Array;
  /** Rows built (or received) so far, by slot. */
  readonly rows: (ListRow | undefined)[];
  /** 1 while the worker's row of that slot is asked for. */
  readonly asked: Uint8Array;
}

export class PageCache {
  private readonly pages = new Map<number, Page>();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Pages whose fetch failed in this epoch: not asked again until a reset (no retry storm). */
  private readonly failed = new Set<number>();
  private epoch = 0;
  /** The list's length as the last page of this epoch said (0 before one came). */
  private knownTotal = 0;
  private builder: FrameRowBuilder | null = null;
  /** Worker rows to ask for at the end of this turn: frame → where it goes. */
  private wanted = new Map<number, { page: number; slot: number; deltaDisplayedNs: number }[]>();
  private flushing = false;

  constructor(
    private fetchFrames: FetchFrames,
    private readonly fetchRows: FetchRows,
    /** Told after each page lands (the view re-renders) or fails. */
    private readonly onPage: (page: FramePage | null, error: unknown) => void,
    /** Told when worker rows land. */
    private readonly onRows: () => void = () => {},
  ) {}

  /** Drops every page and starts a new epoch (late answers of the old one are ignored). */
  reset(fetch?: FetchFrames): void {
    if (fetch) this.fetchFrames = fetch;
    this.epoch++;
    this.knownTotal = 0;
    this.pages.clear();
    this.inFlight.clear();
    this.failed.clear();
    this.wanted.clear();
  }

  /**
   * Drops the pages from the one holding index `from` on, keeping the rest: a list in frame order
   * only grows at its end, so new frames change nothing before it.
   */
  dropTail(from: number): void {
    const first = Math.floor(Math.max(0, from) / PAGE_ROWS);
    for (const p of [...this.pages.keys()]) if (p >= first) this.pages.delete(p);
    for (const p of [...this.failed]) if (p >= first) this.failed.delete(p);
  }

  /**
   * The row at list index `i`, or undefined while it is not here (its page is asked for, or the
   * worker's row when the row needs it). Built once, then kept with its page.
   */
  row(i: number): ListRow | undefined {
    const p = Math.floor(i / PAGE_ROWS);
    const page = this.touch(p);
    if (page === undefined) return undefined;
    const slot = i - p * PAGE_ROWS;
    // Near the end (or the start) of a page, the next (previous) one is asked for ahead, so a
    // scroll reaches it loaded instead of drawing placeholders for a frame or more.
    if (slot >= PAGE_ROWS - PREFETCH_ROWS) this.prefetch(p + 1);
    else if (slot < PREFETCH_ROWS) this.prefetch(p - 1);
    const done = page.rows[slot];
    if (done !== undefined || page.asked[slot] === 1) return done;
    const at = page.slots[slot];
    if (at === ABSENT) return undefined;
    const reader = page.readers[at >>> 16];
    const entry = reader.entry(at & 0xffff);
    const row = (this.builder ??= new FrameRowBuilder()).build(entry, reader.page.originNs);
    if (row !== null) {
      page.rows[slot] = row;
      return row;
    }
    page.asked[slot] = 1;
    const list = this.wanted.get(entry.number) ?? [];
    list.push({ page: p, slot, deltaDisplayedNs: entry.deltaDisplayedNs });
    this.wanted.set(entry.number, list);
    this.scheduleRows();
    return undefined;
  }

  /** The row at list index `i` once it is here: its page loaded and, if needed, the worker's row. */
  async rowReady(i: number): Promise<ListRow | undefined> {
    await this.ensure(i, i);
    for (let tries = 0; tries < 3; tries++) {
      const row = this.row(i);
      if (row !== undefined) return row;
      const p = this.pages.get(Math.floor(i / PAGE_ROWS));
      if (!p || p.slots[i - Math.floor(i / PAGE_ROWS) * PAGE_ROWS] === ABSENT) return undefined;
      await this.rowsLanded();
    }
    return this.row(i);
  }

  /** The frame number at list index `i` when its page is here (no row built), else undefined. */
  numberAt(i: number): number | undefined {
    const p = Math.floor(i / PAGE_ROWS);
    const page = this.touch(p);
    if (page === undefined) return undefined;
    const at = page.slots[i - p * PAGE_ROWS];
    return at === ABSENT ? undefined : page.readers[at >>> 16].numberAt(at & 0xffff);
  }

  /** Loads the pages covering indexes from..to (inclusive). */
  async ensure(from: number, to: number): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let p = Math.floor(Math.max(0, from) / PAGE_ROWS); p <= Math.floor(Math.max(0, to) / PAGE_ROWS); p++) if (!this.pages.has(p)) jobs.push(this.load(p));
    await Promise.all(jobs);
  }

  get size(): number {
    return this.pages.size;
  }

  /** Rows built here and rows taken from the worker since start (for tests and the benchmark). */
  get counts(): { readonly built: number; readonly deferred: number } {
    return { built: this.builder?.built ?? 0, deferred: this.builder?.deferred ?? 0 };
  }

  /** Loads page p if it exists (as far as the last page told), is not here and is not on its way. */
  private prefetch(p: number): void {
    if (p < 0 || p * PAGE_ROWS >= this.knownTotal || this.pages.has(p)) return;
    void this.load(p);
  }

  private touch(p: number): Page | undefined {
    const page = this.pages.get(p);
    if (page === undefined) {
      void this.load(p);
      return undefined;
    }
    // Touch: re-insert so Map order is the LRU order.
    this.pages.delete(p);
    this.pages.set(p, page);
    return page;
  }

  private load(p: number): Promise<void> {
    const pending = this.inFlight.get(p);
    if (pending) return pending;
    if (this.failed.has(p)) return Promise.resolve();
    const epoch = this.epoch;
    const job = this.fetchPage(p).then(
      ({ page, last }) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        this.knownTotal = last.total;
        this.pages.set(p, page);
        while (this.pages.size > CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.onPage(last, null);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        this.failed.add(p);
        this.onPage(null, e);
      },
    );
    this.inFlight.set(p, job);
    // The builder (dissectors' tables, coloring rules compiled) is made while the page is on its
    // way, not when the first rows are drawn.
    this.builder ??= new FrameRowBuilder();
    return job;
  }

  /** One cache page: as many binary pages as its entries' bytes need (each is bounded in bytes). */
  private async fetchPage(p: number): Promise<{ page: Page; last: FramePage }> {
    const start = p * PAGE_ROWS;
    const slots = new Int32Array(PAGE_ROWS).fill(ABSENT);
    const readers: FramePageReader[] = [];
    let at = start;
    let last: FramePage;
    for (;;) {
      last = await this.fetchFrames(at, start + PAGE_ROWS - at);
      const reader = new FramePageReader(last);
      const r = readers.length;
      readers.push(reader);
      for (let k = 0; k < reader.entries; k++) slots[reader.indexAt(k) - start] = (r << 16) | k;
      at += last.covered;
      if (last.covered === 0 || at >= Math.min(start + PAGE_ROWS, last.total) || last.error) break;
    }
    return { page: { readers, slots, rows: new Array<ListRow | undefined>(PAGE_ROWS), asked: new Uint8Array(PAGE_ROWS) }, last };
  }

  private waiters: (() => void)[] = [];

  private rowsLanded(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Asks the worker, at the end of this turn, for every row wanted during it (one call). */
  private scheduleRows(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      const wanted = this.wanted;
      this.wanted = new Map();
      if (wanted.size === 0) return;
      const epoch = this.epoch;
      const frames = [...wanted.keys()];
      const done = () => {
        const w = this.waiters;
        this.waiters = [];
        for (const resolve of w) resolve();
      };
      this.fetchRows(frames).then(
        (rows) => {
          if (epoch !== this.epoch) return done();
          for (const row of rows) {
            for (const where of wanted.get(row.number) ?? []) {
              const page = this.pages.get(where.page);
              if (page) page.rows[where.slot] = { ...row, deltaDisplayedNs: where.deltaDisplayedNs };
            }
          }
          this.onRows();
          done();
        },
        () => {
          // Let the next draw ask again.
          for (const list of wanted.values()) for (const where of list) this.pages.get(where.page)?.asked.fill(0, where.slot, where.slot + 1);
          done();
        },
      );
    });
  }
}
