import { collectingSink } from '../../core/pcap/byte-sink.ts';
import { PcapngWriter } from '../../core/pcap/pcapng-writer.ts';
import type { FrameRecord } from '../../core/dissect/frame-record.ts';

export interface TestFrame {
  bytes: Uint8Array;
  /** LINKTYPE of the frame's interface: 1 (Ethernet, default) or 101 (raw IP). */
  linkType?: number;
  comments?: string[];
  flags?: number;
}

const IF_NAMES: Record<number, string> = { 1: 'underlay0', 101: 'eni-raw0' };

/** A pcapng file holding the frames, one interface per link type, 1 µs apart from t=1.7e9 s. */
export function pcapngOf(frames: readonly TestFrame[]): Uint8Array {
  const out = collectingSink();
  const w = new PcapngWriter(out.sink, { application: 'underlay tests' });
  const ids = new Map<number, number>();
  for (const f of frames) {
    const lt = f.linkType ?? 1;
    if (!ids.has(lt)) ids.set(lt, w.addInterface({ linkType: lt, name: IF_NAMES[lt] ?? `if${lt}` }));
  }
  frames.forEach((f, i) => {
    w.writePacket(ids.get(f.linkType ?? 1)!, 1_700_000_000, i * 1000, f.bytes, { flags: f.flags, comments: f.comments });
  });
  w.close();
  return out.bytes();
}

/** The records our dissector sees for the same frames, matching `pcapngOf`. */
export function recordsOf(frames: readonly TestFrame[]): FrameRecord[] {
  const ids = new Map<number, number>();
  for (const f of frames) {
    const lt = f.linkType ?? 1;
    if (!ids.has(lt)) ids.set(lt, ids.size);
  }
  return frames.map((f, i) => ({
    number: i + 1,
    bytes: f.bytes,
    originalLength: f.bytes.length,
    tsSec: 1_700_000_000,
    tsNsec: i * 1000,
    interfaceId: ids.get(f.linkType ?? 1)!,
    linkType: f.linkType ?? 1,
    interfaceName: IF_NAMES[f.linkType ?? 1] ?? `if${f.linkType ?? 1}`,
    flags: f.flags,
    comments: f.comments,
  }));
}
