/**
 * Deterministic mixed fabric traffic for the packet benchmark (not a test).
 *
 * What a capture across an Underlay fabric looks like: mostly Ethernet/IPv4/UDP(6081)/Geneve with
 * Underlay's options (class 0xFFF1: src ENI, dst ENI, mapping version) around inner
 * Ethernet/IPv4/TCP conversations (handshake, request/response data, FIN close) over many flows and
 * VNIs; the same kind of traffic as ENIs see it after decapsulation (TCP and ICMP echo); DNS to the
 * VPC resolver; ARP; a little GWLB Geneve (class 0x0108 around bare IPv4); VXLAN; ESP.
 *
 * Speed: every flow slot's headers are emitted once with the wire Reprs (a few hundred templates);
 * a frame copies its template, patches ports, sequence numbers, idents and lengths, and recomputes
 * the checksums. Seeded with core/base/rng: the same (count, seed) gives the same bytes.
 *
 * Usage:
 *   generateFabricTraffic(1000, 7, (bytes, linkType, sec, nsec, comment, point) => …);
 *   writeFabricCapture('/tmp/fabric.pcapng', 1_000_000, 7);
 */
import { Rng } from '../../../core/base/rng.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../../../core/base/checksum.ts';
import { EthernetRepr, EthernetViewMut, EtherType } from '../../../core/wire/ethernet.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../core/wire/ipv4.ts';
import { UdpRepr, UdpViewMut } from '../../../core/wire/udp.ts';
import { TcpRepr, TcpViewMut, type TcpOption } from '../../../core/wire/tcp.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../core/wire/icmpv4.ts';
import { ArpRepr, ArpViewMut, ArpOperation } from '../../../core/wire/arp.ts';
import { GeneveRepr, GeneveViewMut, geneveHasCritical, gwlbOptions, underlayOptions, type GeneveOption } from '../../../core/wire/geneve.ts';
import { VxlanRepr, VxlanViewMut } from '../../../core/wire/vxlan.ts';
import { EspRepr, EspViewMut, ESP_AES_GCM_128 } from '../../../core/wire/esp.ts';
import { DnsRepr, DnsViewMut, DnsClass, DnsType, dnsQuery } from '../../../core/wire/dns.ts';
import { writeCaptureFile } from '../../../main/capture-file.ts';

/** bytes are valid only during the call (a reused buffer). `point` indexes FABRIC_CAPTURE_POINTS. */
export type FabricFrameCallback = (bytes: Uint8Array, linkType: number, tsSec: number, tsNsec: number, comment: string | undefined, point: number) => void;

export interface CapturePoint {
  readonly name: string;
  readonly description: string;
  readonly linkType: number;
}

const UNDERLAY_PORTS = 4;
const ENIS = 4;

/** Underlay ports first (Geneve/VXLAN/ESP/ARP), then ENIs (decapsulated traffic); all Ethernet. */
export const FABRIC_CAPTURE_POINTS: readonly CapturePoint[] = [
  ...Array.from({ length: UNDERLAY_PORTS }, (_, i) => ({ name: `host${i}/uplink0`, description: `underlay port of host ${i}`, linkType: 1 })),
  ...Array.from({ length: ENIS }, (_, i) => ({ name: `eni-0${(0xa0 + i).toString(16)}00000000000${i}`, description: `ENI ${i}`, linkType: 1 })),
];

// ---- templates ----

const TCP_SYN = 0x002;
const TCP_ACK = 0x010;
const TCP_PSH_ACK = 0x018;
const TCP_FIN_ACK = 0x011;
const TCP_SYN_ACK = 0x012;

/** Headers up to the L4 payload, with where to patch. */
interface Template {
  readonly bytes: Uint8Array;
  readonly outerIp: number;
  readonly outerUdp: number;
  /** The IPv4 header whose payload is the L4 segment (-1 for ARP). */
  readonly ip: number;
  readonly l4: number;
  /** 6 TCP, 17 UDP, 1 ICMP, 50 ESP (no checksum), 0 none. */
  readonly l4proto: number;
}

