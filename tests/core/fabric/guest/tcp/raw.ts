/** Hand-made segments for tests that play a peer by hand (RSTs, SYNs, hostile bytes). */
import type { Ipv4 } from '../../../../../core/base/addr.ts';
import { TcpFlag, type TcpOption, TcpRepr, TcpViewMut } from '../../../../../core/wire/tcp.ts';

export interface RawSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Letters S, F, R, P, A. */
  flags: string;
  window?: number;
  options?: TcpOption[];
  payload?: Uint8Array;
}

export function flagBits(tag: string): number {
  let f = 0;
  for (const ch of tag) f |= { S: TcpFlag.syn, F: TcpFlag.fin, R: TcpFlag.rst, P: TcpFlag.psh, A: TcpFlag.ack }[ch] ?? 0;
  return f;
}

/** A valid segment with its checksum filled for src → dst. */
export function buildSegment(src: Ipv4, dst: Ipv4, s: RawSegment): Uint8Array {
  const payload = s.payload ?? new Uint8Array(0);
  const repr: TcpRepr = {
    srcPort: s.srcPort,
    dstPort: s.dstPort,
    seq: s.seq >>> 0,
    ack: s.ack >>> 0,
    flags: flagBits(s.flags),
    window: s.window ?? 65535,
    urgent: 0,
    options: s.options ?? [],
  };
  const bytes = new Uint8Array(TcpRepr.bufferLen(repr, payload.length));
  TcpRepr.emit(repr, TcpViewMut.over(bytes), payload, { src, dst });
  return bytes;
}
