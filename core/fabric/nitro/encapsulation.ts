/**
 * The VPC encapsulation on the wire, written and read straight on packet bytes (one of the two
 * hottest paths in the fabric, so no views or reprs here — the layout is fixed and tested against
 * core/wire's Geneve codec and tshark):
 *
 *   outer Ethernet 14 | outer IPv4 20 (DF, TTL 64) | UDP 8 (→ 6081, checksum 0) |
 *   Geneve 8 (Opt Len 8, protocol 0x6558, VNI) | options 32 (class 0xFFF1: source ENI 8 B,
 *   destination ENI 8 B, mapping version 4 B) | inner Ethernet frame
 *
 * 82 bytes in all. The UDP checksum is zero, as RFC 8926 allows for IPv4 underlays (the inner
 * frame keeps its own checksums); the UDP source port is a hash of the inner flow, so ECMP keeps
 * each tenant flow on one path while spreading different flows.
 */
import { type Ipv4, type Mac, readIpv4 } from '../../base/addr.ts';
import { GeneveClass, UnderlayOptionType } from '../../wire/geneve.ts';

export const OUTER_ETH = 0;
export const OUTER_IP = 14;
export const OUTER_UDP = 34;
export const GENEVE = 42;
export const GENEVE_OPTIONS = 50;
/** Total bytes in front of the inner Ethernet frame. */
export const ENCAP_LEN = 82;
export const GENEVE_PORT = 6081;
const OPTIONS_WORDS = 8; // 32 bytes of options / 4
const ETHERTYPE_TRANSPARENT_ETHERNET = 0x6558;
const OUTER_TTL = 64;

export interface EncapFields {
  srcHost: Ipv4;
  dstHost: Ipv4;
  srcMac: Mac;
  dstMac: Mac;
  vni: number;
  srcEni: number;
  dstEni: number;
  mappingVersion: number;
  /** 49152–65535: a hash of the inner flow. */
  udpSrcPort: number;
  ipIdent: number;
}

/**
 * Writes the 82-byte outer headers into `b[0, 82)`; the inner frame is `b[82…]`. Every byte is
 * stored here, with no helper calls: addresses and MACs are numbers above 2^30, and handing one
 * to a call the compiler does not inline boxes it — twice per MAC, per packet.
 */
export function writeEncapsulation(b: Uint8Array, f: EncapFields): void {
  const total = b.length;
  const dstMac = f.dstMac;
  const srcMac = f.srcMac;
  const dstHi = Math.floor(dstMac / 0x100000000);
  const srcHi = Math.floor(srcMac / 0x100000000);
  const dstLo = dstMac - dstHi * 0x100000000;
  const srcLo = srcMac - srcHi * 0x100000000;
  b[0] = (dstHi >>> 8) & 0xff;
  b[1] = dstHi & 0xff;
  b[2] = dstLo >>> 24;
  b[3] = (dstLo >>> 16) & 0xff;
  b[4] = (dstLo >>> 8) & 0xff;
  b[5] = dstLo & 0xff;
  b[6] = (srcHi >>> 8) & 0xff;
  b[7] = srcHi & 0xff;
  b[8] = srcLo >>> 24;
  b[9] = (srcLo >>> 16) & 0xff;
  b[10] = (srcLo >>> 8) & 0xff;
  b[11] = srcLo & 0xff;
  b[12] = 0x08;
  b[13] = 0x00;
  // IPv4
  const ipLen = total - OUTER_IP;
  const src = f.srcHost;
  const dst = f.dstHost;
  b[OUTER_IP] = 0x45;
  b[OUTER_IP + 1] = 0;
  b[OUTER_IP + 2] = ipLen >>> 8;
  b[OUTER_IP + 3] = ipLen & 0xff;
  b[OUTER_IP + 4] = (f.ipIdent >>> 8) & 0xff;
  b[OUTER_IP + 5] = f.ipIdent & 0xff;
  b[OUTER_IP + 6] = 0x40; // DF: the underlay never fragments; the card sizes packets to fit
  b[OUTER_IP + 7] = 0;
  b[OUTER_IP + 8] = OUTER_TTL;
  b[OUTER_IP + 9] = 17;
  b[OUTER_IP + 12] = src >>> 24;
  b[OUTER_IP + 13] = (src >>> 16) & 0xff;
  b[OUTER_IP + 14] = (src >>> 8) & 0xff;
  b[OUTER_IP + 15] = src & 0xff;
  b[OUTER_IP + 16] = dst >>> 24;
  b[OUTER_IP + 17] = (dst >>> 16) & 0xff;
  b[OUTER_IP + 18] = (dst >>> 8) & 0xff;
  b[OUTER_IP + 19] = dst & 0xff;
  // Header checksum over the ten words, the checksum word itself taken as zero.
  let sum = 0x4500 + ipLen + (f.ipIdent & 0xffff) + 0x4000 + ((OUTER_TTL << 8) | 17) + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const check = ~sum & 0xffff;
  b[OUTER_IP + 10] = check >>> 8;
  b[OUTER_IP + 11] = check & 0xff;
  // UDP
  const udpLen = total - OUTER_UDP;
  b[OUTER_UDP] = f.udpSrcPort >>> 8;
  b[OUTER_UDP + 1] = f.udpSrcPort & 0xff;
  b[OUTER_UDP + 2] = GENEVE_PORT >>> 8;
  b[OUTER_UDP + 3] = GENEVE_PORT & 0xff;
  b[OUTER_UDP + 4] = udpLen >>> 8;
  b[OUTER_UDP + 5] = udpLen & 0xff;
  b[OUTER_UDP + 6] = 0;
  b[OUTER_UDP + 7] = 0;
  // Geneve base header
  b[GENEVE] = OPTIONS_WORDS; // version 0 in the top two bits
  b[GENEVE + 1] = 0;
  b[GENEVE + 2] = ETHERTYPE_TRANSPARENT_ETHERNET >>> 8;
  b[GENEVE + 3] = ETHERTYPE_TRANSPARENT_ETHERNET & 0xff;
  b[GENEVE + 4] = (f.vni >>> 16) & 0xff;
  b[GENEVE + 5] = (f.vni >>> 8) & 0xff;
  b[GENEVE + 6] = f.vni & 0xff;
  b[GENEVE + 7] = 0;
  // Options: source ENI, destination ENI (64-bit, high word 0), mapping version
  const o = GENEVE_OPTIONS;
  writeOptionHeader(b, o, UnderlayOptionType.srcEni, 2);
  put32(b, o + 4, 0);
  put32(b, o + 8, f.srcEni);
  writeOptionHeader(b, o + 12, UnderlayOptionType.dstEni, 2);
  put32(b, o + 16, 0);
  put32(b, o + 20, f.dstEni);
  writeOptionHeader(b, o + 24, UnderlayOptionType.mappingVersion, 1);
  put32(b, o + 28, f.mappingVersion);
}

