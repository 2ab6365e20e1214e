import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import { WS } from '../../../core/dissect/builtin.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { icmp } from '../../../core/dissect/protocols/icmp.ts';
import { ip } from '../../../core/dissect/protocols/ip.ts';
import { FilterSink, type TreeNode, type TreeSink } from '../../../core/dissect/sink.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4ViewMut } from '../../../core/wire/ipv4.ts';
import { recordsOf } from '../../support/capture.ts';

const engine = new DissectionEngine([eth, ip, icmp]);
const F = icmp.fields;

const A = 0x0a000001;
const B = 0x0a000002;

function frame(src: number, dst: number, payload: Uint8Array, ttl = 64, extra: Partial<Ipv4Repr> = {}): Uint8Array {
  const repr: Ipv4Repr = {
    src, dst, protocol: 1, ttl, dscp: 0, ecn: 0, ident: 1, dontFrag: false, moreFrags: false, fragOffset: 0,
    options: new Uint8Array(0), payloadLen: payload.length, ...extra,
  };
  const b = new Uint8Array(14 + Ipv4Repr.bufferLen(repr));
  b.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]);
  const v = Ipv4ViewMut.over(b.subarray(14));
  Ipv4Repr.emit(repr, v);
  v.payloadMut.set(payload);
  return b;
}

function message(repr: Icmpv4Repr): Uint8Array {
  const b = new Uint8Array(Icmpv4Repr.bufferLen(repr));
  Icmpv4Repr.emit(repr, Icmpv4ViewMut.over(b));
  return b;
}

const echo = (kind: 'echoRequest' | 'echoReply', seqNo: number, data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])) =>
  message({ kind, ident: 0x1234, seqNo, data });

/** Dissects frames in order on one session; returns the Info column and the tree of each. */
function dissectAll(frames: Uint8Array[], session = engine.newSession()) {
  return recordsOf(frames.map((bytes) => ({ bytes }))).map((rec) => {
    const { tree, result } = session.tree(rec);
    return { info: result.columns.info, protocol: result.columns.protocol, src: result.columns.src, tree, experts: [...result.expertInfos] };
  });
}

const nodes = (tree: TreeSink): TreeNode[] => [...tree.walk()];
const values = (tree: TreeSink, abbrev: string) => nodes(tree).filter((n) => n.field?.abbrev === abbrev).map((n) => n.value);

