import { describe, expect, it } from 'vitest';
import { readCapture } from '../../../core/pcap/capture-reader.ts';
import { PcapngReader } from '../../../core/pcap/pcapng-reader.ts';
import { CaptureError, type CaptureRecord } from '../../../core/pcap/record.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { pcapngOf, recordsOf, type TestFrame } from '../../support/capture.ts';
import {
  block, concat, endOpt, epb, idb, opt, pb, seq, shb, spb, text, u16, u32, u64, type Endian,
} from './blocks.ts';

function readAll(bytes: Uint8Array, options = {}) {
  const r = new PcapngReader(options);
  r.push(bytes);
  r.end();
  const records = [...r.records()];
  return { reader: r, records, error: r.error };
}

const pick = (r: CaptureRecord) => ({
  number: r.number, interfaceId: r.interfaceId, linkType: r.linkType, tsSec: r.tsSec, tsNsec: r.tsNsec,
  bytes: Array.from(r.bytes), originalLength: r.originalLength, flags: r.flags, comments: r.comments,
  interfaceName: r.interfaceName, sectionIndex: r.sectionIndex,
});

describe.each<Endian>(['le', 'be'])('pcapng reader, %s', (e) => {
  it('reads SHB options, IDB options and EPB fields, options and timestamps', () => {
    const head = concat(
      shb(e, concat(opt(2, text('hw'), e), opt(3, text('linux'), e), opt(4, text('app 1'), e), opt(1, text('c1'), e), opt(1, text('c2'), e), endOpt(e))),
      idb(e, 1, 65535, concat(opt(2, text('eth0'), e), opt(3, text('first port'), e), opt(9, Uint8Array.of(9), e), opt(12, text('os'), e), opt(15, text('nic'), e), opt(13, Uint8Array.of(4), e), opt(1, text('ifc'), e), endOpt(e))),
    );
    const file = concat(
      head,
      epb(e, 0, 1_700_000_000_123_456_789n, seq(5), concat(
        opt(2, u32(2, e), e), opt(5, u64(0x1_0000_0002n, e), e), opt(1, text('hello'), e), opt(3, Uint8Array.of(2, 1, 2, 3, 4), e), opt(1, text('wörld'), e), endOpt(e),
      ), 64),
    );
    const { reader, records, error } = readAll(file);
    expect(error).toBeNull();
    expect(reader.done).toBe(true);
    expect(reader.sections).toHaveLength(1);
    expect(reader.sections[0]).toMatchObject({ index: 0, offset: 0, byteOrder: e === 'le' ? 'little' : 'big', majorVersion: 1, minorVersion: 0, hardware: 'hw', os: 'linux', application: 'app 1', comments: ['c1', 'c2'] });
    expect(reader.interfaces[0]).toMatchObject({ id: 0, linkType: 1, snapLen: 65535, name: 'eth0', description: 'first port', tsResolution: 9, os: 'os', hardware: 'nic', fcsLength: 4, comments: ['ifc'] });
    expect(records.map(pick)).toEqual([{
      number: 1, interfaceId: 0, linkType: 1, tsSec: 1_700_000_000, tsNsec: 123_456_789, bytes: [0, 1, 2, 3, 4], originalLength: 64,
      flags: 2, comments: ['hello', 'wörld'], interfaceName: 'eth0', sectionIndex: 0,
    }]);
    expect(records[0].packetId).toBe(0x1_0000_0002);
    expect(records[0].commentCount).toBe(2);
    expect(records[0].offset).toBe(head.length);
  });

  it.each([
    [6, 1_700_000_000_123_456n, 1_700_000_000, 123_456_000],
    [9, 1_700_000_000_123_456_789n, 1_700_000_000, 123_456_789],
    [3, 1_700_000_000_123n, 1_700_000_000, 123_000_000],
    [0, 1_700_000_000n, 1_700_000_000, 0],
    [12, 1_234_567_123_456_789_012n, 1_234_567, 123_456_789],
    [0x80 | 20, (1_700_000_000n << 20n) | (1n << 19n), 1_700_000_000, 500_000_000],
    [0x80 | 32, (1_700_000_000n << 32n) | 0x40000000n, 1_700_000_000, 250_000_000],
  ])('if_tsresol %i: %s units is %i s + %i ns', (resol, units, sec, ns) => {
    const file = concat(shb(e), idb(e, 1, 0, concat(opt(9, Uint8Array.of(resol), e), endOpt(e))), epb(e, 0, units, seq(1)));
    const { records, error } = readAll(file);
    expect(error).toBeNull();
    expect([records[0].tsSec, records[0].tsNsec]).toEqual([sec, ns]);
  });

  it('defaults to microseconds and applies if_tsoffset (positive and negative)', () => {
    const file = concat(
      shb(e),
      idb(e, 1, 0),
      idb(e, 1, 0, concat(opt(14, u64(100n, e), e), endOpt(e))),
      idb(e, 1, 0, concat(opt(14, u64(-100n, e), e), endOpt(e))),
      epb(e, 0, 5_000_001n, seq(1)),
      epb(e, 1, 5_000_001n, seq(1)),
      epb(e, 2, 5_000_001n, seq(1)),
    );
    const { records, error } = readAll(file);
    expect(error).toBeNull();
    expect(records.map((r) => [r.interfaceId, r.tsSec, r.tsNsec])).toEqual([[0, 5, 1000], [1, 105, 1000], [2, -95, 1000]]);
  });

  it('reads Simple Packet Blocks (interface 0, snap length applied, no timestamp) and obsolete Packet Blocks', () => {
    const file = concat(
      shb(e),
      idb(e, 101, 4, concat(opt(2, text('raw0'), e), endOpt(e))),
      spb(e, 6, seq(6)),
      spb(e, 3, seq(3)),
      pb(e, 0, 7_000_002n, seq(2), concat(opt(2, u32(1, e), e), opt(1, text('old'), e), endOpt(e))),
    );
    const { records, error } = readAll(file);
    expect(error).toBeNull();
    expect(records.map(pick)).toEqual([
      { number: 1, interfaceId: 0, linkType: 101, tsSec: 0, tsNsec: 0, bytes: [0, 1, 2, 3], originalLength: 6, flags: undefined, comments: undefined, interfaceName: 'raw0', sectionIndex: 0 },
      { number: 2, interfaceId: 0, linkType: 101, tsSec: 0, tsNsec: 0, bytes: [0, 1, 2], originalLength: 3, flags: undefined, comments: undefined, interfaceName: 'raw0', sectionIndex: 0 },
      { number: 3, interfaceId: 0, linkType: 101, tsSec: 7, tsNsec: 2000, bytes: [0, 1], originalLength: 2, flags: 1, comments: ['old'], interfaceName: 'raw0', sectionIndex: 0 },
    ]);
  });

  it('keeps NRB entries (IPv4, IPv6, EUI-48, EUI-64) and DSB secrets, and checks NRB options', () => {
    const v6 = seq(16, 0x20);
    const file = concat(
      shb(e),
      idb(e, 1, 0),
      block(4, concat(
        opt(1, concat(Uint8Array.of(10, 0, 0, 1), text('a.lab\0b.lab\0')), e),
        opt(2, concat(v6, text('six\0')), e),
        opt(3, concat(seq(6), text('mac\0')), e),
        opt(4, concat(seq(8), text('eui\0')), e),
        opt(77, seq(3), e),
        u32(0, e),
        opt(2, text('dns.lab'), e), endOpt(e),
      ), e),
      block(0x0a, concat(u32(0x544c534b, e), u32(3, e), pad3(text('k=v')), endOpt(e)), e),
      epb(e, 0, 0n, seq(1)),
    );
    const { reader, records, error } = readAll(file);
    expect(error).toBeNull();
    expect(records).toHaveLength(1);
    const s = reader.sections[0];
    expect(s.names.map((n) => [n.kind, Array.from(n.address), n.names])).toEqual([
      ['ipv4', [10, 0, 0, 1], ['a.lab', 'b.lab']],
      ['ipv6', Array.from(v6), ['six']],
      ['eui48', [0, 1, 2, 3, 4, 5], ['mac']],
      ['eui64', [0, 1, 2, 3, 4, 5, 6, 7], ['eui']],
    ]);
    expect(s.secrets.map((x) => [x.type, new TextDecoder().decode(x.data)])).toEqual([[0x544c534b, 'k=v']]);
  });

  it('keeps Interface Statistics Blocks on their interface', () => {
    const file = concat(
      shb(e),
      idb(e, 1, 0, concat(opt(9, Uint8Array.of(9), e), endOpt(e))),
      block(5, concat(u32(0, e), u32(0, e), u32(1_000_000_007, e), opt(4, u64(10n, e), e), opt(5, u64(2n, e), e), opt(6, u64(9n, e), e), opt(7, u64(1n, e), e), opt(8, u64(8n, e), e), opt(1, text('end'), e), endOpt(e)), e),
      block(5, concat(u32(9, e), u32(0, e), u32(0, e)), e), // an undefined interface: ignored
    );
    const { reader, error } = readAll(file);
    expect(error).toBeNull();
    expect(reader.interfaces[0].statistics).toEqual({ tsSec: 1, tsNsec: 7, received: 10, dropped: 2, filterAccepted: 9, osDropped: 1, delivered: 8, comments: ['end'] });
  });

  it('skips custom, journal, local-use and unknown blocks', () => {
    const file = concat(
      shb(e),
      block(0x0bad, concat(u32(32473, e), text('scenario')), e),
      idb(e, 1, 0),
      block(0x40000bad, u32(32473, e), e),
      block(9, text('journal'), e),
      block(0x80000001, seq(7), e),
      block(0x00000077, new Uint8Array(0), e),
      epb(e, 0, 0n, seq(3)),
    );
    const { reader, records, error } = readAll(file);
    expect(error).toBeNull();
    expect(reader.skippedBlocks).toBe(5);
    expect(records.map((r) => [r.number, Array.from(r.bytes)])).toEqual([[1, [0, 1, 2]]]);
  });

  it('accepts SHB version 1.2 and rejects 1.1 the way tshark does', () => {
    expect(readAll(concat(shb(e, undefined, [1, 2]), idb(e, 1, 0), epb(e, 0, 0n, seq(1)))).records).toHaveLength(1);
    expect(readAll(shb(e, undefined, [1, 1])).error?.message).toBe('pcapng: block 1 (SHB) at offset 0: unknown SHB version 1.1');
  });

  it('an option list without opt_endofopt is fine; an option running past the block is an error', () => {
    const good = concat(shb(e), idb(e, 1, 0), epb(e, 0, 0n, seq(1), opt(1, text('no end'), e)));
    expect(readAll(good).records[0].comments).toEqual(['no end']);
    const bad = concat(shb(e), idb(e, 1, 0), epb(e, 0, 0n, seq(1), concat(u16(1, e), u16(200, e), text('abcd'))));
    expect(readAll(bad).error?.message).toBe('pcapng: block 3 (EPB) at offset 48: option 1 (length 200) at offset 80 runs past the end of the block');
  });
});

