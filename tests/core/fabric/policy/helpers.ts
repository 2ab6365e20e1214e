/**
 * Test helpers for the policy tests: flow keys written as `tcp('10.0.1.5:40000', '10.0.2.10:22')`,
 * real IPv4 packets built with the wire codecs and read back with `readFlow` (so the filters are
 * also exercised on keys that came from bytes), and resolved topology pieces from small documents.
 */
import { expect } from 'vitest';
import { parseCidr, parseIpv4, type Ipv4 } from '../../../../core/base/addr.ts';
import { newFlowKey, readFlow, type FlowKey } from '../../../../core/fabric/flow.ts';
import { loadTopology, type ResolvedTopology } from '../../../../core/topology/index.ts';
import type { ResolvedSecurityGroup, ResolvedSecurityGroupRule, RulePeer, TrafficMatch } from '../../../../core/topology/resolved.ts';
import { Icmpv4Repr, Icmpv4ViewMut, type Icmpv4Repr as Icmp } from '../../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../../core/wire/ipv4.ts';
import { TcpRepr, TcpViewMut } from '../../../../core/wire/tcp.ts';
import { UdpRepr, UdpViewMut } from '../../../../core/wire/udp.ts';

export function ip(text: string): Ipv4 {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad address ${text}`);
  return v;
}

function endpoint(text: string): [Ipv4, number] {
  const [addr, port] = text.split(':');
  return [ip(addr), port === undefined ? 0 : Number(port)];
}

function key(protocol: number, src: string, dst: string): FlowKey {
  const k = newFlowKey();
  const [s, sp] = endpoint(src);
  const [d, dp] = endpoint(dst);
  Object.assign(k, { protocol, src: s, dst: d, srcPort: sp, dstPort: dp, ipHeaderLength: 20, ipLength: 40, ttl: 64 });
  return k;
}

/** A TCP flow key between `a.b.c.d:port` endpoints. */
export const tcp = (src: string, dst: string): FlowKey => key(6, src, dst);
export const udp = (src: string, dst: string): FlowKey => key(17, src, dst);
/** ICMP: echo request is type 8, reply 0; `id` is the echo identifier. */
export function icmp(src: string, dst: string, type: number, code = 0, id = 0): FlowKey {
  const k = key(1, src, dst);
  k.icmpType = type;
  k.icmpCode = code;
  k.icmpId = type === 0 || type === 8 ? id : 0;
  return k;
}
export const otherProtocol = (protocol: number, src: string, dst: string): FlowKey => key(protocol, src, dst);

/** The same flow seen the other way round. */
export function reversed(f: FlowKey): FlowKey {
  const k = { ...f, src: f.dst, dst: f.src, srcPort: f.dstPort, dstPort: f.srcPort };
  if (f.protocol === 1 && (f.icmpType === 8 || f.icmpType === 0)) k.icmpType = 8 - f.icmpType;
  return k;
}

/** A copy marked as a non-first fragment: readFlow leaves ports and ICMP type unknown for those. */
export function laterFragment(f: FlowKey): FlowKey {
  return { ...f, fragment: 'later', srcPort: 0, dstPort: 0, icmpType: -1, icmpCode: -1, icmpId: 0 };
}

// ---- real bytes -----------------------------------------------------------------------------------

function ipv4(src: Ipv4, dst: Ipv4, protocol: number, payload: Uint8Array, fragOffset = 0, moreFrags = false): Uint8Array {
  const repr: Ipv4Repr = {
    src, dst, protocol, payloadLen: payload.length, ttl: 64, dscp: 0, ecn: 0, ident: 7,
    dontFrag: fragOffset === 0 && !moreFrags, moreFrags, fragOffset, options: new Uint8Array(0),
  };
  const out = new Uint8Array(Ipv4Repr.bufferLen(repr));
  Ipv4Repr.emit(repr, Ipv4ViewMut.over(out));
  out.set(payload, Ipv4Repr.headerLen(repr));
  return out;
}

export function tcpPacket(src: string, dst: string, flags: number): Uint8Array {
  const [s, sp] = endpoint(src);
  const [d, dp] = endpoint(dst);
  const repr: TcpRepr = { srcPort: sp, dstPort: dp, seq: 1000, ack: 0, flags, window: 65535, urgent: 0, options: [] };
  const seg = new Uint8Array(TcpRepr.bufferLen(repr, 0));
  TcpRepr.emit(repr, TcpViewMut.over(seg), new Uint8Array(0), { src: s, dst: d });
  return ipv4(s, d, 6, seg);
}

export function udpPacket(src: string, dst: string, size = 16): Uint8Array {
  const [s, sp] = endpoint(src);
  const [d, dp] = endpoint(dst);
  const payload = new Uint8Array(size);
  const dgram = new Uint8Array(UdpRepr.bufferLen({ srcPort: sp, dstPort: dp }, size));
  UdpRepr.emit({ srcPort: sp, dstPort: dp }, UdpViewMut.over(dgram), payload, { src: s, dst: d });
  return ipv4(s, d, 17, dgram);
}

export function echoPacket(src: string, dst: string, kind: 'echoRequest' | 'echoReply', ident: number): Uint8Array {
  const repr: Icmp = { kind, ident, seqNo: 1, data: new Uint8Array(8) };
  const msg = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(msg));
  return ipv4(ip(src), ip(dst), 1, msg);
}

/** A non-first fragment of a UDP datagram: 8-byte-aligned offset, no transport header. */
export function laterFragmentPacket(src: string, dst: string, protocol: number): Uint8Array {
  return ipv4(ip(src), ip(dst), protocol, new Uint8Array(16), 1480);
}

/** The flow key read from a packet's bytes, as the Nitro card reads it. */
export function flowOf(bytes: Uint8Array): FlowKey {
  const k = newFlowKey();
  expect(readFlow(bytes, 0, k)).toBe(true);
  return k;
}

/** The TCP flags byte of an IPv4/TCP packet: what a caller passes to the firewall. */
export function tcpFlagsOf(bytes: Uint8Array): number {
  return bytes[(bytes[0] & 0x0f) * 4 + 13];
}

// ---- topology pieces ------------------------------------------------------------------------------

export function resolvedTopology(text: string): ResolvedTopology {
  const r = loadTopology(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.topology!;
}

const ALL: TrafficMatch = { protocol: 'all', fromPort: 0, toPort: 65535, icmpType: -1, icmpCode: -1 };

/** A traffic match by hand: `traffic('tcp', 22)`, `traffic('udp', 1024, 65535)`, `traffic('icmp', -1, -1, 8, 0)`. */
export function traffic(protocol: TrafficMatch['protocol'], fromPort = 0, toPort = fromPort === 0 ? 65535 : fromPort, icmpType = -1, icmpCode = -1): TrafficMatch {
  if (protocol === 'all') return ALL;
  if (protocol === 'icmp') return { protocol, fromPort: 0, toPort: 65535, icmpType, icmpCode };
  return { protocol, fromPort, toPort, icmpType: -1, icmpCode: -1 };
}

export function cidrPeer(text: string): RulePeer {
  const c = parseCidr(text);
  if (c === null) throw new Error(`bad cidr ${text}`);
  return { kind: 'cidr', cidr: c };
}

export const groupPeer = (group: string): RulePeer => ({ kind: 'group', group });

export function rule(match: TrafficMatch, peer: RulePeer): ResolvedSecurityGroupRule {
  return { ...match, peer, origin: null };
}

export function group(name: string, inbound: ResolvedSecurityGroupRule[], outbound: ResolvedSecurityGroupRule[] = [rule(ALL, cidrPeer('0.0.0.0/0'))]): ResolvedSecurityGroup {
  return { name, vpc: 'prod', isDefault: false, inbound, outbound, origin: ['securityGroups', name] };
}
