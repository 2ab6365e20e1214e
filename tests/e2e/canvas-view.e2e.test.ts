/**
 * The topology canvas's view in Chromium, browser mode: the grid and the minimap that
 * TopologyCanvas draws itself (CanvasGrid, TopologyMiniMap) so that a pan or zoom frame repaints
 * nothing. After a pan, a wheel zoom or a drag on the minimap comes to rest, the canvas is no longer
 * "moving", the minimap's mask shows exactly the view on screen, the grid (dots shown) covers
 * the pane and the opaque backdrop covers the pane and every box; during a zoom the dots and the
 * boxes' handles are hidden; while the view moves, the minimap's mask is four bands around the view
 * (the path, cut at the view at rest, hidden).
 * Shift-drag on the pane still draws a selection box (Vue Flow's default selection key).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../main/host/host.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { rendererBundle } from './support/renderer-bundle.ts';

// viewState()'s page-side function runs in Chromium; this file is checked without the DOM
// library, so the browser globals it touches are declared here, loosely (as in tests/bench/ui).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(e: any): any;
type HTMLElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const root = join(import.meta.dirname, '../..');
let dir: string;
let host: Host;
let server: WebServer;
let browser: Browser;
let page: Page;
const complaints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-canvas-e2e-'));
  const rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {} });
  server = await startWebServer({ rendererDir, sink: host });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
  await page.goto(server.url);
  await page.getByTestId('connection-label').filter({ hasText: 'Connected' }).waitFor({ timeout: 30_000 });
  const text = readFileSync(join(root, 'resources/topologies/two-racks.yaml'));
  await page.locator('input[type="file"]').first().setInputFiles({ name: 'two-racks.yaml', mimeType: 'text/yaml', buffer: text });
  await page.locator('.vue-flow__node').first().waitFor({ timeout: 60_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ViewState {
  moving: boolean;
  hole: number[] | null;
  view: number[];
  grid: boolean;
  dots: boolean;
  backdrop: boolean;
  transform: string;
  /** Whether the path mask is shown; the moving mask's band edges (top, bottom, left, right, minimap px), or null. */
  path: boolean;
  bands: number[] | null;
  /** The view on the minimap in pixels (x, y, width, height), from the svg's viewBox (xMidYMid meet). */
  viewPx: number[];
  /** Whether the boxes' connection handles are shown. */
  handles: boolean;
}

/**
 * The minimap mask's hole and the view the pane shows, both in flow units; whether the grid's dots
 * cover the pane (and are shown); whether the opaque backdrop covers the pane and every box.
 */
async function viewState(): Promise<ViewState> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="topology-canvas"]')!;
    const pane = document.querySelector('.vue-flow__pane')!.getBoundingClientRect();
    const tp = document.querySelector('.vue-flow__transformationpane') as HTMLElement;
    const m = /translate\(([-\d.e]+)px, ?([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(tp.style.transform)!;
    const [x, y, zoom] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const d = document.querySelector('[data-testid="canvas-minimap"] .vue-flow__minimap-mask')?.getAttribute('d') ?? '';
    const hole = /z\s*M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)/.exec(d);
    const gridEl = document.querySelector('[data-testid="canvas-grid"]')!;
    const grid = gridEl.getBoundingClientRect();
    const back = document.querySelector('[data-testid="canvas-backdrop"]')!.getBoundingClientRect();
    const boxes = [...document.querySelectorAll('.vue-flow__node')].map((n: HTMLElement) => n.getBoundingClientRect());
    return {
      moving: canvas.classList.contains('moving'),
      hole: hole ? hole.slice(1, 5).map(Number) : null,
      view: [-x / zoom, -y / zoom, pane.width / zoom, pane.height / zoom],
      grid: grid.left <= pane.left && grid.top <= pane.top && grid.right >= pane.right && grid.bottom >= pane.bottom,
      dots: getComputedStyle(gridEl).display !== 'none',
      backdrop: [pane, ...boxes].every((b) => back.left <= b.left && back.top <= b.top && back.right >= b.right && back.bottom >= b.bottom),
      transform: tp.style.transform,
      path: getComputedStyle(document.querySelector('[data-testid="canvas-minimap"] .vue-flow__minimap-mask')!).display !== 'none',
      bands: document.querySelector('[data-testid="minimap-mask-bands"]')
        ? ['top', 'bottom', 'left', 'right'].map((b) => Number(/translate[XY]\(([-\d.e]+)px\)/.exec((document.querySelector(`[data-testid="minimap-mask-bands"] .band.${b}`) as HTMLElement).style.transform)![1]))
        : null,
      viewPx: (() => {
        const svg = document.querySelector('[data-testid="canvas-minimap"] svg')!;
        const [fx, fy, fw, fh] = svg.getAttribute('viewBox').split(' ').map(Number);
        const [w, h] = [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))];
        const k = Math.min(w / fw, h / fh);
        return [(w - fw * k) / 2 + (-x / zoom - fx) * k, (h - fh * k) / 2 + (-y / zoom - fy) * k, (pane.width / zoom) * k, (pane.height / zoom) * k, w, h];
      })(),
      handles: [...document.querySelectorAll('.vue-flow__handle')].some((e: HTMLElement) => getComputedStyle(e).display !== 'none'),
    };
  });
}