function pad3(b: Uint8Array): Uint8Array {
  return concat(b, new Uint8Array((4 - (b.length % 4)) % 4));
}

describe('pcapng reader: sections and byte orders', () => {
  it('reads several sections, each with its own byte order and interfaces', () => {
    const file = concat(
      shb('le'), idb('le', 1, 0, concat(opt(2, text('le0'), 'le'), endOpt('le'))), epb('le', 0, 1_000_000n, seq(2)),
      shb('be'), idb('be', 101, 0, concat(opt(2, text('be0'), 'be'), endOpt('be'))), idb('be', 1, 0, concat(opt(2, text('be1'), 'be'), endOpt('be'))),
      epb('be', 1, 2_000_000n, seq(3)), epb('be', 0, 3_000_000n, seq(4)),
      shb('le'), idb('le', 228, 0), epb('le', 0, 4_000_000n, seq(1)),
    );
    const { reader, records, error } = readAll(file);
    expect(error).toBeNull();
    expect(reader.sections.map((s) => [s.byteOrder, s.interfaces.length])).toEqual([['little', 1], ['big', 2], ['little', 1]]);
    expect(records.map((r) => [r.number, r.sectionIndex, r.interfaceId, r.linkType, r.interfaceName ?? null, r.tsSec, r.bytes.length])).toEqual([
      [1, 0, 0, 1, 'le0', 1, 2],
      [2, 1, 1, 1, 'be1', 2, 3],
      [3, 1, 0, 101, 'be0', 3, 4],
      [4, 2, 0, 228, null, 4, 1],
    ]);
  });
});

