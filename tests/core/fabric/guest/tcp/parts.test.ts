import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reassembly } from '../../../../../core/fabric/guest/tcp/reassembly.ts';
import { RtoEstimator } from '../../../../../core/fabric/guest/tcp/rto.ts';
import { Segment, parseSegment } from '../../../../../core/fabric/guest/tcp/segment.ts';
import { SendBuffer } from '../../../../../core/fabric/guest/tcp/send-buffer.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from '../../../../../core/fabric/guest/tcp/seq.ts';
import { Deadline } from '../../../../../core/fabric/guest/tcp/timer.ts';
import { ourWindowShift } from '../../../../../core/fabric/guest/tcp/connection.ts';
import { Simulator } from '../../../../../core/sim/simulator.ts';
import { IP_A, IP_B, MS, S, concat } from './net.ts';
import { buildSegment } from './raw.ts';

describe('sequence arithmetic', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
    expect(seqDiff(2, 0xfffffffe)).toBe(4);
    expect(seqLt(0xfffffff0, 5)).toBe(true);
    expect(seqGt(5, 0xfffffff0)).toBe(true);
    expect(seqLe(7, 7) && seqGe(7, 7)).toBe(true);
    expect(seqMax(0xfffffff0, 3)).toBe(3);
  });

  it('is consistent for any pair less than 2^31 apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31 - 1), max: 2 ** 31 - 1 }), (a, d) => {
        const b = seqAdd(a, d);
        expect(seqDiff(b, a)).toBe(d);
        expect(seqLt(a, b)).toBe(d > 0);
        expect(seqGt(a, b)).toBe(d < 0);
      }),
    );
  });
});

describe('Reassembly', () => {
  it('holds pieces beyond a hole and releases them in order once it fills', () => {
    const r = new Reassembly();
    const base = 0xfffffff0; // across the wrap
    r.insert(base, seqAdd(base, 10), new Uint8Array([10, 11, 12]));
    r.insert(base, seqAdd(base, 20), new Uint8Array([20, 21]));
    expect(r.takeNext(base)).toBeNull();
    expect(r.bytes).toBe(5);
    // The hole [0, 10) arrives in order elsewhere; then [13, 20) arrives overlapping the first piece.
    r.insert(base, seqAdd(base, 12), new Uint8Array([12, 13, 14, 15, 16, 17, 18, 19]));
    const next = seqAdd(base, 10);
    const parts: Uint8Array[] = [];
    for (let p = r.takeNext(next), at = next; p; at = seqAdd(at, p.length), p = r.takeNext(at)) parts.push(p);
    expect([...concat(parts)]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(r.isEmpty).toBe(true);
  });

  it('reports SACK blocks, most recent first, adjacent pieces merged', () => {
    const r = new Reassembly();
    const out = new Uint32Array(8);
    r.insert(100, 200, new Uint8Array(10));
    r.insert(100, 300, new Uint8Array(10));
    r.insert(100, 210, new Uint8Array(10));
    expect(r.sackBlocks(100, out, 4)).toBe(2);
    expect([...out.subarray(0, 4)]).toEqual([200, 220, 300, 310]);
    r.insert(100, 400, new Uint8Array(5));
    expect(r.sackBlocks(100, out, 2)).toBe(2);
    expect([...out.subarray(0, 4)]).toEqual([400, 405, 200, 220]);
  });

  it('never loses or reorders bytes, whatever the arrival order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2000 }), fc.integer({ min: 1, max: 300 })), { maxLength: 40 }), fc.nat(), (pieces, rcvStart) => {
        const stream = new Uint8Array(2400).map((_, i) => (i * 7) & 0xff);
        const r = new Reassembly();
        let rcvNxt = rcvStart >>> 0;
        const got: Uint8Array[] = [];
        const deliver = (from: number, bytes: Uint8Array) => {
          const skip = seqDiff(rcvNxt, from);
          if (skip >= bytes.length) return;
          if (skip > 0) bytes = bytes.subarray(skip);
          if (seqDiff(from, rcvNxt) > 0) return r.insert(rcvNxt, from, bytes);
          got.push(bytes.slice());
          rcvNxt = seqAdd(rcvNxt, bytes.length);
          for (let p = r.takeNext(rcvNxt); p; p = r.takeNext(rcvNxt)) {
            got.push(p.slice());
            rcvNxt = seqAdd(rcvNxt, p.length);
          }
        };
        for (const [off, len] of [...pieces, [0, 2400] as [number, number]]) deliver(seqAdd(rcvStart, off), stream.subarray(off, Math.min(2400, off + len)));
        expect([...concat(got)]).toEqual([...stream]);
      }),
    );
  });
});