describe('ICMP dissector', () => {
  it('matches echo requests with their replies, on the first pass and later', () => {
    const frames = [frame(A, B, echo('echoRequest', 1)), frame(B, A, echo('echoReply', 1), 63), frame(A, B, echo('echoRequest', 2))];
    const session = engine.newSession();
    const first = dissectAll(frames, session);
    expect(first.map((f) => f.info)).toEqual([
      'Echo (ping) request  id=0x1234, seq=1/256, ttl=64',
      'Echo (ping) reply    id=0x1234, seq=1/256, ttl=63 (request in 1)',
      'Echo (ping) request  id=0x1234, seq=2/512, ttl=64',
    ]);
    expect(values(first[1].tree, 'icmp.resp_to')).toEqual([1]);
    expect(values(first[1].tree, 'icmp.resptime')).toEqual([0.001]);
    expect(values(first[0].tree, 'icmp.resp_in')).toEqual([]);
    const again = dissectAll(frames, session);
    expect(again.map((f) => f.info)).toEqual([
      'Echo (ping) request  id=0x1234, seq=1/256, ttl=64 (reply in 2)',
      'Echo (ping) reply    id=0x1234, seq=1/256, ttl=63 (request in 1)',
      'Echo (ping) request  id=0x1234, seq=2/512, ttl=64 (no response found!)',
    ]);
    expect(values(again[0].tree, 'icmp.resp_in')).toEqual([2]);
    expect(values(again[2].tree, 'icmp.no_resp')).toEqual([null]);
    expect(again[2].experts.map((e) => [e.message, e.severity])).toEqual([['No response seen to ICMP request', 0x00600000]]);
  });

  it('reads both byte orders of identifier and sequence, and the checksum', () => {
    const [f] = dissectAll([frame(A, B, echo('echoRequest', 0x0102))]);
    expect(values(f.tree, 'icmp.ident')).toEqual([0x1234]);
    expect(values(f.tree, 'icmp.ident_le')).toEqual([0x3412]);
    expect(values(f.tree, 'icmp.seq_le')).toEqual([0x0201]);
    expect(values(f.tree, 'icmp.checksum.status')).toEqual([1]);
    expect(nodes(f.tree).find((n) => n.field === F.checksum)?.label).toMatch(/^Checksum: 0x[0-9a-f]{4} \[correct\]$/);
    const bad = echo('echoRequest', 1);
    const good = (bad[2] << 8) | bad[3];
    bad[2] ^= 0xff;
    const [g] = dissectAll([frame(A, B, bad)]);
    expect(values(g.tree, 'icmp.checksum.status')).toEqual([0]);
    expect(g.experts.map((e) => e.message)).toEqual([`Bad checksum [should be 0x${good.toString(16).padStart(4, '0')}]`]);
  });

  it('dissects the header a fragmentation-needed message quotes, with the MTU', () => {
    const quoted: Ipv4Repr = {
      src: A, dst: 0xc0a80109, protocol: 17, ttl: 63, dscp: 0, ecn: 0, ident: 0x4242, dontFrag: true, moreFrags: false,
      fragOffset: 0, options: new Uint8Array(0), payloadLen: 1472,
    };
    const msg = message({ kind: 'dstUnreachable', code: 4, nextHopMtu: 1400, header: quoted, data: fromHex('9c40003505c00000')! });
    const [f] = dissectAll([frame(0x0a0000fe, A, msg, 255)]);
    expect(f.info).toBe('Destination unreachable (Fragmentation needed)');
    expect(f.src).toBe('10.0.0.254');
    expect(values(f.tree, 'icmp.mtu')).toEqual([1400]);
    expect(values(f.tree, 'icmp.unused').map((v) => [...(v as Uint8Array)])).toEqual([[0, 0]]);
    // The quoted datagram sits inside the ICMP tree; its checksum is not verified there.
    const icmpNode = nodes(f.tree).find((n) => n.field === icmp.proto)!;
    const inner = icmpNode.children.find((n) => n.field === ip.proto)!;
    expect(inner.offset).toBe(42);
    expect(inner.children.find((n) => n.field === ip.fields.len)?.value).toBe(1492);
    expect(values(f.tree, 'ip.src')).toEqual([0x0a0000fe, A]);
    expect(values(f.tree, 'ip.bogus_ip_length')).toEqual([]);
    expect(icmpNode.children.find((n) => n.field?.abbrev === 'data')?.length).toBe(8);
  });

  it('takes a leading timestamp from echo data when it is near the frame time', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setUint32(0, 1_700_000_000);
    new DataView(data.buffer).setUint32(4, 250_000);
    const [f] = dissectAll([frame(A, B, message({ kind: 'echoRequest', ident: 1, seqNo: 1, data }))]);
    const [abs] = values(f.tree, 'icmp.data_time');
    expect(formatValue(F.dataTime, abs)).toBe('Nov 14, 2023 22:13:20.250000000 UTC');
    expect(formatValue(F.dataTimeRelative, values(f.tree, 'icmp.data_time_relative')[0])).toBe('-0.250000000');
    expect(nodes(f.tree).find((n) => n.field?.abbrev === 'data.data')?.length).toBe(8);
  });

  it('keeps only wanted fields in a filter sink', () => {
    const sink = new FilterSink([F.type, F.seq, WS.malformed], fieldIdLimit());
    const session = engine.newSession();
    const [rec] = recordsOf([{ bytes: frame(A, B, echo('echoRequest', 7)) }]);
    session.dissect(rec, sink, false);
    expect([sink.count(F.type), formatValue(F.type, sink.value(F.type, 0)), formatValue(F.seq, sink.value(F.seq, 0))]).toEqual([1, '8', '7']);
    expect(sink.count(WS.malformed)).toBe(0);
  });

  it('marks a message cut inside its header malformed', () => {
    const [f] = dissectAll([frame(A, B, echo('echoRequest', 1).subarray(0, 5))]);
    expect(nodes(f.tree).some((n) => n.field === WS.malformed)).toBe(true);
    expect(f.protocol).toBe('ICMP');
  });

  it('never throws on random messages', () => {
    const session = engine.newSession();
    const tree = engine.newSession();
    const sink = new FilterSink(engine.fields.all(), fieldIdLimit());
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), fc.constantFrom(0, 3, 4, 5, 8, 9, 11, 12, 13, 14, 17, 18), fc.boolean(), (b, type, cut) => {
        const payload = b.slice();
        if (payload.length > 0) payload[0] = type;
        const bytes = frame(A, B, payload);
        for (const bs of [bytes, cut ? bytes.subarray(0, 14 + 20 + (b.length >> 1)) : bytes]) {
          const rec: FrameRecord = { ...recordsOf([{ bytes: bs }])[0], number: ++n };
          sink.reset();
          session.dissect(rec, sink, true);
          tree.tree(rec);
        }
      }),
      { numRuns: 400 },
    );
  });
});
