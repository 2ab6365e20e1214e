import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NullSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { recordsOf } from '../../support/capture.ts';
import { udpFrame, VXLAN_UDP_PORT } from './tunnel-frames.ts';
import { compareColumns, compareFields, newEngine, oracle } from './tunnel-oracle.ts';

describe('vxlan dissector', () => {
  it('dissects the header and hands the inner frame to Ethernet (802.1Q, IPv4, ICMP inside)', () => {
    const r = oracle().byName('vxlan-vlan-icmp');
    const vni = [...r.ourTree.walk()].find((n) => n.field?.abbrev === 'vxlan.vni');
    expect(vni).toMatchObject({ offset: 46, length: 3, value: 5001 });
    expect(r.ours.get('vxlan.flag_i')).toEqual(['1']);
    expect(r.ours.get('vxlan.flags')).toEqual(['0x0800']);
    expect(r.ourProtocols).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:vlan:ethertype:ip:icmp:data');
    expect(r.ourColumns.protocol).toBe('ICMP');
    const text = treeText(r.ourTree);
    expect(text).toContain('Virtual eXtensible Local Area Network');
    expect(text).toContain('    Flags: 0x0800, VXLAN Network ID (VNI)');
    expect(text).toContain('        .... 1... .... .... = VXLAN Network ID (VNI): True');
    expect(text).toContain('    VXLAN Network Identifier (VNI): 5001');
  });

  it('gives the same values and columns as tshark 4.0', () => {
    const fields = compareFields(['vxlan']);
    expect(fields.mismatches).toEqual([]);
    expect(fields.compared).toBeGreaterThanOrEqual(9);
    const cols = compareColumns('vxlan');
    expect(cols.mismatches).toEqual([]);
    expect(cols.compared).toBe(1);
  });

  it('never throws on random payloads', () => {
    const engine = newEngine();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (payload) => {
        const [rec] = recordsOf([{ bytes: udpFrame('10.0.0.1', '10.0.0.2', 999, VXLAN_UDP_PORT, payload) }]);
        engine.newSession().tree(rec);
        engine.newSession().dissect(rec, NullSink.instance, true);
      }),
    );
  });
});