function ipv4Header(src: number, dst: number, protocol: number, payloadLen: number, ttl = 64): Uint8Array {
  const repr: Ipv4Repr = {
    src, dst, protocol, payloadLen, ttl, dscp: 0, ecn: 0, ident: 0, dontFrag: true, moreFrags: false, fragOffset: 0, options: new Uint8Array(0),
  };
  const out = new Uint8Array(Ipv4Repr.bufferLen(repr));
  Ipv4Repr.emit(repr, Ipv4ViewMut.over(out));
  return out.subarray(0, 20);
}

function ethHeader(dst: number, src: number, ethertype: number): Uint8Array {
  const out = new Uint8Array(14);
  EthernetRepr.emit({ dst, src, ethertype }, EthernetViewMut.over(out));
  return out;
}

function tcpHeader(src: number, dst: number, sport: number, dport: number, flags: number, options: readonly TcpOption[]): Uint8Array {
  const repr: TcpRepr = { srcPort: sport, dstPort: dport, seq: 0, ack: 0, flags, window: 64240, urgent: 0, options };
  const out = new Uint8Array(TcpRepr.bufferLen(repr, 0));
  TcpRepr.emit(repr, TcpViewMut.over(out), new Uint8Array(0), { src, dst });
  return out;
}

function udpHeader(src: number, dst: number, sport: number, dport: number): Uint8Array {
  const repr: UdpRepr = { srcPort: sport, dstPort: dport };
  const out = new Uint8Array(UdpRepr.bufferLen(repr, 0));
  UdpRepr.emit(repr, UdpViewMut.over(out), new Uint8Array(0), { src, dst });
  return out;
}

function geneveHeader(vni: number, protocolType: number, options: GeneveOption[]): Uint8Array {
  const repr: GeneveRepr = { vni, protocolType, oam: false, critical: geneveHasCritical(options), options };
  const out = new Uint8Array(GeneveRepr.bufferLen(repr, 0));
  GeneveRepr.emit(repr, GeneveViewMut.over(out));
  return out;
}

function vxlanHeader(vni: number): Uint8Array {
  const out = new Uint8Array(VxlanRepr.bufferLen({ vni }, 0));
  VxlanRepr.emit({ vni }, VxlanViewMut.over(out));
  return out;
}

function cat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An encapsulation around an inner L3 packet, from an underlay host to another. */
interface Encap {
  readonly kind: 'none' | 'geneve' | 'gwlb' | 'vxlan';
  readonly outerSrc: number;
  readonly outerDst: number;
  readonly outerSrcMac: number;
  readonly outerDstMac: number;
  readonly vni: number;
  readonly srcEni: bigint;
  readonly dstEni: bigint;
  readonly entropyPort: number;
}

/** Builds a template: [outer eth/ip/udp/tunnel] + [inner eth] + inner ip + l4 header. */
function buildTemplate(encap: Encap, innerSrcMac: number, innerDstMac: number, ipSrc: number, ipDst: number, l4proto: number, l4: Uint8Array): Template {
  const inner: Uint8Array[] = [];
  if (encap.kind !== 'gwlb') inner.push(ethHeader(innerDstMac, innerSrcMac, EtherType.ipv4));
  const innerIpAt = encap.kind === 'gwlb' ? 0 : 14;
  inner.push(ipv4Header(ipSrc, ipDst, l4proto, l4.length));
  inner.push(l4);
  const innerBytes = cat(inner);
  if (encap.kind === 'none') {
    return { bytes: innerBytes, outerIp: -1, outerUdp: -1, ip: innerIpAt, l4: innerIpAt + 20, l4proto };
  }
  let tunnel: Uint8Array;
  let port: number;
  if (encap.kind === 'vxlan') {
    tunnel = vxlanHeader(encap.vni);
    port = 4789;
  } else if (encap.kind === 'gwlb') {
    tunnel = geneveHeader(encap.vni, EtherType.ipv4, gwlbOptions({ endpointId: encap.srcEni, attachmentId: encap.dstEni, flowCookie: encap.entropyPort * 0x10001 }));
    port = 6081;
  } else {
    tunnel = geneveHeader(encap.vni, 0x6558, underlayOptions({ srcEni: encap.srcEni, dstEni: encap.dstEni, mappingVersion: 3 + (encap.vni % 5) }));
    port = 6081;
  }
  const outerEth = ethHeader(encap.outerDstMac, encap.outerSrcMac, EtherType.ipv4);
  const outerIp = ipv4Header(encap.outerSrc, encap.outerDst, 17, 8 + tunnel.length + innerBytes.length);
  const outerUdp = udpHeader(encap.outerSrc, encap.outerDst, encap.entropyPort, port);
  const bytes = cat([outerEth, outerIp, outerUdp, tunnel, innerBytes]);
  const base = 14 + 20 + 8 + tunnel.length;
  return { bytes, outerIp: 14, outerUdp: 34, ip: base + innerIpAt, l4: base + innerIpAt + 20, l4proto };
}

