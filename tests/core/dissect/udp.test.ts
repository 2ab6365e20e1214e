import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { defineFields, defineProtocol, type ProtocolModule } from '../../../core/dissect/protocol.ts';
import { FilterSink, type TreeNode } from '../../../core/dissect/sink.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { ip as ipv4Protocol } from '../../../core/dissect/protocols/ip.ts';
import { udp, UDP_FIELDS } from '../../../core/dissect/protocols/udp.ts';
import { recordsOf } from '../../support/capture.ts';
import { compareTreeShape, compareWithTshark } from './tcp-oracle.ts';
import { bytesOf, ether, ip, ipv4, udpFrame } from './tcp-frames.ts';

const A = ip('10.0.0.1');
const B = ip('10.0.0.2');
const C = ip('10.0.0.3');
const U = UDP_FIELDS;

function treeOf(engine: DissectionEngine, frames: Uint8Array[]) {
  const session = engine.newSession();
  return recordsOf(frames.map((bytes) => ({ bytes }))).map((r) => {
    const { tree, result } = session.tree(r);
    return { nodes: [...tree.walk()], info: result.columns.info, protocol: result.columns.protocol, protocols: result.protocols.join(':') };
  });
}

const values = (nodes: TreeNode[], abbrev: string) => nodes.filter((n) => n.field?.abbrev === abbrev).map((n) => formatValue(n.field!, n.value));

describe('udp dissector', () => {
  const engine = new DissectionEngine([eth, ipv4Protocol, udp]);

  it('builds the tree, columns and stream of a datagram', () => {
    const [d] = treeOf(engine, [udpFrame(A, B, 40000, 7777, bytesOf('ping'))]);
    expect(d.protocol).toBe('UDP');
    expect(d.info).toBe('40000 → 7777 Len=4');
    const top = d.nodes.find((n) => n.field === udp.proto)!;
    expect(top).toMatchObject({ offset: 34, length: 8, label: 'User Datagram Protocol, Src Port: 40000, Dst Port: 7777' });
    expect(d.nodes.find((n) => n.field === U.srcport)).toMatchObject({ offset: 34, length: 2, value: 40000 });
    expect(d.nodes.find((n) => n.field === U.dstport)).toMatchObject({ offset: 36, length: 2, value: 7777 });
    expect(values(d.nodes, 'udp.port')).toEqual(['40000', '7777']);
    expect(d.nodes.find((n) => n.field === U.length)).toMatchObject({ offset: 38, length: 2, value: 12 });
    expect(d.nodes.find((n) => n.field === U.checksum)).toMatchObject({ offset: 40, value: 0x5261, label: 'Checksum: 0x5261 [unverified]' });
    expect(values(d.nodes, 'udp.checksum.status')).toEqual(['2']);
    expect(values(d.nodes, 'udp.stream')).toEqual(['0']);
    expect(values(d.nodes, 'udp.time_relative')).toEqual(['0.000000000']);
    // The payload ends at the UDP length, before the Ethernet padding.
    expect(d.nodes.find((n) => n.field === U.payload)).toMatchObject({ offset: 42, length: 4, label: 'UDP payload (4 bytes)' });
    expect(values(d.nodes, 'data.data')).toEqual(['70696e67']);
    expect(d.protocols).toBe('frame:eth:ethertype:ip:udp:data');
  });

  it('nests the status of a zero checksum, and keeps streams per conversation in both directions', () => {
    const frames = [
      udpFrame(A, B, 40001, 7777, bytesOf('a'), false),
      udpFrame(B, A, 7777, 40001, bytesOf('bb')),
      udpFrame(C, B, 40001, 7777, bytesOf('ccc')),
      udpFrame(A, B, 40001, 7777, bytesOf('dddd')),
    ];
    const t = treeOf(engine, frames);
    const zero = t[0].nodes.find((n) => n.field === U.checksum)!;
    expect(zero.label).toBe('Checksum: 0x0000 [zero-value ignored]');
    expect(zero.children.map((c) => [c.field?.abbrev, c.value])).toEqual([['udp.checksum.status', 3]]);
    expect(t.map((d) => values(d.nodes, 'udp.stream')[0])).toEqual(['0', '0', '1', '0']);
    expect(t.map((d) => values(d.nodes, 'udp.time_delta')[0])).toEqual(['0.000000000', '0.000001000', '0.000000000', '0.000002000']);
    expect(t.map((d) => values(d.nodes, 'udp.time_relative')[0])).toEqual(['0.000000000', '0.000001000', '0.000000000', '0.000003000']);
  });

  it('reports bad lengths as tshark does', () => {
    const t = treeOf(engine, [
      ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x00, 0x1e, 0x61, 0x00, 0x04, 0, 0]))),
      ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x01, 0x1e, 0x61, 0x00, 0x20, 0, 0, 1, 2, 3, 4]))),
    ]);
    expect(t[0].info).toBe('43008 → 7777 [BAD UDP LENGTH 4 < 8]');
    expect(values(t[0].nodes, '_ws.expert.message')).toEqual(['Bad length value 4 < 8']);
    expect(values(t[0].nodes, 'udp.stream')).toEqual([]);
    expect(t[1].info).toBe('43009 → 7777 [BAD UDP LENGTH 32 > IP PAYLOAD LENGTH] Len=24');
    expect(t[1].nodes.find((n) => n.field === U.payload)).toMatchObject({ offset: 42, length: 4 });
  });

  it('gives the same stream and times when frames are dissected again', () => {
    const frames = [udpFrame(A, B, 1, 2, bytesOf('x')), udpFrame(A, C, 1, 2, bytesOf('y')), udpFrame(B, A, 2, 1, bytesOf('z'))];
    const session = engine.newSession();
    const records = recordsOf(frames.map((bytes) => ({ bytes })));
    const sink = new FilterSink([U.stream, U.timeDelta, U.timeRelative], fieldIdLimit());
    const pass = () =>
      records.map((r) => {
        sink.reset();
        session.dissect(r, sink, false);
        return [U.stream, U.timeDelta, U.timeRelative].map((f) => formatValue(f, sink.value(f, 0)));
      });
    const first = pass();
    expect(first).toEqual([
      ['0', '0.000000000', '0.000000000'],
      ['1', '0.000000000', '0.000000000'],
      ['0', '0.000002000', '0.000002000'],
    ]);
    expect(pass()).toEqual(first);
    sink.reset();
    session.dissect(records[2], sink, false);
    expect(formatValue(U.timeDelta, sink.value(U.timeDelta, 0))).toBe('0.000002000');
  });
});

