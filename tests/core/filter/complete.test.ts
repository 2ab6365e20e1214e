import { describe, expect, it } from 'vitest';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { completeFilter } from '../../../core/filter/complete.ts';
import { ftestProtocol } from './ftest-protocol.ts';
import { MINI_PROTOCOLS } from './mini-protocols.ts';

const engine = new DissectionEngine([eth, ...MINI_PROTOCOLS, ftestProtocol]);

function labels(text: string, cursor = text.length): string[] {
  return completeFilter(text, cursor, engine.fields).items.map((c) => c.label);
}

describe('filter completion', () => {
  it('offers protocols and functions for a first word', () => {
    const r = completeFilter('ud', 2, engine.fields);
    expect(r).toMatchObject({ from: 0, to: 2 });
    expect(r.items[0]).toEqual({ label: 'udp', kind: 'protocol', detail: 'User Datagram Protocol' });
    expect(labels('le')).toContain('len(');
    expect(labels('no')).toContain('not');
  });

  it('completes field names one level at a time', () => {
    expect(labels('ip.')).toEqual(['ip.addr', 'ip.checksum', 'ip.dst', 'ip.flags', 'ip.id', 'ip.len', 'ip.proto', 'ip.src', 'ip.ttl', 'ip.version']);
    expect(labels('ip.fl')).toEqual(['ip.flags']);
    expect(labels('ip.flags.')).toEqual(['ip.flags.df']);
    const ttl = completeFilter('ip.tt', 5, engine.fields).items[0];
    expect(ttl).toEqual({ label: 'ip.ttl', kind: 'field', detail: 'Time to Live (Unsigned integer (1 byte))' });
  });

  it('replaces the whole word under the cursor', () => {
    expect(completeFilter('ip.sr == 1', 4, engine.fields)).toMatchObject({ from: 0, to: 5 });
    expect(completeFilter('tcp and ud', 10, engine.fields)).toMatchObject({ from: 8, to: 10 });
  });

  it('offers operators after a value', () => {
    expect(labels('ip.src ')).toContain('==');
    expect(labels('ip.src ')).toContain('contains');
    expect(labels('ip.src co')).toEqual(['contains']);
    expect(labels('ip.src == 10.0.0.1 ')).toContain('&&');
    expect(labels('(tcp) a')).toEqual(['and']);
  });

  it('offers fields again after a connective or an operator', () => {
    expect(labels('ip.src == 10.0.0.1 && tc')).toEqual(['tcp']);
    expect(labels('not et')).toEqual(['eth']);
    expect(labels('frame.len > frame.c')).toEqual(['frame.cap_len', 'frame.comment']);
  });

  it('offers value strings and booleans after a comparison', () => {
    expect(labels('ip.proto == ')).toEqual(expect.arrayContaining(['"TCP"', '"UDP"']));
    expect(labels('ip.proto == U').slice(0, 1)).toEqual(['"UDP"']);
    expect(labels('ftest.u8 in {One, ')).toEqual(expect.arrayContaining(['"Two"', '"Many"']));
    expect(labels('tcp.flags.syn == ')).toEqual(expect.arrayContaining(['True', 'False']));
  });

  it('offers nothing inside strings and slices', () => {
    expect(labels('frame.comment == "ab')).toEqual([]);
    expect(labels('eth.src[0')).toEqual([]);
  });
});
