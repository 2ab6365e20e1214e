/**
 * The canvas's view arithmetic (renderer/src/editor/canvas/view-geometry.ts): the grid backdrop
 * must cover the view it was built for with room to pan, the minimap's frame must hold the drawing
 * and the view, and its mask's hole must be exactly the view (the path at rest, the moving bands).
 */
import { describe, expect, it } from 'vitest';
import { backdropRect, maskBands, maskPath, minimapFrame, minimapPixels, panByMinimap, union, visibleRect, wheelZoom, type Rect } from '../../../renderer/src/editor/canvas/view-geometry.ts';

const contains = (outer: Rect, inner: Rect) =>
  outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.width >= inner.x + inner.width && outer.y + outer.height >= inner.y + inner.height;

describe('canvas view geometry', () => {
  it('the visible rectangle inverts the viewport transform', () => {
    expect(visibleRect({ x: 100, y: -50, zoom: 0.5 }, { width: 800, height: 600 })).toEqual({ x: -200, y: 100, width: 1600, height: 1200 });
  });

  it('the grid covers the drawing and the view with a margin of views around, its corner on the grid', () => {
    const drawing = { x: 10, y: 20, width: 5000, height: 1500 };
    const view = visibleRect({ x: 30, y: 120, zoom: 0.12 }, { width: 720, height: 540 });
    const r = backdropRect(drawing, view, 24);
    expect(contains(r, drawing)).toBe(true);
    // A pan by three views in any direction still shows grid.
    for (const [dx, dy] of [[-3, 0], [3, 0], [0, -3], [0, 3]]) {
      expect(contains(r, { ...view, x: view.x + dx * view.width, y: view.y + dy * view.height })).toBe(true);
    }
    expect(Math.abs(r.x % 24)).toBe(0);
    expect(Math.abs(r.y % 24)).toBe(0);
    expect(r.width % 24).toBe(0);
    expect(r.height % 24).toBe(0);
    // Without a drawing, the view alone.
    expect(contains(backdropRect(null, view, 24), view)).toBe(true);
  });

  it('the opaque backdrop (a small margin) covers the drawing and the view, and is far smaller than the dots', () => {
    const drawing = { x: 10, y: 20, width: 5000, height: 1500 };
    const view = visibleRect({ x: 30, y: 120, zoom: 0.12 }, { width: 720, height: 540 });
    const dots = backdropRect(drawing, view, 24);
    const back = backdropRect(drawing, view, 24, 0.05);
    const pad = Math.max(view.width, view.height) * 0.05;
    const u = union(drawing, view);
    expect(contains(back, { x: u.x - pad, y: u.y - pad, width: u.width + 2 * pad, height: u.height + 2 * pad })).toBe(true);
    expect(contains(dots, back)).toBe(true);
    // Its tiles are what a zoom re-prioritises at every scale: a few per cent over the drawing, not 3 views around it.
    expect(back.width * back.height).toBeLessThan(u.width * u.height * 1.5);
    expect(back.width * back.height * 10).toBeLessThan(dots.width * dots.height);
  });

  it('the minimap frame holds drawing and view at the minimap aspect, and the mask cuts out the view', () => {
    const drawing = { x: 0, y: 0, width: 4000, height: 1000 };
    const view = { x: 3500, y: -500, width: 1000, height: 800 };
    const f = minimapFrame(drawing, view, 200, 150);
    expect(contains(f, union(drawing, view))).toBe(true);
    expect(f.scale).toBeCloseTo(Math.max(f.width / 200, f.height / 150));
    expect(maskPath(f, view)).toMatch(/M3500,-500h1000v800h-1000z$/);
  });

  it('the moving mask: the view in minimap pixels as the svg draws its viewBox, bands at its edges, clamped', () => {
    const drawing = { x: 0, y: 0, width: 4000, height: 1000 };
    const view = { x: 1000, y: 200, width: 1000, height: 400 };
    const f = minimapFrame(drawing, view, 200, 150);
    // The viewBox's corners land on the minimap's (meet: the frame fills one axis, centred on the other).
    const whole = minimapPixels(f, f, 200, 150);
    expect(Math.max(whole.width - 200, whole.height - 150)).toBeCloseTo(0);
    expect(whole.x * 2 + whole.width).toBeCloseTo(200);
    expect(whole.y * 2 + whole.height).toBeCloseTo(150);
    const px = minimapPixels(f, view, 200, 150);
    const k = whole.width / f.width;
    expect(px.x).toBeCloseTo(whole.x + (view.x - f.x) * k);
    expect(px.y).toBeCloseTo(whole.y + (view.y - f.y) * k);
    expect(px.width).toBeCloseTo(view.width * k);
    expect(maskBands(px, 200, 150)).toEqual({ top: px.y, bottom: px.y + px.height, left: px.x, right: px.x + px.width });
    // A view off the minimap: the edges stop just outside it (what shows is the same).
    expect(maskBands({ x: -500, y: 400, width: 900, height: 30 }, 200, 150)).toEqual({ top: 151, bottom: 151, left: -1, right: 201 });
  });

  it('dragging the minimap moves the view rectangle with the pointer; the wheel zooms as the library did', () => {
    const f = minimapFrame({ x: 0, y: 0, width: 2000, height: 1500 }, { x: 0, y: 0, width: 500, height: 400 }, 200, 150);
    const before = { x: -100, y: -40, zoom: 0.5 };
    const after = panByMinimap(before, f, 10, -5);
    const size = { width: 800, height: 600 };
    const moved = visibleRect(after, size);
    const was = visibleRect(before, size);
    expect(moved.x - was.x).toBeCloseTo(10 * f.scale);
    expect(moved.y - was.y).toBeCloseTo(-5 * f.scale);
    expect(wheelZoom(1, -100, 0)).toBeCloseTo(2 ** 0.2);
    expect(wheelZoom(1, 3, 1)).toBeCloseTo(2 ** -0.15);
  });
});
