/**
 * The encapsulation lens: every held frame of one packet's trace at every capture point — the
 * decapsulated frame at the ENIs beside its Geneve-encapsulated form on the underlay — so the view
 * can set them side by side and jump between them. Trace ids follow a packet through every
 * encapsulation and rewrite (DESIGN.md §3), so the store's trace column is all it takes.
 */
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import type { CaptureList, ListRow } from './capture-list.ts';
import type { CaptureQuery } from './capture-query.ts';

/** Twins listed at most (a trace crosses a handful of points; a flood of one trace id is cut). */
export const MAX_LENS_FRAMES = 1000;

export interface LensFrame extends ListRow {
  readonly pointKind: CapturePointKind;
  /** True on the underlay (everything but an ENI sees the outer, encapsulated frame). */
  readonly encapsulated: boolean;
}

export interface TraceLens {
  /** The frame asked about. */
  readonly frame: number;
  /** 0 when the frame is not part of a trace (ARP, the host's own traffic). */
  readonly traceId: number;
  readonly frames: LensFrame[];
  /** True when the trace had more than MAX_LENS_FRAMES frames. */
  readonly truncated: boolean;
}

export function traceLens(query: CaptureQuery, list: CaptureList, frame: number): TraceLens | null {
  const store = query.store;
  if (!store.has(frame)) return null;
  const traceId = store.traceOf(frame);
  if (traceId === 0) return { frame, traceId, frames: [], truncated: false };
  const numbers: number[] = [];
  let truncated = false;
  for (let n = store.firstAvailable; n <= store.count; n++) {
    if (store.traceOf(n) !== traceId) continue;
    if (numbers.length === MAX_LENS_FRAMES) {
      truncated = true;
      break;
    }
    numbers.push(n);
  }
  const rows = list.rowsOf(numbers);
  return {
    frame,
    traceId,
    truncated,
    frames: rows.map((r) => {
      const kind = store.point(r.pointId).kind;
      return { ...r, pointKind: kind, encapsulated: kind !== 'eni' };
    }),
  };
}
