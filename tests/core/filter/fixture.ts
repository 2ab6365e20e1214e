import { parseIpv4, parseMac } from '../../../core/base/addr.ts';
import { internetChecksum, pseudoHeaderSum, sumWords, finishChecksum } from '../../../core/base/checksum.ts';
import type { TestFrame } from '../../support/capture.ts';

/**
 * Packet builders for the filter tests: small, byte-exact Ethernet / IPv4 / UDP / TCP frames with
 * correct checksums, so tshark and our engine dissect the same bytes.
 */

const enc = new TextEncoder();

export function ascii(text: string): Uint8Array {
  return enc.encode(text);
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mac(text: string): Uint8Array {
  const m = parseMac(text)!;
  const out = new Uint8Array(6);
  let v = m;
  for (let i = 5; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function eth(dst: string, src: string, type: number, payload: Uint8Array, padTo = 60): Uint8Array {
  const head = concat(mac(dst), mac(src), new Uint8Array([type >> 8, type & 0xff]));
  const frame = concat(head, payload);
  return frame.length < padTo ? concat(frame, new Uint8Array(padTo - frame.length)) : frame;
}

export interface Ipv4Options {
  ttl?: number;
  df?: boolean;
  id?: number;
  tos?: number;
}

export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const h = new Uint8Array(20);
  const total = 20 + payload.length;
  h[0] = 0x45;
  h[1] = o.tos ?? 0;
  h[2] = total >> 8;
  h[3] = total & 0xff;
  h[4] = ((o.id ?? 0x1234) >> 8) & 0xff;
  h[5] = (o.id ?? 0x1234) & 0xff;
  h[6] = o.df ? 0x40 : 0;
  h[8] = o.ttl ?? 64;
  h[9] = proto;
  const s = parseIpv4(src)!;
  const d = parseIpv4(dst)!;
  for (let i = 0; i < 4; i++) {
    h[12 + i] = (s >>> (24 - 8 * i)) & 0xff;
    h[16 + i] = (d >>> (24 - 8 * i)) & 0xff;
  }
  const c = internetChecksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return concat(h, payload);
}

function transportChecksum(src: string, dst: string, proto: number, seg: Uint8Array): number {
  const sum = pseudoHeaderSum(parseIpv4(src)!, parseIpv4(dst)!, proto, seg.length);
  return finishChecksum(sumWords(seg, 0, seg.length, sum));
}

export function udp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const seg = concat(new Uint8Array(8), payload);
  seg[0] = sport >> 8;
  seg[1] = sport & 0xff;
  seg[2] = dport >> 8;
  seg[3] = dport & 0xff;
  seg[4] = seg.length >> 8;
  seg[5] = seg.length & 0xff;
  const c = transportChecksum(src, dst, 17, seg) || 0xffff;
  seg[6] = c >> 8;
  seg[7] = c & 0xff;
  return ipv4(src, dst, 17, seg, o);
}

export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20 } as const;

export interface TcpOptions extends Ipv4Options {
  seq?: number;
  ack?: number;
}

export function tcp(src: string, dst: string, sport: number, dport: number, flags: number, payload = new Uint8Array(0), o: TcpOptions = {}): Uint8Array {
  const seq = o.seq ?? 1000;
  const ack = o.ack ?? 0;
  const seg = concat(new Uint8Array(20), payload);
  seg[0] = sport >> 8;
  seg[1] = sport & 0xff;
  seg[2] = dport >> 8;
  seg[3] = dport & 0xff;
  for (let i = 0; i < 4; i++) {
    seg[4 + i] = (seq >>> (24 - 8 * i)) & 0xff;
    seg[8 + i] = (ack >>> (24 - 8 * i)) & 0xff;
  }
  seg[12] = 5 << 4;
  seg[13] = flags;
  seg[14] = 0xfa;
  seg[15] = 0xf0;
  const c = transportChecksum(src, dst, 6, seg);
  seg[16] = c >> 8;
  seg[17] = c & 0xff;
  return ipv4(src, dst, 6, seg, o);
}

