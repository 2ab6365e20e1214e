/**
 * Everything the capture view asks, in one place over one CaptureQuery: the packet list (filtered,
 * by capture point, sorted, coloured), the capture points, the encapsulation lens, Follow TCP
 * Stream, the expert summary, filter completion and exporting a selection as pcapng. The
 * simulation host keeps one per world.
 */
import { collectingSink } from '../pcap/byte-sink.ts';
import { exportPcapng } from '../fabric/capture/pcapng-export.ts';
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import { completeFilter, type CompletionResult, type FilterError } from '../filter/index.ts';
import { CaptureList, type ListPage, type ListQuery, type ListRow } from './capture-list.ts';
import type { FramePage } from './frame-page.ts';
import { traceLens, type TraceLens } from './capture-lens.ts';
import type { CaptureQuery } from './capture-query.ts';
import type { ColoringRule } from './coloring.ts';
import { ExpertScan, type ExpertSummary } from './expert-summary.ts';
import { followTcpStream, type FollowedStream } from './follow-stream.ts';

export interface CapturePointInfo {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly kind: CapturePointKind;
  /** Held frames seen at this point. */
  readonly frames: number;
}

export interface CaptureInfo {
  readonly frames: number;
  readonly points: readonly CapturePointInfo[];
  readonly coloring: readonly ColoringRule[];
}

export interface ExportSelection {
  /** Only the frames this display filter matches (the displayed list). */
  readonly filter?: string;
  /** Only frames of these capture points. */
  readonly points?: readonly number[];
}

export type SelectionExport = { readonly ok: true; readonly bytes: Uint8Array; readonly frames: number } | { readonly ok: false; readonly error: FilterError };

export class CaptureView {
  readonly list: CaptureList;
  private readonly expert: ExpertScan;

  constructor(readonly query: CaptureQuery) {
    this.list = new CaptureList(query);
    this.expert = new ExpertScan(query);
  }

  page(q: ListQuery): ListPage {
    return this.list.page(q);
  }

  /** The same entries as `page`, as a binary page of records and frame bytes (frame-page.ts). */
  frames(q: ListQuery): FramePage {
    return this.list.frames(q);
  }

  /** Moves a partial filtered list on while the host is idle; false when none is left (CaptureList.advancePartial). */
  advancePartial(): boolean {
    return this.list.advancePartial();
  }

  /**
   * The rows of chosen held frames as the list builds them (for rows whose columns need the
   * capture's cross-frame state, see frame-rows.ts). `deltaDisplayedNs` is to the frame asked for
   * before it; the list's own delta is the page's.
   */
  rows(frames: readonly number[]): ListRow[] {
    return this.list.rowsOf(frames);
  }

  info(): CaptureInfo {
    const store = this.query.store;
    const counts = store.heldByPoint();
    return {
      frames: store.available,
      points: store.points.map((p) => ({ id: p.id, name: p.name, description: p.description ?? '', kind: p.kind, frames: counts[p.id] })),
      coloring: this.list.coloring.rules,
    };
  }

  lens(frame: number): TraceLens | null {
    return traceLens(this.query, this.list, frame);
  }

  follow(frame: number): FollowedStream | null {
    return followTcpStream(this.query, frame);
  }

  expertSummary(): ExpertSummary {
    return this.expert.summary();
  }

  complete(text: string, cursor: number): CompletionResult {
    return completeFilter(text, cursor, this.query.fields);
  }

  export(selection: ExportSelection): SelectionExport {
    const filter = selection.filter?.trim() ?? '';
    let frames: readonly number[] | undefined;
    if (filter !== '') {
      const r = this.query.filter(filter);
      if (!r.ok) return { ok: false, error: r.error };
      frames = r.frames;
    }
    const collected = collectingSink();
    const result = exportPcapng(this.query.store, collected.sink, { frames, points: selection.points });
    return { ok: true, bytes: collected.bytes(), frames: result.frames };
  }
}
