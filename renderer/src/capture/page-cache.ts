/**
 * The packet list's rows, fetched in bounded pages on demand and kept in a small LRU cache: the page
 * never holds the whole list (a million-frame capture stays a few hundred rows in memory). A new
 * `epoch` (another filter, sort or point set, or new frames) drops everything cached.
 */
import type { ListPage, ListRow } from '../../../core/contract/simulation.ts';

/** Rows per fetched page. */
export const PAGE_ROWS = 200;
/** Pages kept (LRU): a few screens around the view. */
export const CACHED_PAGES = 16;

export type FetchPage = (offset: number, count: number) => Promise<ListPage>;

export class PageCache {
  private readonly pages = new Map<number, ListRow[]>();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Pages whose fetch failed in this epoch: not asked again until a reset (no retry storm). */
  private readonly failed = new Set<number>();
  private epoch = 0;

  constructor(
    private fetch: FetchPage,
    /** Told after each page lands (the view re-renders) or fails. */
    private readonly onPage: (page: ListPage | null, error: unknown) => void,
  ) {}

  /** Drops every page and starts a new epoch (late answers of the old one are ignored). */
  reset(fetch?: FetchPage): void {
    if (fetch) this.fetch = fetch;
    this.epoch++;
    this.pages.clear();
    this.inFlight.clear();
    this.failed.clear();
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

  /** The row at list index `i`, or undefined while its page is not here (asks for it). */
  row(i: number): ListRow | undefined {
    const p = Math.floor(i / PAGE_ROWS);
    const page = this.pages.get(p);
    if (page === undefined) {
      void this.load(p);
      return undefined;
    }
    // Touch: re-insert so Map order is the LRU order.
    this.pages.delete(p);
    this.pages.set(p, page);
    return page[i - p * PAGE_ROWS];
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

  private load(p: number): Promise<void> {
    const pending = this.inFlight.get(p);
    if (pending) return pending;
    if (this.failed.has(p)) return Promise.resolve();
    const epoch = this.epoch;
    const job = this.fetch(p * PAGE_ROWS, PAGE_ROWS).then(
      (page) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        // Evicted frames are left out of a page: index rows by their place, padding what is gone.
        this.pages.set(p, page.rows);
        while (this.pages.size > CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.onPage(page, null);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        this.failed.add(p);
        this.onPage(null, e);
      },
    );
    this.inFlight.set(p, job);
    return job;
  }
}