/** A 32-bit big-endian store of a value known to be below 2^30 (ENI numbers, versions): no boxing. */
function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function writeOptionHeader(b: Uint8Array, at: number, type: number, words: number): void {
  b[at] = GeneveClass.underlay >>> 8;
  b[at + 1] = GeneveClass.underlay & 0xff;
  b[at + 2] = type;
  b[at + 3] = words;
}

export function ipv4HeaderChecksum(b: Uint8Array, at: number): number {
  const end = at + (b[at] & 0x0f) * 4;
  let sum = 0;
  for (let i = at; i < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** What a receiving card reads from the outer headers, filled into a reused object. */
export interface DecapFields {
  srcHost: Ipv4;
  dstHost: Ipv4;
  vni: number;
  srcEni: number;
  dstEni: number;
  mappingVersion: number;
}

export function newDecapFields(): DecapFields {
  return { srcHost: 0, dstHost: 0, vni: 0, srcEni: 0, dstEni: 0, mappingVersion: 0 };
}

/**
 * Reads an encapsulated frame into `out`. Returns null when it is a valid Underlay encapsulation,
 * else what is wrong with it (for the MAPPING_BAD_ENCAPSULATION detail). Only our own fixed layout
 * is accepted: any other option layout, a non-zero version, a critical option or a protocol other
 * than transparent Ethernet is refused, which is what a strict receiver should do.
 */
export function readEncapsulation(b: Uint8Array, out: DecapFields): string | null {
  if (b.length < ENCAP_LEN + 14) return `frame of ${b.length} bytes is too short for the encapsulation`;
  if (b[12] !== 0x08 || b[13] !== 0x00 || b[OUTER_IP] !== 0x45) return 'not an option-less IPv4 frame';
  if (b[OUTER_IP + 9] !== 17) return 'not UDP';
  const ipLen = (b[OUTER_IP + 2] << 8) | b[OUTER_IP + 3];
  if (ipLen !== b.length - OUTER_IP) return `outer IPv4 length ${ipLen} does not match the frame`;
  if ((b[OUTER_IP + 6] & 0x3f) !== 0 || b[OUTER_IP + 7] !== 0) return 'outer packet is a fragment';
  if (((b[OUTER_UDP + 2] << 8) | b[OUTER_UDP + 3]) !== GENEVE_PORT) return 'not addressed to UDP port 6081';
  if (b[GENEVE] !== OPTIONS_WORDS || (b[GENEVE + 1] & 0xc0) !== 0) return 'Geneve version, flags or option length unexpected';
  if (((b[GENEVE + 2] << 8) | b[GENEVE + 3]) !== ETHERTYPE_TRANSPARENT_ETHERNET) return 'Geneve payload is not Ethernet';
  const cls = GeneveClass.underlay;
  const o = GENEVE_OPTIONS;
  if (
    (b[o] << 8 | b[o + 1]) !== cls || b[o + 2] !== UnderlayOptionType.srcEni || b[o + 3] !== 2 ||
    (b[o + 12] << 8 | b[o + 13]) !== cls || b[o + 14] !== UnderlayOptionType.dstEni || b[o + 15] !== 2 ||
    (b[o + 24] << 8 | b[o + 25]) !== cls || b[o + 26] !== UnderlayOptionType.mappingVersion || b[o + 27] !== 1
  ) {
    return 'Underlay options (source ENI, destination ENI, mapping version) missing or out of order';
  }
  out.srcHost = readIpv4(b, OUTER_IP + 12);
  out.dstHost = readIpv4(b, OUTER_IP + 16);
  out.vni = (b[GENEVE + 4] << 16) | (b[GENEVE + 5] << 8) | b[GENEVE + 6];
  out.srcEni = readIpv4(b, o + 8);
  out.dstEni = readIpv4(b, o + 20);
  out.mappingVersion = readIpv4(b, o + 32 - 4);
  return null;
}