describe('pcapng reader: malformed files give positioned errors', () => {
  const head = concat(shb('le'), idb('le', 1, 0)); // 28 + 20 = 48 bytes
  const cases: Array<[string, Uint8Array, string]> = [
    ['a total length below the minimum', concat(head, u32(6, 'le'), u32(20, 'le'), new Uint8Array(12)),
      'pcapng: block 3 (EPB) at offset 48: total length 20 is too short (at least 32)'],
    ['a total length that is not a multiple of 4', concat(head, u32(6, 'le'), u32(34, 'le'), new Uint8Array(28)),
      'pcapng: block 3 (EPB) at offset 48: total length 34 is not a multiple of 4'],
    ['differing leading and trailing lengths', concat(head, epb('le', 0, 0n, seq(4)).map((b, i, a) => (i === a.length - 4 ? b + 4 : b))),
      "pcapng: block 3 (EPB) at offset 48: total block lengths (first 36 and second 40) don't match"],
    ['a block over the length limit', concat(head, u32(6, 'le'), u32(0x10000004, 'le'), new Uint8Array(8)),
      "pcapng: block 3 (EPB) at offset 48: total length 268435460 exceeds the reader's limit of 268435456 bytes (256 MiB)"],
    ['a packet for an undefined interface', concat(head, epb('le', 3, 0n, seq(4))),
      'pcapng: block 3 (EPB) at offset 48: interface id 3 is not defined (the section has 1 interface)'],
    ['a simple packet block before any interface', concat(shb('le'), spb('le', 4, seq(4))),
      'pcapng: block 2 (SPB) at offset 28: interface id 0 is not defined (the section has 0 interfaces)'],
    ['a captured length larger than the block', concat(head, epb('le', 0, 0n, seq(4)).map((b, i) => (i === 20 ? 99 : b))),
      'pcapng: block 3 (EPB) at offset 48: captured length 99 is larger than the block holds (4)'],
    ['a DSB secrets length larger than the block', concat(head, block(0x0a, concat(u32(1, 'le'), u32(40, 'le'), new Uint8Array(4)), 'le')),
      'pcapng: block 3 (DSB) at offset 48: secrets length 40 is larger than the block holds (4)'],
    ['a bad byte-order magic', concat(head, shb('le').map((b, i) => (i === 8 ? 0 : b))),
      'pcapng: block 3 (SHB) at offset 48: byte-order magic 0x1a2b3c00 is neither 1a2b3c4d nor 4d3c2b1a'],
    ['a file that does not start with an SHB', concat(idb('le', 1, 0)),
      'pcapng: block 1 (IDB) at offset 0: not a pcapng file: the first block is not a Section Header Block'],
    ['an empty file', new Uint8Array(0), 'pcapng: block 1 (SHB) at offset 0: the file is empty'],
    ['a file cut inside the last block', concat(head, epb('le', 0, 0n, seq(40)).subarray(0, 50)),
      'pcapng: block 3 (EPB) at offset 48: the file ends inside the block (cut short in the middle of a packet): 50 of 72 bytes present'],
    ['a file cut inside a block header', concat(head, epb('le', 0, 0n, seq(40)).subarray(0, 6)),
      'pcapng: block 3 (EPB) at offset 48: the file ends inside a block header (cut short in the middle of a packet): 6 of at least 12 bytes present'],
    ['a file cut after 2 bytes of a header', concat(head, new Uint8Array(2)),
      'pcapng: block 3 (unknown) at offset 48: the file ends inside a block header (cut short in the middle of a packet): 2 of at least 12 bytes present'],
  ];
  it.each(cases)('%s', (_name, file, message) => {
    const { reader, error } = readAll(file);
    expect(error).toBeInstanceOf(CaptureError);
    expect(error?.message).toBe(message);
    expect(reader.done).toBe(true);
  });

  it('gives the error fields separately, and reads the records before it', () => {
    const { records, error } = readAll(concat(head, epb('le', 0, 0n, seq(4)), epb('le', 0, 0n, seq(40)).subarray(0, 50)));
    expect(records).toHaveLength(1);
    expect(error).toMatchObject({ format: 'pcapng', kind: 'truncated', blockNumber: 4, blockType: 'EPB', offset: 84 });
  });

  it('uses a smaller block limit when asked, and says so', () => {
    const { error } = readAll(concat(head, epb('le', 0, 0n, seq(100))), { maxBlockLength: 64 });
    expect(error?.message).toBe("pcapng: block 3 (EPB) at offset 48: total length 132 exceeds the reader's limit of 64 bytes (64 bytes)");
    expect(error?.kind).toBe('limit');
  });

  it('reports a huge declared length at once, without waiting for (or allocating) the bytes', () => {
    const r = new PcapngReader();
    r.push(concat(head, u32(6, 'le'), u32(0xfffffff0, 'le'), u32(0, 'le'))); // a 12-byte block header
    expect(r.read(() => {})).toBe(0);
    expect(r.error?.kind).toBe('limit');
  });

  it('refuses more than 65536 interfaces in a file (memory stays bounded for hostile input)', () => {
    const one = idb('le', 1, 0);
    const many = new Uint8Array(28 + one.length * 65537);
    many.set(shb('le'));
    for (let i = 0; i < 65537; i++) many.set(one, 28 + i * one.length);
    const { error } = readAll(many);
    expect(error?.message).toBe(`pcapng: block 65538 (IDB) at offset ${28 + 65536 * 20}: more than 65536 interfaces in the file`);
  });

  it('stops at the first error: later pushes change nothing', () => {
    const r = new PcapngReader();
    r.push(concat(head, u32(6, 'le'), u32(34, 'le'), new Uint8Array(28)));
    r.read(() => {});
    const first = r.error;
    r.push(epb('le', 0, 0n, seq(4)));
    r.end();
    expect(r.read(() => {})).toBe(0);
    expect(r.error).toBe(first);
  });
});