// ---- addresses ----

const VPCS = 8;
/** Inner addresses: VPC v has 10.v.0.0/16; VNI = v + 1 … v + 1 + 8k (several VNIs per VPC). */
function vpcHost(vpc: number, host: number): number {
  return ((10 << 24) | (vpc << 16) | host) >>> 0;
}
function underlayHost(i: number): number {
  return ((100 << 24) | (64 << 16) | (((i >> 8) & 0xff) << 8) | ((i & 0xff) + 1)) >>> 0;
}
function eniMac(vpc: number, host: number): number {
  return 0x020000000000 + vpc * 0x1000000 + host;
}
const TOR_MAC = 0x0a00000000fe;
function hostMac(i: number): number {
  return 0x0a0000000100 + i;
}
function eniId(vpc: number, host: number): bigint {
  return 0x0a1b2c3d00000000n + (BigInt(vpc) << 16n) + BigInt(host);
}

// ---- frame assembly into a reused buffer ----

const FILL = (() => {
  const b = new Uint8Array(2048);
  let x = 0x12345678;
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
})();

const out = new Uint8Array(4096);

/** Copies the template and `payloadLen` bytes of `payload` into `out`; returns the frame length. */
function place(t: Template, payload: Uint8Array, payloadLen: number): number {
  out.set(t.bytes, 0);
  const hdr = t.bytes.length;
  out.set(payload.subarray(0, payloadLen), hdr);
  return hdr + payloadLen;
}

function put16(at: number, v: number): void {
  out[at] = (v >>> 8) & 0xff;
  out[at + 1] = v & 0xff;
}
function put32(at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}
function ipChecksum(at: number): void {
  out[at + 10] = 0;
  out[at + 11] = 0;
  put16(at + 10, finishChecksum(sumWords(out, at, at + 20)));
}

/** Fixes lengths, idents and checksums of a placed frame; pads to 60 bytes. Returns the length. */
function finish(t: Template, len: number, ident: number, outerIdent: number): number {
  if (t.outerIp >= 0) {
    put16(t.outerIp + 2, len - t.outerIp);
    put16(t.outerIp + 4, outerIdent & 0xffff);
    ipChecksum(t.outerIp);
    put16(t.outerUdp + 4, len - t.outerUdp);
    put16(t.outerUdp + 6, 0); // tunnels commonly send a zero UDP checksum
  }
  if (t.ip >= 0) {
    put16(t.ip + 2, len - t.ip);
    put16(t.ip + 4, ident & 0xffff);
    ipChecksum(t.ip);
    const l4len = len - t.l4;
    if (t.l4proto === 6 || t.l4proto === 17) {
      if (t.l4proto === 17) put16(t.l4 + 4, l4len);
      const sumAt = t.l4 + (t.l4proto === 6 ? 16 : 6);
      out[sumAt] = 0;
      out[sumAt + 1] = 0;
      const src = ((out[t.ip + 12] << 24) | (out[t.ip + 13] << 16) | (out[t.ip + 14] << 8) | out[t.ip + 15]) >>> 0;
      const dst = ((out[t.ip + 16] << 24) | (out[t.ip + 17] << 16) | (out[t.ip + 18] << 8) | out[t.ip + 19]) >>> 0;
      let sum = finishChecksum(sumWords(out, t.l4, len, pseudoHeaderSum(src, dst, t.l4proto, l4len)));
      if (t.l4proto === 17 && sum === 0) sum = 0xffff;
      put16(sumAt, sum);
    } else if (t.l4proto === 1) {
      out[t.l4 + 2] = 0;
      out[t.l4 + 3] = 0;
      put16(t.l4 + 2, finishChecksum(sumWords(out, t.l4, len)));
    }
  }
  if (len < 60) {
    out.fill(0, len, 60);
    len = 60;
  }
  return len;
}