describe('udp hand-off', () => {
  const calls: string[] = [];
  const on = (abbrev: string, port: number): ProtocolModule =>
    defineProtocol({
      abbrev,
      name: abbrev,
      short: abbrev,
      fields: defineFields(abbrev, {}),
      handoffs: [['udp.port', port]],
      dissect(ctx, offset, end) {
        calls.push(`${abbrev} ${offset}-${end}`);
      },
    });
  const heur = defineProtocol({
    abbrev: 'udpheur',
    name: 'udpheur',
    short: 'H',
    fields: defineFields('udpheur', {}),
    heuristics: [['udp', (ctx, offset) => ctx.bytes[offset] === 0x21]],
    dissect(ctx, offset, end) {
      calls.push(`udpheur ${offset}-${end}`);
    },
  });
  const engine = new DissectionEngine([eth, ipv4Protocol, udp, on('low', 53), on('high', 7777), heur]);

  it('tries the lower port first, then the higher, then heuristics, then data', () => {
    calls.length = 0;
    const t = treeOf(engine, [
      udpFrame(A, B, 7777, 53, bytesOf('query')),
      udpFrame(A, B, 40000, 7777, bytesOf('pp')),
      udpFrame(A, B, 40000, 40001, bytesOf('!!')),
      udpFrame(A, B, 40000, 40001, bytesOf('??')),
      udpFrame(A, B, 0, 7777, bytesOf('zero')),
    ]);
    expect(calls).toEqual(['low 42-47', 'high 42-44', 'udpheur 42-44', 'high 42-46']);
    expect(t[3].protocols).toBe('frame:eth:ethertype:ip:udp:data');
  });
});

describe('udp against tshark 4.0', () => {
  it('agrees on every udp.* field and the columns', () => {
    const frames = [
      udpFrame(A, B, 40000, 7777, bytesOf('ping')),
      udpFrame(B, A, 7777, 40000, bytesOf('pong!')),
      udpFrame(A, B, 40001, 7777, bytesOf('ping'), false),
      udpFrame(A, B, 43000, 7777, new Uint8Array(0)),
      udpFrame(A, B, 43000, 7777, bytesOf('abc')),
      udpFrame(A, B, 43001, 33435, bytesOf('trace')),
      udpFrame(A, B, 33440, 43002, bytesOf('trace')),
      ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x00, 0x1e, 0x61, 0x00, 0x04, 0, 0]))),
      ether(ipv4(A, B, 17, new Uint8Array([0xa8, 0x01, 0x1e, 0x61, 0x00, 0x20, 0, 0, 1, 2, 3, 4]))),
      udpFrame(A, B, 40000, 7777, new Uint8Array(1000).fill(7)),
      udpFrame(A, B, 40000, 7777, bytesOf('cut')).subarray(0, 38),
    ].map((bytes) => ({ bytes }));
    const run = compareWithTshark(frames, [eth, ipv4Protocol, udp], ['udp'], ['_ws.expert.message', 'data.data', 'frame.protocols']);
    expect(run.mismatches).toEqual([]);
    expect(run.ours[0].get('_ws.col.Info')).toBe('40000 → 7777 Len=4');
    expect(run.ours[5].get('_ws.expert.message')).toBe('Possible traceroute: hop #1, attempt #1');
    expect(run.ours[6].get('_ws.expert.message')).toBe('Possible traceroute: hop #2, attempt #3');
    expect(run.ours[10].get('_ws.malformed')).toBe('malformed');
    expect(compareTreeShape(frames, run, ['udp'])).toEqual([]);
  });
});

describe('udp on hostile bytes', () => {
  it('never throws from dissection on random, truncated or bit-flipped datagrams', () => {
    const engine = new DissectionEngine([eth, ipv4Protocol, udp]);
    const session = engine.newSession();
    const base = udpFrame(A, B, 40000, 7777, bytesOf('payload!'));
    let n = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }).map((junk) => ether(ipv4(A, B, 17, junk))),
          fc.integer({ min: 0, max: base.length }).map((k) => base.slice(0, k)),
          fc.array(fc.integer({ min: 14 * 8, max: base.length * 8 - 1 }), { minLength: 1, maxLength: 5 }).map((bits) => {
            const b = base.slice();
            for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
            return b;
          }),
        ),
        (bytes) => {
          const [rec] = recordsOf([{ bytes }]);
          rec.number = ++n;
          session.tree(rec);
          const sink = new FilterSink([U.stream, U.payload], fieldIdLimit());
          session.dissect(rec, sink, false);
        },
      ),
      { numRuns: 400 },
    );
  });
});
