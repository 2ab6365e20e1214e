/**
 * Part of `npm run bench:ui`: the topology canvas with a 500-object topology (2 zones, 8 racks,
 * 96 hosts; 8 VPCs with 64 subnets, 320 instances, route tables, security groups, 7 peerings),
 * opened as a file in the page and laid out by elkjs, then panned and zoomed every animation
 * frame. The figure is the p95 of requestAnimationFrame deltas while the viewport moves (the
 * frame-rate cap is off in setup.ts, so deltas are our frame work, not vsync). Events are
 * dispatched in the page (d3-zoom takes synthetic mouse and wheel events), one per frame, so the
 * driver's round trips do not dilute the figure; the test checks the viewport really moved.
 */
import type { Page } from 'playwright-core';
import { benchLine } from '../support/bench-line.ts';

// The page-side function in measure() runs in Chromium; this file is checked without the DOM
// library, so the browser globals it touches are declared here, loosely (as in capture.ts).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare const MouseEvent: any;
declare const WheelEvent: any;
type HTMLElement = any;
declare function requestAnimationFrame(cb: (t: number) => void): number;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The generated document: every object explicit enough to validate (zones of subnets, hosts). */
export function benchTopology(): { text: string; objects: number } {
  const out: string[] = ['# 500-object topology for the canvas benchmark', 'version: 1', 'zones:'];
  let objects = 0;
  const zones = ['az1', 'az2'];
  for (const z of zones) { out.push(`  ${z}: {}`); objects++; }
  out.push('racks:');
  for (const z of zones) for (let r = 1; r <= 4; r++) { out.push(`  ${z}-r${r}: { zone: ${z} }`); objects++; }
  out.push('hosts:');
  for (const z of zones) for (let r = 1; r <= 4; r++) for (let h = 1; h <= 12; h++) { out.push(`  ${z}-r${r}-h${h}: { rack: ${z}-r${r} }`); objects++; }
  out.push('vpcs:');
  for (let v = 1; v <= 8; v++) { out.push(`  vpc${v}: { cidr: 10.${v}.0.0/16 }`); objects++; }
  out.push('subnets:');
  for (let v = 1; v <= 8; v++) for (let s = 1; s <= 8; s++) { out.push(`  v${v}s${s}: { vpc: vpc${v}, cidr: 10.${v}.${s}.0/24, zone: ${zones[s % 2]} }`); objects++; }
  out.push('routeTables:');
  for (let v = 1; v <= 8; v++) { out.push(`  rt${v}: { vpc: vpc${v}, subnets: [v${v}s1, v${v}s2] }`); objects++; }
  out.push('securityGroups:');
  for (let v = 1; v <= 8; v++) { out.push(`  sg${v}: { vpc: vpc${v} }`); objects++; }
  out.push('instances:');
  for (let v = 1; v <= 8; v++) for (let s = 1; s <= 8; s++) for (let i = 1; i <= 5; i++) { out.push(`  v${v}s${s}i${i}: { subnet: v${v}s${s} }`); objects++; }
  out.push('peerings:');
  for (let v = 1; v < 8; v++) { out.push(`  p${v}: { vpcs: [vpc${v}, vpc${v + 1}] }`); objects++; }
  return { text: `${out.join('\n')}\n`, objects };
}

interface Motion { p50: number; p95: number; frames: number; moved: boolean }

/** Moves the viewport every frame for `steps` frames: a drag (pan) or wheel steps (zoom). */
async function measure(page: Page, kind: 'pan' | 'zoom', steps: number): Promise<Motion> {
  return page.evaluate(async ({ kind, steps }) => {
    const pane = document.querySelector('.vue-flow__pane') as HTMLElement;
    const viewport = document.querySelector('.vue-flow__transformationpane') as HTMLElement;
    const r = pane.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    const before = viewport.style.transform;
    // No named helpers in here: tsx's keepNames would wrap them in a __name the page lacks.
    const opts = { bubbles: true, cancelable: true, button: 0, view: window };
    if (kind === 'pan') pane.dispatchEvent(new MouseEvent('mousedown', { ...opts, clientX: cx, clientY: cy, buttons: 1 }));
    const deltas: number[] = [];
    let last = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
    // Zooming in and out again ends where it started: "moved" means it moved at some frame.
    let moved = false;
    for (let i = 0; i < steps; i++) {
      if (kind === 'pan') {
        // A slow circle of 200 px radius: every frame moves the whole drawing.
        const a = (i / 60) * Math.PI * 2;
        window.dispatchEvent(new MouseEvent('mousemove', { ...opts, clientX: cx + Math.cos(a) * 200, clientY: cy + Math.sin(a) * 200, buttons: 1 }));
      } else {
        // In for 30 frames, out for 30.
        pane.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, clientX: cx, clientY: cy, deltaY: Math.floor(i / 30) % 2 === 0 ? -40 : 40, deltaMode: 0 }));
      }
      const t = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
      deltas.push(t - last);
      last = t;
      moved ||= viewport.style.transform !== before;
    }
    if (kind === 'pan') window.dispatchEvent(new MouseEvent('mouseup', { ...opts, clientX: cx, clientY: cy, buttons: 0 }));
    deltas.sort((x, y) => x - y);
    return { p50: deltas[deltas.length >> 1], p95: deltas[Math.floor(deltas.length * 0.95)], frames: deltas.length, moved };
  }, { kind, steps });
}

/** Opens the benchmark topology in the page at `url` and returns the BENCH lines. */
export async function topologyCanvasBench(page: Page, url: string, log: (line: string) => void = () => {}): Promise<string[]> {
  const { text, objects } = benchTopology();
  await page.goto(url);
  await page.getByTestId('connection-label').filter({ hasText: 'Connected' }).waitFor({ timeout: 30_000 });
  const t0 = Date.now();
  await page.locator('input[type="file"]').first().setInputFiles({ name: 'bench.yaml', mimeType: 'text/yaml', buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelectorAll('.vue-flow__node').length >= 400, undefined, { timeout: 120_000 });
  // The layout has run when the last instance box has moved off the grid fallback: wait for quiet.
  await page.waitForFunction(() => document.querySelector('[data-testid="document-state"]')?.textContent?.trim() === 'valid', undefined, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  const openMs = Date.now() - t0;
  const nodes = await page.locator('.vue-flow__node').count();
  const edges = await page.locator('.vue-flow__edge').count();
  log(`topology: ${objects} objects, logical view ${nodes} nodes and ${edges} edges drawn, open + layout ${(openMs / 1000).toFixed(1)} s`);
  const pan = await measure(page, 'pan', 240);
  log(`pan: frame time p50 ${pan.p50.toFixed(1)} ms, p95 ${pan.p95.toFixed(1)} ms over ${pan.frames} frames${pan.moved ? '' : ' (the viewport did not move!)'}`);
  const zoom = await measure(page, 'zoom', 240);
  log(`zoom: frame time p50 ${zoom.p50.toFixed(1)} ms, p95 ${zoom.p95.toFixed(1)} ms over ${zoom.frames} frames${zoom.moved ? '' : ' (the viewport did not move!)'}`);
  await page.close();
  const enough = objects >= 500 && nodes >= 400;
  return [
    benchLine('ui_topology_pan_frame_p95', `${pan.p95.toFixed(1)}ms`, null, null, '<=16ms', enough && pan.moved && pan.p95 <= 16),
    benchLine('ui_topology_zoom_frame_p95', `${zoom.p95.toFixed(1)}ms`, null, null, '<=16ms', enough && zoom.moved && zoom.p95 <= 16),
  ];
}