// ---- traffic sources ----

interface Emitted {
  len: number;
  point: number;
  /** pcapng direction flags are not written; kept for the comment's hop. */
  hop: number;
}

/** One TCP conversation slot: handshake, request/response rounds, FIN close, then a new port. */
class TcpSlot {
  private readonly c2s: Template;
  private readonly s2c: Template;
  private readonly c2sSyn: Template;
  private readonly s2cSyn: Template;
  private step = 0;
  private rounds = 0;
  private seqC = 0;
  private seqS = 0;
  private identC = 0;
  private identS = 0;
  private sport: number;
  private reqLen = 0;
  private respLeft = 0;
  private readonly l4c: number;
  private readonly l4s: number;

  constructor(
    encapC2s: Encap,
    encapS2c: Encap,
    macC: number,
    macS: number,
    private readonly ipC: number,
    private readonly ipS: number,
    sport: number,
    private readonly dport: number,
    readonly point: number,
    readonly hop: number,
    private readonly rng: Rng,
  ) {
    this.sport = sport;
    const synOpts: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'wscale', shift: 7 }];
    this.c2s = buildTemplate(encapC2s, macC, macS, ipC, ipS, 6, tcpHeader(ipC, ipS, sport, dport, TCP_ACK, []));
    this.s2c = buildTemplate(encapS2c, macS, macC, ipS, ipC, 6, tcpHeader(ipS, ipC, dport, sport, TCP_ACK, []));
    this.c2sSyn = buildTemplate(encapC2s, macC, macS, ipC, ipS, 6, tcpHeader(ipC, ipS, sport, dport, TCP_SYN, synOpts));
    this.s2cSyn = buildTemplate(encapS2c, macS, macC, ipS, ipC, 6, tcpHeader(ipS, ipC, dport, sport, TCP_SYN_ACK, synOpts));
    this.l4c = this.c2s.l4;
    this.l4s = this.s2c.l4;
    this.restart();
  }

  private restart(): void {
    this.step = 0;
    this.rounds = 1 + this.rng.int(0, 4);
    this.seqC = this.rng.nextU32();
    this.seqS = this.rng.nextU32();
    this.identC = this.rng.int(0, 0x10000);
    this.identS = this.rng.int(0, 0x10000);
  }

  private seg(t: Template, fromClient: boolean, flags: number, payloadLen: number, win: number): number {
    let len = place(t, FILL, payloadLen);
    const l4 = t.l4;
    const sp = fromClient ? this.sport : this.dport;
    const dp = fromClient ? this.dport : this.sport;
    put16(l4, sp);
    put16(l4 + 2, dp);
    put32(l4 + 4, fromClient ? this.seqC : this.seqS);
    put32(l4 + 8, flags & TCP_ACK ? (fromClient ? this.seqS : this.seqC) : 0);
    out[l4 + 13] = flags & 0xff;
    put16(l4 + 14, win);
    const ident = fromClient ? this.identC++ : this.identS++;
    len = finish(t, len, ident, ident * 7 + this.sport);
    const adv = payloadLen + (flags & (TCP_SYN | 0x001) ? 1 : 0);
    if (fromClient) this.seqC = (this.seqC + adv) >>> 0;
    else this.seqS = (this.seqS + adv) >>> 0;
    return len;
  }

  next(): number {
    const rng = this.rng;
    void this.l4c;
    void this.l4s;
    switch (this.step) {
      case 0:
        this.step = 1;
        return this.seg(this.c2sSyn, true, TCP_SYN, 0, 64240);
      case 1:
        this.step = 2;
        return this.seg(this.s2cSyn, false, TCP_SYN_ACK, 0, 65160);
      case 2:
        this.step = 3;
        return this.seg(this.c2s, true, TCP_ACK, 0, 502);
      case 3: {
        // request
        this.reqLen = 24 + rng.int(0, 160);
        this.respLeft = rng.int(0, 4) === 0 ? 400 + rng.int(0, 700) : 40 + rng.int(0, 200);
        this.step = 4;
        return this.seg(this.c2s, true, TCP_PSH_ACK, this.reqLen, 502);
      }
      case 4: {
        // response segments, then the client's ACK
        const n = Math.min(this.respLeft, 480);
        this.respLeft -= n;
        if (this.respLeft === 0) this.step = 5;
        return this.seg(this.s2c, false, this.respLeft === 0 ? TCP_PSH_ACK : TCP_ACK, n, 509);
      }
      case 5:
        this.rounds--;
        this.step = this.rounds > 0 ? 3 : 6;
        return this.seg(this.c2s, true, TCP_ACK, 0, 502);
      case 6:
        this.step = 7;
        return this.seg(this.c2s, true, TCP_FIN_ACK, 0, 502);
      case 7:
        this.step = 8;
        return this.seg(this.s2c, false, TCP_FIN_ACK, 0, 509);
      default: {
        const len = this.seg(this.c2s, true, TCP_ACK, 0, 502);
        // The next conversation on this slot uses the next ephemeral port.
        this.sport = this.sport >= 65000 ? 32768 + (this.sport % 97) : this.sport + 7;
        this.restart();
        return len;
      }
    }
  }
}

