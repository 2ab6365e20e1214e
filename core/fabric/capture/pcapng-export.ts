/**
 * Exports captured frames as pcapng: one Interface Description Block per capture point that has
 * frames in the export (if_name, if_description, nanosecond if_tsresol, Ethernet), then one
 * Enhanced Packet Block per frame with its direction in epb_flags and the fabric's verdict in a
 * packet comment (frame-comment.ts). Simulation time 0 is the Unix epoch.
 *
 * Deterministic: the output depends only on the frames (no wall clock, no host name), so the same
 * run exports the same bytes. Memory is the writer's reusable buffer: frames stream to the sink.
 */
import type { ByteSink } from '../../pcap/byte-sink.ts';
import { PcapngWriter, type SectionOptions } from '../../pcap/pcapng-writer.ts';
import type { CaptureStore } from './capture-store.ts';
import { emptyFrame } from './capture-store.ts';
import { DIRECTION_CODE } from './capture-point.ts';
import { frameComment } from './frame-comment.ts';

export interface ExportOptions {
  /** First frame number to export (inclusive; default the oldest held). */
  readonly from?: number;
  /** Last frame number to export (inclusive; default the newest). */
  readonly to?: number;
  /** Only frames of these capture points. */
  readonly points?: readonly number[];
  /** Exactly these frames, in this order (e.g. a filter's matches); `from`/`to`/`points` still apply. */
  readonly frames?: Iterable<number>;
  /** Section header options; the default names the application only. */
  readonly section?: SectionOptions;
}

export interface ExportResult {
  /** Frames written. */
  readonly frames: number;
  /** Interfaces written (capture points with frames). */
  readonly interfaces: number;
  /** Requested frames that were not written because they had been evicted (or never recorded). */
  readonly missing: number;
  readonly bytes: number;
}

const LINKTYPE_ETHERNET = 1;

export function exportPcapng(store: CaptureStore, sink: ByteSink, options: ExportOptions = {}): ExportResult {
  const from = Math.max(options.from ?? 1, store.firstAvailable);
  const to = Math.min(options.to ?? store.count, store.count);
  let allowed: Uint8Array | null = null;
  if (options.points !== undefined) {
    allowed = new Uint8Array(store.points.length);
    for (const p of options.points) if (p >= 0 && p < allowed.length) allowed[p] = 1;
  }
  const wanted = (n: number) => n >= from && n <= to && (allowed === null || allowed[store.pointOf(n)] === 1);

  // The frames to write: an explicit list is materialised (it is walked twice), a range is not.
  let list: number[] | null = null;
  let missing = 0;
  if (options.frames !== undefined) {
    list = [];
    for (const n of options.frames) {
      if (!store.has(n)) missing++;
      else if (wanted(n)) list.push(n);
    }
  } else {
    // evicted frames inside the requested range (by default the whole capture)
    missing = Math.max(0, Math.min(store.firstAvailable - 1, to) - (options.from ?? 1) + 1);
  }
  const each = (visit: (n: number) => void) => {
    if (list !== null) for (const n of list) visit(n);
    else for (let n = from; n <= to; n++) if (wanted(n)) visit(n);
  };

  // Interfaces in point order, only for points that have frames here.
  const used = new Uint8Array(store.points.length);
  each((n) => {
    used[store.pointOf(n)] = 1;
  });
  const writer = new PcapngWriter(sink, options.section ?? { application: 'Underlay' });
  const ifOf = new Int32Array(store.points.length).fill(-1);
  for (const p of store.points) {
    if (used[p.id] === 0) continue;
    ifOf[p.id] = writer.addInterface({ linkType: LINKTYPE_ETHERNET, name: p.name, description: p.description });
  }

  const f = emptyFrame();
  const comments = [''];
  const opts = { flags: 0, comments, originalLength: 0 };
  let frames = 0;
  each((n) => {
    store.read(n, f);
    const sec = Math.floor(f.timeNs / 1e9);
    opts.flags = DIRECTION_CODE[f.direction];
    opts.originalLength = f.originalLength;
    comments[0] = frameComment(f.traceId, f.hop, f.verdict, f.reason, f.rule);
    writer.writePacket(ifOf[f.pointId], sec, f.timeNs - sec * 1e9, f.bytes, opts);
    frames++;
  });
  writer.close();
  return { frames, interfaces: writer.interfaceCount, missing, bytes: writer.bytesWritten };
}
