/**
 * The packet layer's acceptance capture: one pcapng of a few hundred frames over several
 * interfaces that exercises every protocol Underlay dissects, built with the wire codecs (through
 * the per-protocol builders of tests/core/dissect) and written with our own PcapngWriter.
 */
import { collectingSink } from '../../core/pcap/byte-sink.ts';
import { PcapngWriter } from '../../core/pcap/pcapng-writer.ts';
import type { FrameRecord } from '../../core/dissect/frame-record.ts';
import { ArpRepr, ArpViewMut } from '../../core/wire/arp.ts';
import { EtherType } from '../../core/wire/ethernet.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../core/wire/ipv4.ts';
import { GENEVE_UDP_PORT, gwlbOptions, underlayOptions } from '../../core/wire/geneve.ts';
import { VXLAN_UDP_PORT } from '../../core/wire/vxlan.ts';
import { ESP_NULL_SHA1_96 } from '../../core/wire/esp.ts';
import { DnsClass, DnsType, dnsQuery, type DnsRepr } from '../../core/wire/dns.ts';
import { awsVpceTlv, ProxyV2Command, ProxyV2Protocol } from '../../core/wire/proxy-v2.ts';
import type { TcpOption } from '../../core/wire/tcp.ts';
import { tcpSegment } from '../core/dissect/tcp-frames.ts';
import { ascii, dns, esp, ether, geneve, http, icmpEcho, ip, ipv4, MAC, proxyV2, udp, vlan, vxlan } from '../core/dissect/tunnel-frames.ts';

/** A capture point: one pcapng IDB. */
export interface OracleInterface {
  readonly name: string;
  readonly description: string;
  readonly linkType: number;
}

export const INTERFACES: readonly OracleInterface[] = [
  { name: 'underlay0', description: 'fabric underlay (hypervisor uplinks)', linkType: 1 },
  { name: 'vpc-a/eni-1', description: 'VPC A access port (802.1Q trunk)', linkType: 1 },
  { name: 'eni-raw0', description: 'decapsulated inner packets', linkType: 101 },
  { name: 'gwlb0', description: 'gateway load balancer side', linkType: 1 },
];
const IF = { underlay: 0, access: 1, raw: 2, gwlb: 3 } as const;

export interface PacketFrame {
  /** What the frame is, for messages. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly iface: number;
  readonly comments?: string[];
  /** epb_flags (direction in bits 0-1). */
  readonly flags?: number;
}

const F = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

const SYN_OPTIONS: TcpOption[] = [
  { kind: 'mss', value: 8961 },
  { kind: 'sack-permitted' },
  { kind: 'timestamps', tsval: 1000, tsecr: 0 },
  { kind: 'nop' },
  { kind: 'wscale', shift: 7 },
];
const ts = (tsval: number, tsecr: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval, tsecr }];

let ident = 0x100;

/** An IPv4 packet with a running identification, so every datagram differs. */
function ipPacket(src: number, dst: number, protocol: number, payload: Uint8Array, ttl = 64): Uint8Array {
  ident = (ident + 7) & 0xffff;
  return ipv4(src, dst, protocol, payload, { ident, ttl });
}

/**
 * One TCP conversation as IPv4 packets (no link layer), so the caller can put it on Ethernet, in
 * Geneve, in GWLB's Geneve or on a raw-IP interface. Sequence numbers run as real stacks run them.
 */
class Flow {
  private next = { c: 0, s: 0 };
  private clock = 0;
  constructor(
    readonly client: number,
    readonly server: number,
    readonly cport: number,
    readonly sport: number,
    cIsn: number,
    sIsn: number,
  ) {
    this.next = { c: cIsn >>> 0, s: sIsn >>> 0 };
  }

  pkt(dir: 'c' | 's', flags: number, o: { payload?: Uint8Array; options?: TcpOption[]; window?: number } = {}): Uint8Array {
    const c = dir === 'c';
    const peer = c ? 's' : 'c';
    const payload = o.payload ?? new Uint8Array(0);
    const seq = this.next[dir];
    const seg = tcpSegment({
      src: c ? this.client : this.server,
      dst: c ? this.server : this.client,
      sport: c ? this.cport : this.sport,
      dport: c ? this.sport : this.cport,
      seq,
      ack: flags & F.ack ? this.next[peer] : 0,
      flags,
      window: o.window ?? (flags & F.syn ? 64240 : 502),
      options: o.options ?? (flags & F.syn ? [] : ts(2000 + ++this.clock, 1000 + this.clock)),
      payload,
    });
    this.next[dir] = (seq + payload.length + (flags & (F.syn | F.fin) ? 1 : 0)) >>> 0;
    return ipPacket(c ? this.client : this.server, c ? this.server : this.client, 6, seg);
  }