/** ICMP echo request/reply pairs between two hosts. */
class IcmpSlot {
  private readonly req: Template;
  private readonly rep: Template;
  private seq = 0;
  private reply = false;
  private ident = 0;

  constructor(encapFwd: Encap, encapRev: Encap, macA: number, macB: number, ipA: number, ipB: number, private readonly icmpId: number, readonly point: number, readonly hop: number) {
    const data = FILL.subarray(0, 48);
    const mk = (kind: 'echoRequest' | 'echoReply') => {
      const repr: Icmpv4Repr = { kind, ident: icmpId, seqNo: 0, data };
      const b = new Uint8Array(Icmpv4Repr.bufferLen(repr));
      Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(b));
      return b;
    };
    this.req = buildTemplate(encapFwd, macA, macB, ipA, ipB, 1, mk('echoRequest'));
    this.rep = buildTemplate(encapRev, macB, macA, ipB, ipA, 1, mk('echoReply'));
  }

  next(): number {
    const t = this.reply ? this.rep : this.req;
    let len = place(t, FILL, 0);
    put16(t.l4 + 4, this.icmpId);
    put16(t.l4 + 6, this.seq);
    len = finish(t, len, this.ident++, this.ident * 13);
    if (this.reply) this.seq = (this.seq + 1) & 0xffff;
    this.reply = !this.reply;
    return len;
  }
}

const DNS_NAMES = ['db.internal', 'api.shop.internal', 'cache-0.redis.internal', 'ec2.us-east-1.amazonaws.com', 's3.amazonaws.com', 'metrics.internal'];

/** DNS query/response between an ENI and the VPC resolver (x.x.0.2). */
class DnsSlot {
  private readonly queries: Template[] = [];
  private readonly responses: Template[] = [];
  private which = 0;
  private reply = false;
  private id = 0;
  private sport: number;
  private ident = 0;

  constructor(macC: number, macR: number, ipC: number, ipR: number, sport: number, readonly point: number, private readonly rng: Rng) {
    this.sport = sport;
    const none: Encap = NO_ENCAP;
    for (const name of DNS_NAMES) {
      const q = dnsQuery(0, name, DnsType.a);
      const r: DnsRepr = {
        ...q,
        response: true,
        recursionAvailable: true,
        answers: [{ name, class: DnsClass.in, ttl: 60, data: { kind: 'a', address: vpcHost(1, 100 + name.length) } }],
      };
      const enc = (d: DnsRepr) => {
        const b = new Uint8Array(DnsRepr.bufferLen(d));
        DnsRepr.emit(d, DnsViewMut.over(b));
        return b;
      };
      this.queries.push(buildTemplate(none, macC, macR, ipC, ipR, 17, cat([udpHeader(ipC, ipR, sport, 53), enc(q)])));
      this.responses.push(buildTemplate(none, macR, macC, ipR, ipC, 17, cat([udpHeader(ipR, ipC, 53, sport), enc(r)])));
    }
  }

