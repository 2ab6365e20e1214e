/**
 * Part of `npm run bench:shell`: paging a whole capture into the client the way the capture view
 * does — `captureList` pages of the packet list's own page size (renderer/src/capture/page-cache.ts),
 * a few in flight at once as the list asks for the pages of a screen — from the first frame to the
 * last. Frames/s counts rows that arrived; MB/s the bytes that carried them (see transports.ts).
 */
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../../../core/rpc/frame-codec.ts';
import type { ListPage } from '../../../core/contract/simulation.ts';
import { PAGE_ROWS } from '../../../renderer/src/capture/page-cache.ts';
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
  const pages: ListPage[] = [];
  let next = 0;
  let rows = 0;
  const wire0 = transport.wireBytes();
  const t0 = performance.now();
  const lane = async () => {
    while (next < total) {
      const offset = next;
      next += PAGE_ROWS;
      const page = await sim.captureList({ offset, count: PAGE_ROWS });
      rows += page.rows.length;
      pages.push(page);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const wire1 = transport.wireBytes();
  const bytes = wire0 === null || wire1 === null ? pages.reduce((n, p) => n + encodedSize(p), 0) : wire1 - wire0;
  if (rows !== total) throw new Error(`${transport.name}: paged ${rows} rows of ${total}`);
  return { frames: rows, pages: pages.length, seconds, framesPerSecond: rows / seconds, megabytesPerSecond: bytes / 1e6 / seconds };
}

function encodedSize(page: ListPage): number {
  const frame = encodeFrame({ result: page });
  return typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
}
