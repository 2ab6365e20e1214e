import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from '../../../core/base/addr.ts';
import { fromHex } from '../../../core/base/bytes.ts';
import { WS } from '../../../core/dissect/builtin.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { arp } from '../../../core/dissect/protocols/arp.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { FilterSink, type TreeNode, type TreeSink } from '../../../core/dissect/sink.ts';
import { ArpRepr, ArpViewMut } from '../../../core/wire/arp.ts';
import { recordsOf } from '../../support/capture.ts';

const engine = new DissectionEngine([eth, arp]);
const F = arp.fields;
const A = 0x020000000001;
const B = 0x020000000002;
const C = 0x020000000003;

/** An Ethernet frame (padded to 60 bytes) carrying an Ethernet/IPv4 ARP packet. */
function arpFrame(operation: number, senderMac: number, senderIp: string, targetMac: number, targetIp: string, dst = 0xffffffffffff): Uint8Array {
  const b = new Uint8Array(60);
  const hex = (m: number) => m.toString(16).padStart(12, '0');
  b.set(fromHex(hex(dst) + hex(senderMac) + '0806')!);
  const repr: ArpRepr = { operation, senderMac, senderIp: parseIpv4(senderIp)!, targetMac, targetIp: parseIpv4(targetIp)! };
  ArpRepr.emit(repr, ArpViewMut.over(b.subarray(14)));
  return b;
}

function dissectAll(frames: Uint8Array[], session = engine.newSession()) {
  return recordsOf(frames.map((bytes) => ({ bytes }))).map((rec) => {
    const { tree, result } = session.tree(rec);
    return { info: result.columns.info, protocol: result.columns.protocol, tree, experts: [...result.expertInfos] };
  });
}

const nodes = (tree: TreeSink): TreeNode[] => [...tree.walk()];
const values = (tree: TreeSink, abbrev: string) => nodes(tree).filter((n) => n.field?.abbrev === abbrev).map((n) => n.value);