/** IP-in-IP (protocol 4): the outer header around a whole inner datagram. */
export function ipip(src: string, dst: string, inner: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  return ipv4(src, dst, 4, inner, o);
}

export const A = '02:00:00:00:00:01';
export const B = '02:00:00:00:00:02';
export const BCAST = 'ff:ff:ff:ff:ff:ff';

/**
 * The capture the oracle tables run over. Only Ethernet, unknown EtherTypes (so tshark shows
 * `data`), IPv4, UDP on unassigned ports and TCP without payload: protocols our test modules
 * dissect exactly as tshark 4.0 does for the fields the tables use.
 */
export function filterCapture(): TestFrame[] {
  return [
    // 1: broadcast, unknown EtherType, bytes in data.data; inbound, with a comment
    { bytes: eth(BCAST, A, 0x88b5, concat(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), ascii('Hello, World'))), comments: ['gwlb probe one'], flags: 1 },
    // 2: UDP 10.0.0.1 -> 10.0.0.2
    { bytes: eth(B, A, 0x0800, udp('10.0.0.1', '10.0.0.2', 33333, 44444, ascii('GET /index.html'))), flags: 2 },
    // 3: TCP SYN with a low TTL (padded to 60 bytes)
    { bytes: eth(B, A, 0x0800, tcp('10.0.0.5', '10.1.2.3', 12345, 80, TcpFlag.syn, undefined, { ttl: 3 })) },
    // 4: TCP SYN/ACK back, with DF
    { bytes: eth(A, B, 0x0800, tcp('10.1.2.3', '10.0.0.5', 80, 12345, TcpFlag.syn | TcpFlag.ack, undefined, { seq: 5000, ack: 1001, df: true })), comments: ['reply', 'Second COMMENT'] },
    // 5: IP-in-IP: 10.0.0.1 -> 10.0.0.9 around UDP 172.16.0.1 -> 172.16.0.2
    { bytes: eth(B, A, 0x0800, ipip('10.0.0.1', '10.0.0.9', udp('172.16.0.1', '172.16.0.2', 33000, 33001, ascii('inner payload')), { df: true })) },
    // 6: IP-in-IP back: 10.0.0.9 -> 10.0.0.1 around TCP ACK 172.16.0.2 -> 10.0.0.1
    { bytes: eth(A, B, 0x0800, ipip('10.0.0.9', '10.0.0.1', tcp('172.16.0.2', '10.0.0.1', 443, 50000, TcpFlag.ack, undefined, { seq: 7, ack: 9 }), { ttl: 255 })) },
    // 7: multicast destination, unknown EtherType, short payload
    { bytes: eth('01:00:5e:00:00:fb', B, 0x88b6, ascii('abc')) },
    // 8: UDP to a broadcast IP, TTL 1
    { bytes: eth(BCAST, B, 0x0800, udp('192.168.1.7', '255.255.255.255', 44444, 33333, new Uint8Array([0, 1, 2, 3, 0xff]), { ttl: 1 })) },
    // 9: raw IP (no Ethernet): a TCP RST, with a comment
    { bytes: tcp('192.168.1.7', '10.0.0.5', 5555, 12345, TcpFlag.rst | TcpFlag.ack, undefined, { ttl: 128 }), linkType: 101, comments: ['raw ip'] },
    // 10: UDP with a non-zero Ethernet trailer after the datagram
    { bytes: concat(eth(A, B, 0x0800, udp('10.0.0.2', '10.0.0.1', 44444, 33333, ascii('twenty bytes payload'))), Uint8Array.of(0xaa, 0xbb, 0xcc)), flags: 1 },
  ];
}

// ---- tunnels and friends, for the oracle test over the real protocol modules ----

function u16(v: number): Uint8Array {
  return Uint8Array.of(v >> 8, v & 0xff);
}

/** Ethernet with an 802.1Q tag. */
export function vlanEth(dst: string, src: string, vid: number, type: number, payload: Uint8Array): Uint8Array {
  return eth(dst, src, 0x8100, concat(u16(vid & 0x0fff), u16(type), payload));
}