/** Waits for the view to come to rest, then checks the minimap and the grid follow it. */
async function expectAtRest(): Promise<ViewState> {
  await expect.poll(async () => (await viewState()).moving, { timeout: 5_000 }).toBe(false);
  const s = await viewState();
  expect(s.hole).not.toBeNull();
  s.hole!.forEach((v, i) => expect(Math.abs(v - s.view[i])).toBeLessThan(Math.max(1, Math.abs(s.view[i]) * 1e-3)));
  expect(s.grid).toBe(true);
  // The dots are hidden while the zoom changes, and back at rest.
  expect(s.dots).toBe(true);
  expect(s.backdrop).toBe(true);
  // At rest the mask is the path (cut at the view, above), the handles are back.
  expect(s.path).toBe(true);
  expect(s.bands).toBeNull();
  expect(s.handles).toBe(true);
  return s;
}

/** While the view moves, the mask is the bands around the view on the minimap, the path hidden. */
function expectBandsAtView(s: ViewState): void {
  expect(s.path).toBe(false);
  expect(s.bands).not.toBeNull();
  const [x, y, w, h, mw, mh] = s.viewPx;
  const clamp = (v: number, max: number) => Math.min(max + 1, Math.max(-1, v));
  const want = [clamp(y, mh), clamp(y + h, mh), clamp(x, mw), clamp(x + w, mw)];
  s.bands!.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(0.05));
}

describe('the topology canvas view in Chromium', () => {
  it('the minimap shows the view and the grid covers the pane after a pan', async () => {
    const before = await expectAtRest();
    const pane = (await page.locator('.vue-flow__pane').boundingBox())!;
    // Start on empty pane, near its top-left corner, and drag well beyond one screen.
    await page.mouse.move(pane.x + 8, pane.y + 8);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(pane.x + 8 + i * 40, pane.y + 8 + i * 25);
    const during = await viewState();
    expect(during.moving).toBe(true);
    // Mid-pan: the minimap's mask follows the view (as bands), the handles stay.
    expectBandsAtView(during);
    expect(during.handles).toBe(true);
    await page.mouse.up();
    const after = await expectAtRest();
    expect(after.transform).not.toBe(before.transform);
  });

  it('and after a wheel zoom', async () => {
    const before = await viewState();
    const pane = (await page.locator('.vue-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 120);
    // Mid-gesture (the view settles 250 ms after its last change): moving, and the dots hidden.
    const during = await viewState();
    expect(during.moving).toBe(true);
    expect(during.dots).toBe(false);
    // The handles are hidden while the scale changes; the mask follows the view.
    expect(during.handles).toBe(false);
    expectBandsAtView(during);
    const after = await expectAtRest();
    expect(after.transform).not.toBe(before.transform);
  });

  it('and after dragging the minimap, which moves the view', async () => {
    const before = await viewState();
    const map = (await page.getByTestId('canvas-minimap').locator('svg').boundingBox())!;
    await page.mouse.move(map.x + map.width / 2, map.y + map.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(map.x + map.width / 2 - i * 6, map.y + map.height / 2 - i * 4);
    await page.mouse.up();
    const after = await expectAtRest();
    expect(after.transform).not.toBe(before.transform);
  });

  it('Shift-drag on the pane selects the boxes inside', async () => {
    await page.locator('.vue-flow__controls-fitview').click();
    await expectAtRest();
    const pane = (await page.locator('.vue-flow__pane').boundingBox())!;
    // A click on the empty pane clears the selection first.
    await page.mouse.click(pane.x + 3, pane.y + 3);
    await expect.poll(() => page.locator('.vue-flow__node.selected').count()).toBe(0);
    await page.keyboard.down('Shift');
    await page.mouse.move(pane.x + 2, pane.y + 2);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2, { steps: 5 });
    await page.mouse.move(pane.x + pane.width - 2, pane.y + pane.height - 2, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('.vue-flow__node.selected').count()).toBeGreaterThan(1);
  });

  it('ran without a page error', () => {
    expect(complaints).toEqual([]);
  });
});