describe('ARP dissector', () => {
  it('summarises requests and replies and leaves the rest as padding', () => {
    const [req, rep] = dissectAll([arpFrame(1, A, '10.0.0.1', 0, '10.0.0.2'), arpFrame(2, B, '10.0.0.2', A, '10.0.0.1', A)]);
    expect([req.protocol, req.info]).toEqual(['ARP', 'Who has 10.0.0.2? Tell 10.0.0.1']);
    expect(rep.info).toBe('10.0.0.2 is at 02:00:00:00:00:02');
    const proto = nodes(req.tree).find((n) => n.field === arp.proto)!;
    expect([proto.offset, proto.length, proto.label]).toEqual([14, 28, 'Address Resolution Protocol (request)']);
    expect(values(req.tree, 'arp.opcode')).toEqual([1]);
    expect(values(req.tree, 'arp.src.hw_mac')).toEqual([A]);
    expect(values(req.tree, 'arp.dst.proto_ipv4')).toEqual([0x0a000002]);
    expect(nodes(req.tree).find((n) => n.field?.abbrev === 'eth.padding')).toMatchObject({ offset: 42, length: 18 });
    expect(req.experts).toEqual([]);
  });

  it('recognises gratuitous ARP, probes and announcements', () => {
    const frames = [
      arpFrame(1, A, '10.0.0.1', 0, '10.0.0.1'),
      arpFrame(1, A, '0.0.0.0', 0, '10.0.0.5'),
      arpFrame(2, A, '10.0.0.1', 0xffffffffffff, '10.0.0.1'),
      arpFrame(1, A, '10.0.0.1', B, '10.0.0.1'),
    ];
    const out = dissectAll(frames);
    expect(out.map((f) => f.info)).toEqual([
      'ARP Announcement for 10.0.0.1',
      'Who has 10.0.0.5? (ARP Probe)',
      'Gratuitous ARP for 10.0.0.1 (Reply)',
      'Gratuitous ARP for 10.0.0.1 (Request)',
    ]);
    expect(values(out[0].tree, 'arp.isannouncement')).toEqual([1]);
    expect(values(out[0].tree, 'arp.isgratuitous')).toEqual([1]);
    expect(values(out[1].tree, 'arp.isprobe')).toEqual([1]);
    expect(nodes(out[2].tree).find((n) => n.field === arp.proto)?.label).toBe('Address Resolution Protocol (reply/gratuitous ARP)');
  });

  it('reports an address claimed by a second MAC', () => {
    const frames = [arpFrame(2, A, '10.0.0.1', B, '10.0.0.2', B), arpFrame(2, C, '10.0.0.1', B, '10.0.0.2', B), arpFrame(1, C, '10.0.0.1', 0, '10.0.0.7')];
    const session = engine.newSession();
    const out = dissectAll(frames, session);
    expect(values(out[1].tree, 'arp.duplicate-address-frame')).toEqual([1]);
    expect(out[1].experts.map((e) => e.message)).toEqual(['Duplicate IP address configured (10.0.0.1)']);
    const report = out[1].tree.root.children.find((n) => n.field === null && n.label?.startsWith('[Duplicate'));
    expect(report?.label).toBe('[Duplicate IP address detected for 10.0.0.1 (02:00:00:00:00:03) - also in use by 02:00:00:00:00:01 (frame 1)]');
    // The target check runs last and finds 10.0.0.2 where it was: Wireshark then drops the Info note.
    expect(out[1].info).toBe('10.0.0.1 is at 02:00:00:00:00:03');
    // The third frame: the same MAC again, its earlier use by A still remembered.
    expect(out[2].info).toBe('Who has 10.0.0.7? Tell 10.0.0.1 (duplicate use of 10.0.0.1 detected!)');
    // Seen again, the result is the recorded one.
    const again = dissectAll(frames, session);
    expect(values(again[1].tree, 'arp.duplicate-address-frame')).toEqual([1]);
  });

  it('keeps only wanted fields in a filter sink', () => {
    const sink = new FilterSink([F.opcode, F.srcProtoIpv4], fieldIdLimit());
    const [rec] = recordsOf([{ bytes: arpFrame(1, A, '10.0.0.1', 0, '10.0.0.2') }]);
    engine.newSession().dissect(rec, sink, false);
    expect([formatValue(F.opcode, sink.value(F.opcode, 0)), formatValue(F.srcProtoIpv4, sink.value(F.srcProtoIpv4, 0))]).toEqual(['1', '10.0.0.1']);
  });

  it('marks a packet whose addresses run past the frame malformed', () => {
    const b = arpFrame(1, A, '10.0.0.1', 0, '10.0.0.2');
    b[18] = 60; // hardware size 60: the addresses would need 136 bytes
    const [f] = dissectAll([b]);
    expect(nodes(f.tree).some((n) => n.field === WS.malformed)).toBe(true);
    expect(values(f.tree, 'arp.hw.size')).toEqual([60]);
  });

  it('never throws on random ARP payloads', () => {
    const session = engine.newSession();
    const tree = engine.newSession();
    const sink = new FilterSink(engine.fields.all(), fieldIdLimit());
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0, 1, 2, 3, 8, 11, 24), fc.boolean(), (b, op, ether) => {
        const payload = b.slice();
        if (ether && payload.length >= 8) payload.set([0, 1, 8, 0, 6, 4, 0, op]);
        const bytes = new Uint8Array(14 + payload.length);
        bytes.set(fromHex('ffffffffffff0200000000010806')!);
        bytes.set(payload, 14);
        const rec: FrameRecord = { ...recordsOf([{ bytes }])[0], number: ++n };
        sink.reset();
        session.dissect(rec, sink, true);
        tree.tree(rec);
      }),
      { numRuns: 400 },
    );
  });
});
