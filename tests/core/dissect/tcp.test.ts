import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit, type FieldDef, type FieldValue } from '../../../core/dissect/field.ts';
import { defineFields, defineProtocol, type ProtocolModule } from '../../../core/dissect/protocol.ts';
import { FilterSink, type TreeNode } from '../../../core/dissect/sink.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { ip as ipv4Protocol } from '../../../core/dissect/protocols/ip.ts';
import { icmp } from '../../../core/dissect/protocols/icmp.ts';
import { internetChecksum } from '../../../core/base/checksum.ts';
import { tcp, TCP_FIELDS } from '../../../core/dissect/protocols/tcp.ts';
import { udp } from '../../../core/dissect/protocols/udp.ts';
import { recordsOf, pcapngOf } from '../../support/capture.ts';
import { tempFile, tsharkFields, tsharkVersion } from '../../support/tshark.ts';
import { compareTreeShape, compareWithTshark, fieldText, treeValues, type OracleRun } from './tcp-oracle.ts';
import { Conversation, bytesOf, ether, ip, ipv4, scenario, tcpFrame, tcpSegment, udpFrame, type Scenario } from './tcp-frames.ts';

const MODULES = [eth, ipv4Protocol, tcp, udp];
const EXTRA = ['_ws.expert.message', '_ws.expert.severity', '_ws.expert.group', 'frame.protocols', 'data.data'];
const F = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 };

