/**
 * Frames the Nitro card itself originates toward a guest: proxy-ARP replies, ICMP errors (from the
 * VPC router's address) and UDP answers (the DNS resolver). Rare compared with forwarded traffic,
 * so these use plain byte writes with checksums computed from scratch.
 */
import { type Ipv4, type Mac, readIpv4, readMac, writeIpv4, writeMac } from '../../base/addr.ts';
import type { PacketPool } from '../../sim/packet-pool.ts';
import type { SimPacket } from '../../sim/packet.ts';
import { fillIcmpChecksum, writeEthernet, writeIpv4Header, writeUdpHeader } from '../guest/frames.ts';

const ETH = 14;

/**
 * The reply to an ARP request frame (Ethernet + ARP for IPv4): `answerMac` is-at the requested
 * address, sent to the asker only. The request was checked by the caller.
 */
export function arpReply(pool: PacketPool, request: Uint8Array, answerMac: Mac): SimPacket {
  const p = pool.alloc(ETH + 28);
  const b = p.bytes;
  const askerMac = readMac(request, ETH + 8);
  const askerIp = readIpv4(request, ETH + 14);
  const targetIp = readIpv4(request, ETH + 24);
  writeMac(b, 0, askerMac);
  writeMac(b, 6, answerMac);
  b[12] = 0x08;
  b[13] = 0x06;
  b.set([0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02], ETH); // Ethernet/IPv4, reply
  writeMac(b, ETH + 8, answerMac);
  writeIpv4(b, ETH + 14, targetIp);
  writeMac(b, ETH + 18, askerMac);
  writeIpv4(b, ETH + 24, askerIp);
  return p;
}

export interface Ipv4FrameHeader {
  srcMac: Mac;
  dstMac: Mac;
  srcIp: Ipv4;
  dstIp: Ipv4;
  ident: number;
  ttl: number;
}

/** Writes Ethernet + a 20-byte IPv4 header for a payload of `payloadLen` bytes. */
function writeHeaders(b: Uint8Array, h: Ipv4FrameHeader, protocol: number, payloadLen: number): void {
  writeEthernet(b, h.dstMac, h.srcMac, 0x0800);
  writeIpv4Header(b, ETH, 20 + payloadLen, h.ident, 0, h.ttl, protocol, h.srcIp, h.dstIp);
}

/**
 * An ICMP error (destination unreachable, time exceeded) quoting the offending IPv4 packet's
 * header and the first 8 bytes of its payload (RFC 792). `nextHopMtu` fills the second word's low
 * half for fragmentation-needed (RFC 1191).
 */
export function icmpError(pool: PacketPool, h: Ipv4FrameHeader, type: number, code: number, offending: Uint8Array, nextHopMtu = 0): SimPacket {
  const ihl = (offending[0] & 0x0f) * 4;
  const quoted = Math.min(offending.length, ihl + 8);
  const icmpLen = 8 + quoted;
  const p = pool.alloc(ETH + 20 + icmpLen);
  const b = p.bytes;
  writeHeaders(b, h, 1, icmpLen);
  const at = ETH + 20;
  b[at] = type;
  b[at + 1] = code;
  b[at + 6] = (nextHopMtu >>> 8) & 0xff;
  b[at + 7] = nextHopMtu & 0xff;
  b.set(offending.subarray(0, quoted), at + 8);
  fillIcmpChecksum(b, at, icmpLen);
  return p;
}

/** A UDP datagram in a frame, checksum filled. */
export function udpFrame(pool: PacketPool, h: Ipv4FrameHeader, srcPort: number, dstPort: number, payload: Uint8Array): SimPacket {
  const udpLen = 8 + payload.length;
  const p = pool.alloc(ETH + 20 + udpLen);
  const b = p.bytes;
  writeHeaders(b, h, 17, udpLen);
  b.set(payload, ETH + 28);
  writeUdpHeader(b, ETH + 20, srcPort, dstPort, udpLen, h.srcIp, h.dstIp);
  return p;
}
