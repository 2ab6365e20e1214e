import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../core/base/bytes.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { FilterSink } from '../../../core/dissect/sink.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { recordsOf } from '../../support/capture.ts';

// dst ff:ff:ff:ff:ff:ff, src 02:00:00:00:00:01, type 0x88b5 (local experimental), 4 payload bytes
const FRAME = fromHex('ffffffffffff 020000000001 88b5 deadbeef')!;

describe('eth dissector', () => {
  const engine = new DissectionEngine([eth]);

  it('builds the tree with byte ranges and the frame.protocols chain', () => {
    const [rec] = recordsOf([{ bytes: FRAME }]);
    const { tree } = engine.newSession().tree(rec);
    const nodes = [...tree.walk()];
    const byName = (a: string) => nodes.filter((n) => n.field?.abbrev === a);
    expect(byName('eth.dst')[0]).toMatchObject({ offset: 0, length: 6, value: 0xffffffffffff });
    expect(byName('eth.src')[0]).toMatchObject({ offset: 6, length: 6, value: 0x020000000001 });
    expect(byName('eth.type')[0]).toMatchObject({ offset: 12, length: 2, value: 0x88b5 });
    expect(byName('eth.ig').map((n) => n.value)).toEqual([1, 0]);
    expect(byName('eth.lg').map((n) => n.value)).toEqual([1, 1]);
    expect(byName('data.data')[0]).toMatchObject({ offset: 14, length: 4 });
    expect(byName('frame.protocols')[0].value).toBe('eth:ethertype:data');
  });

  it('keeps only wanted fields in a filter sink', () => {
    const [rec] = recordsOf([{ bytes: FRAME }]);
    const F = eth.fields;
    const sink = new FilterSink([F.addr, F.type], fieldIdLimit());
    engine.newSession().dissect(rec, sink, false);
    expect(sink.count(F.addr)).toBe(2);
    expect(formatValue(F.addr, sink.value(F.addr, 1))).toBe('02:00:00:00:00:01');
    expect(formatValue(F.type, sink.value(F.type, 0))).toBe('0x88b5');
    expect(sink.count(F.dst)).toBe(0);
  });

  it('marks a truncated header malformed instead of throwing', () => {
    const [rec] = recordsOf([{ bytes: FRAME.subarray(0, 9) }]);
    const { tree, result } = engine.newSession().tree(rec);
    const names = [...tree.walk()].map((n) => n.field?.abbrev);
    expect(names).toContain('_ws.malformed');
    expect(result.expertInfos[0]).toMatchObject({ protocol: 'eth', message: 'Malformed Packet (Exception occurred)' });
  });
});
