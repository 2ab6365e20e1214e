/**
 * A capture file made viewable: its records go into a CaptureStore (one capture point per pcapng
 * interface), and a CaptureQuery over that store answers the same page / detail / hex / filter
 * questions as the simulation's live capture. Validation is the core/pcap readers': a file that
 * does not read is refused with their positioned error (block number, type, byte offset).
 *
 * Frames exported by Underlay carry their trace, hop, verdict and reason in the packet comment
 * (core/fabric/capture/frame-comment.ts); those are read back so the verdict columns return.
 * Times are kept relative to the first frame (epoch nanoseconds do not fit a double exactly);
 * Underlay's own files start at virtual time 0, so theirs are unchanged.
 */
import type { CaptureFileError } from '../../core/contract/workspace.ts';
import { CaptureStore } from '../../core/fabric/capture/capture-store.ts';
import type { CaptureDirection } from '../../core/fabric/capture/capture-point.ts';
import type { VerdictKind } from '../../core/fabric/verdict.ts';
import { AnyCaptureReader } from '../../core/pcap/capture-reader.ts';
import { CaptureError, type CaptureFormat, type CaptureRecord } from '../../core/pcap/record.ts';
import { CaptureQuery } from '../../core/service/capture-query.ts';

const LINKTYPE_ETHERNET = 1;
const MIN_STORE_BYTES = 4 * 1024 * 1024;
const MAX_STORE_BYTES = 1024 * 1024 * 1024;

export interface LoadedCapture {
  readonly format: CaptureFormat;
  readonly frames: number;
  readonly points: string[];
  readonly query: CaptureQuery;
}

export type LoadResult = { readonly ok: true; readonly capture: LoadedCapture } | { readonly ok: false; readonly error: CaptureFileError };

const COMMENT = /^trace=(\d+) hop=(\d+) verdict=(forward|drop|rewrite|deliver) reason=(\S+)/;

/** Reads a whole pcap or pcapng file held in memory. */
export function loadCapture(bytes: Uint8Array): LoadResult {
  const reader = new AnyCaptureReader();
  // Room for every frame (the store's own metadata included), so nothing is evicted while viewing.
  const store = new CaptureStore({ maxBytes: Math.min(MAX_STORE_BYTES, Math.max(MIN_STORE_BYTES, bytes.byteLength * 3)) });
  const points = new Map<string, number>();
  let first: { sec: number; nsec: number } | null = null;
  let refused: CaptureError | null = null;

  const pointOf = (r: CaptureRecord): number => {
    const key = `${r.sectionIndex}/${r.interfaceId}`;
    let id = points.get(key);
    if (id === undefined) {
      id = store.addPoint({ name: r.interfaceName ?? `interface ${points.size}`, description: r.interfaceDescription, kind: 'host' });
      points.set(key, id);
    }
    return id;
  };

  reader.push(bytes);
  reader.end();
  reader.read((r) => {
    if (refused) return;
    if (r.linkType !== LINKTYPE_ETHERNET) {
      // The dissectors start at Ethernet; anything else would be shown as garbage.
      refused = new CaptureError(reader.format ?? 'unknown', 'unsupported', r.number, reader.format === 'pcapng' ? 'EPB' : 'record', r.offset, `link type ${r.linkType}: Underlay views Ethernet captures only`);
      return;
    }
    first ??= { sec: r.tsSec, nsec: r.tsNsec };
    const timeNs = (r.tsSec - first.sec) * 1e9 + (r.tsNsec - first.nsec);
    const meta = r.commentCount > 0 ? COMMENT.exec(r.comments?.[0] ?? '') : null;
    const direction: CaptureDirection = ((r.flags ?? 0) & 3) === 2 ? 'out' : 'in';
    store.record(
      pointOf(r),
      timeNs,
      r.bytes,
      meta ? Number(meta[1]) : 0,
      meta ? Number(meta[2]) : 0,
      meta ? (meta[3] as VerdictKind) : 'forward',
      meta && meta[4] !== '-' ? meta[4] : null,
      direction,
      null,
    );
  });
  const error = refused ?? reader.error;
  if (error) return { ok: false, error: fileError(error) };
  return { ok: true, capture: { format: reader.format!, frames: store.count, points: store.points.map((p) => p.name), query: new CaptureQuery(store) } };
}

/** core/pcap's CaptureError as contract data. */
export function fileError(e: CaptureError): CaptureFileError {
  return { kind: e.kind, message: e.message, blockNumber: e.blockNumber, blockType: e.blockType, offset: e.offset };
}

/** An I/O failure (a file that cannot be read) in the same shape. */
export function ioError(path: string, e: unknown): CaptureFileError {
  return { kind: 'io', message: `${path}: ${e instanceof Error ? e.message : String(e)}`, blockNumber: 0, blockType: 'header', offset: 0 };
}
