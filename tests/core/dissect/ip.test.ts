import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { parseIpv4 } from '../../../core/base/addr.ts';
import { fromHex } from '../../../core/base/bytes.ts';
import { WS } from '../../../core/dissect/builtin.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit, type FieldDef } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { arp } from '../../../core/dissect/protocols/arp.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { icmp } from '../../../core/dissect/protocols/icmp.ts';
import { ip } from '../../../core/dissect/protocols/ip.ts';
import { vlan } from '../../../core/dissect/protocols/vlan.ts';
import { FilterSink, type TreeNode, type TreeSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { ArpRepr, ArpViewMut } from '../../../core/wire/arp.ts';
import { EthernetRepr, EthernetViewMut } from '../../../core/wire/ethernet.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../core/wire/ipv4.ts';
import { VlanRepr, VlanViewMut } from '../../../core/wire/vlan.ts';
import { pcapngOf, recordsOf, type TestFrame } from '../../support/capture.ts';
import { tempFile, tsharkFields, tshark } from '../../support/tshark.ts';

// icmp.data_time is an ABSOLUTE_TIME_LOCAL field: make tshark print it in UTC, as we do.
process.env.TZ = 'UTC';

const engine = new DissectionEngine([eth, vlan, arp, ip, icmp]);
const IP = ip.fields;

// ---- frame builders (our own wire codecs) ----

const MAC_A = 0x020000000001;
const MAC_B = 0x020000000002;
const BROADCAST = 0xffffffffffff;
const addr = (text: string) => parseIpv4(text)!;
const seq = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

function ether(payload: Uint8Array, opts: { type?: number; dst?: number; src?: number; pad?: boolean } = {}): Uint8Array {
  const b = new Uint8Array(Math.max(14 + payload.length, opts.pad ? 60 : 0));
  EthernetRepr.emit({ dst: opts.dst ?? MAC_B, src: opts.src ?? MAC_A, ethertype: opts.type ?? 0x0800 }, EthernetViewMut.over(b));
  b.set(payload, 14);
  return b;
}

function tagged(vid: number, pcp: number, type: number, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + payload.length);
  VlanRepr.emit({ pcp, dei: false, vid, ethertype: type }, VlanViewMut.over(b));
  b.set(payload, 4);
  return b;
}

function ipv4(payload: Uint8Array, fields: Partial<Ipv4Repr> = {}): Uint8Array {
  const repr: Ipv4Repr = {
    src: addr('10.0.0.1'),
    dst: addr('10.0.0.2'),
    protocol: 17,
    ttl: 64,
    dscp: 0,
    ecn: 0,
    ident: 0x1234,
    dontFrag: false,
    moreFrags: false,
    fragOffset: 0,
    options: new Uint8Array(0),
    ...fields,
    payloadLen: payload.length,
  };
  const b = new Uint8Array(Ipv4Repr.bufferLen(repr));
  const view = Ipv4ViewMut.over(b);
  Ipv4Repr.emit(repr, view);
  view.payloadMut.set(payload);
  return b;
}

function udp(sport: number, dport: number, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, b.length);
  b.set(data, 8);
  return b;
}

function icmpMessage(repr: Icmpv4Repr): Uint8Array {
  const b = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(b));
  return b;
}

function arpPacket(operation: number, senderMac: number, senderIp: string, targetMac: number, targetIp: string): Uint8Array {
  const b = new Uint8Array(28);
  ArpRepr.emit({ operation, senderMac, senderIp: addr(senderIp), targetMac, targetIp: addr(targetIp) }, ArpViewMut.over(b));
  return b;
}

/** Header of the UDP datagram the ICMP errors quote (the original was 1492 bytes, DF). */
const QUOTED: Ipv4Repr = {
  src: addr('10.0.0.1'),
  dst: addr('192.168.1.9'),
  protocol: 17,
  ttl: 63,
  dscp: 0,
  ecn: 0,
  ident: 0x4242,
  dontFrag: true,
  moreFrags: false,
  fragOffset: 0,
  options: new Uint8Array(0),
  payloadLen: 1472,
};

