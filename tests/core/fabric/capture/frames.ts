/**
 * Test frames for the capture tests, built with the wire codecs (checksums filled) so tshark reads
 * them cleanly: Ethernet/IPv4/UDP, Ethernet/IPv4/ICMP echo, and the fabric's Geneve encapsulation
 * of either (outer Ethernet/IPv4/UDP 6081, Geneve with Underlay's options, inner Ethernet).
 */
import { parseIpv4 } from '../../../../core/base/addr.ts';
import { EthernetRepr, EthernetViewMut, EtherType } from '../../../../core/wire/ethernet.ts';
import { GENEVE_UDP_PORT, GeneveRepr, GeneveViewMut, underlayOptions } from '../../../../core/wire/geneve.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../../core/wire/ipv4.ts';
import { UdpRepr, UdpViewMut } from '../../../../core/wire/udp.ts';

export const MAC = { guestA: 0x02000000000a, guestB: 0x02000000000b, cardA: 0x0a0000000001, tor: 0x0a00000000fe } as const;

function ip(text: string): number {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad address ${text}`);
  return v;
}

function ether(dst: number, src: number, ethertype: number, payload: Uint8Array): Uint8Array {
  const repr: EthernetRepr = { dst, src, ethertype };
  const out = new Uint8Array(Math.max(60, EthernetRepr.bufferLen(repr, payload.length)));
  EthernetRepr.emit(repr, EthernetViewMut.over(out));
  out.set(payload, 14);
  return out;
}

function ipv4(src: number, dst: number, protocol: number, payload: Uint8Array, ident: number): Uint8Array {
  const repr: Ipv4Repr = {
    src, dst, protocol, payloadLen: payload.length, ttl: 64, dscp: 0, ecn: 0, ident,
    dontFrag: true, moreFrags: false, fragOffset: 0, options: new Uint8Array(0),
  };
  const out = new Uint8Array(Ipv4Repr.bufferLen(repr));
  Ipv4Repr.emit(repr, Ipv4ViewMut.over(out));
  out.set(payload, Ipv4Repr.headerLen(repr));
  return out;
}

/** UDP with its checksum, or 0 (as the fabric's outer UDP) without `pseudo`. */
function udp(sport: number, dport: number, payload: Uint8Array, pseudo?: { src: number; dst: number }): Uint8Array {
  const repr: UdpRepr = { srcPort: sport, dstPort: dport };
  const out = new Uint8Array(UdpRepr.bufferLen(repr, payload.length));
  UdpRepr.emit(repr, UdpViewMut.over(out), payload, pseudo);
  return out;
}

let ident = 0x100;

/** Restarts the running IPv4 identification, so a rebuilt scenario has the same bytes. */
export function resetFrameIds(): void {
  ident = 0x100;
}

/** Ethernet/IPv4/UDP between two guests, with `size` payload bytes. */
export function udpFrame(src: string, dst: string, sport: number, dport: number, size = 32): Uint8Array {
  const s = ip(src);
  const d = ip(dst);
  const payload = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);
  return ether(MAC.guestB, MAC.guestA, EtherType.ipv4, ipv4(s, d, 17, udp(sport, dport, payload, { src: s, dst: d }), ident++));
}

/** Ethernet/IPv4/ICMP echo request between two guests. */
export function pingFrame(src: string, dst: string, seqNo: number): Uint8Array {
  const repr: Icmpv4Repr = { kind: 'echoRequest', ident: 0x77, seqNo, data: Uint8Array.from({ length: 48 }, (_, i) => i) };
  const icmp = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(icmp));
  return ether(MAC.guestB, MAC.guestA, EtherType.ipv4, ipv4(ip(src), ip(dst), 1, icmp, ident++));
}

/** The fabric's encapsulation of `inner` between two hosts' underlay addresses. */
export function geneveFrame(inner: Uint8Array, outerSrc: string, outerDst: string, vni: number): Uint8Array {
  const options = underlayOptions({ srcEni: 0x0123456789abcdefn, dstEni: 0x0fedcba987654321n, mappingVersion: 7 });
  const repr: GeneveRepr = { vni, protocolType: EtherType.teb, oam: false, critical: false, options };
  const gen = new Uint8Array(GeneveRepr.bufferLen(repr, inner.length));
  GeneveRepr.emit(repr, GeneveViewMut.over(gen));
  gen.set(inner, GeneveRepr.headerLen(repr));
  return ether(MAC.tor, MAC.cardA, EtherType.ipv4, ipv4(ip(outerSrc), ip(outerDst), 17, udp(50000, GENEVE_UDP_PORT, gen), ident++));
}
