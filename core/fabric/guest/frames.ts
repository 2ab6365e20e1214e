/**
 * Byte-level writers for the frames the guest sends. The per-packet paths (UDP and TCP output)
 * write headers straight into the pooled packet's bytes: no view objects, no allocation. The
 * layouts are those of core/wire (ethernet.ts, ipv4.ts, udp.ts, icmpv4.ts); tests read every frame
 * back through those views.
 */
import { type Ipv4, type Mac, writeIpv4, writeMac } from '../../base/addr.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../../base/checksum.ts';

export const ETH_LEN = 14;
export const IP_LEN = 20;
export const UDP_LEN = 8;
export const ICMP_LEN = 8;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export const FLAG_DF = 0x4000;
export const FLAG_MF = 0x2000;
export const FRAG_MASK = 0x1fff;

export function writeEthernet(b: Uint8Array, dst: Mac, src: Mac, ethertype: number): void {
  writeMac(b, 0, dst);
  writeMac(b, 6, src);
  b[12] = ethertype >>> 8;
  b[13] = ethertype & 0xff;
}

/** A 20-byte IPv4 header at `b[at]` with its checksum. `flagsFrag` holds DF/MF and the offset in 8-byte units. */
export function writeIpv4Header(
  b: Uint8Array, at: number, totalLen: number, ident: number, flagsFrag: number, ttl: number, protocol: number, src: Ipv4, dst: Ipv4,
): void {
  b[at] = 0x45;
  b[at + 1] = 0;
  b[at + 2] = totalLen >>> 8;
  b[at + 3] = totalLen & 0xff;
  b[at + 4] = (ident >>> 8) & 0xff;
  b[at + 5] = ident & 0xff;
  b[at + 6] = flagsFrag >>> 8;
  b[at + 7] = flagsFrag & 0xff;
  b[at + 8] = ttl;
  b[at + 9] = protocol;
  b[at + 10] = 0;
  b[at + 11] = 0;
  writeIpv4(b, at + 12, src);
  writeIpv4(b, at + 16, dst);
  fillIpv4Checksum(b, at, IP_LEN);
}

/** Recomputes the header checksum of the IPv4 header at `b[at]` of `headerLen` bytes. */
export function fillIpv4Checksum(b: Uint8Array, at: number, headerLen: number): void {
  b[at + 10] = 0;
  b[at + 11] = 0;
  const c = finishChecksum(sumWords(b, at, at + headerLen));
  b[at + 10] = c >>> 8;
  b[at + 11] = c & 0xff;
}

const words32 = new WeakMap<ArrayBufferLike, Uint32Array>();
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * `sumWords` (the RFC 1071 sum of big-endian 16-bit words) for long runs: adds native 32-bit
 * words through a Uint32Array cached per underlying buffer (pooled packets reuse their buffers,
 * so the cache stays small and hits), then swaps the bytes of the folded sum — the Internet
 * checksum is byte-order independent (RFC 1071 §2(B)). About twice as fast as the byte loop on a
 * 1 KB payload. Short runs, odd starts and big-endian hosts take the byte loop.
 */
export function sumWordsFast(b: Uint8Array, start: number, end: number, sum = 0): number {
  let i = b.byteOffset + start;
  if (end - start < 64 || (i & 1) !== 0 || !LITTLE_ENDIAN) return sumWords(b, start, end, sum);
  const buffer = b.buffer;
  let u = words32.get(buffer);
  if (u === undefined) {
    u = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    words32.set(buffer, u);
  }
  const stop = b.byteOffset + end;
  let edge = 0;
  if ((i & 3) !== 0) {
    edge += (b[start] << 8) | b[start + 1];
    i += 2;
  }
  // Whole 32-bit words are added as they are (RFC 1071 allows any word size: the sum is folded
  // afterwards); a double holds the exact sum of 2^21 of them, far beyond any packet.
  let k = i >>> 2;
  const kEnd = stop >>> 2;
  const kEnd4 = k + ((kEnd - k) & ~3);
  let s = 0;
  for (; k < kEnd4; k += 4) s += u[k] + u[k + 1] + u[k + 2] + u[k + 3];
  for (; k < kEnd; k++) s += u[k];
  i = kEnd << 2;
  for (let rel = i - b.byteOffset; i + 1 < stop; i += 2, rel += 2) edge += (b[rel] << 8) | b[rel + 1];
  if (i < stop) edge += b[i - b.byteOffset] << 8;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return sum + edge + (((s & 0xff) << 8) | (s >>> 8));
}

/**
 * Writes the UDP header at `b[at]` for a datagram of `udpLen` bytes and fills the checksum.
 * `zeroFrom`: the caller knows `b[zeroFrom, at + udpLen)` is all zeros (a payload nobody filled in
 * a freshly zeroed packet), so the sum skips it — zeros add nothing to an Internet checksum.
 */
export function writeUdpHeader(b: Uint8Array, at: number, srcPort: number, dstPort: number, udpLen: number, src: Ipv4, dst: Ipv4, zeroFrom = at + udpLen): void {
  b[at] = srcPort >>> 8;
  b[at + 1] = srcPort & 0xff;
  b[at + 2] = dstPort >>> 8;
  b[at + 3] = dstPort & 0xff;
  b[at + 4] = udpLen >>> 8;
  b[at + 5] = udpLen & 0xff;
  b[at + 6] = 0;
  b[at + 7] = 0;
  // An odd `zeroFrom` would split a 16-bit word: sum up to the next even offset then.
  const end = Math.min(at + udpLen, zeroFrom + ((zeroFrom - at) & 1));
  let c = finishChecksum(sumWordsFast(b, at, end, pseudoHeaderSum(src, dst, PROTO_UDP, udpLen)));
  if (c === 0) c = 0xffff;
  b[at + 6] = c >>> 8;
  b[at + 7] = c & 0xff;
}

/** Fills the checksum of the ICMP message `b[at, at + len)`. */
export function fillIcmpChecksum(b: Uint8Array, at: number, len: number): void {
  b[at + 2] = 0;
  b[at + 3] = 0;
  const c = finishChecksum(sumWordsFast(b, at, at + len));
  b[at + 2] = c >>> 8;
  b[at + 3] = c & 0xff;
}

/** True when the UDP datagram `b[at, at + len)` carries no checksum or a correct one. */
export function udpChecksumOk(b: Uint8Array, at: number, len: number, src: Ipv4, dst: Ipv4): boolean {
  if (b[at + 6] === 0 && b[at + 7] === 0) return true;
  return finishChecksum(sumWordsFast(b, at, at + len, pseudoHeaderSum(src, dst, PROTO_UDP, len))) === 0;
}

export function readU16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}