describe('RtoEstimator (RFC 6298)', () => {
  const limits = { initialRtoNs: S, minRtoNs: 200 * MS, maxRtoNs: 120 * S };

  it('starts at 1 s, takes SRTT = R and RTTVAR = R/2 from the first sample, then smooths', () => {
    const e = new RtoEstimator(limits);
    expect(e.rto).toBe(S);
    e.sample(100 * MS);
    expect(e.srtt).toBe(100 * MS);
    expect(e.rttvar).toBe(50 * MS);
    expect(e.rto).toBe(300 * MS);
    e.sample(200 * MS);
    expect(e.rttvar).toBe(0.75 * 50 * MS + 0.25 * 100 * MS);
    expect(e.srtt).toBe(0.875 * 100 * MS + 0.125 * 200 * MS);
    expect(e.rto).toBe(Math.round(e.srtt + 4 * e.rttvar));
  });

  it('keeps the 200 ms floor, doubles on backoff up to 120 s, and resets', () => {
    const e = new RtoEstimator(limits);
    e.sample(10_000);
    expect(e.rto).toBe(200 * MS);
    for (let i = 0; i < 12; i++) e.backoff();
    expect(e.rto).toBe(120 * S);
    e.resetBackoff();
    expect(e.rto).toBe(200 * MS);
  });
});

describe('SendBuffer', () => {
  it('keeps bytes across drops, compaction and growth', () => {
    const b = new SendBuffer(8);
    const all: number[] = [];
    let next = 0;
    let dropped = 0;
    for (let round = 0; round < 50; round++) {
      const chunk = new Uint8Array(1 + (round % 7)).map(() => next++ & 0xff);
      b.push(chunk);
      all.push(...chunk);
      const d = round % 3;
      b.drop(d);
      dropped += Math.min(d, all.length - dropped);
      const out = new Uint8Array(b.length);
      b.copyOut(0, b.length, out, 0);
      expect([...out]).toEqual(all.slice(dropped));
    }
  });
});

describe('Deadline', () => {
  it('moves later without new events, earlier by re-scheduling, and fires once', () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const owner = { handleEvent: () => (d.expired() ? fired.push(sim.now()) : 0) };
    const d = new Deadline(sim, owner, 1);
    d.arm(100);
    d.arm(300);
    expect(sim.pendingEvents).toBe(1);
    d.arm(50);
    sim.run();
    expect(fired).toEqual([50]);
    d.arm(sim.now() + 10);
    d.stop();
    sim.run();
    expect(fired).toEqual([50]);
  });
});

describe('segment parsing', () => {
  it('reads the flags and every option kind', () => {
    const seg = new Segment();
    const bytes = buildSegment(IP_A, IP_B, {
      srcPort: 1,
      dstPort: 2,
      seq: 3,
      ack: 4,
      flags: 'SA',
      options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', tsval: 9, tsecr: 8 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
    });
    expect(parseSegment(bytes, seg)).toBe(true);
    expect([seg.mss, seg.wscale, seg.sackPermitted, seg.hasTimestamps, seg.tsVal, seg.tsEcr]).toEqual([1460, 7, true, true, 9, 8]);
    expect(seg.syn && seg.hasAck && !seg.fin && !seg.rst).toBe(true);
    expect(seg.segLen).toBe(1);
  });

  it('chooses the smallest window-scale shift that fits the window', () => {
    expect(ourWindowShift(65535)).toBe(0);
    expect(ourWindowShift(65536)).toBe(1);
    expect(ourWindowShift(256 * 1024)).toBe(3);
    expect(ourWindowShift(2 ** 30)).toBe(14);
  });
});
