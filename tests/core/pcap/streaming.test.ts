import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnyCaptureReader, readCapture } from '../../../core/pcap/capture-reader.ts';
import { TimeScale } from '../../../core/pcap/chunked-reader.ts';
import { PcapngReader } from '../../../core/pcap/pcapng-reader.ts';
import { CaptureError, type CaptureRecord } from '../../../core/pcap/record.ts';
import {
  block, concat, endOpt, epb, idb, opt, pb, pcapHeader, pcapRecord, seq, shb, spb, text, u32, u64,
} from './blocks.ts';

/** A small file with every block type, options, two sections in different byte orders. */
const RICH_HEAD = concat(
  shb('le', concat(opt(4, text('rich'), 'le'), endOpt('le'))),
  idb('le', 1, 0, concat(opt(2, text('eth0'), 'le'), opt(9, Uint8Array.of(9), 'le'), endOpt('le'))),
);
const RICH = concat(
  RICH_HEAD,
  idb('le', 101, 8, concat(opt(2, text('raw0'), 'le'), endOpt('le'))),
  block(4, concat(opt(1, concat(Uint8Array.of(10, 0, 0, 1), text('a\0')), 'le'), u32(0, 'le')), 'le'),
  epb('le', 0, 1_700_000_000_000_000_001n, seq(61), concat(opt(2, u32(1, 'le'), 'le'), opt(1, text('first ✓'), 'le'), endOpt('le'))),
  block(0x0bad, concat(u32(32473, 'le'), seq(9)), 'le'),
  epb('le', 1, 5n, seq(13, 100)),
  spb('le', 70, seq(70)),
  block(5, concat(u32(0, 'le'), u32(0, 'le'), u32(9, 'le'), opt(4, u64(3n, 'le'), 'le'), endOpt('le')), 'le'),
  shb('be'),
  idb('be', 1, 0, concat(opt(2, text('be0'), 'be'), endOpt('be'))),
  pb('be', 0, 77n, seq(3, 7), concat(opt(2, u32(2, 'be'), 'be'), endOpt('be'))),
  block(0x0a, concat(u32(0x544c534b, 'be'), u32(2, 'be'), Uint8Array.of(1, 2, 0, 0)), 'be'),
  epb('be', 0, 1n << 40n, seq(200, 5), concat(opt(1, text('x'), 'be'), opt(1, text(''), 'be'), endOpt('be'))),
);

const PCAP = concat(
  pcapHeader('be', true, 1),
  ...Array.from({ length: 6 }, (_, i) => pcapRecord('be', 100 + i, i * 7, seq(i * 11, i))),
);

type Snap = ReturnType<typeof snap>;
function snap(r: CaptureRecord) {
  return {
    number: r.number, sectionIndex: r.sectionIndex, interfaceId: r.interfaceId, linkType: r.linkType, tsSec: r.tsSec, tsNsec: r.tsNsec,
    bytes: Array.from(r.bytes), originalLength: r.originalLength, flags: r.flags, comments: r.comments, packetId: r.packetId,
    interfaceName: r.interfaceName, offset: r.offset,
  };
}

/** Feeds `chunks` one by one, reading after each, through read() (reused record) or records(). */
function feed(chunks: readonly Uint8Array[], via: 'read' | 'iterate' = 'read'): { snaps: Snap[]; error: CaptureError | null; done: boolean } {
  const r = new AnyCaptureReader();
  const snaps: Snap[] = [];
  const drain = () => {
    if (via === 'read') r.read((rec) => snaps.push(snap(rec)));
    else for (const rec of r.records()) snaps.push(snap(rec));
  };
  for (const c of chunks) {
    r.push(c);
    drain();
  }
  r.end();
  drain();
  return { snaps, error: r.error, done: r.done };
}