describe('TCP and UDP against tshark 4.0', () => {
  let sc: Scenario;
  let run: OracleRun;
  const row = (frame: number) => run.tshark[frame - 1];
  const ours = (frame: number) => run.ours[frame - 1];

  beforeAll(() => {
    expect(tsharkVersion()).toMatch(/^TShark \(Wireshark\) 4\.0\./);
    sc = scenario();
    run = compareWithTshark(
      sc.frames.map((bytes) => ({ bytes })),
      MODULES,
      ['tcp', 'udp'],
      EXTRA,
    );
  });

  it('agrees on every tcp.* and udp.* field, the columns, expert info and frame.protocols', () => {
    // The one known difference: a header longer than the segment IP reports. tshark prints the
    // options item's missing bytes as `<MISSING>`; we have no bytes to show either.
    const known = [...sc.malformed].filter((n) => row(n).get('tcp.options') === '<MISSING>');
    expect(known).toHaveLength(1);
    const unexpected = run.mismatches.filter((m) => !(m.field === 'tcp.options' && known.includes(m.frame)));
    expect(unexpected).toEqual([]);
    expect(run.fields.length).toBeGreaterThan(120);
    expect(sc.frames.length).toBeGreaterThan(100);
  });

  it('puts every field under the same parent and over the same bytes', () => {
    expect(compareTreeShape(sc.frames.map((bytes) => ({ bytes })), run, ['tcp', 'udp'])).toEqual([]);
  });

  it('flags as malformed exactly the frames made malformed on purpose', () => {
    const flagged = run.tshark.flatMap((t, i) => (t.get('_ws.malformed') ? [i + 1] : []));
    expect(flagged).toEqual([...sc.malformed].sort((a, b) => a - b));
    const oursFlagged = run.ours.flatMap((t, i) => (t.get('_ws.malformed') ? [i + 1] : []));
    expect(oursFlagged).toEqual(flagged);
  });

  it('emits checksums tshark verifies as good', () => {
    const file = tempFile('tcp-checksums.pcapng', pcapngOf(sc.frames.map((bytes) => ({ bytes }))));
    const rows = tsharkFields(file, ['tcp.checksum.status', 'udp.checksum.status', 'udp.checksum'], undefined, [
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'udp.check_checksum:TRUE',
    ]);
    rows.forEach(([tcpStatus, udpStatus, udpSum], i) => {
      if (sc.badChecksum.has(i + 1) || sc.malformed.has(i + 1)) return;
      if (tcpStatus) expect({ frame: i + 1, tcpStatus }).toEqual({ frame: i + 1, tcpStatus: '1' });
      if (udpStatus) expect({ frame: i + 1, udpStatus }).toEqual({ frame: i + 1, udpStatus: udpSum === '0x0000' ? '3' : '1' });
    });
  });

  it('shows the handshake as Wireshark does', () => {
    expect(ours(1).get('_ws.col.Info')).toBe('54321 → 7777 [SYN] Seq=0 Win=64240 Len=0 MSS=8961 SACK_PERM TSval=1 TSecr=0 WS=128');
    expect(ours(2).get('_ws.col.Info')).toBe('7777 → 54321 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=8961 SACK_PERM TSval=100 TSecr=1 WS=128');
    expect(ours(3).get('_ws.col.Info')).toBe('54321 → 7777 [ACK] Seq=1 Ack=1 Win=64256 Len=0 TSval=2 TSecr=100');
    expect(ours(1).get('_ws.col.Protocol')).toBe('TCP');
    expect(ours(1).get('tcp.seq_raw')).toBe('1000');
    expect(ours(2).get('tcp.analysis.acks_frame')).toBe('1');
    expect(ours(2).get('tcp.analysis.ack_rtt')).toBe('0.000001000');
    expect(ours(3).get('tcp.analysis.initial_rtt')).toBe('0.000002000');
    expect(ours(3).get('tcp.window_size_scalefactor')).toBe('128');
    expect(ours(3).get('tcp.window_size')).toBe('64256');
    expect(ours(1).get('tcp.options.wscale.multiplier')).toBe('128');
    expect(ours(1).get('tcp.option_kind')).toBe('2,4,8,1,3');
    expect(ours(4).get('tcp.analysis.bytes_in_flight')).toBe('10');
    expect(ours(4).get('tcp.completeness')).toBe('7');
    expect(ours(7).get('tcp.options.sack_le')).toBe('31');
    expect(ours(8).get('_ws.col.Info')).toMatch(/^\[TCP Spurious Retransmission\] 54321 → 7777 \[PSH, ACK\] Seq=1 Ack=21/);
    expect(ours(10).get('tcp.analysis.rto_frame')).toBe('8');
    expect(row(10).get('tcp.analysis.retransmission')).toBe('1');
  });

  it('numbers streams in first-seen order, both directions together', () => {
    const streams = run.ours.map((m) => m.get('tcp.stream') || m.get('udp.stream') || '');
    expect(streams.slice(0, 14)).toEqual(Array(14).fill('0'));
    expect(streams.slice(14, 16)).toEqual(['1', '1']);
    expect(new Set(run.ours.map((m) => m.get('tcp.stream')).filter(Boolean)).size).toBeGreaterThan(20);
  });

  it('gives the same values when a frame is dissected again, in any order', () => {
    const records = recordsOf(sc.frames.map((bytes) => ({ bytes })));
    const engine = new DissectionEngine(MODULES);
    const session = engine.newSession();
    const fields = run.fields;
    const first = records.map((r) => treeValues(session.tree(r).tree, fields));
    const order = records.map((_, i) => i).reverse();
    order.push(40, 3, 40, 90, 0);
    for (const i of order) expect({ frame: i + 1, values: treeValues(session.tree(records[i]).tree, fields) }).toEqual({ frame: i + 1, values: first[i] });
  });

  it('fills a filter sink with the same values as the tree, without columns', () => {
    const records = recordsOf(sc.frames.map((bytes) => ({ bytes })));
    const engine = new DissectionEngine(MODULES);
    const defs = engine.fields.all().filter((f) => f.protocol === 'tcp' || f.protocol === 'udp');
    const sink = new FilterSink(defs, fieldIdLimit());
    const session = engine.newSession();
    const filtered = records.map((r) => {
      sink.reset();
      session.dissect(r, sink, false);
      const out = new Map<string, string>();
      for (const d of defs) {
        const texts: string[] = [];
        for (let k = 0; k < sink.count(d); k++) texts.push(textOf(d, sink.value(d, k)));
        out.set(d.abbrev, texts.join(','));
      }
      return out;
    });
    filtered.forEach((m, i) => {
      for (const d of defs) {
        if (d.type === 'protocol') continue;
        expect({ frame: i + 1, field: d.abbrev, value: m.get(d.abbrev) }).toEqual({ frame: i + 1, field: d.abbrev, value: run.ours[i].get(d.abbrev) });
      }
    });
  });
});

/** A filter-sink value as -T fields prints it (FT_NONE items print 1). */
function textOf(def: FieldDef, value: FieldValue): string {
  return def.type === 'none' ? '1' : formatValue(def, value);
}

