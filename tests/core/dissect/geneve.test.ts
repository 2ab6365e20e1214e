import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import { FilterSink, NullSink, type TreeNode } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { geneve } from '../../../core/dissect/protocols/geneve.ts';
import { UNDERLAY } from '../../../core/dissect/protocols/underlay-geneve.ts';
import { recordsOf } from '../../support/capture.ts';
import { GENEVE_UDP_PORT, udpFrame } from './tunnel-frames.ts';
import { compareColumns, compareFields, malformedFrames, newEngine, oracle } from './tunnel-oracle.ts';

const G = geneve.fields;
const U = UNDERLAY.fields;

function nodes(name: string): TreeNode[] {
  return [...oracle().byName(name).ourTree.walk()];
}

function field(list: TreeNode[], abbrev: string): TreeNode[] {
  return list.filter((n) => n.field?.abbrev === abbrev);
}

describe('geneve dissector', () => {
  it('dissects the VPC encapsulation with byte ranges, then the inner Ethernet frame', () => {
    const n = nodes('geneve-underlay');
    // Ethernet 14 + IPv4 20 + UDP 8: Geneve starts at 42.
    expect(field(n, 'geneve')[0]).toMatchObject({ offset: 42, length: 40 });
    expect(field(n, 'geneve.vni')[0]).toMatchObject({ offset: 46, length: 3, value: 0x0a0b0c });
    expect(field(n, 'geneve.proto_type')[0]).toMatchObject({ offset: 44, value: 0x6558 });
    expect(field(n, 'geneve.option.class').map((x) => x.value)).toEqual([0xfff1, 0xfff1, 0xfff1]);
    expect(field(n, 'geneve.option.length').map((x) => x.value)).toEqual([32, 12, 12, 8]);
    expect(field(n, 'geneve.option.unknown.data')[2]).toMatchObject({ offset: 78, length: 4 });
    expect(oracle().byName('geneve-underlay').ourProtocols).toBe('eth:ethertype:ip:udp:geneve:eth:ethertype:ip:tcp');
  });

  it("adds Underlay's named option fields in their own tree, as underlay.lua does", () => {
    const n = nodes('geneve-underlay');
    expect(field(n, 'underlay.geneve.src_eni')[0]).toMatchObject({ offset: 54, length: 8, value: 0x0123456789abcdefn });
    expect(field(n, 'underlay.geneve.dst_eni')[0].value).toBe(0x0fedcba987654321n);
    expect(field(n, 'underlay.geneve.mapping_version')[0].value).toBe(42);
    const underlay = field(n, 'underlay')[0];
    expect(underlay.parent?.field).toBeNull(); // top level, like a post-dissector's tree
    const text = treeText(oracle().byName('geneve-underlay').ourTree);
    expect(text).toContain('    Source ENI: 0x0123456789abcdef (eni-00123456789abcdef)');
    const gwlb = nodes('geneve-gwlb');
    expect(formatValue(U.flowCookie, field(gwlb, 'underlay.gwlb.flow_cookie')[0].value)).toBe('0x8badf00d');
    expect(field(gwlb, 'underlay.gwlb.endpoint_id')[0].value).toBe(0x08d2bf15fac5001cn);
    expect(oracle().byName('geneve-gwlb').ourProtocols).toBe('eth:ethertype:ip:udp:geneve:ip:tcp');
  });

  it('shows Wireshark 4.0 class names and labels', () => {
    const text = treeText(oracle().byName('geneve-unknown-class').ourTree);
    expect(text).toContain('Generic Network Virtualization Encapsulation, VNI: 0x000005, OAM');
    expect(text).toContain('    Flags: 0xc0, Operations, Administration and Management Frame, Critical Options Present');
    expect(text).toContain('        Unknown, Class: Unassigned (0x0170) Type: 0x05 (Non-critical)');
    expect(text).toContain('        Unknown, Class: Unknown (0xff00) Type: 0x81 (Critical)');
    expect(text).toContain('            Unknown Option Data: <MISSING>');
    expect(text).toContain('    Virtual Network Identifier (VNI): 0x000005 (5)');
    // Reserved byte and option flags are zero here: present for filters, hidden in the tree.
    expect(text.some((l) => l.includes('Reserved: 0x00'))).toBe(false);
    expect(field(nodes('geneve-unknown-class'), 'geneve.reserved')[0].value).toBe(0);
  });

  it('raises the expert infos tshark raises', () => {
    const v1 = oracle().byName('geneve-version-1');
    expect(v1.ours.get('_ws.expert.message')).toEqual(['Unknown version 1']);
    expect(v1.ours.get('geneve.version.unknown')).toEqual(['']);
    const past = oracle().byName('geneve-option-past-end');
    expect(past.ours.get('_ws.expert.message')).toEqual(['Unknown, Class: Amazon.com, Inc. (0x0108) Type: 0x01 (length of 12 is past end of options)']);
    expect(past.ours.get('geneve.option.class')).toEqual(['0x0108']);
  });

  it('marks the truncated header malformed, and only it', () => {
    const o = oracle();
    const t = o.byName('geneve-truncated');
    expect(t.ourColumns.info).toBe('Encapsulated Transparent Ethernet bridging[Malformed Packet]');
    expect(t.ours.get('geneve.proto_type')).toEqual(['0x6558']);
    expect(t.ours.has('geneve.vni')).toBe(false);
    expect(malformedFrames()).toEqual({ ours: [o.numberOf('geneve-truncated')], theirs: [o.numberOf('geneve-truncated')] });
  });

  it('gives the same values as tshark 4.0 for every geneve field', () => {
    const { mismatches, compared } = compareFields(['geneve']);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  });

  it('gives the same Protocol and Info columns as tshark 4.0', () => {
    const { mismatches, compared } = compareColumns('geneve');
    expect(mismatches).toEqual([]);
    expect(compared).toBe(6);
  });

  it('fills a filter sink with the same values, and skips options in a summary-only pass', () => {
    const o = oracle();
    const engine = newEngine();
    const session = engine.newSession();
    const sink = new FilterSink([G.vni, U.flowCookie, U.srcEni, G.optionClass], fieldIdLimit());
    const records = recordsOf(o.frames.map((f) => ({ bytes: f.bytes })));
    const gwlb = records[o.numberOf('geneve-gwlb') - 1];
    const vpc = records[o.numberOf('geneve-underlay') - 1];
    for (const rec of records.slice(0, o.numberOf('geneve-gwlb'))) {
      sink.reset();
      session.dissect(rec, sink, false);
      if (rec === vpc) expect(formatValue(U.srcEni, sink.value(U.srcEni, 0))).toBe('0x0123456789abcdef');
    }
    expect(sink.count(G.vni)).toBe(1);
    expect(formatValue(U.flowCookie, sink.value(U.flowCookie, 0))).toBe('0x8badf00d');
    expect(sink.count(G.optionClass)).toBe(3);
    // Summary only: columns are the same, no option walk, so no expert info for a bad option.
    const summary = engine.newSession();
    const past = records[o.numberOf('geneve-option-past-end') - 1];
    const res = summary.dissect(past, NullSink.instance, true);
    expect(res.columns.info).toBe(o.byName('geneve-option-past-end').theirColumns.info);
    expect(res.expertInfos).toEqual([]);
    void gwlb;
  });

  it('never throws on random Geneve payloads', () => {
    const engine = newEngine();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(120), (payload, cut) => {
        const frame = udpFrame('10.0.0.1', '10.0.0.2', 1234, GENEVE_UDP_PORT, payload);
        const [rec] = recordsOf([{ bytes: frame.subarray(0, Math.min(frame.length, 42 + cut)) }]);
        engine.newSession().tree(rec);
        engine.newSession().dissect(rec, NullSink.instance, true);
      }),
    );
  });
});