describe('chunked feeding', () => {
  const whole = feed([RICH]);
  const wholePcap = feed([PCAP]);

  it('the reference file reads completely', () => {
    expect(whole.error).toBeNull();
    expect(whole.done).toBe(true);
    expect(whole.snaps.map((s) => [s.number, s.sectionIndex, s.interfaceId, s.bytes.length, s.comments])).toEqual([
      [1, 0, 0, 61, ['first ✓']], [2, 0, 1, 13, undefined], [3, 0, 0, 70, undefined], [4, 1, 0, 3, undefined], [5, 1, 0, 200, ['x', '']],
    ]);
    expect(whole.snaps[4]).toMatchObject({ tsSec: 1_099_511, tsNsec: 627_776_000, interfaceName: 'be0' });
    expect(wholePcap.snaps).toHaveLength(6);
    expect(feed([RICH], 'iterate')).toEqual(whole);
  });

  it('gives identical records for a split at every byte (pcapng)', () => {
    for (let i = 0; i <= RICH.length; i++) {
      expect(feed([RICH.subarray(0, i), RICH.subarray(i)]), `split at ${i}`).toEqual(whole);
    }
  });

  it('gives identical records for a split at every byte (pcap), through both APIs', () => {
    for (let i = 0; i <= PCAP.length; i++) {
      expect(feed([PCAP.subarray(0, i), PCAP.subarray(i)]), `split at ${i}`).toEqual(wholePcap);
      expect(feed([PCAP.subarray(0, i), PCAP.subarray(i)], 'iterate'), `split at ${i}`).toEqual(wholePcap);
    }
  });

  it('gives identical records fed one byte at a time', () => {
    expect(feed(Array.from(RICH, (b) => Uint8Array.of(b)))).toEqual(whole);
    expect(feed(Array.from(PCAP, (b) => Uint8Array.of(b)), 'iterate')).toEqual(wholePcap);
  });

  it('gives identical records for random multi-way splits, pushed all before reading or read in between', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: RICH.length - 1 }), { maxLength: 12 }), fc.boolean(), (cuts, readBetween) => {
      const points = [0, ...cuts.sort((a, b) => a - b), RICH.length];
      const chunks = points.slice(1).map((p, k) => RICH.subarray(points[k], p));
      const got = readBetween ? feed(chunks) : (() => {
        const r = new AnyCaptureReader();
        for (const c of chunks) r.push(c);
        r.end();
        const snaps: Snap[] = [];
        r.read((rec) => snaps.push(snap(rec)));
        return { snaps, error: r.error, done: r.done };
      })();
      expect(got).toEqual(whole);
    }), { numRuns: 300 });
  });

  it('copies only blocks that straddle chunks: other packets are views into their chunk', () => {
    const cut = RICH.length - 20; // inside the last EPB
    const a = RICH.slice(0, cut);
    const b = RICH.slice(cut);
    const r = new PcapngReader();
    r.push(a);
    r.push(b);
    r.end();
    const recs = [...r.records()];
    expect(recs).toHaveLength(5);
    for (const rec of recs.slice(0, 4)) expect(rec.bytes.buffer).toBe(a.buffer);
    expect(recs[4].bytes.buffer).not.toBe(a.buffer);
    expect(recs[4].bytes.buffer).not.toBe(b.buffer);
    expect(recs[4].bytes.buffer.byteLength).toBeLessThan(300); // just that block, not everything pushed
  });
});

function checkEnding(bytes: Uint8Array, reader: AnyCaptureReader): void {
  expect(reader.done).toBe(true);
  const e = reader.error;
  if (e !== null) {
    expect(e).toBeInstanceOf(CaptureError);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    expect(e.message).toMatch(/^(pcapng|pcap|capture file): (block \d+ \([^)]+\)|record \d+|file header) at offset \d+: ./);
  }
}

function readVia(bytes: Uint8Array, chunk: number): { reader: AnyCaptureReader; records: number } {
  const r = new AnyCaptureReader();
  let records = 0;
  for (let at = 0; at < bytes.length; at += chunk) {
    r.push(bytes.subarray(at, at + chunk));
    records += r.read((rec) => {
      expect(rec.bytes.length).toBeLessThanOrEqual(bytes.length);
      void rec.comments;
    });
  }
  r.end();
  records += r.read(() => {});
  return { reader: r, records };
}