describe('TCP and UDP inside ICMP errors, against tshark 4.0', () => {
  /** An ICMP port unreachable from 10.0.0.254 quoting the first `quote` bytes of `datagram`. */
  function icmpError(datagram: Uint8Array, quote: number): Uint8Array {
    const body = new Uint8Array(8 + quote);
    body[0] = 3;
    body[1] = 3;
    body.set(datagram.subarray(0, quote), 8);
    const sum = internetChecksum(body);
    body[2] = sum >> 8;
    body[3] = sum & 0xff;
    return ether(ipv4(ip('10.0.0.254'), ip('10.0.0.1'), 1, body));
  }

  it('shows the quoted headers as tshark does, without sequence analysis', () => {
    const A = ip('10.0.0.1');
    const B = ip('10.0.0.2');
    const syn = ipv4(A, B, 6, tcpSegment({ src: A, dst: B, sport: 40000, dport: 7777, seq: 123456, flags: F.syn, options: [{ kind: 'mss', value: 1460 }] }));
    const synAck = ipv4(A, B, 6, tcpSegment({ src: A, dst: B, sport: 40003, dport: 7777, seq: 5, ack: 9, flags: F.syn | F.ack, payload: bytesOf('abc') }));
    const dgram = udpFrame(A, B, 40000, 7777, bytesOf('abcd')).subarray(14, 14 + 32);
    const frames = [
      icmpError(dgram, 28),
      udpFrame(A, B, 40000, 7777, bytesOf('ef')),
      icmpError(syn, 28),
      icmpError(syn, 44),
      icmpError(dgram, 32),
      tcpFrame({ src: A, dst: B, sport: 40000, dport: 7777, seq: 123456, flags: F.syn }),
      icmpError(synAck, 47),
    ].map((bytes) => ({ bytes }));
    const run = compareWithTshark(frames, [eth, ipv4Protocol, icmp, tcp, udp], ['tcp', 'udp'], ['frame.protocols']);
    expect(run.mismatches).toEqual([]);
    expect(run.ours[2].get('tcp.seq')).toBe('123456');
    expect(run.ours[2].get('tcp.stream')).toBe('');
    expect(run.ours[3].get('tcp.len')).toBe('');
    expect(run.ours[5].get('tcp.completeness')).toBe('1');
    expect(run.ours[6].get('tcp.payload')).toBe('616263');
    expect(run.ours[6].get('tcp.analysis.tfo_ack')).toBe('1');
  });
});

describe('TCP hand-off', () => {
  const calls: { proto: string; offset: number; end: number; text: string }[] = [];
  const recorder = (abbrev: string, table: string, key: number): ProtocolModule =>
    defineProtocol({
      abbrev,
      name: abbrev,
      short: abbrev.toUpperCase(),
      fields: defineFields(abbrev, {}),
      handoffs: [[table, key]],
      dissect(ctx, offset, end) {
        calls.push({ proto: abbrev, offset, end, text: new TextDecoder().decode(ctx.bytes.subarray(offset, end)) });
      },
    });
  const heur = defineProtocol({
    abbrev: 'heurtest',
    name: 'heurtest',
    short: 'HEUR',
    fields: defineFields('heurtest', {}),
    heuristics: [['tcp', (ctx, offset, end) => end - offset >= 4 && ctx.bytes[offset] === 0x48 && ctx.bytes[offset + 1] === 0x45]],
    dissect(ctx, offset, end) {
      calls.push({ proto: 'heurtest', offset, end, text: '' });
    },
  });
  const engine = new DissectionEngine([eth, ipv4Protocol, tcp, udp, recorder('on7777', 'tcp.port', 7777), recorder('on80', 'tcp.port', 80), recorder('on50000', 'tcp.port', 50000), heur]);

  function dissectAll(frames: Uint8Array[]) {
    calls.length = 0;
    const session = engine.newSession();
    return recordsOf(frames.map((bytes) => ({ bytes }))).map((r) => session.tree(r));
  }

  it('hands data to the port table with the payload bounds, but not retransmissions', () => {
    const c = new Conversation(ip('10.1.0.1'), ip('10.1.0.2'), 40000, 7777, 10, 20);
    c.send('c', F.syn).send('s', F.syn | F.ack).send('c', F.ack);
    c.send('c', F.ack | F.psh, { payload: bytesOf('hello') });
    c.send('c', F.ack | F.psh, { payload: bytesOf('hello'), seq: 11 });
    dissectAll(c.frames);
    expect(calls).toEqual([{ proto: 'on7777', offset: 54, end: 59, text: 'hello' }]);
  });

  it('prefers the server port seen in the handshake over the lower port', () => {
    const c = new Conversation(ip('10.1.0.1'), ip('10.1.0.2'), 80, 50000, 10, 20);
    c.send('c', F.syn).send('s', F.syn | F.ack).send('c', F.ack).send('s', F.ack | F.psh, { payload: bytesOf('x') });
    dissectAll(c.frames);
    expect(calls.map((x) => x.proto)).toEqual(['on50000']);
    const mid = new Conversation(ip('10.1.0.1'), ip('10.1.0.2'), 80, 50000, 10, 20);
    mid.send('s', F.ack | F.psh, { payload: bytesOf('y') });
    dissectAll(mid.frames);
    expect(calls.map((x) => x.proto)).toEqual(['on80']);
  });

  it('tries the heuristics, then data', () => {
    const frames = [
      tcpFrame({ src: ip('10.1.0.1'), dst: ip('10.1.0.2'), sport: 40001, dport: 40002, seq: 1, ack: 1, flags: F.ack, payload: bytesOf('HELLO') }),
      tcpFrame({ src: ip('10.1.0.1'), dst: ip('10.1.0.2'), sport: 40001, dport: 40002, seq: 6, ack: 1, flags: F.ack, payload: bytesOf('nope') }),
    ];
    const trees = dissectAll(frames);
    expect(calls.map((x) => x.proto)).toEqual(['heurtest']);
    const data = [...trees[1].tree.walk()].find((n: TreeNode) => n.field?.abbrev === 'data.data');
    expect(data && fieldText(data)).toBe('6e6f7065');
    expect(trees[1].result.protocols.join(':')).toBe('frame:eth:ethertype:ip:tcp:data');
  });
});