/** Every case the IPv4 family must get right, in one capture (frame numbers in the comments). */
function oracleFrames(): TestFrame[] {
  const frames: TestFrame[] = [];
  const echoData = seq(48);
  // Timestamp (BE seconds, microseconds) that the frame's own time makes plausible, then 40 bytes.
  const stamped = new Uint8Array(48);
  new DataView(stamped.buffer).setUint32(0, 1_700_000_000);
  new DataView(stamped.buffer).setUint32(4, 5);
  stamped.set(seq(40), 8);
  // 1: VLAN 42, priority 5, carrying an ICMP echo request with DF
  const echo1 = icmpMessage({ kind: 'echoRequest', ident: 1, seqNo: 1, data: echoData });
  frames.push({ bytes: ether(tagged(42, 5, 0x0800, ipv4(echo1, { protocol: 1, dontFrag: true })), { type: 0x8100 }) });
  // 2, 3: ARP request (broadcast) and reply, padded to 60 bytes
  frames.push({ bytes: ether(arpPacket(1, MAC_A, '10.0.0.1', 0, '10.0.0.2'), { type: 0x0806, dst: BROADCAST, pad: true }) });
  frames.push({ bytes: ether(arpPacket(2, MAC_B, '10.0.0.2', MAC_A, '10.0.0.1'), { type: 0x0806, dst: MAC_A, src: MAC_B, pad: true }) });
  // 4: options NOP, Record Route (one address recorded), Router Alert, EOL; TTL 1; DSCP EF, ECT(1)
  const options = fromHex('01 07 0b 08 0a000009 00000000 94 04 0000 00 00 00 00')!;
  frames.push({ bytes: ether(ipv4(udp(1000, 2000, seq(20)), { options, ttl: 1, dscp: 46, ecn: 1 })) });
  // 5: DF
  frames.push({ bytes: ether(ipv4(udp(1000, 2000, seq(100)), { dontFrag: true })) });
  // 6-8: a 3000-byte UDP datagram in three fragments
  const big = udp(5000, 6000, seq(2992));
  [0, 1480, 2960].forEach((off, i) => {
    const piece = big.subarray(off, Math.min(off + 1480, big.length));
    frames.push({ bytes: ether(ipv4(piece, { ident: 0xabcd, moreFrags: i < 2, fragOffset: off })) });
  });
  // 9, 10: echo request (with a timestamp) and its reply
  frames.push({ bytes: ether(ipv4(icmpMessage({ kind: 'echoRequest', ident: 0x77, seqNo: 5, data: stamped }), { protocol: 1 })) });
  frames.push({
    bytes: ether(ipv4(icmpMessage({ kind: 'echoReply', ident: 0x77, seqNo: 5, data: stamped }), { protocol: 1, src: addr('10.0.0.2'), dst: addr('10.0.0.1') }), {
      dst: MAC_A,
      src: MAC_B,
    }),
  });
  // 11: fragmentation needed, next-hop MTU 1400, quoting the UDP datagram's header and 8 bytes
  const quotedUdp = udp(40000, 53, new Uint8Array(1464)).subarray(0, 8);
  const router = { protocol: 1, src: addr('10.0.0.254'), dst: addr('10.0.0.1') };
  frames.push({ bytes: ether(ipv4(icmpMessage({ kind: 'dstUnreachable', code: 4, nextHopMtu: 1400, header: QUOTED, data: quotedUdp }), { ...router, ttl: 255 })) });
  // 12: time exceeded in transit, the quoted header with TTL 1
  frames.push({ bytes: ether(ipv4(icmpMessage({ kind: 'timeExceeded', code: 0, header: { ...QUOTED, ttl: 1 }, data: quotedUdp }), router)) });
  // 13: a frame shorter than 60 bytes: Ethernet padding after the datagram
  frames.push({ bytes: ether(ipv4(udp(7, 7, seq(4))), { pad: true }) });
  // 14: truncated inside the IP header
  frames.push({ bytes: ether(ipv4(udp(7, 7, seq(4)))).subarray(0, 24) });
  // 15: a tagged ARP request padded to 60 bytes: the padding belongs to the tag
  frames.push({ bytes: ether(tagged(7, 0, 0x0806, arpPacket(1, MAC_A, '10.0.0.1', 0, '10.0.0.2')), { type: 0x8100, dst: BROADCAST, pad: true }) });
  // 16: raw IP (LINKTYPE_RAW) echo request
  frames.push({ bytes: ipv4(echo1, { protocol: 1 }), linkType: 101 });
  // 17: loose source route still being followed: the destination is the route's last address
  const lsrr = fromHex('83 0b 08 0a010101 0a020202 00')!;
  frames.push({ bytes: ether(ipv4(udp(1, 2, seq(4)), { options: lsrr, dst: addr('10.0.0.9') }), { pad: true }) });
  // 18: port unreachable
  frames.push({ bytes: ether(ipv4(icmpMessage({ kind: 'dstUnreachable', code: 3, nextHopMtu: 0, header: QUOTED, data: quotedUdp }), router)) });
  // 19: an echo request whose checksum is wrong
  const badEcho = icmpMessage({ kind: 'echoRequest', ident: 0x0d, seqNo: 1, data: seq(4) });
  badEcho[2] ^= 0xff;
  frames.push({ bytes: ether(ipv4(badEcho, { protocol: 1 })) });
  // 20: another host claims 10.0.0.1 (duplicate address detection)
  frames.push({ bytes: ether(arpPacket(2, 0x020000000003, '10.0.0.1', MAC_B, '10.0.0.2'), { type: 0x0806, src: 0x020000000003, pad: true }) });
  return frames;
}

