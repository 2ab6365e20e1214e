/**
 * The canvas's view arithmetic, in flow coordinates (the drawing's own, before the viewport's
 * translate and scale): what the pane shows, the rectangle the grid backdrop covers, and the
 * minimap's frame and mask. Pure, so the canvas components stay thin and this is tested alone.
 */

export interface Rect { x: number; y: number; width: number; height: number }
/** Vue Flow's viewport: a screen point p shows the flow point (p - (x, y)) / zoom. */
export interface View { x: number; y: number; zoom: number }
export interface Size { width: number; height: number }

/** The flow rectangle a pane of `size` shows at `view`. */
export function visibleRect(view: View, size: Size): Rect {
  const zoom = view.zoom > 0 ? view.zoom : 1;
  return { x: -view.x / zoom, y: -view.y / zoom, width: size.width / zoom, height: size.height / zoom };
}

/** The smallest rectangle holding both (`a` may be null: no drawing). */
export function union(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * What the grid's dots cover: the drawing and the view at rest, with `margin` views' worth
 * around them (so a pan from there shows dots until it comes to rest and the grid follows), its
 * corner on the grid so the dots stay put when it is recomputed. With `margin` 0, the opaque
 * backdrop under the drawing (CanvasGrid): the drawing and the view at rest, nothing more.
 */
export function backdropRect(drawing: Rect | null, view: Rect, gap: number, margin = 3): Rect {
  const r = union(drawing, view);
  const pad = Math.max(view.width, view.height) * margin;
  const x = Math.floor((r.x - pad) / gap) * gap;
  const y = Math.floor((r.y - pad) / gap) * gap;
  return { x, y, width: Math.ceil((r.x + r.width + pad - x) / gap) * gap, height: Math.ceil((r.y + r.height + pad - y) / gap) * gap };
}

/** The minimap's viewBox, with its margin (`offset`) and its flow units per minimap pixel (`scale`). */
export interface Frame extends Rect { offset: number; scale: number }

/** As @vue-flow/minimap frames it: the drawing and the view, fitted to the minimap's aspect. */
export function minimapFrame(drawing: Rect | null, view: Rect, width: number, height: number, offsetScale = 5): Frame {
  const b = union(drawing, view);
  const fit = Math.max(b.width / width, b.height / height) || 1;
  const offset = offsetScale * fit;
  const w = fit * width + offset * 2;
  const h = fit * height + offset * 2;
  return { x: b.x - (fit * width - b.width) / 2 - offset, y: b.y - (fit * height - b.height) / 2 - offset, width: w, height: h, offset, scale: Math.max(w / width, h / height) };
}

/** The minimap's mask: the whole frame (and a margin) with the view cut out of it (fill-rule evenodd). */
export function maskPath(frame: Frame, view: Rect): string {
  const o = frame.offset;
  const n = (v: number) => Number(v.toFixed(2));
  return `M${n(frame.x - o)},${n(frame.y - o)}h${n(frame.width + o * 2)}v${n(frame.height + o * 2)}h${n(-frame.width - o * 2)}z`
    + `M${n(view.x)},${n(view.y)}h${n(view.width)}v${n(view.height)}h${n(-view.width)}z`;
}

/** The viewport after dragging the minimap's view rectangle by (dx, dy) minimap pixels. */
export function panByMinimap(view: View, frame: Frame, dx: number, dy: number): View {
  return { x: view.x - dx * frame.scale * view.zoom, y: view.y - dy * frame.scale * view.zoom, zoom: view.zoom };
}

/** The zoom after a wheel step on the minimap, as @vue-flow/minimap computes it (zoomStep 1). */
export function wheelZoom(zoom: number, deltaY: number, deltaMode: number): number {
  return zoom * 2 ** (-deltaY * (deltaMode === 1 ? 0.05 : deltaMode ? 1 : 0.002));
}