describe('TCP byte ranges and labels', () => {
  it('points fields at their bytes and labels them like Wireshark', () => {
    const { frames } = scenario();
    const engine = new DissectionEngine(MODULES);
    const session = engine.newSession();
    const trees = recordsOf(frames.slice(0, 4).map((bytes) => ({ bytes }))).map((r) => session.tree(r).tree);
    const nodes = [...trees[0].walk()];
    const find = (a: string) => nodes.filter((n) => n.field?.abbrev === a);
    const top = find('tcp')[0];
    expect(top).toMatchObject({ offset: 34, length: 40, label: 'Transmission Control Protocol, Src Port: 54321, Dst Port: 7777, Seq: 0, Len: 0' });
    expect(find('tcp.srcport')[0]).toMatchObject({ offset: 34, length: 2, value: 54321 });
    expect(find('tcp.hdr_len')[0]).toMatchObject({ offset: 46, length: 1, value: 40, label: '1010 .... = Header Length: 40 bytes (10)' });
    expect(find('tcp.flags')[0]).toMatchObject({ offset: 46, length: 2, value: 2, label: 'Flags: 0x002 (SYN)' });
    expect(find('tcp.flags.str')[0].value).toBe('··········S·');
    expect(find('tcp.options')[0]).toMatchObject({
      offset: 54,
      length: 20,
      label: 'Options: (20 bytes), Maximum segment size, SACK permitted, Timestamps, No-Operation (NOP), Window scale',
    });
    expect(find('tcp.options.mss')[0].label).toBe('TCP Option - Maximum segment size: 8961 bytes');
    expect(find('tcp.options.wscale')[0].label).toBe('TCP Option - Window scale: 7 (multiply by 128)');
    expect(find('tcp.options.timestamp')[0].label).toBe('TCP Option - Timestamps: TSval 1, TSecr 0');
    expect(find('tcp.completeness')[0].label).toBe('[Conversation completeness: Incomplete (0)]');
    const third = [...trees[2].walk()];
    expect(third.find((n) => n.field?.abbrev === 'tcp.window_size_scalefactor')?.label).toBe('[Window size scaling factor: 128]');
    expect(third.find((n) => n.field?.abbrev === 'tcp.analysis.initial_rtt')?.label).toBe('[iRTT: 0.000002000 seconds]');
    const fourth = [...trees[3].walk()];
    expect(fourth.find((n) => n.field?.abbrev === 'tcp.payload')).toMatchObject({ offset: 66, length: 10, label: 'TCP payload (10 bytes)' });
  });
});

describe('TCP on hostile bytes', () => {
  it('never throws, whatever the bytes after the IPv4 header', () => {
    const { frames } = scenario();
    const engine = new DissectionEngine(MODULES);
    const session = engine.newSession();
    let number = 0;
    const mutate = fc.tuple(fc.integer({ min: 0, max: frames.length - 1 }), fc.oneof(
      fc.record({ cut: fc.integer({ min: 14, max: 120 }) }),
      fc.record({ flips: fc.array(fc.integer({ min: 34 * 8, max: 100 * 8 }), { minLength: 1, maxLength: 6 }) }),
      fc.record({ junk: fc.uint8Array({ minLength: 0, maxLength: 80 }) }),
    ));
    fc.assert(
      fc.property(mutate, ([k, how]) => {
        let bytes = frames[k].slice();
        if ('cut' in how) {
          bytes = bytes.slice(0, how.cut);
        } else if ('flips' in how) {
          for (const bit of how.flips) if (bit >> 3 < bytes.length) bytes[bit >> 3] ^= 1 << (bit & 7);
        } else {
          const out = new Uint8Array(34 + how.junk.length);
          out.set(bytes.subarray(0, 34));
          out.set(how.junk, 34);
          bytes = out;
        }
        const [rec] = recordsOf([{ bytes }]);
        rec.number = ++number;
        const tree = session.tree(rec).tree;
        expect(tree.root.children.length).toBeGreaterThan(0);
        // A filter pass over the same frame must not throw either.
        const sink = new FilterSink([TCP_FIELDS.stream, TCP_FIELDS.analysis], fieldIdLimit());
        session.dissect(rec, sink, false);
      }),
      { numRuns: 500 },
    );
  });
});
