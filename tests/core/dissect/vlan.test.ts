import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { arp } from '../../../core/dissect/protocols/arp.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { ip } from '../../../core/dissect/protocols/ip.ts';
import { vlan } from '../../../core/dissect/protocols/vlan.ts';
import { FilterSink, type TreeNode, type TreeSink } from '../../../core/dissect/sink.ts';
import { recordsOf } from '../../support/capture.ts';

const engine = new DissectionEngine([eth, vlan, arp, ip]);
const F = vlan.fields;

const HEAD = 'ffffffffffff 020000000001 8100';
const ARP_REQUEST = '0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002';

function pad(hex: string, length = 60): Uint8Array {
  const b = new Uint8Array(length);
  b.set(fromHex(hex)!);
  return b;
}

function dissect(bytes: Uint8Array) {
  const [rec] = recordsOf([{ bytes }]);
  const { tree, result } = engine.newSession().tree(rec);
  return { tree, columns: { ...result.columns }, protocols: result.protocols.join(':'), experts: [...result.expertInfos] };
}

const nodes = (tree: TreeSink): TreeNode[] => [...tree.walk()];
const one = (tree: TreeSink, abbrev: string) => nodes(tree).find((n) => n.field?.abbrev === abbrev);

describe('802.1Q dissector', () => {
  it('dissects the tag and hands the payload on by EtherType', () => {
    // PCP 3, DEI 1, VID 7, ARP inside, padded to 60 bytes.
    const { tree, columns, protocols } = dissect(pad(`${HEAD} 7007 0806 ${ARP_REQUEST}`));
    const tag = nodes(tree).find((n) => n.field === vlan.proto)!;
    expect([tag.offset, tag.length, tag.label]).toEqual([14, 4, '802.1Q Virtual LAN, PRI: 3, DEI: 1, ID: 7']);
    expect(one(tree, 'vlan.priority')).toMatchObject({ offset: 14, length: 2, value: 3, label: null });
    expect(one(tree, 'vlan.dei')?.value).toBe(1);
    expect(one(tree, 'vlan.id')?.value).toBe(7);
    expect(one(tree, 'vlan.etype')).toMatchObject({ offset: 16, value: 0x0806 });
    expect(protocols).toBe('frame:eth:ethertype:vlan:ethertype:arp');
    expect(columns.info).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    // The padding after the ARP packet is shown once, by the tag, not again by Ethernet.
    expect(nodes(tree).filter((n) => n.field?.abbrev === 'eth.padding').map((n) => [n.offset, n.length])).toEqual([[46, 14]]);
    expect(nodes(tree).some((n) => n.field?.abbrev === 'eth.trailer')).toBe(false);
  });

  it('splits what follows into padding up to 60 bytes and a VLAN trailer', () => {
    const withTrailer = pad(`${HEAD} 0007 0806 ${ARP_REQUEST}`, 64);
    withTrailer.set([5, 5, 5, 5], 60);
    const { tree, experts } = dissect(withTrailer);
    expect(one(tree, 'eth.padding')).toMatchObject({ offset: 46, length: 14 });
    expect(one(tree, 'vlan.trailer')).toMatchObject({ offset: 60, length: 4 });
    expect(experts).toEqual([]);
    const dirty = pad(`${HEAD} 0007 0806 ${ARP_REQUEST}`);
    dirty[50] = 0xaa;
    const d = dissect(dirty);
    expect(one(d.tree, 'vlan.trailer')).toMatchObject({ offset: 46, length: 14 });
    expect(one(d.tree, 'eth.padding')).toBeUndefined();
    expect(d.experts.map((e) => e.message)).toEqual(["Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros."]);
  });

  it('shows an unknown EtherType as data, with Wireshark\'s columns', () => {
    const { tree, columns } = dissect(fromHex(`020000000002 020000000001 8100 2009 88b5 0001020304`)!);
    expect(one(tree, 'data.data')).toMatchObject({ offset: 18, length: 5 });
    expect(columns).toMatchObject({ protocol: '0x88b5', info: 'Local Experimental Ethertype 1' });
    const unnamed = dissect(fromHex(`020000000002 020000000001 8100 2009 7777 0001`)!);
    expect(unnamed.columns).toMatchObject({ protocol: '0x7777', info: 'PRI: 1  DEI: 0  ID: 9' });
  });

  it('takes an 802.3 length instead of an EtherType', () => {
    const { tree } = dissect(pad(`${HEAD} 0005 0004 aaaa0300`));
    expect(one(tree, 'vlan.len')).toMatchObject({ offset: 16, value: 4 });
    expect(one(tree, 'data.data')).toMatchObject({ offset: 18, length: 4 });
    expect(one(tree, 'eth.padding')).toMatchObject({ offset: 22, length: 38 });
  });

  it('keeps only wanted fields in a filter sink', () => {
    const sink = new FilterSink([F.id, F.priority], fieldIdLimit());
    const [rec] = recordsOf([{ bytes: pad(`${HEAD} e02a 0806 ${ARP_REQUEST}`) }]);
    engine.newSession().dissect(rec, sink, false);
    expect([formatValue(F.id, sink.value(F.id, 0)), formatValue(F.priority, sink.value(F.priority, 0))]).toEqual(['42', '7']);
  });

  it('never throws on random tags and payloads', () => {
    const session = engine.newSession();
    const tree = engine.newSession();
    const sink = new FilterSink(engine.fields.all(), fieldIdLimit());
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(0x0800, 0x0806, 0x8100, 0x0010, 0x1234), (b, type) => {
        const bytes = new Uint8Array(18 + b.length);
        bytes.set(fromHex(`${HEAD} 0001`)!);
        bytes[16] = type >> 8;
        bytes[17] = type & 0xff;
        bytes.set(b, 18);
        for (const cut of [bytes.length, 15, 17, 20]) {
          const rec: FrameRecord = { ...recordsOf([{ bytes: bytes.subarray(0, cut) }])[0], number: ++n };
          sink.reset();
          session.dissect(rec, sink, true);
          tree.tree(rec);
        }
      }),
      { numRuns: 300 },
    );
  });
});