export function arpRequest(senderMac: string, senderIp: string, targetIp: string): Uint8Array {
  const ipBytes = (t: string) => {
    const v = parseIpv4(t)!;
    return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  };
  const body = concat(u16(1), u16(0x0800), Uint8Array.of(6, 4), u16(1), mac(senderMac), ipBytes(senderIp), new Uint8Array(6), ipBytes(targetIp));
  return eth(BCAST, senderMac, 0x0806, body);
}

export function icmp(src: string, dst: string, type: number, code: number, rest: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const msg = concat(Uint8Array.of(type, code, 0, 0), rest);
  const c = internetChecksum(msg);
  msg[2] = c >> 8;
  msg[3] = c & 0xff;
  return ipv4(src, dst, 1, msg, o);
}

export function geneve(vni: number, inner: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0, 0), u16(0x6558), Uint8Array.of((vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0), inner);
}

export function vxlan(vni: number, inner: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x08, 0, 0, 0, (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff, 0), inner);
}

const C = '02:00:00:00:00:0c';
const D = '02:00:00:00:00:0d';

/** Frames for the real-module oracle test: ARP, VLAN, ICMP, Geneve, VXLAN, TCP. */
export function tunnelCapture(): TestFrame[] {
  const echo = (id: number, seq: number) => concat(u16(id), u16(seq), ascii('ping payload'));
  return [
    // 1: ARP who-has 10.0.0.2
    { bytes: arpRequest(A, '10.0.0.1', '10.0.0.2') },
    // 2: ICMP echo request in VLAN 100
    { bytes: vlanEth(B, A, 100, 0x0800, icmp('10.0.0.1', '10.0.0.2', 8, 0, echo(7, 1))) },
    // 3: its reply, untagged
    { bytes: eth(A, B, 0x0800, icmp('10.0.0.2', '10.0.0.1', 0, 0, echo(7, 1))) },
    // 4: Geneve VNI 5 carrying a TCP SYN 172.16.0.1 -> 172.16.0.2:80
    { bytes: eth(B, A, 0x0800, udp('10.0.0.1', '10.0.0.9', 40000, 6081, geneve(5, eth(D, C, 0x0800, tcp('172.16.0.1', '172.16.0.2', 33000, 80, TcpFlag.syn))))) },
    // 5: VXLAN VNI 42 carrying UDP 172.16.1.1 -> 172.16.1.2
    { bytes: eth(A, B, 0x0800, udp('10.0.0.9', '10.0.0.1', 40001, 4789, vxlan(42, eth(C, D, 0x0800, udp('172.16.1.1', '172.16.1.2', 5000, 6000, ascii('inner')))))) },
    // 6: plain TCP SYN/ACK 10.0.0.2:443 -> 10.0.0.1
    { bytes: eth(A, B, 0x0800, tcp('10.0.0.2', '10.0.0.1', 443, 50000, TcpFlag.syn | TcpFlag.ack, undefined, { seq: 9000, ack: 1 })) },
    // 7: ICMP destination unreachable (port), quoting an IP/UDP header
    { bytes: eth(A, B, 0x0800, icmp('10.0.0.2', '10.0.0.1', 3, 3, concat(new Uint8Array(4), udp('10.0.0.1', '10.0.0.2', 40002, 9999, new Uint8Array(0))), { ttl: 64 })) },
    // 8: Geneve VNI 5 again, the inner SYN/ACK back
    { bytes: eth(A, B, 0x0800, udp('10.0.0.9', '10.0.0.1', 40000, 6081, geneve(5, eth(C, D, 0x0800, tcp('172.16.0.2', '172.16.0.1', 80, 33000, TcpFlag.syn | TcpFlag.ack, undefined, { seq: 1, ack: 1001 }))))) },
    // 9: TCP FIN/ACK in VLAN 200
    { bytes: vlanEth(B, A, 200, 0x0800, tcp('10.0.0.1', '10.0.0.2', 50000, 443, TcpFlag.fin | TcpFlag.ack, undefined, { seq: 1, ack: 9001 })) },
  ];
}