  /** Handshake with options, data both ways (one ACK carries a SACK block), FIN both ways. */
  conversation(request: Uint8Array, response: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    out.push(this.pkt('c', F.syn, { options: SYN_OPTIONS }));
    out.push(this.pkt('s', F.syn | F.ack, { options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', tsval: 5000, tsecr: 1000 }, { kind: 'nop' }, { kind: 'wscale', shift: 9 }], window: 65160 }));
    out.push(this.pkt('c', F.ack));
    out.push(this.pkt('c', F.psh | F.ack, { payload: request }));
    out.push(this.pkt('s', F.ack));
    out.push(this.pkt('s', F.psh | F.ack, { payload: response }));
    // A SACK block for data beyond what was acknowledged (a later segment that arrived early).
    const sackFrom = (this.next.s + 100) >>> 0;
    out.push(this.pkt('c', F.ack, { options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[sackFrom, (sackFrom + 50) >>> 0]] }] }));
    out.push(this.pkt('c', F.fin | F.ack));
    out.push(this.pkt('s', F.fin | F.ack));
    out.push(this.pkt('c', F.ack));
    return out;
  }
}

function ethIp(packet: Uint8Array, src: number = MAC.host1, dst: number = MAC.tor): Uint8Array {
  return ether(dst, src, EtherType.ipv4, packet);
}

/** Ethernet/IPv4/UDP between two hypervisors. */
function underlayUdp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const s = ip(src);
  const d = ip(dst);
  return ethIp(ipPacket(s, d, 17, udp(s, d, sport, dport, payload)));
}

function icmpMessage(repr: Icmpv4Repr): Uint8Array {
  const b = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(b));
  return b;
}

function arpPacket(operation: number, senderMac: number, senderIp: string, targetMac: number, targetIp: string): Uint8Array {
  const b = new Uint8Array(28);
  ArpRepr.emit({ operation, senderMac, senderIp: ip(senderIp), targetMac, targetIp: ip(targetIp) }, ArpViewMut.over(b));
  return b;
}

function ipRepr(src: string, dst: string, protocol: number, payloadLen: number, extra: Partial<Ipv4Repr> = {}): Ipv4Repr {
  return {
    src: ip(src),
    dst: ip(dst),
    protocol,
    ttl: 64,
    dscp: 0,
    ecn: 0,
    ident: 0x4242,
    dontFrag: false,
    moreFrags: false,
    fragOffset: 0,
    options: new Uint8Array(0),
    ...extra,
    payloadLen,
  };
}

function ipFromRepr(repr: Ipv4Repr, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(Ipv4Repr.bufferLen(repr));
  const view = Ipv4ViewMut.over(b);
  Ipv4Repr.emit(repr, view);
  view.payloadMut.set(payload);
  return b;
}

const seqBytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

function httpGet(host: string, path: string): Uint8Array {
  return http({ kind: 'request', method: 'GET', target: path, version: 'HTTP/1.1', headers: [
    { name: 'Host', value: host },
    { name: 'User-Agent', value: 'curl/8.0' },
    { name: 'Accept', value: '*/*' },
  ] });
}

function httpOk(status: number, reason: string, body: string): Uint8Array {
  const b = ascii(body);
  return http({ kind: 'response', version: 'HTTP/1.1', status, reason, headers: [
    { name: 'Content-Type', value: 'text/plain' },
    { name: 'Content-Length', value: String(b.length) },
  ] }, b);
}

