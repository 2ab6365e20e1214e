import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import { NullSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { recordsOf } from '../../support/capture.ts';
import { udpFrame } from './tunnel-frames.ts';
import { compareColumns, compareFields, newEngine, oracle } from './tunnel-oracle.ts';

describe('dns dissector', () => {
  it('dissects a query and a compressed response with the Info column', () => {
    const q = oracle().byName('dns-query');
    expect(q.ourColumns).toEqual({ protocol: 'DNS', info: 'Standard query 0x1234 A www.web.internal' });
    const r = oracle().byName('dns-response');
    expect(r.ourColumns.info).toBe('Standard query response 0x1234 A www.web.internal CNAME web.internal A 10.0.1.5');
    expect(r.ours.get('dns.cname')).toEqual(['web.internal']);
    expect(r.ours.get('dns.a')).toEqual(['10.0.1.5']);
    expect(r.ours.get('dns.resp.name')).toEqual(['www.web.internal', 'web.internal']);
    expect(r.ours.get('dns.response_to')).toEqual([String(oracle().numberOf('dns-query'))]);
    expect(r.ours.get('dns.time')).toEqual(['0.000001000']);
    const text = treeText(r.ourTree);
    expect(text).toContain('    Flags: 0x8180 Standard query response, No error');
    expect(text).toContain('        www.web.internal: type CNAME, class IN, cname web.internal');
    expect(text).toContain('            Time to live: 300 (5 minutes)');
    // The compressed CNAME data (c0 10) is two bytes at its own position.
    const cname = [...r.ourTree.walk()].find((n) => n.field?.abbrev === 'dns.cname');
    expect(cname).toMatchObject({ length: 2 });
  });

  it('tracks retransmissions, unsolicited responses, error codes and DNS over TCP', () => {
    const o = oracle();
    expect(o.byName('dns-query-x-retransmitted').ours.get('dns.retransmit_request_in')).toEqual([String(o.numberOf('dns-query-x'))]);
    expect(o.byName('dns-response-x').ours.get('dns.response_to')).toEqual([String(o.numberOf('dns-query-x'))]);
    expect(o.byName('dns-response-x-retransmitted').ours.get('_ws.expert.message')).toEqual([
      `DNS response retransmission. Original response in frame ${o.numberOf('dns-response-x')}`,
    ]);
    expect(o.byName('dns-response-unsolicited').ours.get('dns.unsolicited')).toEqual(['1']);
    expect(o.byName('dns-response-nxdomain').ourColumns.info).toBe('Standard query response 0x4321 No such name AAAA nope.internal');
    const tcp = o.byName('dns-over-tcp');
    expect(tcp.ours.get('dns.length')).toEqual(['34']);
    expect(tcp.ourColumns.info).toBe('Standard query 0x7777 A tcp.web.internal');
  });

  it('gives the same values and columns as tshark 4.0', () => {
    const fields = compareFields(['dns']);
    expect(fields.mismatches).toEqual([]);
    expect(fields.compared).toBeGreaterThan(150);
    const cols = compareColumns('dns');
    expect(cols.mismatches).toEqual([]);
    expect(cols.compared).toBe(10);
  });

  it('survives compression loops and never throws on random messages', () => {
    const engine = newEngine();
    const loop = fromHex('abcd0100000100000000000003777777c00c00010001')!; // www + pointer to itself
    const [rec] = recordsOf([{ bytes: udpFrame('10.0.0.1', '10.0.0.2', 5353, 53, loop) }]);
    const { result } = engine.newSession().tree(rec);
    expect(result.columns.info).toBe('Standard query 0xabcd A <Name contains a pointer that loops>');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), (payload) => {
        const [r] = recordsOf([{ bytes: udpFrame('10.0.0.1', '10.0.0.2', 40000, 53, payload) }]);
        engine.newSession().tree(r);
        engine.newSession().dissect(r, NullSink.instance, true);
      }),
    );
  });
});
