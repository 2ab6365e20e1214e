/**
 * Frame builders for the tunnel and application protocol tests (Geneve, VXLAN, ESP, DNS, HTTP,
 * PROXY v2): every layer is made with the wire codecs, checksums filled, so tshark sees valid
 * frames.
 */
import { parseIpv4 } from '../../../core/base/addr.ts';
import { EthernetRepr, EthernetViewMut, EtherType } from '../../../core/wire/ethernet.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../core/wire/ipv4.ts';
import { UdpRepr, UdpViewMut } from '../../../core/wire/udp.ts';
import { TcpRepr, TcpViewMut } from '../../../core/wire/tcp.ts';
import { VlanRepr, VlanViewMut } from '../../../core/wire/vlan.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../core/wire/icmpv4.ts';
import { type GeneveOption, GeneveRepr, GeneveViewMut, geneveHasCritical, GENEVE_UDP_PORT } from '../../../core/wire/geneve.ts';
import { VxlanRepr, VxlanViewMut, VXLAN_UDP_PORT } from '../../../core/wire/vxlan.ts';
import { EspRepr, EspViewMut, type EspTransform, espIvLength, espIcvLength, espPadLength } from '../../../core/wire/esp.ts';
import { DnsRepr, DnsViewMut } from '../../../core/wire/dns.ts';
import { HttpRepr } from '../../../core/wire/http.ts';
import { ProxyV2Repr, ProxyV2ViewMut, fillCrc32c, Pp2Type } from '../../../core/wire/proxy-v2.ts';
import { GeneveClass, gwlbOptions, underlayOptions } from '../../../core/wire/geneve.ts';
import { ESP_AES_GCM_128, ESP_NULL_SHA1_96 } from '../../../core/wire/esp.ts';
import { DnsClass, DnsType, dnsQuery } from '../../../core/wire/dns.ts';
import { awsVpceTlv, ProxyV2Command, ProxyV2Protocol } from '../../../core/wire/proxy-v2.ts';