/** Every frame of the capture, in order. */
export function packetFrames(): PacketFrame[] {
  ident = 0x100;
  const out: PacketFrame[] = [];
  const add = (name: string, bytes: Uint8Array, iface: number, extra: { comments?: string[]; flags?: number } = {}) =>
    out.push({ name, bytes, iface, ...extra });

  // ---- ARP on the access port, a broadcast request and its reply ----
  for (let k = 0; k < 2; k++) {
    const host = `10.1.0.${10 + k}`;
    add(`arp-request-${k}`, ether(0xffffffffffff, MAC.eniA, EtherType.arp, arpPacket(1, MAC.eniA, '10.1.0.1', 0, host)), IF.access, { flags: 2 });
    add(`arp-reply-${k}`, ether(MAC.eniA, MAC.eniB + k, EtherType.arp, arpPacket(2, MAC.eniB + k, host, MAC.eniA, '10.1.0.1')), IF.access, { flags: 1 });
  }

  // ---- Geneve with Underlay options: ENI-to-ENI TCP conversations (inner Ethernet) ----
  for (let k = 0; k < 6; k++) {
    const flow = new Flow(ip(`10.0.1.${10 + k}`), ip('10.0.2.20'), 40000 + k, k % 2 ? 8443 : 7777, 1000 * (k + 1), 900000 * (k + 1));
    const packets = flow.conversation(ascii(`request ${k} `.repeat(8)), ascii(`response ${k} `.repeat(20)));
    const vni = 0x0a0b00 + k;
    packets.forEach((p, j) => {
      const fromClient = j !== 1 && j !== 4 && j !== 5 && j !== 8;
      const inner = fromClient ? ether(MAC.eniB, MAC.eniA, EtherType.ipv4, p) : ether(MAC.eniA, MAC.eniB, EtherType.ipv4, p);
      const opts = underlayOptions({ srcEni: 0x0123456789abcd00n + BigInt(k), dstEni: 0x0fedcba987654300n + BigInt(k), mappingVersion: 40 + k });
      const [hs, hd] = fromClient ? ['10.200.1.11', '10.200.2.22'] : ['10.200.2.22', '10.200.1.11'];
      add(`geneve-underlay-${k}-${j}`, underlayUdp(hs, hd, 49152 + k * 16 + (fromClient ? 0 : 1), GENEVE_UDP_PORT, geneve(vni, EtherType.teb, opts, inner)), IF.underlay, {
        flags: fromClient ? 2 : 1,
        comments: j === 0 ? [`underlay flow ${k} starts`] : undefined,
      });
    });
  }

  // ---- Geneve with GWLB options (class 0x0108) and inner bare IPv4 ----
  for (let k = 0; k < 3; k++) {
    const flow = new Flow(ip(`172.31.0.${10 + k}`), ip('198.51.100.7'), 51515 + k, 80, 77 + k, 0x7fff0000 + k);
    const packets = flow.conversation(httpGet('shop.example', `/gwlb/${k}`), httpOk(200, 'OK', `inspected ${k}\n`));
    packets.forEach((p, j) => {
      const opts = gwlbOptions({ endpointId: 0x08d2bf15fac5001cn + BigInt(k), attachmentId: 0xdeadbeefn, flowCookie: 0x8badf00d + k });
      add(`geneve-gwlb-${k}-${j}`, underlayUdp('10.200.9.9', `10.200.3.${30 + k}`, 60001 + k, GENEVE_UDP_PORT, geneve(0, EtherType.ipv4, opts, p)), IF.gwlb, {
        comments: j === 0 ? ['gwlb inspected flow'] : undefined,
      });
    });
  }

  // ---- Plain HTTP over TCP on the underlay ----
  for (let k = 0; k < 2; k++) {
    const flow = new Flow(ip('10.0.1.10'), ip(`10.0.3.${30 + k}`), 41000 + k, 80, 0x10000 * (k + 3), 0x20000 * (k + 5));
    const packets = flow.conversation(httpGet('web.internal', k ? '/api/items?id=7' : '/'), httpOk(k ? 404 : 200, k ? 'Not Found' : 'OK', k ? 'nothing here\n' : '<html>hello</html>\n'));
    packets.forEach((p, j) => add(`http-${k}-${j}`, ethIp(p), IF.underlay));
  }

  // ---- PROXY protocol v2 in front of an HTTP request (port 7777, found by heuristic) ----
  {
    const flow = new Flow(ip('10.0.5.5'), ip('10.0.3.35'), 42000, 7777, 5555, 6666);
    const proxy = proxyV2({
      command: ProxyV2Command.proxy,
      protocol: ProxyV2Protocol.stream,
      src: ip('198.51.100.20'),
      dst: ip('10.0.3.35'),
      srcPort: 55123,
      dstPort: 80,
      tlvs: [awsVpceTlv('vpce-08d2bf15fac5001c9'), { type: 0x04, value: new Uint8Array(3) }],
    });
    const pkts = [flow.pkt('c', F.syn, { options: SYN_OPTIONS }), flow.pkt('s', F.syn | F.ack, { options: [{ kind: 'mss', value: 1460 }] }), flow.pkt('c', F.ack)];
    pkts.push(flow.pkt('c', F.psh | F.ack, { payload: proxy }));
    pkts.push(flow.pkt('s', F.ack));
    pkts.forEach((p, j) => add(`proxy-${j}`, ethIp(p), IF.underlay, j === 3 ? { comments: ['nlb proxy v2 header'] } : {}));
  }

  // ---- DNS queries and responses ----
  const names = ['www.web.internal', 'db.web.internal', 'api.example.test', 'cache.web.internal', 'x.internal'];
  names.forEach((name, k) => {
    const id = 0x1200 + k;
    const query = dnsQuery(id, name);
    const response: DnsRepr = {
      ...query,
      response: true,
      recursionAvailable: true,
      rcode: k === 4 ? 3 : 0,
      answers: k === 4 ? [] : [
        ...(k === 0 ? [{ name, class: DnsClass.in, ttl: 300, data: { kind: 'cname' as const, cname: 'web.internal' } }] : []),
        { name: k === 0 ? 'web.internal' : name, class: DnsClass.in, ttl: 60, data: { kind: 'a' as const, address: ip(`10.0.1.${50 + k}`) } },
        ...(k === 2 ? [{ name, class: DnsClass.in, ttl: 60, data: { kind: 'a' as const, address: ip('10.0.1.99') } }] : []),
      ],
    };
    add(`dns-query-${k}`, underlayUdp('10.0.1.10', '10.0.0.2', 53000 + k, 53, dns(query)), IF.underlay);
    add(`dns-response-${k}`, underlayUdp('10.0.0.2', '10.0.1.10', 53, 53000 + k, dns(response)), IF.underlay);
  });
  add('dns-query-aaaa', underlayUdp('10.0.1.10', '10.0.0.2', 53010, 53, dns(dnsQuery(0x1300, 'v6.web.internal', DnsType.aaaa))), IF.underlay);

  // ---- VXLAN: inner Ethernet carrying ICMP echo and UDP ----
  for (let k = 0; k < 6; k++) {
    const vni = k < 3 ? 5001 : 42;
    const req = ipPacket(ip('10.1.0.1'), ip(`10.1.0.${2 + k}`), 1, icmpEcho(0x77, k + 1, ascii(`vxlan-ping-${k}-0123456789`)));
    add(`vxlan-icmp-${k}`, underlayUdp('10.200.1.11', '10.200.2.22', 53003, VXLAN_UDP_PORT, vxlan(vni, ether(MAC.eniB, MAC.eniA, EtherType.ipv4, req))), IF.underlay);
    const s = ip(`10.1.0.${2 + k}`);
    const d = ip('10.1.0.1');
    const u = ipPacket(s, d, 17, udp(s, d, 30000 + k, 9999, ascii(`vxlan udp payload ${k}`)));
    add(`vxlan-udp-${k}`, underlayUdp('10.200.2.22', '10.200.1.11', 53004, VXLAN_UDP_PORT, vxlan(vni, ether(MAC.eniA, MAC.eniB, EtherType.ipv4, u))), IF.underlay);
  }

  // ---- 802.1Q on the access port: ICMP echo pairs in VLAN 100 and 200, a tagged ARP ----
  for (let k = 0; k < 4; k++) {
    const vid = k % 2 ? 200 : 100;
    const a = ip('10.1.0.1');
    const b = ip(`10.1.${vid === 100 ? 0 : 1}.${20 + k}`);
    const data = seqBytes(32, k);
    add(`vlan-echo-request-${k}`, ether(MAC.eniB, MAC.eniA, EtherType.vlan, vlan(vid, k % 8, EtherType.ipv4, ipPacket(a, b, 1, icmpEcho(0x100 + k, k, data)))), IF.access, { flags: 2 });
    const reply = icmpMessage({ kind: 'echoReply', ident: 0x100 + k, seqNo: k, data });
    add(`vlan-echo-reply-${k}`, ether(MAC.eniA, MAC.eniB, EtherType.vlan, vlan(vid, k % 8, EtherType.ipv4, ipPacket(b, a, 1, reply))), IF.access, { flags: 1 });
  }
  add('vlan-arp', ether(0xffffffffffff, MAC.eniA, EtherType.vlan, vlan(300, 0, EtherType.arp, arpPacket(1, MAC.eniA, '10.3.0.1', 0, '10.3.0.2'))), IF.access);

  // ---- ICMP: echo pairs, fragmentation needed (next-hop MTU), time exceeded, port unreachable ----
  for (let k = 0; k < 3; k++) {
    const a = ip('10.0.1.10');
    const b = ip(`10.0.4.${k + 1}`);
    const data = seqBytes(48, 0x20);
    add(`echo-request-${k}`, ethIp(ipPacket(a, b, 1, icmpEcho(0x4000 + k, 1, data))), IF.underlay);
    add(`echo-reply-${k}`, ethIp(ipPacket(b, a, 1, icmpMessage({ kind: 'echoReply', ident: 0x4000 + k, seqNo: 1, data })), MAC.tor, MAC.host1), IF.underlay);
  }
  const quoted = (dst: string, ttl: number) => ipRepr('10.0.1.10', dst, 17, 1472, { dontFrag: true, ttl, ident: 0x4343 });
  const quotedUdp = udp(ip('10.0.1.10'), ip('192.168.1.9'), 40000, 33434, new Uint8Array(1464)).subarray(0, 8);
  const routerIp = (src: string, msg: Uint8Array) => ethIp(ipPacket(ip(src), ip('10.0.1.10'), 1, msg, 255), MAC.tor, MAC.host1);
  add('icmp-frag-needed-1400', routerIp('10.0.0.254', icmpMessage({ kind: 'dstUnreachable', code: 4, nextHopMtu: 1400, header: quoted('192.168.1.9', 63), data: quotedUdp })), IF.underlay, { comments: ['pmtu 1400'] });
  add('icmp-frag-needed-8901', routerIp('10.0.0.253', icmpMessage({ kind: 'dstUnreachable', code: 4, nextHopMtu: 8901, header: quoted('192.168.1.9', 62), data: quotedUdp })), IF.underlay);
  add('icmp-time-exceeded-1', routerIp('10.0.0.254', icmpMessage({ kind: 'timeExceeded', code: 0, header: quoted('192.168.1.9', 1), data: quotedUdp })), IF.underlay);
  add('icmp-time-exceeded-2', routerIp('10.0.9.1', icmpMessage({ kind: 'timeExceeded', code: 0, header: quoted('192.168.1.9', 1), data: quotedUdp })), IF.underlay);
  add('icmp-port-unreachable', routerIp('192.168.1.9', icmpMessage({ kind: 'dstUnreachable', code: 3, nextHopMtu: 0, header: quoted('192.168.1.9', 60), data: quotedUdp })), IF.underlay);

  // ---- IPv4 fragments: two UDP datagrams in three pieces each (tshark reassembles them) ----
  for (let k = 0; k < 2; k++) {
    const s = ip('10.0.1.10');
    const d = ip('10.0.2.20');
    const dgram = udp(s, d, 5000 + k, 6000, seqBytes(2992 - 8 * k, k));
    [0, 1480, 2960].forEach((off, j) => {
      const piece = dgram.subarray(off, Math.min(off + 1480, dgram.length));
      const repr = ipRepr('10.0.1.10', '10.0.2.20', 17, piece.length, { ident: 0xabc0 + k, moreFrags: j < 2, fragOffset: off });
      add(`fragment-${k}-${j}`, ethIp(ipFromRepr(repr, piece)), IF.underlay);
    });
  }

  // ---- ESP with NULL encryption, tunnel mode, two SAs ----
  for (let k = 0; k < 8; k++) {
    const spi = k % 2 ? 0x2002 : 0x1001;
    const inner = ipPacket(ip('192.168.10.5'), ip('192.168.20.6'), 6, tcpSegment({ src: ip('192.168.10.5'), dst: ip('192.168.20.6'), sport: 50000, dport: 22, seq: 1 + k, flags: F.ack, ack: 1 }));
    const [s, d] = k % 2 ? ['198.51.100.1', '203.0.113.1'] : ['203.0.113.1', '198.51.100.1'];
    add(`esp-${k}`, ethIp(ipPacket(ip(s), ip(d), 50, esp(spi, 1 + (k >> 1), ESP_NULL_SHA1_96, 4, inner))), IF.underlay);
  }

  // ---- LINKTYPE_RAW: decapsulated inner packets (TCP conversations and an echo pair) ----
  for (let k = 0; k < 2; k++) {
    const flow = new Flow(ip('192.168.50.10'), ip(`192.168.60.${20 + k}`), 45000 + k, 9000 + k, 0xfffff000 + k, 0x1000 * (k + 1));
    const packets = flow.conversation(ascii(`raw client ${k} `.repeat(4)), ascii(`raw server ${k} `.repeat(9)));
    packets.forEach((p, j) => add(`raw-tcp-${k}-${j}`, p, IF.raw, j === 0 ? { comments: ['decapsulated'] } : {}));
  }
  for (let k = 0; k < 3; k++) {
    const rawData = seqBytes(24 + 8 * k, 0x40);
    add(`raw-echo-request-${k}`, ipPacket(ip('192.168.50.10'), ip('192.168.60.1'), 1, icmpEcho(0x99, 7 + k, rawData)), IF.raw);
    add(`raw-echo-reply-${k}`, ipPacket(ip('192.168.60.1'), ip('192.168.50.10'), 1, icmpMessage({ kind: 'echoReply', ident: 0x99, seqNo: 7 + k, data: rawData })), IF.raw);
  }

  // ---- A plain UDP exchange on an unregistered port, and a TCP RST ----
  add('udp-plain', underlayUdp('10.0.1.10', '10.0.2.20', 45678, 7778, ascii('plain datagram')), IF.underlay);
  {
    const flow = new Flow(ip('10.0.1.10'), ip('10.0.2.21'), 45679, 7779, 31337, 0);
    add('tcp-syn-refused', ethIp(flow.pkt('c', F.syn, { options: [{ kind: 'mss', value: 1460 }] })), IF.underlay);
    add('tcp-rst', ethIp(flow.pkt('s', F.rst | F.ack, { options: [], window: 0 }), MAC.tor, MAC.host1), IF.underlay);
  }
  return out;
}

