/**
 * The capture view with a million frames: first rows visible after opening, scroll frame time,
 * a filter over all frames, the page's heap. The capture is real fabric traffic: a UDP bulk flow
 * across two-racks, each datagram captured at every port it crosses.
 */
import { benchLine } from '../support/bench-line.ts';
import { fillCapture } from '../support/fill-capture.ts';
import type { UiBench } from './setup.ts';

export const TARGET_FRAMES = 1_000_000;

// The page-side functions below run in Chromium; this file is checked without the DOM library, so
// the few browser globals they touch are declared here, loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare const MutationObserver: any;
declare function requestAnimationFrame(cb: () => void): number;
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function captureBench(bench: UiBench, log: (line: string) => void): Promise<string[]> {
  const t0 = Date.now();
  const frames = await fillCapture(bench.simulation.api, TARGET_FRAMES);
  log(`capture: ${frames.toLocaleString('en-US')} frames in the worker (${((Date.now() - t0) / 1000).toFixed(1)} s to generate)`);
  // What opening costs in the worker, call by call (the page's own calls queue behind each other there).
  const api = bench.simulation.api;
  for (const [name, call] of [
    ['captureInfo', () => api.captureInfo()],
    ['captureList first page', () => api.captureList({ offset: 0, count: 200 })],
    ['capturePage first page', () => api.capturePage(0, 100)],
  ] as const) {
    const c0 = Date.now();
    await call();
    log(`worker: ${name} ${Date.now() - c0} ms`);
  }

  const page = await bench.newPage();
  // Opening: from the connection coming up to the first list rows drawn, timed in the page.
  await page.addInitScript(() => {
    const w = window as unknown as { __connectedAt?: number; __rowsAt?: number };
    new MutationObserver(() => {
      if (w.__connectedAt === undefined && document.querySelector('[data-testid="connection-label"]')?.textContent?.trim() === 'Connected') w.__connectedAt = performance.now();
      if (w.__connectedAt !== undefined && w.__rowsAt === undefined && document.querySelector('[data-testid="packet-list"] [role="row"][data-frame]')) w.__rowsAt = performance.now();
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(bench.server.url);
  await page.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt !== undefined, undefined, { timeout: 60_000 });
  const opening = await page.evaluate(() => {
    const w = window as unknown as { __connectedAt: number; __rowsAt: number };
    const asked = performance.getEntriesByName('underlay:capture-list-requested')[0]?.startTime ?? w.__connectedAt;
    return { fromConnected: w.__rowsAt - w.__connectedAt, fromAsked: w.__rowsAt - asked, fromNavigation: w.__rowsAt };
  });
  // The figure: from the connection coming up (the earliest the view can ask the worker anything)
  // to the first rows drawn. Loading the page's scripts and connecting are the app's start-up, not
  // the capture view's; anything after that which holds the list back (asking late, the worker
  // busy, other start-up work on the page's thread) counts.
  const firstRowsMs = opening.fromConnected;
  log(`first rows visible ${firstRowsMs.toFixed(0)} ms after the connection came up (${opening.fromAsked.toFixed(0)} ms after the list asked for them, ${opening.fromNavigation.toFixed(0)} ms after navigation)`);

  // Scrolling: the viewport moved every animation frame (small steps, page jumps, far jumps).
  const scroll = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="packet-list"]');
    const deltas: number[] = [];
    let last = performance.now();
    const steps = 600;
    for (let i = 0; i < steps; i++) {
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
      const max = el.scrollHeight - el.clientHeight;
      if (i % 100 === 99) el.scrollTop = Math.random() * max; // a far jump (a drag of the thumb)
      else if (i % 10 === 9) el.scrollTop = Math.min(max, el.scrollTop + el.clientHeight); // page down
      else el.scrollTop = Math.min(max, el.scrollTop + 60); // wheel
    }
    deltas.sort((a, b) => a - b);
    return { p95: deltas[Math.floor(deltas.length * 0.95)], p50: deltas[deltas.length >> 1], rows: document.querySelectorAll('[data-testid="packet-list"] [role="row"]').length };
  });
  log(`scroll: frame time p50 ${scroll.p50.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms; ${scroll.rows} rows in the DOM`);

  // A filter over every frame: Enter to the first matching rows drawn.
  const input = page.getByTestId('filter-input');
  await input.fill('ip.src == 10.0.1.10 && !geneve');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-input"]')?.classList.contains('valid'));
  const f0 = Date.now();
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="capture-count"]')?.textContent?.includes('displayed') && document.querySelector('[data-testid="packet-list"] [role="row"][data-frame]'), undefined, { timeout: 60_000 });
  const filterFirstRowsMs = Date.now() - f0;
  log(`filter over ${frames.toLocaleString('en-US')} frames: ${filterFirstRowsMs} ms to the first rows (${await page.getByTestId('capture-count').innerText()})`);
  // The rows come while the filter goes on (as in Wireshark); the filter over all frames is done
  // when the count is whole. That is the target's round trip: every frame tested.
  await page.waitForFunction(() => !document.querySelector('[data-testid="capture-count"]')?.textContent?.includes('filtering'), undefined, { timeout: 120_000 });
  const filterMs = Date.now() - f0;
  log(`filter over ${frames.toLocaleString('en-US')} frames: ${filterMs} ms to the whole count (${await page.getByTestId('capture-count').innerText()})`);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  const heapMb = heap.usedSize / 1048576;
  log(`renderer heap ${heapMb.toFixed(1)} MB used (${(heap.totalSize / 1048576).toFixed(1)} MB allocated)`);
  await page.close();

  const enough = frames >= TARGET_FRAMES;
  return [
    benchLine('ui_capture_first_rows', `${firstRowsMs.toFixed(0)}ms`, null, null, '<=300ms', enough && firstRowsMs <= 300),
    benchLine('ui_capture_scroll_frame_p95', `${scroll.p95.toFixed(1)}ms`, null, null, '<=16ms', enough && scroll.p95 <= 16),
    // First matching rows drawn (the filter still running), then every frame tested: the target.
    benchLine('ui_capture_filter_first_rows', `${filterFirstRowsMs}ms`, null, null, '<=1000ms', enough && filterFirstRowsMs <= 1000),
    benchLine('ui_capture_filter_all_frames', `${filterMs}ms`, null, null, '<=1000ms', enough && filterMs <= 1000),
    benchLine('ui_renderer_heap', `${heapMb.toFixed(1)}MB`, null, null, '<=300MB', heapMb <= 300),
  ];
}