  next(): number {
    if (!this.reply) {
      this.which = this.rng.int(0, DNS_NAMES.length);
      this.id = this.rng.int(0, 0x10000);
      this.sport = 20000 + this.rng.int(0, 40000);
    }
    const t = this.reply ? this.responses[this.which] : this.queries[this.which];
    let len = place(t, FILL, 0);
    put16(t.l4 + (this.reply ? 2 : 0), this.sport);
    put16(t.l4 + 8, this.id);
    len = finish(t, len, this.ident++, 0);
    this.reply = !this.reply;
    return len;
  }
}

const NO_ENCAP: Encap = {
  kind: 'none', outerSrc: 0, outerDst: 0, outerSrcMac: 0, outerDstMac: 0, vni: 0, srcEni: 0n, dstEni: 0n, entropyPort: 0,
};

// ---- the generator ----

/**
 * Calls `onFrame` `count` times with deterministic frames (same count and seed ⇒ same bytes).
 * Timestamps advance 0–4 µs per frame from 2023-11-14.
 */
export function generateFabricTraffic(count: number, seed: number, onFrame: FabricFrameCallback): void {
  const rng = Rng.stream(seed, 'fabric-traffic');
  const hosts = 16;

  const encapFor = (kind: Encap['kind'], a: number, b: number, vni: number, srcEni: bigint, dstEni: bigint, flow: number): Encap => ({
    kind,
    outerSrc: underlayHost(a),
    outerDst: underlayHost(b),
    outerSrcMac: hostMac(a),
    outerDstMac: TOR_MAC,
    vni,
    srcEni,
    dstEni,
    entropyPort: 49152 + ((flow * 2654435761) >>> 20) % 16000,
  });

  const SERVER_PORTS = [443, 5432, 6379, 3306, 8443, 9092];

  // Geneve TCP between ENIs of one VPC on two hosts, seen at host a's underlay port.
  const geneveTcp: TcpSlot[] = [];
  for (let i = 0; i < 320; i++) {
    const vpc = i % VPCS;
    const vni = vpc + 1 + VPCS * (Math.floor(i / VPCS) % 4); // 32 VNIs; VNI 5 is VPC 4
    const hc = i % 250 + 5;
    const hs = (i * 7) % 250 + 5;
    const a = i % hosts;
    const b = (i * 5 + 3) % hosts === a ? (a + 1) % hosts : (i * 5 + 3) % hosts;
    const eC = eniId(vpc, hc);
    const eS = eniId(vpc, hs);
    geneveTcp.push(
      new TcpSlot(
        encapFor('geneve', a, b, vni, eC, eS, i),
        encapFor('geneve', b, a, vni, eS, eC, i),
        eniMac(vpc, hc), eniMac(vpc, hs), vpcHost(vpc, hc), vpcHost(vpc, hs),
        32768 + i * 101, SERVER_PORTS[i % SERVER_PORTS.length], a % UNDERLAY_PORTS, 2, rng,
      ),
    );
  }
  // Decapsulated TCP at the ENIs (VPC 1 is 10.1.0.0/16, so 10.1.0.5 appears here and above).
  const eniTcp: TcpSlot[] = [];
  for (let i = 0; i < 64; i++) {
    const vpc = 1 + (i % 2);
    const hc = 5 + (i % 6);
    const hs = 20 + (i % 9);
    eniTcp.push(
      new TcpSlot(NO_ENCAP, NO_ENCAP, eniMac(vpc, hc), eniMac(vpc, hs), vpcHost(vpc, hc), vpcHost(vpc, hs),
        40000 + i * 37, SERVER_PORTS[(i + 2) % SERVER_PORTS.length], UNDERLAY_PORTS + (i % ENIS), 3, rng),
    );
  }
  // GWLB: bare IPv4 inside Geneve class 0x0108, between the GWLB and appliances.
  const gwlbTcp: TcpSlot[] = [];
  for (let i = 0; i < 16; i++) {
    const vpc = 6;
    gwlbTcp.push(
      new TcpSlot(
        encapFor('gwlb', 14, 15, 0, 0x0a1b000000000000n + BigInt(i), 0x0c0d000000000000n + BigInt(i), 1000 + i),
        encapFor('gwlb', 15, 14, 0, 0x0a1b000000000000n + BigInt(i), 0x0c0d000000000000n + BigInt(i), 1000 + i),
        0, 0, vpcHost(vpc, 40 + i), ((203 << 24) | (0 << 16) | (113 << 8) | (10 + i)) >>> 0,
        50000 + i * 13, 443, 3, 1, rng,
      ),
    );
  }
  // VXLAN between legacy hosts.
  const vxlanTcp: TcpSlot[] = [];
  for (let i = 0; i < 16; i++) {
    const vpc = 7;
    vxlanTcp.push(
      new TcpSlot(
        encapFor('vxlan', 12, 13, 7000 + i, 0n, 0n, 2000 + i),
        encapFor('vxlan', 13, 12, 7000 + i, 0n, 0n, 2000 + i),
        eniMac(vpc, 60 + i), eniMac(vpc, 90 + i), vpcHost(vpc, 60 + i), vpcHost(vpc, 90 + i),
        45000 + i * 11, 8080 + (i % 2) * 363, 2, 1, rng,
      ),
    );
  }
  // ICMP echo: inside Geneve and at the ENIs.
  const icmp: IcmpSlot[] = [];
  for (let i = 0; i < 32; i++) {
    const vpc = i % VPCS;
    const vni = vpc + 1;
    const hA = 5 + (i % 3);
    const hB = 30 + i;
    if (i < 16) {
      const a = i % hosts;
      const b = (a + 5) % hosts;
      icmp.push(new IcmpSlot(
        encapFor('geneve', a, b, vni, eniId(vpc, hA), eniId(vpc, hB), 3000 + i),
        encapFor('geneve', b, a, vni, eniId(vpc, hB), eniId(vpc, hA), 3000 + i),
        eniMac(vpc, hA), eniMac(vpc, hB), vpcHost(vpc, hA), vpcHost(vpc, hB), 0x100 + i, a % UNDERLAY_PORTS, 2,
      ));
    } else {
      icmp.push(new IcmpSlot(NO_ENCAP, NO_ENCAP, eniMac(vpc, hA), eniMac(vpc, hB), vpcHost(vpc, hA), vpcHost(vpc, hB), 0x200 + i, UNDERLAY_PORTS + (i % ENIS), 3));
    }
  }
  // DNS from ENIs to the VPC resolver.
  const dns: DnsSlot[] = [];
  for (let i = 0; i < 8; i++) {
    const vpc = 1 + (i % 3);
    dns.push(new DnsSlot(eniMac(vpc, 5 + i), eniMac(vpc, 2), vpcHost(vpc, 5 + i), vpcHost(vpc, 2), 30000 + i, UNDERLAY_PORTS + (i % ENIS), rng));
  }
  // ARP on the underlay.
  const arp: Uint8Array[] = [];
  for (let i = 0; i < 8; i++) {
    const req: ArpRepr = { operation: ArpOperation.request, senderMac: hostMac(i), senderIp: underlayHost(i), targetMac: 0, targetIp: underlayHost(i + 8) };
    const rep: ArpRepr = { operation: ArpOperation.reply, senderMac: hostMac(i + 8), senderIp: underlayHost(i + 8), targetMac: hostMac(i), targetIp: underlayHost(i) };
    for (const [r, dst] of [[req, 0xffffffffffff], [rep, hostMac(i)]] as const) {
      const b = new Uint8Array(60);
      EthernetRepr.emit({ dst, src: r.senderMac, ethertype: EtherType.arp }, EthernetViewMut.over(b));
      ArpRepr.emit(r, ArpViewMut.over(b.subarray(14, 42)));
      arp.push(b);
    }
  }
  // ESP between two sites (opaque AES-GCM), patched sequence numbers.
  const esp: Template[] = [];
  const espSeq = new Uint32Array(8);
  for (let i = 0; i < 8; i++) {
    const plen = 64 + i * 24;
    const repr: EspRepr = {
      spi: 0xc0de0000 + i,
      sequence: 1,
      transform: ESP_AES_GCM_128,
      iv: FILL.slice(100, 108),
      payloadLength: plen,
      padLength: (4 - ((plen + 2) % 4)) % 4,
      nextHeader: 4,
      icv: FILL.slice(200, 216),
    };
    const body = new Uint8Array(EspRepr.bufferLen(repr));
    EspRepr.emit(repr, EspViewMut.over(body), FILL.subarray(300, 300 + plen));
    const bytes = cat([ethHeader(TOR_MAC, hostMac(i), EtherType.ipv4), ipv4Header(underlayHost(i), ((198 << 24) | (51 << 16) | (100 << 8) | (1 + i)) >>> 0, 50, body.length), body]);
    esp.push({ bytes, outerIp: -1, outerUdp: -1, ip: 14, l4: 34, l4proto: 50 });
  }

  let sec = 1_700_000_000;
  let nsec = 0;
  let trace = 1;
  const em: Emitted = { len: 0, point: 0, hop: 0 };
  for (let n = 0; n < count; n++) {
    const r = rng.nextU32() % 1000;
    if (r < 640) {
      const s = geneveTcp[rng.nextU32() % geneveTcp.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = s.hop;
    } else if (r < 800) {
      const s = eniTcp[rng.nextU32() % eniTcp.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = s.hop;
    } else if (r < 830) {
      const s = gwlbTcp[rng.nextU32() % gwlbTcp.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = s.hop;
    } else if (r < 860) {
      const s = vxlanTcp[rng.nextU32() % vxlanTcp.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = s.hop;
    } else if (r < 910) {
      const s = icmp[rng.nextU32() % icmp.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = s.hop;
    } else if (r < 960) {
      const s = dns[rng.nextU32() % dns.length];
      em.len = s.next();
      em.point = s.point;
      em.hop = 3;
    } else if (r < 975) {
      const b = arp[rng.nextU32() % arp.length];
      out.set(b, 0);
      em.len = 60;
      em.point = rng.nextU32() % UNDERLAY_PORTS;
      em.hop = 1;
    } else {
      const i = rng.nextU32() % esp.length;
      const t = esp[i];
      let len = place(t, FILL, 0);
      put32(t.l4 + 4, ++espSeq[i]);
      len = finish(t, len, espSeq[i], 0);
      em.len = len;
      em.point = i % UNDERLAY_PORTS;
      em.hop = 1;
    }
    nsec += rng.nextU32() % 4000;
    if (nsec >= 1_000_000_000) {
      nsec -= 1_000_000_000;
      sec++;
    }
    const v = rng.nextU32() % 200;
    const comment = `trace=${trace++} hop=${em.hop} verdict=${v === 0 ? 'drop reason=sg-deny' : 'forward'}`;
    onFrame(out.subarray(0, em.len), FABRIC_CAPTURE_POINTS[em.point].linkType, sec, nsec, comment, em.point);
  }
}

/** Streams `count` frames as a pcapng with one interface per capture point and a comment per frame. */
export function writeFabricCapture(path: string, count: number, seed: number): void {
  const w = writeCaptureFile(path, { application: 'underlay fabric-traffic', chunkSize: 4 << 20 });
  const ids = FABRIC_CAPTURE_POINTS.map((p) => w.addInterface({ linkType: p.linkType, name: p.name, description: p.description }));
  const comments: string[] = [''];
  const opts: { comments: string[] } = { comments };
  generateFabricTraffic(count, seed, (bytes, _lt, sec, nsec, comment, point) => {
    comments[0] = comment ?? '';
    w.writePacket(ids[point], sec, nsec, bytes, comment === undefined ? undefined : opts);
  });
  w.close();
}

// `npx tsx tests/bench/support/fabric-traffic.ts OUT.pcapng [count] [seed]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? '/tmp/fabric.pcapng';
  const count = Number(process.argv[3] ?? 1_000_000);
  const seed = Number(process.argv[4] ?? 7);
  const t0 = performance.now();
  writeFabricCapture(path, count, seed);
  const s = (performance.now() - t0) / 1000;
  console.log(`${count} frames to ${path} in ${s.toFixed(2)} s (${Math.round(count / s)} frames/s)`);
}