export function ip(text: string): number {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad address ${text}`);
  return v;
}

export const MAC = {
  host1: 0x0a0000000101,
  host2: 0x0a0000000102,
  tor: 0x0a00000000fe,
  eniA: 0x020000000a01,
  eniB: 0x020000000b02,
} as const;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function ether(dst: number, src: number, ethertype: number, payload: Uint8Array): Uint8Array {
  const repr: EthernetRepr = { dst, src, ethertype };
  const out = new Uint8Array(Math.max(60, EthernetRepr.bufferLen(repr, payload.length)));
  EthernetRepr.emit(repr, EthernetViewMut.over(out));
  out.set(payload, 14);
  return out;
}

export function vlan(vid: number, pcp: number, ethertype: number, payload: Uint8Array): Uint8Array {
  const repr: VlanRepr = { pcp, dei: false, vid, ethertype };
  const out = new Uint8Array(VlanRepr.bufferLen(repr, payload.length));
  VlanRepr.emit(repr, VlanViewMut.over(out));
  out.set(payload, 4);
  return out;
}

export interface Ipv4Opts {
  ident?: number;
  ttl?: number;
  dontFrag?: boolean;
}

export function ipv4(src: number, dst: number, protocol: number, payload: Uint8Array, o: Ipv4Opts = {}): Uint8Array {
  const repr: Ipv4Repr = {
    src,
    dst,
    protocol,
    payloadLen: payload.length,
    ttl: o.ttl ?? 64,
    dscp: 0,
    ecn: 0,
    ident: o.ident ?? 0x1234,
    dontFrag: o.dontFrag ?? true,
    moreFrags: false,
    fragOffset: 0,
    options: new Uint8Array(0),
  };
  const out = new Uint8Array(Ipv4Repr.bufferLen(repr));
  Ipv4Repr.emit(repr, Ipv4ViewMut.over(out));
  out.set(payload, Ipv4Repr.headerLen(repr));
  return out;
}

export function udp(src: number, dst: number, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const repr: UdpRepr = { srcPort: sport, dstPort: dport };
  const out = new Uint8Array(UdpRepr.bufferLen(repr, payload.length));
  UdpRepr.emit(repr, UdpViewMut.over(out), payload, { src, dst });
  return out;
}

export interface TcpOpts {
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
}

export const TCP_SYN = 0x002;
export const TCP_ACK = 0x010;
export const TCP_PSH_ACK = 0x018;

export function tcp(src: number, dst: number, sport: number, dport: number, payload: Uint8Array, o: TcpOpts = {}): Uint8Array {
  const repr: TcpRepr = {
    srcPort: sport,
    dstPort: dport,
    seq: o.seq ?? 1000,
    ack: o.ack ?? 0,
    flags: o.flags ?? (payload.length ? TCP_PSH_ACK : TCP_SYN),
    window: o.window ?? 64240,
    urgent: 0,
    options: [],
  };
  const out = new Uint8Array(TcpRepr.bufferLen(repr, payload.length));
  TcpRepr.emit(repr, TcpViewMut.over(out), payload, { src, dst });
  return out;
}

/** Ethernet/IPv4/UDP from A to B. */
export function udpFrame(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: Ipv4Opts = {}): Uint8Array {
  const s = ip(src);
  const d = ip(dst);
  return ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(s, d, 17, udp(s, d, sport, dport, payload), o));
}

/** Ethernet/IPv4/TCP from A to B. */
export function tcpFrame(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: TcpOpts & Ipv4Opts = {}): Uint8Array {
  const s = ip(src);
  const d = ip(dst);
  return ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(s, d, 6, tcp(s, d, sport, dport, payload, o), o));
}

/** Bare IPv4/TCP (GWLB's inner packet, ESP tunnel mode's inner packet). */
export function ipTcp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: TcpOpts & Ipv4Opts = {}): Uint8Array {
  const s = ip(src);
  const d = ip(dst);
  return ipv4(s, d, 6, tcp(s, d, sport, dport, payload, o), o);
}

export function icmpEcho(ident: number, seqNo: number, data: Uint8Array): Uint8Array {
  const repr: Icmpv4Repr = { kind: 'echoRequest', ident, seqNo, data };
  const out = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(out));
  return out;
}

export function geneve(vni: number, protocolType: number, options: GeneveOption[], payload: Uint8Array, oam = false): Uint8Array {
  const repr: GeneveRepr = { vni, protocolType, oam, critical: geneveHasCritical(options), options };
  const out = new Uint8Array(GeneveRepr.bufferLen(repr, payload.length));
  GeneveRepr.emit(repr, GeneveViewMut.over(out));
  out.set(payload, GeneveRepr.headerLen(repr));
  return out;
}

export function vxlan(vni: number, payload: Uint8Array): Uint8Array {
  const repr: VxlanRepr = { vni };
  const out = new Uint8Array(VxlanRepr.bufferLen(repr, payload.length));
  VxlanRepr.emit(repr, VxlanViewMut.over(out));
  out.set(payload, 8);
  return out;
}

export function esp(spi: number, sequence: number, transform: EspTransform, nextHeader: number, payload: Uint8Array, fill = 0xab): Uint8Array {
  const repr: EspRepr = {
    spi,
    sequence,
    transform,
    iv: new Uint8Array(espIvLength(transform)).fill(0x11),
    payloadLength: payload.length,
    padLength: espPadLength(payload.length),
    nextHeader,
    icv: new Uint8Array(espIcvLength(transform)).fill(fill),
  };
  const out = new Uint8Array(EspRepr.bufferLen(repr));
  EspRepr.emit(repr, EspViewMut.over(out), payload);
  return out;
}

export function dns(repr: DnsRepr): Uint8Array {
  const out = new Uint8Array(DnsRepr.bufferLen(repr));
  DnsRepr.emit(repr, DnsViewMut.over(out));
  return out;
}

export function http(repr: HttpRepr, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(HttpRepr.bufferLen(repr, body.length));
  HttpRepr.emit(repr, out, body);
  return out;
}

export function proxyV2(repr: ProxyV2Repr): Uint8Array {
  const out = new Uint8Array(ProxyV2Repr.bufferLen(repr));
  ProxyV2Repr.emit(repr, ProxyV2ViewMut.over(out));
  if (repr.tlvs.some((t) => t.type === Pp2Type.crc32c)) fillCrc32c(out);
  return out;
}

export { GENEVE_UDP_PORT, VXLAN_UDP_PORT };

// ---- the oracle capture: one frame per case, shared by the dissector tests and the Lua test ----


export interface OracleFrame {
  name: string;
  bytes: Uint8Array;
}

const HOST1 = '10.200.1.11';
const HOST2 = '10.200.2.22';

export const ENI_SRC = 0x0123456789abcdefn;
export const ENI_DST = 0x0fedcba987654321n;
export const GWLB_ENDPOINT = 0x08d2bf15fac5001cn;
export const GWLB_ATTACHMENT = 0x00000000deadbeefn;
export const GWLB_COOKIE = 0x8badf00d;

const HTML = ascii('<html><body>hello</body></html>\n');

export const dnsResponseRepr: DnsRepr = {
  ...dnsQuery(0x1234, 'www.web.internal'),
  response: true,
  recursionAvailable: true,
  answers: [
    { name: 'www.web.internal', class: DnsClass.in, ttl: 300, data: { kind: 'cname', cname: 'web.internal' } },
    { name: 'web.internal', class: DnsClass.in, ttl: 60, data: { kind: 'a', address: ip('10.0.1.5') } },
  ],
};

export function oracleFrames(): OracleFrame[] {
  const innerSyn = ether(MAC.eniB, MAC.eniA, EtherType.ipv4, ipTcp('10.0.1.10', '10.0.2.20', 40001, 443, new Uint8Array(0)));
  const innerSyn2 = ether(MAC.eniB, MAC.eniA, EtherType.ipv4, ipTcp('10.0.1.10', '10.0.2.20', 40002, 8443, new Uint8Array(0)));
  const gwlbInner = ipTcp('172.31.0.10', '198.51.100.7', 51515, 80, new Uint8Array(0), { seq: 77 });
  const unknownOpts: GeneveOption[] = [
    { optionClass: 0x0170, type: 0x05, data: Uint8Array.of(1, 2, 3, 4) },
    { optionClass: 0xff00, type: 0x81, data: new Uint8Array(0) },
    { optionClass: 0x0000, type: 0x7f, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1) },
  ];
  const tunnelInner = ipTcp('192.168.10.5', '10.0.2.20', 50000, 22, new Uint8Array(0));
  const transportTcp = tcp(ip('203.0.113.9'), ip('10.0.0.1'), 1234, 80, ascii('abc'));
  const httpReq = http(
    { kind: 'request', method: 'GET', target: '/', version: 'HTTP/1.1', headers: [
      { name: 'Host', value: 'web.internal' },
      { name: 'User-Agent', value: 'curl/8.0' },
      { name: 'Accept', value: '*/*' },
    ] },
  );
  const httpResp = http(
    { kind: 'response', version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [
      { name: 'Content-Type', value: 'text/html' },
      { name: 'Content-Length', value: String(HTML.length) },
    ] },
    HTML,
  );
  const proxy = proxyV2({
    command: ProxyV2Command.proxy,
    protocol: ProxyV2Protocol.stream,
    src: ip('198.51.100.20'),
    dst: ip('10.0.3.30'),
    srcPort: 55123,
    dstPort: 80,
    tlvs: [
      { type: 0x03, value: new Uint8Array(4) },
      awsVpceTlv('vpce-08d2bf15fac5001c9'),
      { type: 0x04, value: new Uint8Array(3) },
    ],
  });
  const truncated = udpFrame(HOST1, HOST2, 49152, GENEVE_UDP_PORT, geneve(7, EtherType.teb, underlayOptions({ srcEni: ENI_SRC, dstEni: ENI_DST, mappingVersion: 1 }), innerSyn)).subarray(0, 14 + 20 + 8 + 6);
  // The truncated frame's IP and UDP lengths still claim the whole datagram: rewrite them so the
  // frame is a complete (short) UDP datagram whose Geneve header is cut, not a capture snap.
  const cut = truncated.slice();
  new DataView(cut.buffer).setUint16(14 + 2, 20 + 8 + 6);
  new DataView(cut.buffer).setUint16(14 + 20 + 4, 8 + 6);
  fixChecksums(cut);
  return [
    {
      name: 'geneve-underlay',
      bytes: udpFrame(HOST1, HOST2, 52001, GENEVE_UDP_PORT, geneve(0x0a0b0c, EtherType.teb, underlayOptions({ srcEni: ENI_SRC, dstEni: ENI_DST, mappingVersion: 42 }), innerSyn)),
    },
    {
      name: 'geneve-gwlb',
      bytes: udpFrame('10.200.9.9', HOST2, 60001, GENEVE_UDP_PORT, geneve(0, EtherType.ipv4, gwlbOptions({ endpointId: GWLB_ENDPOINT, attachmentId: GWLB_ATTACHMENT, flowCookie: GWLB_COOKIE }), gwlbInner)),
    },
    {
      name: 'geneve-unknown-class',
      bytes: udpFrame(HOST1, HOST2, 52002, GENEVE_UDP_PORT, geneve(5, EtherType.teb, unknownOpts, innerSyn2, true)),
    },
    {
      name: 'vxlan-vlan-icmp',
      bytes: udpFrame(HOST1, HOST2, 53003, VXLAN_UDP_PORT, vxlan(5001, ether(MAC.eniB, MAC.eniA, EtherType.vlan, vlan(100, 5, EtherType.ipv4, ipv4(ip('10.1.0.1'), ip('10.1.0.2'), 1, icmpEcho(0x77, 3, ascii('ping-data-0123')))))))
    },
    {
      name: 'esp-null-tunnel',
      bytes: ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(ip('203.0.113.1'), ip('198.51.100.1'), 50, esp(0x1001, 1, ESP_NULL_SHA1_96, 4, tunnelInner))),
    },
    {
      name: 'esp-aes-gcm',
      bytes: ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(ip('203.0.113.1'), ip('198.51.100.1'), 50, esp(0x2002, 7, ESP_AES_GCM_128, 6, transportTcp))),
    },
    { name: 'dns-query', bytes: udpFrame('10.0.1.10', '10.0.0.2', 53111, 53, dns(dnsQuery(0x1234, 'www.web.internal'))) },
    { name: 'dns-response', bytes: udpFrame('10.0.0.2', '10.0.1.10', 53, 53111, dns(dnsResponseRepr)) },
    { name: 'http-request', bytes: tcpFrame('10.0.1.10', '10.0.3.30', 41000, 80, httpReq, { seq: 1, ack: 1 }) },
    { name: 'http-response', bytes: tcpFrame('10.0.3.30', '10.0.1.10', 80, 41000, httpResp, { seq: 1, ack: 1 + httpReq.length }) },
    { name: 'proxy-v2', bytes: tcpFrame('10.0.5.5', '10.0.3.30', 42000, 7777, proxy, { seq: 1, ack: 1 }) },
    { name: 'geneve-truncated', bytes: cut },
    ...moreFrames(),
  ];
}

/** Second-order cases: conversations, retransmissions, sequence gaps, odd headers. */
function moreFrames(): OracleFrame[] {
  const req1 = http({ kind: 'request', method: 'GET', target: '/', version: 'HTTP/1.1', headers: [{ name: 'Host', value: 'web.internal' }] });
  const body1 = ascii('line one\r\nline two\n');
  const resp1 = http(
    { kind: 'response', version: 'HTTP/1.1', status: 404, reason: 'Not Found', headers: [
      { name: 'Content-Type', value: 'text/plain; charset=utf-8' },
      { name: 'Content-Length', value: String(body1.length) },
      { name: 'Server', value: 'underlay' },
    ] },
    body1,
  );
  const req2 = http({ kind: 'request', method: 'GET', target: '/api/items?id=7&x=y', version: 'HTTP/1.1', headers: [
    { name: 'Host', value: 'web.internal:8080' },
    { name: 'Connection', value: 'keep-alive' },
    { name: 'Cookie', value: 'a=1; b=2' },
    { name: 'X-Trace-Id', value: 'abc' },
  ] });
  const bin = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  const resp2 = http({ kind: 'response', version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [
    { name: 'Content-Type', value: 'application/octet-stream' },
    { name: 'Content-Length', value: String(bin.length) },
  ] }, bin);
  const post = http({ kind: 'request', method: 'POST', target: '/submit', version: 'HTTP/1.0', headers: [
    { name: 'Content-Type', value: 'text/plain' },
    { name: 'Content-Length', value: '5' },
  ] }, ascii('hello'));
  const noContent = http({ kind: 'response', version: 'HTTP/1.0', status: 204, reason: 'No Content', headers: [] });
  const heurReq = http({ kind: 'request', method: 'GET', target: '/health', version: 'HTTP/1.1', headers: [{ name: 'Host', value: 'app' }] });
  const proxyThenGet = concat(
    proxyV2({ command: ProxyV2Command.proxy, protocol: ProxyV2Protocol.stream, src: ip('1.2.3.4'), dst: ip('5.6.7.8'), srcPort: 1, dstPort: 80, tlvs: [awsVpceTlv('vpce-1')] }),
    heurReq,
  );
  const xq = dns(dnsQuery(0x5555, 'x.internal'));
  const xr = dns({ ...dnsQuery(0x5555, 'x.internal'), response: true, recursionAvailable: true });
  const nx = dns({ ...dnsQuery(0x4321, 'nope.internal', DnsType.aaaa), response: true, rcode: 3, authoritative: true, recursionAvailable: true, authenticData: true });
  const ad = dns({ ...dnsQuery(0x4321, 'nope.internal', DnsType.aaaa), authenticData: true, checkingDisabled: true });
  const tcpDns = dns(dnsQuery(0x7777, 'tcp.web.internal'));
  const tcpDnsFramed = concat(Uint8Array.of(tcpDns.length >> 8, tcpDns.length & 0xff), tcpDns);
  const espFrame = (spi: number, seq: number) =>
    ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(ip('203.0.113.1'), ip('198.51.100.1'), 50, esp(spi, seq, ESP_NULL_SHA1_96, 4, ipTcp('192.168.1.1', '192.168.2.2', 1, 2, new Uint8Array(0)))));
  const v1 = geneve(9, 0x88b5, [{ optionClass: GeneveClass.gwlb, type: 3, data: Uint8Array.of(1, 2, 3, 4) }], ascii('data'));
  v1[0] = 0x40 | (v1[0] & 0x3f);
  const badLen = geneve(9, 0x88b5, [{ optionClass: GeneveClass.gwlb, type: 3, data: Uint8Array.of(1, 2, 3, 4) }, { optionClass: GeneveClass.gwlb, type: 1, data: new Uint8Array(8) }], ascii('more'));
  badLen[0] = (badLen[0] & 0xc0) | 3; // Opt Len 12 bytes: the second option (12 bytes) runs past it
  return [
    { name: 'http-req-1', bytes: tcpFrame('10.0.1.10', '10.0.3.31', 41100, 80, req1, { seq: 1, ack: 1 }) },
    { name: 'http-resp-1-text', bytes: tcpFrame('10.0.3.31', '10.0.1.10', 80, 41100, resp1, { seq: 1, ack: 1 + req1.length }) },
    { name: 'http-req-2-query-cookie', bytes: tcpFrame('10.0.1.10', '10.0.3.31', 41100, 80, req2, { seq: 1 + req1.length, ack: 1 + resp1.length }) },
    { name: 'http-resp-2-binary', bytes: tcpFrame('10.0.3.31', '10.0.1.10', 80, 41100, resp2, { seq: 1 + resp1.length, ack: 1 + req1.length + req2.length }) },
    { name: 'http-post-8080', bytes: tcpFrame('10.0.1.10', '10.0.3.32', 41101, 8080, post, { seq: 1, ack: 1 }) },
    { name: 'http-204', bytes: tcpFrame('10.0.3.32', '10.0.1.10', 8080, 41101, noContent, { seq: 1, ack: 1 + post.length }) },
    { name: 'http-heuristic-8000', bytes: tcpFrame('10.0.1.10', '10.0.3.33', 41102, 8000, heurReq, { seq: 1, ack: 1 }) },
    { name: 'not-http-on-80', bytes: tcpFrame('10.0.1.10', '10.0.3.34', 41103, 80, ascii('hello world not http\r\n'), { seq: 1, ack: 1 }) },
    { name: 'proxy-then-get-7777', bytes: tcpFrame('10.0.1.10', '10.0.3.35', 41104, 7777, proxyThenGet, { seq: 1, ack: 1 }) },
    { name: 'proxy-on-80', bytes: tcpFrame('10.0.1.10', '10.0.3.36', 41105, 80, proxyThenGet, { seq: 1, ack: 1 }) },
    { name: 'dns-query-x', bytes: udpFrame('10.0.1.10', '10.0.0.2', 53113, 53, xq) },
    { name: 'dns-query-x-retransmitted', bytes: udpFrame('10.0.1.10', '10.0.0.2', 53113, 53, xq) },
    { name: 'dns-response-x', bytes: udpFrame('10.0.0.2', '10.0.1.10', 53, 53113, xr) },
    { name: 'dns-response-x-retransmitted', bytes: udpFrame('10.0.0.2', '10.0.1.10', 53, 53113, xr) },
    { name: 'dns-query-ad', bytes: udpFrame('10.0.1.10', '10.0.0.2', 53114, 53, ad) },
    { name: 'dns-response-nxdomain', bytes: udpFrame('10.0.0.2', '10.0.1.10', 53, 53114, nx) },
    { name: 'dns-response-unsolicited', bytes: udpFrame('10.0.0.2', '10.0.1.10', 53, 53115, dns({ ...dnsQuery(0x6666, 'y.internal'), response: true })) },
    { name: 'dns-over-tcp', bytes: tcpFrame('10.0.1.10', '10.0.0.2', 41106, 53, tcpDnsFramed, { seq: 1, ack: 1 }) },
    { name: 'esp-seq-1', bytes: espFrame(0x3003, 1) },
    { name: 'esp-seq-5-gap', bytes: espFrame(0x3003, 5) },
    { name: 'esp-seq-6', bytes: espFrame(0x3003, 6) },
    { name: 'esp-seq-3-behind', bytes: espFrame(0x3003, 3) },
    { name: 'geneve-version-1', bytes: udpFrame(HOST1, HOST2, 52003, GENEVE_UDP_PORT, v1) },
    { name: 'geneve-option-past-end', bytes: udpFrame(HOST1, HOST2, 52004, GENEVE_UDP_PORT, badLen) },
  ];
}

/** Recomputes the IPv4 header and UDP checksums of an Ethernet/IPv4/UDP frame in place. */
function fixChecksums(frame: Uint8Array): void {
  const ipBytes = frame.subarray(14);
  const v = Ipv4ViewMut.over(ipBytes);
  v.fillChecksum();
  const ipHeaderLen = (ipBytes[0] & 0x0f) * 4;
  const total = (ipBytes[2] << 8) | ipBytes[3];
  const u = UdpViewMut.over(ipBytes.subarray(ipHeaderLen, total));
  u.fillChecksum(v.src, v.dst);
}

export { DnsType, GeneveClass };
