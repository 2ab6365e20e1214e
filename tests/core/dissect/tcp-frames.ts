/**
 * Frame builders for the TCP and UDP tests: Ethernet II + IPv4 (header built by hand, checksum from
 * core/base/checksum.ts) + a transport segment built with our wire codecs.
 */
import { parseIpv4 } from '../../../core/base/addr.ts';
import { internetChecksum } from '../../../core/base/checksum.ts';
import { TcpRepr, TcpViewMut, type TcpOption } from '../../../core/wire/tcp.ts';
import { UdpRepr, UdpViewMut } from '../../../core/wire/udp.ts';

export const MAC_A = '020000000001';
export const MAC_B = '020000000002';

export function ip(text: string): number {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad address ${text}`);
  return v;
}

/** An IPv4 header (20 bytes, DF, TTL 64) followed by `payload`. */
export function ipv4(src: number, dst: number, protocol: number, payload: Uint8Array, id = 1): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  const dv = new DataView(out.buffer);
  out[0] = 0x45;
  dv.setUint16(2, out.length);
  dv.setUint16(4, id);
  dv.setUint16(6, 0x4000);
  out[8] = 64;
  out[9] = protocol;
  dv.setUint32(12, src);
  dv.setUint32(16, dst);
  dv.setUint16(10, internetChecksum(out, 0, 20));
  out.set(payload, 20);
  return out;
}

/** Ethernet II carrying IPv4, padded with zeros to the 60-byte minimum. */
export function ether(ipPacket: Uint8Array, fromA = true): Uint8Array {
  const out = new Uint8Array(Math.max(60, 14 + ipPacket.length));
  const hex = (fromA ? MAC_B + MAC_A : MAC_A + MAC_B) + '0800';
  for (let i = 0; i < 14; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  out.set(ipPacket, 14);
  return out;
}

export interface SegmentSpec {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  options?: TcpOption[];
  payload?: Uint8Array;
  /** Leave the checksum as 0 instead of filling it. */
  noChecksum?: boolean;
}

export function tcpSegment(s: SegmentSpec): Uint8Array {
  const repr: TcpRepr = {
    srcPort: s.sport,
    dstPort: s.dport,
    seq: s.seq >>> 0,
    ack: (s.ack ?? 0) >>> 0,
    flags: s.flags,
    window: s.window ?? 64240,
    urgent: s.urgent ?? 0,
    options: s.options ?? [],
  };
  const payload = s.payload ?? new Uint8Array(0);
  const buf = new Uint8Array(TcpRepr.bufferLen(repr, payload.length));
  TcpRepr.emit(repr, TcpViewMut.over(buf), payload, s.noChecksum ? undefined : { src: s.src, dst: s.dst });
  return buf;
}

/** A whole Ethernet/IPv4/TCP frame. */
export function tcpFrame(s: SegmentSpec, id = 1): Uint8Array {
  return ether(ipv4(s.src, s.dst, 6, tcpSegment(s), id), s.src < s.dst);
}

export function udpFrame(src: number, dst: number, sport: number, dport: number, payload: Uint8Array, checksum = true): Uint8Array {
  const buf = new Uint8Array(UdpRepr.bufferLen({ srcPort: sport, dstPort: dport }, payload.length));
  UdpRepr.emit({ srcPort: sport, dstPort: dport }, UdpViewMut.over(buf), payload, checksum ? { src, dst } : undefined);
  return ether(ipv4(src, dst, 17, buf), src < dst);
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const fill = (n: number, byte = 0x41) => new Uint8Array(n).fill(byte);

/** Builds a conversation's frames from (direction, spec) steps with running sequence numbers. */
export class Conversation {
  readonly frames: Uint8Array[] = [];
  private seqOf = { c: 0, s: 0 };

  constructor(
    readonly client: number,
    readonly server: number,
    readonly cport: number,
    readonly sport: number,
    cIsn: number,
    sIsn: number,
  ) {
    this.seqOf = { c: cIsn, s: sIsn };
  }

  /** Sends from 'c' (client) or 's' (server); seq defaults to the running one, ack to the peer's. */
  send(dir: 'c' | 's', flags: number, opts: Partial<SegmentSpec> & { len?: number } = {}): this {
    const peer = dir === 'c' ? 's' : 'c';
    const payload = opts.payload ?? (opts.len ? fill(opts.len) : undefined);
    const seq = opts.seq ?? this.seqOf[dir];
    const spec: SegmentSpec = {
      src: dir === 'c' ? this.client : this.server,
      dst: dir === 'c' ? this.server : this.client,
      sport: dir === 'c' ? this.cport : this.sport,
      dport: dir === 'c' ? this.sport : this.cport,
      ack: opts.ack ?? (flags & 0x10 ? this.seqOf[peer] : 0),
      window: opts.window,
      urgent: opts.urgent,
      options: opts.options,
      ...opts,
      seq,
      flags,
      payload,
    };
    this.frames.push(tcpFrame(spec));
    const advance = (payload?.length ?? 0) + (flags & 0x03 ? 1 : 0);
    if (opts.seq === undefined || ((seq + advance) >>> 0) > this.seqOf[dir]) this.seqOf[dir] = (seq + advance) >>> 0;
    return this;
  }
}

/**
 * The oracle scenario: two full TCP conversations with handshake options, data both ways, loss,
 * retransmissions, duplicate ACKs, zero window, keep-alive, FIN and RST; streams without a
 * handshake, port reuse, option edge cases; UDP to an unregistered port, with zero checksum, empty,
 * with bad lengths; and a truncated TCP header. Ports avoid every tshark 4.0 registration.
 */
export interface Scenario {
  frames: Uint8Array[];
  /** 1-based numbers of frames that are malformed on purpose (tshark lists them under _ws.malformed). */
  malformed: Set<number>;
  /** 1-based numbers of frames whose checksum is wrong on purpose (patched after it was filled). */
  badChecksum: Set<number>;
}

export function scenario(): Scenario {
  const malformed = new Set<number>();
  const badChecksum = new Set<number>();
  const A = ip('10.0.0.1');
  const B = ip('10.0.0.2');
  const C = ip('10.0.0.3');
  const F = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80, ae: 0x100 };
  const out: Uint8Array[] = [];
  const synOpts: TcpOption[] = [
    { kind: 'mss', value: 8961 },
    { kind: 'sack-permitted' },
    { kind: 'timestamps', tsval: 1, tsecr: 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: 7 },
  ];
  const ts = (tsval: number, tsecr: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval, tsecr }];

  // Stream 0: a full conversation with window scaling, data both ways, a retransmission, FIN/ACK.
  const s0 = new Conversation(A, B, 54321, 7777, 1000, 5000);
  s0.send('c', F.syn, { window: 64240, options: synOpts })
    .send('s', F.syn | F.ack, { window: 65160, options: [...synOpts.slice(0, 2), { kind: 'timestamps', tsval: 100, tsecr: 1 }, ...synOpts.slice(3)] })
    .send('c', F.ack, { window: 502, options: ts(2, 100) })
    .send('c', F.ack | F.psh, { window: 502, options: ts(3, 100), payload: bytesOf('GET / HTTP') })
    .send('s', F.ack, { window: 509, options: ts(101, 3) })
    .send('s', F.ack | F.psh, { window: 509, len: 20 })
    .send('c', F.ack, { window: 502, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[5031, 5041]] }] })
    .send('c', F.ack | F.psh, { window: 502, seq: 1001, payload: bytesOf('GET / HTTP') })
    .send('c', F.ack | F.psh, { window: 502, len: 30 })
    .send('c', F.ack | F.psh, { window: 502, seq: 1011, len: 30 })
    .send('s', F.ack, { window: 509 })
    .send('c', F.ack | F.fin, { window: 502 })
    .send('s', F.ack | F.fin, { window: 509 })
    .send('c', F.ack, { window: 502 });
  out.push(...s0.frames);

  // Stream 1: SYN answered by RST.
  const s1 = new Conversation(A, C, 54322, 7778, 77, 0);
  s1.send('c', F.syn, { window: 1024, options: [{ kind: 'mss', value: 1460 }] }).send('s', F.rst | F.ack, { window: 0 });
  out.push(...s1.frames);

  // Stream 2: no window scaling; loss, duplicate ACKs and a fast retransmission; zero window,
  // window probes, window update, keep-alive, ECN flags, urgent data, a lost ACK, SACK blocks.
  const s2 = new Conversation(A, B, 40000, 7777, 100, 900);
  s2.send('c', F.syn, { window: 8192, options: [{ kind: 'mss', value: 1460 }] })
    .send('s', F.syn | F.ack, { window: 8192, options: [{ kind: 'mss', value: 1460 }] })
    .send('c', F.ack, { window: 8192 })
    .send('c', F.ack, { window: 8192, len: 100 })
    .send('c', F.ack, { window: 8192, seq: 301, len: 100 })
    .send('s', F.ack, { window: 8192, ack: 201 })
    .send('s', F.ack, { window: 8192, ack: 201, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[301, 401]] }] })
    .send('s', F.ack, { window: 8192, ack: 201 })
    .send('c', F.ack, { window: 8192, seq: 201, len: 100 })
    .send('s', F.ack | F.urg, { window: 8192, ack: 401, urgent: 5 })
    .send('s', F.ack, { window: 0, ack: 401 })
    .send('c', F.ack, { window: 8192, seq: 401, len: 1 })
    .send('s', F.ack, { window: 0, ack: 401 })
    .send('s', F.ack, { window: 4096, ack: 401 })
    .send('c', F.ack, { window: 8192, seq: 400 })
    .send('s', F.ack, { window: 4096, ack: 401 })
    .send('c', F.ack | F.psh | F.ece | F.cwr | F.ae, { window: 8192, seq: 401, len: 10 })
    .send('s', F.ack, { window: 4096, ack: 2000 })
    .send('c', F.ack | 0x800, { window: 8192, seq: 411, len: 10 })
    .send('c', F.psh, { window: 8192, seq: 421, ack: 55, len: 4 })
    .send('c', F.ack, { window: 8192, seq: 425, options: [{ kind: 'unknown', type: 99, data: new Uint8Array([1, 2]) }, { kind: 'nop' }, { kind: 'nop' }] })
    .send('c', F.ack, {
      window: 8192,
      seq: 425,
      options: [{ kind: 'sack', blocks: [[101, 201], [301, 401], [501, 601]] }, { kind: 'timestamps', tsval: 5, tsecr: 6 }],
    })
    .send('s', F.ack, { window: 4096, ack: 425, urgent: 9 })
    .send('c', F.ack, { window: 8192, seq: 425, options: [{ kind: 'mss', value: 1400 }] });
  out.push(...s2.frames);

  // Stream 3: picked up mid-stream (no handshake): spurious retransmission, out-of-order, RST.
  const s3 = new Conversation(A, B, 40001, 7777, 5000, 7000);
  s3.send('c', F.ack | F.psh, { window: 300, len: 50 })
    .send('s', F.ack, { window: 400 })
    .send('c', F.ack | F.psh, { window: 300, seq: 5000, len: 50 })
    .send('c', F.ack | F.psh, { window: 300, len: 50 })
    .send('c', F.ack, { window: 300, len: 50 })
    .send('c', F.ack | F.psh, { window: 300, seq: 5050, len: 50 })
    .send('s', F.ack, { window: 400, ack: 5150 })
    .send('c', F.rst, { window: 0, seq: 5150 });
  out.push(...s3.frames);

  // Streams 4 and 5: window scale on the SYN only, a FIN retransmission, then port reuse with a
  // SYN/ACK whose shift is out of range and its retransmission.
  const s4 = new Conversation(A, B, 40002, 7777, 1, 2);
  s4.send('c', F.syn, {
    window: 8192,
    options: [{ kind: 'wscale', shift: 2 }, { kind: 'nop' }, { kind: 'sack-permitted' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }],
  })
    .send('s', F.syn | F.ack, { window: 8192 })
    .send('c', F.ack, { window: 8192 })
    .send('c', F.ack | F.fin, { window: 8192 })
    .send('c', F.ack | F.fin, { window: 8192, seq: 2 })
    .send('c', F.syn, { window: 8192, seq: 50000 })
    .send('s', F.syn | F.ack, { window: 8192, seq: 60000, ack: 50001, options: [{ kind: 'wscale', shift: 14 }] })
    .send('s', F.syn | F.ack, { window: 8192, seq: 60000, ack: 50001, options: [{ kind: 'wscale', shift: 15 }] })
    .send('c', F.ack, { window: 100, ack: 60001 });
  out.push(...s4.frames);

  // Window full, and duplicate ACKs counted across a window update.
  const s6 = new Conversation(A, B, 42008, 7777, 100, 500);
  s6.send('c', F.syn, { window: 1000 })
    .send('s', F.syn | F.ack, { window: 100 })
    .send('c', F.ack, { window: 1000 })
    .send('c', F.ack, { window: 1000, len: 50 })
    .send('c', F.ack, { window: 1000, len: 50 })
    .send('s', F.ack, { window: 100 })
    .send('s', F.ack, { window: 100 })
    .send('s', F.ack, { window: 200 })
    .send('s', F.ack, { window: 200 })
    .send('s', F.ack | F.urg, { window: 200, urgent: 0 });
  out.push(...s6.frames);

  // Conversation completeness, one short stream per case; each ends with an observing ACK.
  const cases: [dir: 'c' | 's', flags: number, len?: number][][] = [
    [['c', F.ack]],
    [['c', F.ack, 5]],
    [['c', F.rst]],
    [['c', F.syn], ['c', F.ack]],
    [['c', F.syn], ['s', F.syn | F.ack], ['c', F.ack, 5]],
    [['c', F.ack], ['c', F.fin | F.ack]],
    [['c', F.psh, 5], ['s', F.ack]],
    [['c', F.ack], ['c', F.rst]],
    [['c', F.fin], ['s', F.fin]],
    [['s', F.syn | F.ack]],
    [['c', F.syn], ['s', F.rst | F.ack]],
    [['c', F.syn], ['s', F.syn | F.ack], ['c', F.ack], ['c', F.fin | F.ack], ['c', F.syn]],
  ];
  cases.forEach((steps, k) => {
    const conv = new Conversation(A, B, 41000 + k, 7777, 1000, 5000);
    for (const [dir, flags, len] of [...steps, ['s', F.ack] as const]) conv.send(dir, flags, { window: 1000, len });
    out.push(...conv.frames);
  });

  // Option edge cases: non-zero padding after EOL, four NOPs, bad option lengths, unknown and
  // experimental kinds.
  const edge = (port: number, options: TcpOption[], patch?: (seg: Uint8Array) => void) => {
    const seg = tcpSegment({ src: A, dst: B, sport: port, dport: 7777, seq: 1, flags: F.syn, options });
    patch?.(seg);
    out.push(ether(ipv4(A, B, 6, seg)));
    if (patch) patched();
  };
  const patched = () => badChecksum.add(out.length);
  edge(43002, [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }], (s) => s.set([0, 5, 0, 0], 24));
  edge(43003, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'mss', value: 1400 }]);
  edge(43004, [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }], (s) => (s[21] = 3));
  edge(43005, [{ kind: 'mss', value: 1460 }], (s) => (s[21] = 1));
  edge(43006, [{ kind: 'mss', value: 1460 }], (s) => (s[21] = 9));
  edge(43007, [{ kind: 'unknown', type: 254, data: new Uint8Array([0x12, 0x34, 1, 2]) }, { kind: 'nop' }, { kind: 'nop' }]);
  edge(43008, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }]);
  // A bogus header length (16), and a header longer than the segment IP reports.
  edge(43009, [], (s) => (s[12] = 0x40 | (s[12] & 0x0f)));
  {
    const seg = tcpSegment({ src: A, dst: B, sport: 43010, dport: 7777, seq: 1, ack: 1, flags: F.ack, options: [{ kind: 'mss', value: 1 }] });
    out.push(ether(ipv4(A, B, 6, seg.subarray(0, 20))));
    malformed.add(out.length);
    badChecksum.add(out.length);
  }

  // UDP: an unregistered port both ways, a zero checksum, an empty datagram then one with data,
  // bad lengths, a traceroute port, port 0.
  out.push(udpFrame(A, B, 40000, 7777, bytesOf('ping')));
  out.push(udpFrame(B, A, 7777, 40000, bytesOf('pong!')));
  out.push(udpFrame(A, B, 40001, 7777, bytesOf('ping'), false));
  out.push(udpFrame(A, B, 43000, 7777, new Uint8Array(0)));
  out.push(udpFrame(A, B, 43000, 7777, fill(3)));
  out.push(ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x00, 0x1e, 0x61, 0x00, 0x04, 0, 0]))));
  malformed.add(out.length);
  out.push(ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x01, 0x1e, 0x61, 0x00, 0x20, 0, 0, 1, 2, 3, 4]))));
  malformed.add(out.length);
  out.push(udpFrame(A, B, 43001, 33435, fill(3)));
  out.push(udpFrame(A, B, 0, 7777, fill(2)));

  // A TCP header cut after 12 bytes: Malformed, as in tshark.
  out.push(tcpFrame({ src: A, dst: B, sport: 54321, dport: 7777, seq: 1001, ack: 5001, flags: F.ack }).subarray(0, 14 + 20 + 12));
  malformed.add(out.length);
  return { frames: out, malformed, badChecksum };
}