describe('hostile input never throws, hangs or over-allocates', () => {
  const prefixes = [new Uint8Array(0), RICH.subarray(0, 40), RICH_HEAD, pcapHeader('le', true, 1), pcapHeader('be', false, 1)];

  it('random bytes, after each kind of valid header, end in records or a positioned error', () => {
    fc.assert(fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (prefix, tail, chunk) => {
      const bytes = concat(prefix, tail);
      const { reader } = readVia(bytes, chunk);
      checkEnding(bytes, reader);
    }), { numRuns: 1500 });
  });

  it('random blocks with plausible headers end in records or a positioned error', () => {
    const types = [1, 2, 3, 4, 5, 6, 0x0a, 0x0bad, 0x0a0d0d0a];
    const arbBlock = fc.record({ type: fc.constantFrom(...types), len: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.constant(0xfffffffc)), body: fc.uint8Array({ maxLength: 80 }) })
      .map(({ type, len, body }) => concat(u32(type, 'le'), u32(len, 'le'), body, u32(len, 'le')));
    fc.assert(fc.property(fc.array(arbBlock, { maxLength: 8 }), (blocks) => {
      const bytes = concat(RICH_HEAD, ...blocks);
      checkEnding(bytes, readVia(bytes, 7).reader);
    }), { numRuns: 1500 });
  });

  it('a file cut at every length ends in a prefix of its records and, unless cut between blocks, a truncation error', () => {
    for (const [file, boundaries] of [[RICH, blockEnds(RICH)], [PCAP, pcapEnds(PCAP)]] as const) {
      const full = feed([file]).snaps;
      for (let n = 0; n < file.length; n++) {
        const cut = file.subarray(0, n);
        const got = feed([cut]);
        expect(got.done).toBe(true);
        expect(got.snaps).toEqual(full.slice(0, got.snaps.length));
        if (boundaries.has(n)) expect(got.error, `cut at ${n}`).toBeNull();
        else expect(got.error?.kind, `cut at ${n}`).toBe('truncated');
      }
    }
  });

  it('bit-flipped files end in records or a positioned error', () => {
    fc.assert(fc.property(fc.constantFrom(RICH, PCAP), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 300 }), (file, flips, chunk) => {
      const bytes = file.slice();
      for (const f of flips) bytes[(f >> 3) % bytes.length] ^= 1 << (f & 7);
      checkEnding(bytes, readVia(bytes, chunk).reader);
    }), { numRuns: 3000 });
  });

  it('a block declaring 255 MiB with a few bytes present is a truncation, not an allocation', () => {
    const bytes = concat(RICH_HEAD, u32(6, 'le'), u32(255 * 1024 * 1024, 'le'), new Uint8Array(100));
    const c = readCapture(bytes);
    expect(RICH_HEAD.length).toBe(80);
    expect(c.error?.message).toBe('pcapng: block 3 (EPB) at offset 80: the file ends inside the block (cut short in the middle of a packet): 108 of 267386880 bytes present');
  });
});

describe('timestamp units to seconds and nanoseconds', () => {
  it('matches exact BigInt arithmetic for every resolution and 64-bit count', () => {
    const resolutions = [...Array.from({ length: 20 }, (_, n) => n), ...Array.from({ length: 64 }, (_, n) => 0x80 | n)];
    fc.assert(fc.property(fc.constantFrom(...resolutions), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: -1e9, max: 1e9 }), (resol, v, offset) => {
      const units = resol & 0x80 ? 1n << BigInt(resol & 0x7f) : 10n ** BigInt(resol);
      const rec = { tsSec: 0, tsNsec: 0 };
      new TimeScale(resol).apply(rec, Number(v >> 32n), Number(v & 0xffffffffn), offset);
      const sec = v / units;
      const ns = ((v % units) * 1_000_000_000n) / units;
      if (sec < 1n << 53n) expect(rec.tsSec).toBe(Number(sec) + offset);
      expect(rec.tsNsec).toBe(Number(ns));
    }), { numRuns: 5000 });
  });

  it('is exact for nanosecond counts around today and at the u64 limit', () => {
    for (const v of [1_700_000_000_999_999_999n, 1_700_000_001_000_000_000n, (1n << 64n) - 1n, 1n << 53n, (1n << 53n) - 1n, 999_999_999n]) {
      const rec = { tsSec: 0, tsNsec: 0 };
      new TimeScale(9).apply(rec, Number(v >> 32n), Number(v & 0xffffffffn), 0);
      expect([rec.tsSec, rec.tsNsec]).toEqual([Number(v / 1_000_000_000n), Number(v % 1_000_000_000n)]);
    }
  });
});

/** Offsets at which a pcapng file is cut cleanly between blocks (after the first SHB). */
function blockEnds(b: Uint8Array): Set<number> {
  const out = new Set<number>();
  const dv = new DataView(b.buffer, b.byteOffset);
  for (let at = 0; at < b.length;) {
    const big = dv.getUint32(at, true) === 0x0a0d0d0a ? dv.getUint32(at + 8, true) !== 0x1a2b3c4d : sectionBig(b, at);
    at += dv.getUint32(at + 4, !big);
    out.add(at);
  }
  return out;
}

function sectionBig(b: Uint8Array, at: number): boolean {
  // the byte order of the section holding `at`: find the last SHB before it
  const dv = new DataView(b.buffer, b.byteOffset);
  let p = 0;
  let big = false;
  while (p < at) {
    if (dv.getUint32(p, true) === 0x0a0d0d0a) big = dv.getUint32(p + 8, true) !== 0x1a2b3c4d;
    p += dv.getUint32(p + 4, !big);
  }
  return big;
}

function pcapEnds(b: Uint8Array): Set<number> {
  const out = new Set<number>([24]);
  const dv = new DataView(b.buffer, b.byteOffset);
  const le = dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d;
  for (let at = 24; at < b.length;) {
    at += 16 + dv.getUint32(at + 8, le);
    out.add(at);
  }
  return out;
}
