/**
 * Part of `npm run bench:shell`: paging a whole capture into the client the way the capture view
 * does — the renderer's own PageCache (renderer/src/capture/page-cache.ts) fetching binary pages
 * (`captureFrames`: records and frame bytes in one transferred buffer) of its page size, a few in
 * flight at once as the list asks for the pages of a screen — from the first entry to the last.
 * Frames/s counts entries that arrived in the cache, ready to draw; MB/s the bytes that carried
 * them (see transports.ts).
 *
 * A binary page holds no rows: the renderer builds the rows it draws from the bytes. That cost is
 * measured apart, after the timed part (`rowCost`): rows built from a spread sample of the
 * entries with the renderer's builder (core/service/frame-rows.ts), µs per row, and how many of
 * them it had to leave to the worker (`captureRows`: rows needing cross-frame state).
 */
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../../../core/rpc/frame-codec.ts';
import type { FramePage } from '../../../core/contract/simulation.ts';
import { FramePageReader } from '../../../core/service/frame-page.ts';
import { FrameRowBuilder } from '../../../core/service/frame-rows.ts';
import { PageCache, PAGE_ROWS } from '../../../renderer/src/capture/page-cache.ts';
import type { Transport } from './transports.ts';

export interface PagingRun {
  readonly frames: number;
  readonly pages: number;
  readonly seconds: number;
  readonly framesPerSecond: number;
  readonly megabytesPerSecond: number;
}

/** Pages asked for at once: a screen of the list is a page or two, a fast scroll a few more. */
const IN_FLIGHT = 4;

export async function pageThrough(transport: Transport, total: number): Promise<PagingRun> {
  const sim = transport.client.api;
  const answers: FramePage[] = [];
  let entries = 0;
  const cache = new PageCache(
    async (offset, count) => {
      const page = await sim.captureFrames({ offset, count });
      entries += page.entries;
      answers.push(page);
      return page;
    },
    (frames) => sim.captureRows(frames),
    (_page, error) => {
      if (error) throw error;
    },
  );
  let next = 0;
  const wire0 = transport.wireBytes();
  const t0 = performance.now();
  const lane = async () => {
    while (next < total) {
      const offset = next;
      next += PAGE_ROWS;
      await cache.ensure(offset, offset);
      // Ready to draw: the page's entries are in the cache (numberAt reads the record).
      if (cache.numberAt(offset) === undefined) throw new Error(`${transport.name}: entry ${offset} missing`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const wire1 = transport.wireBytes();
  const bytes = wire0 === null || wire1 === null ? answers.reduce((n, p) => n + encodedSize(p), 0) : wire1 - wire0;
  if (entries !== total) throw new Error(`${transport.name}: paged ${entries} entries of ${total}`);
  return { frames: entries, pages: answers.length, seconds, framesPerSecond: entries / seconds, megabytesPerSecond: bytes / 1e6 / seconds };
}

export interface RowCost {
  readonly rows: number;
  readonly microsPerRow: number;
  /** Entries of the sample whose row the builder left to the worker. */
  readonly deferred: number;
}

/**
 * What drawing costs the renderer per row: `samples` rows built from binary pages spread over the
 * capture (a fresh builder, as a page opens with; engine and coloring rules made before timing).
 */
export async function rowCost(transport: Transport, total: number, samples = 20_000): Promise<RowCost> {
  const sim = transport.client.api;
  const builder = new FrameRowBuilder();
  const pages: FramePage[] = [];
  const stride = Math.max(PAGE_ROWS, Math.floor(total / Math.ceil(samples / PAGE_ROWS)));
  for (let at = 0; at < total && pages.length * PAGE_ROWS < samples; at += stride) pages.push(await sim.captureFrames({ offset: at, count: PAGE_ROWS }));
  let rows = 0;
  let deferred = 0;
  const t0 = performance.now();
  for (const page of pages) {
    const reader = new FramePageReader(page);
    for (let k = 0; k < reader.entries; k++) {
      if (builder.build(reader.entry(k), page.originNs) === null) deferred++;
      rows++;
    }
  }
  const ms = performance.now() - t0;
  return { rows, microsPerRow: (ms * 1000) / rows, deferred };
}

function encodedSize(page: FramePage): number {
  const frame = encodeFrame({ result: page });
  return typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
}
