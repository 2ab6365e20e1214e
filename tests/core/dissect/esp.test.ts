import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NullSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { EtherType } from '../../../core/wire/ethernet.ts';
import { recordsOf } from '../../support/capture.ts';
import { ether, ip, ipv4, MAC } from './tunnel-frames.ts';
import { compareColumns, compareFields, newEngine, oracle } from './tunnel-oracle.ts';

describe('esp dissector', () => {
  it('shows SPI and sequence and leaves the payload undecoded, as tshark does by default', () => {
    const r = oracle().byName('esp-null-tunnel');
    expect(r.ours.get('esp.spi')).toEqual(['0x00001001']);
    expect(r.ours.get('esp.sequence')).toEqual(['1']);
    expect(r.ourColumns).toEqual({ protocol: 'ESP', info: 'ESP (SPI=0x00001001)' });
    expect(r.ourProtocols).toBe('eth:ethertype:ip:esp');
    expect(treeText(r.ourTree)).toContain('    ESP SPI: 0x00001001 (4097)');
    expect(oracle().byName('esp-aes-gcm').ourColumns.info).toBe('ESP (SPI=0x00002002)');
  });

  it('analyses sequence numbers per SPI', () => {
    const gap = oracle().byName('esp-seq-5-gap');
    expect(gap.ours.get('esp.sequence-analysis.expected-sn')).toEqual(['2']);
    expect(gap.ours.get('esp.sequence-analysis.previous-frame')).toEqual([String(oracle().numberOf('esp-seq-1'))]);
    expect(gap.ours.get('_ws.expert.message')).toEqual(['Wrong Sequence Number for SPI 00003003 - 3 missing']);
    expect(oracle().byName('esp-seq-6').ours.has('esp.sequence-analysis.expected-sn')).toBe(false);
    expect(oracle().byName('esp-seq-3-behind').ours.get('_ws.expert.message')).toEqual(['Wrong Sequence Number for SPI 00003003 - 4 less than expected']);
  });

  it('gives the same values and columns as tshark 4.0', () => {
    const fields = compareFields(['esp']);
    expect(fields.mismatches).toEqual([]);
    expect(fields.compared).toBeGreaterThanOrEqual(16);
    const cols = compareColumns('esp');
    expect(cols.mismatches).toEqual([]);
    expect(cols.compared).toBe(6);
  });

  it('never throws on random payloads', () => {
    const engine = newEngine();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (payload) => {
        const [rec] = recordsOf([{ bytes: ether(MAC.tor, MAC.host1, EtherType.ipv4, ipv4(ip('1.1.1.1'), ip('2.2.2.2'), 50, payload)) }]);
        const session = engine.newSession();
        session.tree(rec);
        session.dissect(rec, NullSink.instance, true);
      }),
    );
  });
});
