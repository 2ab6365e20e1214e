/**
 * Incoming segments parsed into one reused record (no allocation but the payload subarray), and
 * the header writer for outgoing ones. Parsing never throws: a header that does not fit is
 * rejected, and option bytes that make no sense end the option scan (as Linux does) without
 * rejecting the segment.
 */
import type { Ipv4 } from '../../../base/addr.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../../../base/checksum.ts';
import { TCP_HEADER_LEN, TCP_PROTOCOL, TcpField, TcpFlag, TcpOptionKind } from '../../../wire/tcp.ts';

export const FIN = TcpFlag.fin;
export const SYN = TcpFlag.syn;
export const RST = TcpFlag.rst;
export const PSH = TcpFlag.psh;
export const ACK = TcpFlag.ack;

/** Most SACK blocks one header can carry (40 option bytes: 2 + 4·8 + padding). */
export const MAX_SACK_BLOCKS = 4;

/** Bytes the timestamps option takes in our headers: NOP, NOP, kind, len, TSval, TSecr. */
export const TS_OPTION_LEN = 12;

/** Bytes `n` SACK blocks take in our headers: NOP, NOP, kind, len, n·8. */
export function sackOptionLen(n: number): number {
  return n === 0 ? 0 : 4 + 8 * n;
}

const EMPTY = new Uint8Array(0);

/** One parsed segment. Fields are valid until the next `parseSegment` into the same record. */
export class Segment {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  /** The 9 flag bits. */
  flags = 0;
  /** The raw 16-bit window field (unscaled). */
  window = 0;
  payload: Uint8Array = EMPTY;
  /** MSS option value, or −1 when absent. Meaningful on SYN only. */
  mss = -1;
  /** Window-scale shift, or −1 when absent. Meaningful on SYN only. */
  wscale = -1;
  sackPermitted = false;
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  sackCount = 0;
  /** SACK blocks as [left0, right0, left1, right1, …], `sackCount` of them. */
  readonly sackBlocks = new Uint32Array(2 * MAX_SACK_BLOCKS);

  get syn(): boolean {
    return (this.flags & SYN) !== 0;
  }

  get fin(): boolean {
    return (this.flags & FIN) !== 0;
  }

  get rst(): boolean {
    return (this.flags & RST) !== 0;
  }

  get hasAck(): boolean {
    return (this.flags & ACK) !== 0;
  }

  /** Sequence space the segment occupies: data plus one each for SYN and FIN. */
  get segLen(): number {
    return this.payload.length + (this.flags & SYN ? 1 : 0) + (this.flags & FIN ? 1 : 0);
  }
}

const u16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
const u32 = (b: Uint8Array, at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** Fills `out` from `bytes`; false when the header is malformed (too short, bad data offset, port 0). */
export function parseSegment(bytes: Uint8Array, out: Segment): boolean {
  if (bytes.length < TCP_HEADER_LEN || bytes.length > 0xffff) return false;
  const headerLen = (bytes[TcpField.flags] >> 4) * 4;
  if (headerLen < TCP_HEADER_LEN || headerLen > bytes.length) return false;
  out.srcPort = u16(bytes, TcpField.srcPort);
  out.dstPort = u16(bytes, TcpField.dstPort);
  if (out.srcPort === 0 || out.dstPort === 0) return false;
  out.seq = u32(bytes, TcpField.seq);
  out.ack = u32(bytes, TcpField.ack);
  out.flags = u16(bytes, TcpField.flags) & 0x1ff;
  out.window = u16(bytes, TcpField.window);
  out.payload = bytes.subarray(headerLen);
  parseOptions(bytes, headerLen, out);
  return true;
}

function parseOptions(b: Uint8Array, end: number, out: Segment): void {
  out.mss = -1;
  out.wscale = -1;
  out.sackPermitted = false;
  out.hasTimestamps = false;
  out.sackCount = 0;
  let i = TCP_HEADER_LEN;
  while (i < end) {
    const kind = b[i];
    if (kind === TcpOptionKind.eol) return;
    if (kind === TcpOptionKind.nop) {
      i++;
      continue;
    }
    if (i + 1 >= end) return;
    const len = b[i + 1];
    if (len < 2 || i + len > end) return;
    switch (kind) {
      case TcpOptionKind.mss:
        if (len === 4) out.mss = u16(b, i + 2);
        break;
      case TcpOptionKind.wscale:
        if (len === 3) out.wscale = b[i + 2];
        break;
      case TcpOptionKind.sackPermitted:
        if (len === 2) out.sackPermitted = true;
        break;
      case TcpOptionKind.sack:
        if (len >= 10 && (len - 2) % 8 === 0) {
          const n = Math.min(MAX_SACK_BLOCKS, (len - 2) / 8);
          for (let k = 0; k < n; k++) {
            out.sackBlocks[2 * k] = u32(b, i + 2 + 8 * k);
            out.sackBlocks[2 * k + 1] = u32(b, i + 6 + 8 * k);
          }
          out.sackCount = n;
        }
        break;
      case TcpOptionKind.timestamps:
        if (len === 10) {
          out.hasTimestamps = true;
          out.tsVal = u32(b, i + 2);
          out.tsEcr = u32(b, i + 6);
        }
        break;
      default:
        break;
    }
    i += len;
  }
}

/** True when the checksum over the IPv4 pseudo-header and the whole segment verifies. */
export function verifyChecksum(bytes: Uint8Array, src: Ipv4, dst: Ipv4): boolean {
  return finishChecksum(sumWords(bytes, 0, bytes.length, pseudoHeaderSum(src, dst, TCP_PROTOCOL, bytes.length))) === 0;
}

/**
 * Writes the fixed header into `buf[0…20)`, the data offset from `headerLen`; options and payload
 * must already be in place (the checksum field is zeroed here and filled by `fillChecksum`).
 */
export function writeHeader(
  buf: Uint8Array,
  srcPort: number,
  dstPort: number,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  headerLen: number,
): void {
  buf[0] = srcPort >>> 8;
  buf[1] = srcPort & 0xff;
  buf[2] = dstPort >>> 8;
  buf[3] = dstPort & 0xff;
  writeU32(buf, 4, seq);
  writeU32(buf, 8, ack);
  buf[12] = ((headerLen / 4) << 4) | ((flags >>> 8) & 1);
  buf[13] = flags & 0xff;
  buf[14] = window >>> 8;
  buf[15] = window & 0xff;
  buf[16] = 0;
  buf[17] = 0;
  buf[18] = 0;
  buf[19] = 0;
}

/** Fills the checksum of the segment `buf[0…len)`. */
export function fillChecksum(buf: Uint8Array, len: number, src: Ipv4, dst: Ipv4): void {
  const sum = finishChecksum(sumWords(buf, 0, len, pseudoHeaderSum(src, dst, TCP_PROTOCOL, len)));
  buf[16] = sum >>> 8;
  buf[17] = sum & 0xff;
}

export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}
