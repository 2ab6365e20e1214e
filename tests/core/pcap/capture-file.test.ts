import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile, readCaptureFileSync, writeCaptureFile, writePcapFile } from '../../../main/capture-file.ts';
import { readCapture } from '../../../core/pcap/capture-reader.ts';
import type { CaptureRecord } from '../../../core/pcap/record.ts';
import { seq } from './blocks.ts';

const dir = mkdtempSync(join(tmpdir(), 'underlay-capfile-'));

function snap(r: CaptureRecord) {
  return [r.number, r.interfaceId, r.interfaceName ?? null, r.tsSec, r.tsNsec, Array.from(r.bytes), r.flags ?? null, r.comments ?? null];
}

describe('capture files on disk', () => {
  const path = join(dir, 'out.pcapng');
  const w = writeCaptureFile(path, { application: 'capture-file test', chunkSize: 4096 });
  const a = w.addInterface({ linkType: 1, name: 'underlay0' });
  const b = w.addInterface({ linkType: 101, name: 'eni-1' });
  for (let i = 0; i < 300; i++) w.writePacket(i % 3 ? a : b, 1_700_000_000 + i, i * 3, seq(40 + (i % 50), i), { flags: 1 + (i % 2), comments: i % 10 ? undefined : [`pkt ${i}`] });
  w.close();
  w.close();
  const onDisk = new Uint8Array(readFileSync(path));
  const expected = readCapture(onDisk).records.map(snap);

  it('writeCaptureFile streams a valid pcapng to disk', () => {
    expect(expected).toHaveLength(300);
    expect(expected[10]).toEqual([11, 0, 'underlay0', 1_700_000_010, 30, Array.from(seq(50, 10)), 1, ['pkt 10']]);
    expect(expected[9]).toEqual([10, 1, 'eni-1', 1_700_000_009, 27, Array.from(seq(49, 9)), 2, null]);
    expect(onDisk.length).toBe(w.bytesWritten);
  });

  it('readCaptureFile streams it back in chunks of any size, the same records as reading it whole', async () => {
    for (const chunkSize of [1, 7, 100, 4096, 1 << 22]) {
      const got: unknown[] = [];
      const s = await readCaptureFile(path, (r) => got.push(snap(r)), { chunkSize });
      expect(s.error).toBeNull();
      expect(s.format).toBe('pcapng');
      expect(s.records).toBe(300);
      expect(s.sections[0].interfaces.map((i) => i.name)).toEqual(['underlay0', 'eni-1']);
      expect(got).toEqual(expected);
    }
  });

  it('readCaptureFileSync does the same, and kept record bytes stay valid after later reads', () => {
    const kept: Uint8Array[] = [];
    const s = readCaptureFileSync(path, (r) => kept.push(r.bytes), { chunkSize: 1000 });
    expect(s.error).toBeNull();
    expect(kept.map((k) => Array.from(k))).toEqual(expected.map((e) => e[5]));
  });

  it('reuseBuffers gives the same records (read during the callback) for any chunk size, blocks straddling reads included', async () => {
    // 1 and 7 make every block span several reads (fresh buffers then), 100 and 1000 make many straddle two.
    for (const chunkSize of [1, 7, 100, 1000, 4096, 1 << 22]) {
      const sync: unknown[] = [];
      const s = readCaptureFileSync(path, (r) => sync.push(snap(r)), { chunkSize, reuseBuffers: true });
      expect(s.error).toBeNull();
      expect(sync).toEqual(expected);
      const async: unknown[] = [];
      const a = await readCaptureFile(path, (r) => async.push(snap(r)), { chunkSize, reuseBuffers: true });
      expect(a.error).toBeNull();
      expect(async).toEqual(expected);
    }
  });

  it('writePcapFile writes classic pcap that reads back', async () => {
    const p = join(dir, 'out.pcap');
    const pw = writePcapFile(p, { linkType: 1, resolution: 'us' });
    pw.writePacket(5, 6_000, seq(10));
    pw.close();
    const got: unknown[] = [];
    const s = await readCaptureFile(p, (r) => got.push([r.tsSec, r.tsNsec, r.bytes.length]));
    expect(s).toMatchObject({ format: 'pcap', records: 1, error: null });
    expect(got).toEqual([[5, 6000, 10]]);
  });

  it('reports a missing file, a non-capture file and a truncated file as error values', async () => {
    const missing = await readCaptureFile(join(dir, 'nope.pcapng'), () => {});
    expect(missing.error?.kind).toBe('io');
    expect(missing.error?.message).toMatch(/^capture file: read error at offset 0: ENOENT/);
    expect(readCaptureFileSync(join(dir, 'nope.pcapng'), () => {}).error?.kind).toBe('io');

    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello, not a capture');
    expect((await readCaptureFile(junk, () => {})).error?.message).toBe('capture file: file header at offset 0: not a pcap or pcapng file: it starts with 68 65 6c 6c');

    const cut = join(dir, 'cut.pcapng');
    writeFileSync(cut, onDisk.subarray(0, onDisk.length - 5));
    let n = 0;
    const s = await readCaptureFile(cut, () => n++, { chunkSize: 64 });
    expect(n).toBe(299);
    expect(s.error?.kind).toBe('truncated');
    expect(s.error?.message).toMatch(/^pcapng: block \d+ \(EPB\) at offset \d+: the file ends inside the block \(cut short in the middle of a packet\)/);
  });
});