describe('pcapng reader: the reused record', () => {
  const file = concat(shb('le'), idb('le', 1, 0, concat(opt(2, text('e0'), 'le'), endOpt('le'))),
    epb('le', 0, 0n, seq(2), concat(opt(1, text('one'), 'le'), opt(1, text('two'), 'le'), endOpt('le'))),
    epb('le', 0, 0n, seq(2)),
    epb('le', 0, 0n, seq(2), concat(opt(1, text('three'), 'le'), endOpt('le'))));

  it('read() reuses one record whose comments decode on demand; toFrameRecord() snapshots it', () => {
    const r = new PcapngReader();
    r.push(file);
    r.end();
    const seen: unknown[] = [];
    let same: CaptureRecord | null = null;
    const n = r.read((rec) => {
      if (same) expect(rec).toBe(same);
      same = rec;
      seen.push([rec.commentCount, rec.comments, rec.toFrameRecord()]);
    });
    expect(n).toBe(3);
    expect(seen).toEqual([
      [2, ['one', 'two'], { number: 1, bytes: Uint8Array.of(0, 1), originalLength: 2, tsSec: 0, tsNsec: 0, interfaceId: 0, linkType: 1, interfaceName: 'e0', comments: ['one', 'two'] }],
      [0, undefined, { number: 2, bytes: Uint8Array.of(0, 1), originalLength: 2, tsSec: 0, tsNsec: 0, interfaceId: 0, linkType: 1, interfaceName: 'e0' }],
      [1, ['three'], { number: 3, bytes: Uint8Array.of(0, 1), originalLength: 2, tsSec: 0, tsNsec: 0, interfaceId: 0, linkType: 1, interfaceName: 'e0', comments: ['three'] }],
    ]);
    expect(r.recordCount).toBe(3);
    expect(r.done).toBe(true);
  });

  it('hands out bytes as views into the pushed chunk, not copies', () => {
    const r = new PcapngReader();
    r.push(file);
    const recs = [...r.records()];
    expect(recs[0].bytes.buffer).toBe(file.buffer);
    expect(recs[0].bytes.byteOffset).toBe(28 + 32 + 28); // SHB, IDB with if_name, EPB header
  });

  it('readCapture picks the format and returns fresh records with plain comments', () => {
    const c = readCapture(file);
    expect(c.format).toBe('pcapng');
    expect(c.records.map((x) => x.comments)).toEqual([['one', 'two'], undefined, ['three']]);
    expect({ ...c.records[0] }.comments).toEqual(['one', 'two']);
  });
});

describe('pcapng reader: FrameRecord compatibility', () => {
  it('reads what tests/support/capture.ts writes as exactly the records it expects the dissector to see', () => {
    const frames: TestFrame[] = [
      { bytes: seq(60) },
      { bytes: seq(28, 0x45), linkType: 101, flags: 1, comments: ['to the ENI'] },
      { bytes: seq(61, 9), flags: 2, comments: ['a', 'b ✓'] },
    ];
    const got = readCapture(pcapngOf(frames)).records;
    const asFrames: FrameRecord[] = got; // a CaptureRecord is a FrameRecord (checked by tsc)
    expect(asFrames.map((r) => (r as CaptureRecord).toFrameRecord())).toEqual(recordsOf(frames));
  });
});
