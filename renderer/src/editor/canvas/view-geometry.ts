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

/**
 * Where the flow rectangle `r` is drawn on a minimap of `width` × `height` pixels showing `frame`
 * (an SVG viewBox, fitted as preserveAspectRatio's default "xMidYMid meet" fits it), in pixels.
 */
export function minimapPixels(frame: Frame, r: Rect, width: number, height: number): Rect {
  const s = Math.min(width / frame.width, height / frame.height);
  const ox = (width - frame.width * s) / 2;
  const oy = (height - frame.height * s) / 2;
  return { x: ox + (r.x - frame.x) * s, y: oy + (r.y - frame.y) * s, width: r.width * s, height: r.height * s };
}

/**
 * The translations of the moving mask's four bands (TopologyMiniMap): above, below, left of and
 * right of the view's rectangle `hole` (minimap pixels), each band a half-plane reaching past the
 * minimap. The edges are clamped to just outside the minimap, so a band never has to reach
 * further than its own size: where the hole is off the minimap, what shows is the same.
 */
export function maskBands(hole: Rect, width: number, height: number): { top: number; bottom: number; left: number; right: number } {
  const cx = (v: number) => Math.min(width + 1, Math.max(-1, v));
  const cy = (v: number) => Math.min(height + 1, Math.max(-1, v));
  return { top: cy(hole.y), bottom: cy(hole.y + hole.height), left: cx(hole.x), right: cx(hole.x + hole.width) };
}