/** The fields tshark knows, from `tshark -G fields` (protocol rows and field rows). */
function tsharkRegistry(): Map<string, string[]> {
  const out = execFileSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const cols = line.split('\t');
    if (cols.length >= 3) map.set(cols[2], cols);
  }
  return map;
}

const OURS = new Set(['ip', 'icmp', 'arp', 'vlan']);

/** Our values of `fields` for one frame, joined as `-T fields -E occurrence=a` joins them. */
function fieldRow(sink: FilterSink, fields: readonly FieldDef[]): string[] {
  return fields.map((f) => {
    const n = sink.count(f);
    const values: string[] = [];
    for (let i = 0; i < n; i++) values.push(formatValue(f, sink.value(f, i)));
    return values.join(',');
  });
}

/** The lines of `-V` output that belong to our protocols (expert detail lines left out). */
function ourSections(lines: readonly string[]): string[] {
  const out: string[] = [];
  let on = false;
  for (const line of lines) {
    // Hex dumps of data (tshark prints them inside the tree) and blank lines are not tree items.
    if (!line.trim() || /^[0-9a-f]{4}  /.test(line)) continue;
    if (!line.startsWith(' ')) on = /^(Internet Protocol Version 4|Internet Control Message Protocol|Address Resolution Protocol|802\.1Q Virtual LAN|\[Duplicate)/.test(line);
    if (!on) continue;
    // Expert details, the Ethernet padding a tag shows, and the data protocol are not ours.
    if (/^\s*\[?(Expert Info|Severity level|Group|Message)\b/.test(line) || /^\s*(Padding|Trailer): /.test(line)) continue;
    if (/^\s*(Data \(\d+ bytes?\)|Data: |\[+Length: \d+\]+$)/.test(line)) continue;
    out.push(line);
  }
  return out;
}

function walk(tree: TreeSink): TreeNode[] {
  return [...tree.walk()];
}

describe('IPv4 dissector', () => {
  it('dissects the header, options and columns', () => {
    const frame = oracleFrames()[3];
    const [rec] = recordsOf([frame]);
    const { tree, result } = engine.newSession().tree(rec);
    const nodes = walk(tree);
    const one = (abbrev: string) => nodes.find((n) => n.field?.abbrev === abbrev)!;
    expect(one('ip.hdr_len')).toMatchObject({ offset: 14, length: 1, value: 40 });
    expect(one('ip.dsfield.dscp')).toMatchObject({ value: 46 });
    expect(one('ip.dsfield.ecn')).toMatchObject({ value: 1 });
    expect(one('ip.ttl')).toMatchObject({ offset: 22, value: 1 });
    expect(one('ip.checksum.status').value).toBe(2);
    expect(nodes.filter((n) => n.field === IP.addr).map((n) => n.value)).toEqual([0x0a000001, 0x0a000002]);
    expect(one('ip.rec_rt').value).toBe(0x0a000009);
    expect(one('ip.empty_rt').label).toBe('Empty Route: 0.0.0.0 <- (next)');
    expect(one('ip.opt.ra').value).toBe(0);
    expect(nodes.find((n) => n.field === null && n.label?.startsWith('Options:'))?.label).toBe('Options: (20 bytes), Record Route, Router Alert');
    expect(nodes.filter((n) => n.field?.abbrev === '_ws.expert.message').map((n) => n.value)).toEqual(['"Time To Live" only 1']);
    expect(result.columns).toMatchObject({ protocol: 'IPv4', info: 'UDP (17)', src: '10.0.0.1', dst: '10.0.0.2' });
    expect(result.protocols.join(':')).toBe('frame:eth:ethertype:ip:data');
  });

  it('reassembles fragments on the frame that completes the datagram', () => {
    const frames = oracleFrames().slice(5, 8);
    const recs = recordsOf(frames);
    const session = engine.newSession();
    // The result (the context) is reused frame after frame: read the columns at once.
    const first = recs.map((r) => {
      const { tree, result } = session.tree(r);
      return { tree, info: result.columns.info };
    });
    expect(first[0].info).toBe('Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd)');
    expect(first[1].info).toBe('Fragmented IP protocol (proto=UDP 17, off=1480, ID=abcd)');
    expect(first[2].info).toBe('UDP (17)');
    const done = first[2].tree;
    expect(done.sources.map((s) => [s.name, s.bytes.length])).toEqual([
      ['Frame', 74],
      ['Reassembled IPv4', 3000],
    ]);
    const pieces = walk(done).filter((n) => n.field === IP.fragment);
    expect(pieces.map((n) => [n.value, n.offset, n.length, n.source])).toEqual([
      [1, 0, 1480, 1],
      [2, 1480, 1480, 1],
      [3, 2960, 40, 1],
    ]);
    expect(walk(done).find((n) => n.field === IP.fragments)?.label).toBe('3 IPv4 Fragments (3000 bytes): #1(1480), #2(1480), #3(40)');
    const data = walk(done).find((n) => n.field?.abbrev === 'data.data')!;
    expect([data.source, data.length, (data.value as Uint8Array)[0]]).toEqual([1, 3000, 0x13]);
    expect(first.map((f) => walk(f.tree).some((n) => n.field === IP.reassembledIn))).toEqual([false, false, false]);
    // Seen again (a click in the packet list): the earlier fragments point at frame 3.
    const again = session.tree(recs[0]);
    expect(walk(again.tree).find((n) => n.field === IP.reassembledIn)?.value).toBe(3);
    expect(again.result.columns.info).toBe('Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd) [Reassembled in #3]');
  });

  it('keeps only the wanted fields in a filter sink', () => {
    const recs = recordsOf(oracleFrames());
    const sink = new FilterSink([IP.src, IP.dst, IP.ttl, IP.host], fieldIdLimit());
    const session = engine.newSession();
    const rows = recs.map((r) => {
      sink.reset();
      session.dissect(r, sink, false);
      return [sink.count(IP.src), formatValue(IP.dst, sink.value(IP.dst, sink.count(IP.dst) - 1))];
    });
    // Frame 11 quotes a header inside ICMP: two occurrences; frame 14 dies before the addresses.
    expect(rows[10]).toEqual([2, '192.168.1.9']);
    expect(rows[13][0]).toBe(0);
    expect(rows[16]).toEqual([1, '10.2.2.2']);
    sink.reset();
    session.dissect(recs[0], sink, false);
    expect([formatValue(IP.host, sink.value(IP.host, 0)), formatValue(IP.host, sink.value(IP.host, 1))]).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('marks a truncated header malformed and a bogus one with expert info', () => {
    const [truncated] = recordsOf([oracleFrames()[13]]);
    const { tree, result } = engine.newSession().tree(truncated);
    expect(walk(tree).some((n) => n.field === WS.malformed)).toBe(true);
    expect(result.columns.info).toBe('[Malformed Packet]');
    const bogus = ether(ipv4(udp(1, 2, seq(4))));
    bogus[14] = 0x44;
    const r = engine.newSession().tree(recordsOf([{ bytes: bogus }])[0]);
    expect(r.result.columns.info).toBe('Bogus IP header length (16, must be at least 20)');
    expect(r.result.expertInfos.map((e) => e.message)).toEqual(['Bogus IP header length (16, must be at least 20)']);
  });

  it('never throws on random, truncated or bit-flipped frames', () => {
    const base = oracleFrames();
    const session = engine.newSession();
    const tree = engine.newSession();
    const sink = new FilterSink(engine.fields.all(), fieldIdLimit());
    let number = 0;
    const run = (bytes: Uint8Array, linkType: number) => {
      const rec: FrameRecord = { ...recordsOf([{ bytes, linkType }])[0], number: ++number };
      sink.reset();
      session.dissect(rec, sink, true);
      tree.tree(rec);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(1, 101), (b, lt) => run(b, lt)));
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(), fc.nat(), fc.nat(), (i, cut, bit, bit2) => {
        const b = base[i].bytes.slice();
        b[(bit >> 3) % b.length] ^= 1 << (bit & 7);
        b[(bit2 >> 3) % b.length] ^= 1 << (bit2 & 7);
        run(b, base[i].linkType ?? 1);
        run(b.subarray(0, cut % (b.length + 1)), base[i].linkType ?? 1);
      }),
      { numRuns: 500 },
    );
  });

  it('declares its fields as tshark 4.0 registers them', () => {
    const known = tsharkRegistry();
    const TYPES: Record<string, string[]> = {
      uint: ['FT_UINT8', 'FT_UINT16', 'FT_UINT24', 'FT_UINT32'],
      int: ['FT_INT32'],
      bool: ['FT_BOOLEAN'],
      ipv4: ['FT_IPv4'],
      ether: ['FT_ETHER'],
      bytes: ['FT_BYTES'],
      string: ['FT_STRING'],
      none: ['FT_NONE'],
      framenum: ['FT_FRAMENUM'],
      float: ['FT_DOUBLE'],
      abs_time: ['FT_ABSOLUTE_TIME'],
      rel_time: ['FT_RELATIVE_TIME'],
    };
    const BASES: Record<string, string> = { dec: 'BASE_DEC', hex: 'BASE_HEX', dec_hex: 'BASE_DEC_HEX', hex_dec: 'BASE_HEX_DEC', none: 'BASE_NONE' };
    const mismatches: string[] = [];
    for (const f of engine.fields.all()) {
      if (!OURS.has(f.protocol)) continue;
      const row = known.get(f.abbrev);
      if (!row) {
        mismatches.push(`${f.abbrev}: unknown to tshark`);
        continue;
      }
      if (row[0] === 'P') continue; // ip.options.* are protocols in Wireshark, byte items here
      const [, name, , type, , base, mask] = row;
      if (name !== f.name) mismatches.push(`${f.abbrev}: name ${f.name} vs ${name}`);
      if (f.type !== 'protocol' && !TYPES[f.type]?.includes(type)) mismatches.push(`${f.abbrev}: type ${f.type} vs ${type}`);
      if (f.bits && /^FT_U?INT/.test(type) && Number(type.replace(/\D/g, '')) !== f.bits) mismatches.push(`${f.abbrev}: ${f.bits} bits vs ${type}`);
      if ((f.type === 'uint' || f.type === 'int') && BASES[f.base ?? 'dec'] !== base) mismatches.push(`${f.abbrev}: base ${f.base} vs ${base}`);
      if (parseInt(mask, 16) !== (f.mask ?? 0)) mismatches.push(`${f.abbrev}: mask ${f.mask} vs ${mask}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('IPv4 family against tshark 4.0 (the oracle)', () => {
  const frames = oracleFrames();
  const file = tempFile('ipv4-family.pcapng', pcapngOf(frames));
  const recs = recordsOf(frames);
  const known = tsharkRegistry();
  const fields = engine.fields
    .all()
    .filter((f) => (OURS.has(f.protocol) || ['eth.padding', 'data.data', 'data.len', 'frame.protocols', '_ws.expert.message'].includes(f.abbrev)) && f.type !== 'protocol')
    .filter((f) => known.has(f.abbrev));
  const columns = ['_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination'];
  // UDP is not ours: tshark shows its payload as data too. -n: no MAC name resolution (Broadcast).
  const options = ['--disable-protocol', 'udp', '-n'];

  it('finds no malformed frame but the truncated one', () => {
    expect(tsharkFields(file, ['frame.number'], '_ws.malformed', options).map((r) => Number(r[0]))).toEqual([14]);
    const session = engine.newSession();
    const sink = new FilterSink([WS.malformed], fieldIdLimit());
    const ours = recs.filter((r) => {
      sink.reset();
      session.dissect(r, sink, false);
      return sink.count(WS.malformed) > 0;
    });
    expect(ours.map((r) => r.number)).toEqual([14]);
  });

  for (const twoPass of [false, true]) {
    const pass = twoPass ? 'after a first pass (tshark -2)' : 'on the first pass';

    it(`gives every field and column tshark gives, ${pass}`, () => {
      const rows = tsharkFields(file, [...columns, ...fields.map((f) => f.abbrev)], undefined, twoPass ? [...options, '-2'] : options);
      expect(rows.length).toBe(recs.length);
      const session = engine.newSession();
      const sink = new FilterSink(fields, fieldIdLimit());
      if (twoPass) {
        for (const r of recs) {
          sink.reset();
          session.dissect(r, sink, false);
        }
      }
      const differences: string[] = [];
      recs.forEach((rec, i) => {
        sink.reset();
        const result = session.dissect(rec, sink, true);
        // tshark runs with -n (no name resolution, so labels carry no manufacturer names); we
        // resolve like tshark's default, so only the broadcast name must be put back.
        const unresolved = (a: string) => (a === 'Broadcast' ? 'ff:ff:ff:ff:ff:ff' : a);
        const ours = [result.columns.protocol, result.columns.info, unresolved(result.columns.src), unresolved(result.columns.dst), ...fieldRow(sink, fields)];
        const names = [...columns, ...fields.map((f) => f.abbrev)];
        ours.forEach((v, k) => {
          if (v !== (rows[i][k] ?? '')) differences.push(`frame ${rec.number} ${names[k]}: ours ${JSON.stringify(v)} tshark ${JSON.stringify(rows[i][k])}`);
        });
      });
      expect(differences).toEqual([]);
      // A few values spelled out, so a silent change on both sides would still be caught.
      const at = (frame: number, abbrev: string) => rows[frame - 1][columns.length + fields.findIndex((f) => f.abbrev === abbrev)];
      expect(rows[0][1]).toBe(`Echo (ping) request  id=0x0001, seq=1/256, ttl=64${twoPass ? ' (no response found!)' : ''}`);
      expect(rows[9][1]).toBe('Echo (ping) reply    id=0x0077, seq=5/1280, ttl=64 (request in 9)');
      expect(rows[1][1]).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
      expect(rows[2][1]).toBe('10.0.0.2 is at 02:00:00:00:00:02');
      expect(rows[10][1]).toBe('Destination unreachable (Fragmentation needed)');
      expect(at(11, 'icmp.mtu')).toBe('1400');
      expect(at(8, 'ip.fragment')).toBe('6,7,8');
      expect(at(8, 'ip.reassembled.length')).toBe('3000');
      expect(at(6, 'ip.reassembled_in')).toBe(twoPass ? '8' : '');
      expect(at(9, 'icmp.resp_in')).toBe(twoPass ? '10' : '');
      expect(at(10, 'icmp.resptime')).toBe('0.001');
      expect(at(13, 'eth.padding')).toBe('0000000000000000000000000000');
      expect(at(15, 'eth.padding')).toBe('0000000000000000000000000000');
      expect(at(17, 'ip.dst')).toBe('10.2.2.2');
      expect(at(19, 'icmp.checksum.status')).toBe('0');
      expect(at(20, 'arp.duplicate-address-frame')).toBe('15');
    });

    it(`labels the tree as tshark -V does, ${pass}`, () => {
      const run = tshark(['-r', file, '-V', ...options, ...(twoPass ? ['-2'] : [])]);
      expect(run.status).toBe(0);
      const theirs = run.stdout.split(/\n(?=Frame \d+:)/).map((f) => ourSections(f.split('\n')));
      const session = engine.newSession();
      if (twoPass) for (const r of recs) session.tree(r);
      const ours = recs.map((r) => ourSections(treeText(session.tree(r).tree)));
      expect(ours).toEqual(theirs);
    });
  }
});
