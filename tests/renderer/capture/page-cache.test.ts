/**
 * The packet list's page cache (renderer/src/capture/page-cache.ts): a row drawn near the end of a
 * page (or its start) asks for the next (previous) page ahead, once, so a scroll reaches it loaded;
 * never past the list's end as the last page said, nor before its start.
 */
import { describe, expect, it } from 'vitest';
import type { FramePage } from '../../../core/contract/simulation.ts';
import { PAGE_ROWS, PREFETCH_ROWS, PageCache } from '../../../renderer/src/capture/page-cache.ts';

/** A list of `total` entries whose frames were all evicted: pages cover their range, hold no record. */
function emptyPage(offset: number, count: number, total: number): FramePage {
  const covered = Math.max(0, Math.min(count, total - offset));
  return { offset, total, covered, evicted: covered, entries: 0, originNs: -1, strings: [], data: new Uint8Array(0), error: null, sortError: null, partial: false };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('page cache prefetch', () => {
  it('asks for the neighbouring page when a row near a page edge is drawn, within the list', async () => {
    const total = 4.5 * PAGE_ROWS;
    const asked: number[] = [];
    const cache = new PageCache(async (offset, count) => {
      asked.push(offset);
      return emptyPage(offset, count, total);
    }, async () => [], () => {});
    await cache.ensure(0, 0);
    expect(asked).toEqual([0]);
    // Inside the page, away from its edges, and at the list's start: nothing more.
    cache.row(0);
    cache.row(PAGE_ROWS / 2);
    await settle();
    expect(asked).toEqual([0]);
    // Near the end: the next page, once however many rows there are drawn.
    for (let i = PAGE_ROWS - PREFETCH_ROWS; i < PAGE_ROWS; i++) cache.row(i);
    await settle();
    expect(asked).toEqual([0, PAGE_ROWS]);
    expect(cache.size).toBe(2);
    // The last page: near its end there is nothing after it; near its start, the one before.
    await cache.ensure(4 * PAGE_ROWS, 4 * PAGE_ROWS);
    cache.row(total - 1);
    await settle();
    expect(asked).toEqual([0, PAGE_ROWS, 4 * PAGE_ROWS]);
    cache.row(4 * PAGE_ROWS + 1);
    await settle();
    expect(asked).toEqual([0, PAGE_ROWS, 4 * PAGE_ROWS, 3 * PAGE_ROWS]);
  });
});
