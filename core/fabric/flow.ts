/**
 * The flow key of an IPv4 packet: what security groups, network ACLs, connection tracking and ECMP
 * look at. Read straight from the bytes into a caller-owned object, so the per-packet path
 * allocates nothing: `readFlow(bytes, ipOffset, key)` fills `key` and says whether it could.
 *
 * Ports are 0 for protocols without them. For ICMP, `icmpType`/`icmpCode` are set and `icmpId` is
 * the echo identifier (0 for other messages); for non-first fragments the transport fields are
 * unknown and left 0 (`fragment` tells why).
 */
import { readIpv4, type Ipv4 } from '../base/addr.ts';
import { fmix32, FNV_OFFSET, fnvStep } from '../base/hash.ts';

export interface FlowKey {
  protocol: number;
  src: Ipv4;
  dst: Ipv4;
  srcPort: number;
  dstPort: number;
  icmpType: number;
  icmpCode: number;
  icmpId: number;
  /** TCP flags byte (FIN 0x01 … CWR 0x80), or -1 when not TCP or not present (non-first fragment). */
  tcpFlags: number;
  /** IPv4 total length (header + payload). */
  ipLength: number;
  ipHeaderLength: number;
  ttl: number;
  dontFragment: boolean;
  /** 'none', 'first' (MF set, offset 0) or 'later' (offset > 0: no transport header present). */
  fragment: 'none' | 'first' | 'later';
}

export function newFlowKey(): FlowKey {
  return { protocol: 0, src: 0, dst: 0, srcPort: 0, dstPort: 0, icmpType: -1, icmpCode: -1, icmpId: 0, tcpFlags: -1, ipLength: 0, ipHeaderLength: 0, ttl: 0, dontFragment: false, fragment: 'none' };
}

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/**
 * Fills `key` from the IPv4 header at `bytes[at]`. Returns false (key unspecified) when the header
 * is not a well-formed IPv4 header whose total length fits in `bytes`; a transport header cut
 * short leaves its ports 0 rather than failing, as a firewall would see "no ports".
 */
export function readFlow(bytes: Uint8Array, at: number, key: FlowKey): boolean {
  if (bytes.length - at < 20) return false;
  const vihl = bytes[at];
  if (vihl >>> 4 !== 4) return false;
  const ihl = (vihl & 0x0f) * 4;
  const total = (bytes[at + 2] << 8) | bytes[at + 3];
  if (ihl < 20 || total < ihl || at + total > bytes.length) return false;
  const flagsFrag = (bytes[at + 6] << 8) | bytes[at + 7];
  const offset = flagsFrag & 0x1fff;
  key.protocol = bytes[at + 9];
  key.src = readIpv4(bytes, at + 12);
  key.dst = readIpv4(bytes, at + 16);
  key.ipLength = total;
  key.ipHeaderLength = ihl;
  key.ttl = bytes[at + 8];
  key.dontFragment = (flagsFrag & 0x4000) !== 0;
  key.fragment = offset !== 0 ? 'later' : (flagsFrag & 0x2000) !== 0 ? 'first' : 'none';
  key.srcPort = 0;
  key.dstPort = 0;
  key.icmpType = -1;
  key.icmpCode = -1;
  key.icmpId = 0;
  key.tcpFlags = -1;
  if (offset !== 0) return true;
  const l4 = at + ihl;
  const l4Len = total - ihl;
  if ((key.protocol === PROTO_TCP || key.protocol === PROTO_UDP) && l4Len >= 4) {
    key.srcPort = (bytes[l4] << 8) | bytes[l4 + 1];
    key.dstPort = (bytes[l4 + 2] << 8) | bytes[l4 + 3];
    if (key.protocol === PROTO_TCP && l4Len >= 14) key.tcpFlags = bytes[l4 + 13];
  } else if (key.protocol === PROTO_ICMP && l4Len >= 2) {
    key.icmpType = bytes[l4];
    key.icmpCode = bytes[l4 + 1];
    if ((key.icmpType === 0 || key.icmpType === 8) && l4Len >= 6) key.icmpId = (bytes[l4 + 4] << 8) | bytes[l4 + 5];
  }
  return true;
}

/** Copies every field of `from` into `to`. */
export function copyFlow(from: FlowKey, to: FlowKey): void {
  Object.assign(to, from);
}

/**
 * A 32-bit hash of the 5-tuple, the same for a packet whatever object holds it (FNV-1a over the
 * fields, finished with murmur's fmix). `ordered` sorts the two endpoints first, so both directions
 * of a flow hash alike (ordered-flow hashing, for symmetric paths).
 */
export function flowHash(key: FlowKey, seed = 0, ordered = false): number {
  return flowHashMasked(key, -1, seed, ordered) >>> 0;
}

/**
 * `flowHash(key, seed, ordered) & mask`, computed without ever holding the whole 32-bit hash as a
 * number outside this function: with a small mask (the Geneve source port's 14 bits) the result
 * is a small integer, so the per-packet call boxes nothing.
 */
export function flowHashMasked(key: FlowKey, mask: number, seed = 0, ordered = false): number {
  let a = key.src;
  let b = key.dst;
  let pa = key.srcPort;
  let pb = key.dstPort;
  if (ordered && (a > b || (a === b && pa > pb))) {
    a = key.dst;
    b = key.src;
    pa = key.dstPort;
    pb = key.srcPort;
  }
  let h = (FNV_OFFSET ^ seed) >>> 0;
  h = fnvStep(h, key.protocol);
  h = fnvStep(h, a >>> 16);
  h = fnvStep(h, a & 0xffff);
  h = fnvStep(h, b >>> 16);
  h = fnvStep(h, b & 0xffff);
  h = fnvStep(h, pa);
  h = fnvStep(h, pb);
  return fmix32(h) & mask;
}
