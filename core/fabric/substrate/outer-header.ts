/**
 * What the underlay's switches read and change in an outer IPv4-over-Ethernet frame, done on the
 * bytes directly: these run once per packet per hop, the hottest code in the fabric.
 */
import { type Mac, writeMac } from '../../base/addr.ts';
import { fmix32, FNV_OFFSET, fnvStep } from '../../base/hash.ts';

export const ETH_LEN = 14;
const IP = ETH_LEN;

/** True when the frame is Ethernet II carrying a plausible IPv4 header (20 bytes at least). */
export function isIpv4Frame(b: Uint8Array): boolean {
  return b.length >= ETH_LEN + 20 && b[12] === 0x08 && b[13] === 0x00 && b[IP] >>> 4 === 4;
}

export function outerDst(b: Uint8Array): number {
  return ((b[IP + 16] << 24) | (b[IP + 17] << 16) | (b[IP + 18] << 8) | b[IP + 19]) >>> 0;
}

export function outerSrc(b: Uint8Array): number {
  return ((b[IP + 12] << 24) | (b[IP + 13] << 16) | (b[IP + 14] << 8) | b[IP + 15]) >>> 0;
}

/**
 * Decrements the outer TTL and patches the header checksum incrementally (RFC 1624 eqn. 3), so a
 * switch never re-sums the header. Returns the new TTL; the caller drops the frame at 0.
 */
export function decrementTtl(b: Uint8Array): number {
  const ttl = b[IP + 8];
  if (ttl === 0) return 0;
  b[IP + 8] = ttl - 1;
  // The TTL is the high byte of the 16-bit word (TTL, protocol): it drops by 0x0100.
  let sum = (~((b[IP + 10] << 8) | b[IP + 11]) & 0xffff) + 0xfeff; // ~HC + ~0x0100 (one's complement)
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const check = ~sum & 0xffff;
  b[IP + 10] = check >>> 8;
  b[IP + 11] = check & 0xff;
  return ttl - 1;
}

/** Writes destination and source MACs (a router's per-hop rewrite). */
export function setMacs(b: Uint8Array, dst: Mac, src: Mac): void {
  writeMac(b, 0, dst);
  writeMac(b, 6, src);
}

/**
 * ECMP hash of the outer 5-tuple (addresses, protocol, ports when TCP/UDP), seeded per switch so
 * two switches in a row don't make correlated choices (hash polarization).
 */
export function outerFlowHash(b: Uint8Array, seed: number): number {
  const ihl = (b[IP] & 0x0f) * 4;
  const proto = b[IP + 9];
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = IP + 12; i < IP + 20; i++) h = fnvStep(h, b[i]);
  h = fnvStep(h, proto);
  if ((proto === 6 || proto === 17) && b.length >= IP + ihl + 4) {
    const l4 = IP + ihl;
    for (let i = l4; i < l4 + 4; i++) h = fnvStep(h, b[i]);
  }
  return fmix32(h);
}
