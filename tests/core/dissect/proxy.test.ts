import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NullSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { PROXY_V2_SIGNATURE } from '../../../core/wire/proxy-v2.ts';
import { recordsOf } from '../../support/capture.ts';
import { concat, tcpFrame } from './tunnel-frames.ts';
import { compareColumns, compareFields, newEngine, oracle } from './tunnel-oracle.ts';

describe('proxy dissector', () => {
  it('finds a PROXY v2 header by heuristic at the start of a TCP payload', () => {
    const r = oracle().byName('proxy-v2');
    expect(r.ourProtocols).toBe('eth:ethertype:ip:tcp:proxy');
    expect(r.ourColumns.protocol).toBe('PROXYv2');
    expect(r.ours.get('proxy.src.ipv4')).toEqual(['198.51.100.20']);
    expect(r.ours.get('proxy.dstport')).toEqual(['80']);
    expect(r.ours.get('proxy.v2.tlv.type')).toEqual(['0x03', '0xea']);
    expect(r.ours.get('proxy.v2.tlv.value')?.[1]).toBe('01:76:70:63:65:2d:30:38:64:32:62:66:31:35:66:61:63:35:30:30:31:63:39');
    expect(treeText(r.ourTree)).toContain('    TLV: (t=234,l=23) AWS');
  });

  it("copies 4.0's TLV bound: TLVs stop at the length field, so trailing ones go unshown", () => {
    // Length 51: TLVs at 28 and 35 are read, the NOOP at 61 is not (61 >= 51).
    expect(oracle().byName('proxy-v2').ours.get('proxy.v2.tlv.length')).toEqual(['4', '23']);
    // Length 22 (12 address bytes + one 10-byte TLV): 28 >= 22, no TLV at all.
    expect(oracle().byName('proxy-then-get-7777').ours.has('proxy.v2.tlv')).toBe(false);
  });

  it('is not tried when a port dissector owns the payload (port 80 → HTTP, which declines)', () => {
    const r = oracle().byName('proxy-on-80');
    expect(r.ourProtocols).toBe('eth:ethertype:ip:tcp');
    expect(r.ours.has('proxy.v2.magic')).toBe(false);
  });

  it('gives the same values and columns as tshark 4.0', () => {
    const fields = compareFields(['proxy']);
    expect(fields.mismatches).toEqual([]);
    expect(fields.compared).toBeGreaterThan(25);
    const cols = compareColumns('proxy');
    expect(cols.mismatches).toEqual([]);
    expect(cols.compared).toBe(3);
  });

  it('never throws on random bytes after the signature', () => {
    const engine = newEngine();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (rest) => {
        const [rec] = recordsOf([{ bytes: tcpFrame('10.0.0.1', '10.0.0.2', 40000, 7777, concat(PROXY_V2_SIGNATURE, rest), { seq: 1, ack: 1 }) }]);
        engine.newSession().tree(rec);
        engine.newSession().dissect(rec, NullSink.instance, true);
      }),
    );
  });
});