export const BASE_SEC = 1_700_000_000;

/** Frame i's time: 1.7e9 s plus a step that varies, so time deltas differ. */
function timeOf(i: number): { sec: number; nsec: number } {
  const ns = i * 1_000_000 + (i % 7) * 12_345;
  return { sec: BASE_SEC + Math.floor(ns / 1e9), nsec: ns % 1e9 };
}

/** The capture as a pcapng file written by our PcapngWriter. */
export function packetPcapng(frames: readonly PacketFrame[]): Uint8Array {
  const out = collectingSink();
  const w = new PcapngWriter(out.sink, { application: 'underlay packet oracle', comment: 'packet layer acceptance capture' });
  for (const itf of INTERFACES) w.addInterface({ linkType: itf.linkType, name: itf.name, description: itf.description });
  frames.forEach((f, i) => {
    const t = timeOf(i);
    w.writePacket(f.iface, t.sec, t.nsec, f.bytes, { flags: f.flags, comments: f.comments });
  });
  w.close();
  return out.bytes();
}

/** The records our engine sees for the same frames (what the pcapng reader would give). */
export function packetRecords(frames: readonly PacketFrame[]): FrameRecord[] {
  return frames.map((f, i) => {
    const t = timeOf(i);
    const itf = INTERFACES[f.iface];
    return {
      number: i + 1,
      bytes: f.bytes,
      originalLength: f.bytes.length,
      tsSec: t.sec,
      tsNsec: t.nsec,
      interfaceId: f.iface,
      linkType: itf.linkType,
      interfaceName: itf.name,
      interfaceDescription: itf.description,
      flags: f.flags,
      comments: f.comments,
    };
  });
}
