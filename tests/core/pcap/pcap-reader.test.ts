import { describe, expect, it } from 'vitest';
import { AnyCaptureReader, detectCaptureFormat, readCapture } from '../../../core/pcap/capture-reader.ts';
import { collectingSink } from '../../../core/pcap/byte-sink.ts';
import { PcapReader } from '../../../core/pcap/pcap-reader.ts';
import { PcapWriter } from '../../../core/pcap/pcap-writer.ts';
import { concat, pcapHeader, pcapRecord, seq, u32, type Endian } from './blocks.ts';

function readAll(bytes: Uint8Array, options = {}) {
  const r = new PcapReader(options);
  r.push(bytes);
  r.end();
  const records = [...r.records()];
  return { reader: r, records, error: r.error };
}

describe('classic pcap reader', () => {
  const magics: Array<[Endian, boolean, string]> = [
    ['le', false, 'd4c3b2a1'], ['le', true, '4d3cb2a1'], ['be', false, 'a1b2c3d4'], ['be', true, 'a1b23c4d'],
  ];
  it.each(magics)('reads %s files with nanos=%s (magic bytes %s)', (e, nanos, first) => {
    const file = concat(
      pcapHeader(e, nanos, 101, 65535),
      pcapRecord(e, 1_700_000_000, nanos ? 123_456_789 : 123_456, seq(5), 80),
      pcapRecord(e, 1_700_000_001, 0, seq(0)),
    );
    expect(Array.from(file.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')).toBe(first);
    const { reader, records, error } = readAll(file);
    expect(error).toBeNull();
    expect(reader.done).toBe(true);
    expect(reader.interfaces).toEqual([{ id: 0, sectionIndex: 0, linkType: 101, snapLen: 65535, comments: [], tsResolution: nanos ? 9 : 6, tsOffset: 0 }]);
    expect(reader.sections[0]).toMatchObject({ byteOrder: e === 'le' ? 'little' : 'big', majorVersion: 2, minorVersion: 4 });
    expect(records.map((r) => [r.number, r.tsSec, r.tsNsec, Array.from(r.bytes), r.originalLength, r.linkType, r.interfaceId, r.offset])).toEqual([
      [1, 1_700_000_000, nanos ? 123_456_789 : 123_456_000, [0, 1, 2, 3, 4], 80, 101, 0, 24],
      [2, 1_700_000_001, 0, [], 0, 101, 0, 24 + 16 + 5],
    ]);
  });

  it.each<[Endian, 'ns' | 'us']>([['little', 'ns'], ['little', 'us'], ['big', 'ns'], ['big', 'us']].map(([b, r]) => [b === 'little' ? 'le' : 'be', r as 'ns' | 'us']))(
    'round-trips the writer (%s, %s)', (e, resolution) => {
      const out = collectingSink();
      const w = new PcapWriter(out.sink, { linkType: 1, resolution, byteOrder: e === 'le' ? 'little' : 'big' });
      for (let i = 0; i < 20; i++) w.writePacket(1_600_000_000 + i, i * 1_000_001, seq(i * 3, i), i * 3 + (i % 2));
      w.close();
      const { records, error } = readAll(out.bytes());
      expect(error).toBeNull();
      expect(records.map((r) => [r.tsSec, r.tsNsec, Array.from(r.bytes), r.originalLength])).toEqual(
        Array.from({ length: 20 }, (_, i) => [1_600_000_000 + i, resolution === 'ns' ? i * 1_000_001 : Math.floor(i * 1_000_001 / 1000) * 1000, Array.from(seq(i * 3, i)), i * 3 + (i % 2)]),
      );
    });

  it('carries an overflowing fraction into the seconds', () => {
    const { records } = readAll(concat(pcapHeader('le', false, 1), pcapRecord('le', 10, 2_500_000, seq(1))));
    expect([records[0].tsSec, records[0].tsNsec]).toEqual([12, 500_000_000]);
  });

  it('reports the FCS length from the link-type word', () => {
    const { reader } = readAll(concat(pcapHeader('le', true, 0x10000000 | (2 << 29) | 1)));
    expect(reader.interfaces[0]).toMatchObject({ linkType: 1, fcsLength: 4 });
  });

  const cases: Array<[string, Uint8Array, string]> = [
    ['an empty file', new Uint8Array(0), 'pcap: file header at offset 0: the file is empty'],
    ['a cut header', pcapHeader('le', true, 1).subarray(0, 10), 'pcap: file header at offset 0: the file ends inside the 24-byte file header (10 bytes present)'],
    ['a wrong magic', concat(u32(0x12345678, 'le'), new Uint8Array(20)), 'pcap: file header at offset 0: not a pcap file: magic 0x12345678 (read little-endian) is not a1b2c3d4 or a1b23c4d in either byte order'],
    ['a wrong version', pcapHeader('le', true, 1, 65535, [3, 0]), 'pcap: file header at offset 0: unsupported version 3.0'],
    ['a cut record header', concat(pcapHeader('le', true, 1), pcapRecord('le', 0, 0, seq(4)), new Uint8Array(7)),
      'pcap: record 2 at offset 44: the file ends inside a record header (cut short in the middle of a packet): 7 of 16 bytes present'],
    ['a cut record', concat(pcapHeader('le', true, 1), pcapRecord('le', 0, 0, seq(40)).subarray(0, 30)),
      'pcap: record 1 at offset 24: the file ends inside the record (cut short in the middle of a packet): 30 of 56 bytes present'],
    ['a record over the limit', concat(pcapHeader('be', true, 1), u32(0, 'be'), u32(0, 'be'), u32(0x20000000, 'be'), u32(5, 'be')),
      "pcap: record 1 at offset 24: captured length 536870912 exceeds the reader's limit of 268435456 bytes"],
  ];
  it.each(cases)('rejects %s with a positioned error', (_n, file, message) => {
    const { error, reader } = readAll(file);
    expect(error?.message).toBe(message);
    expect(reader.done).toBe(true);
  });
});

describe('format detection', () => {
  it('detects both formats by magic and nothing else', () => {
    expect(detectCaptureFormat(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a))).toBe('pcapng');
    for (const m of ['d4c3b2a1', '4d3cb2a1', 'a1b2c3d4', 'a1b23c4d']) {
      expect(detectCaptureFormat(Uint8Array.from(m.match(/../g)!, (x) => parseInt(x, 16)))).toBe('pcap');
    }
    expect(detectCaptureFormat(Uint8Array.of(0x0a, 0x0d, 0x0d))).toBeNull();
    expect(detectCaptureFormat(Uint8Array.of(0x50, 0x4b, 3, 4))).toBeNull();
  });

  it('AnyCaptureReader waits for four bytes, then delegates', () => {
    const file = concat(pcapHeader('be', false, 1), pcapRecord('be', 5, 6, seq(3)));
    const r = new AnyCaptureReader();
    r.push(file.subarray(0, 1));
    r.push(file.subarray(1, 3));
    expect(r.format).toBeNull();
    r.push(file.subarray(3));
    expect(r.format).toBe('pcap');
    r.end();
    expect([...r.records()].map((x) => [x.tsSec, x.tsNsec, x.bytes.length])).toEqual([[5, 6000, 3]]);
    expect(r.error).toBeNull();
    expect(r.done).toBe(true);
  });

  it('says what it found when the file is neither format, or too short', () => {
    expect(readCapture(Uint8Array.of(0x50, 0x4b, 3, 4, 0)).error?.message).toBe('capture file: file header at offset 0: not a pcap or pcapng file: it starts with 50 4b 03 04');
    expect(readCapture(Uint8Array.of(0x0a, 0x0d)).error?.message).toBe('capture file: file header at offset 0: the file is 2 bytes long, too short for a capture file header');
    expect(readCapture(new Uint8Array(0)).error?.message).toBe('capture file: file header at offset 0: the file is empty');
  });
});
