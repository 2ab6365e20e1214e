import { describe, expect, it } from 'vitest';
import { DEFAULT_HEADROOM, PacketPool } from '../../../core/sim/packet-pool.ts';

describe('PacketPool and SimPacket', () => {
  it('allocates zeroed packets with headroom and recycles released ones', () => {
    const pool = new PacketPool();
    const p = pool.alloc(100);
    expect(p.length).toBe(100);
    expect(p.headroom).toBe(DEFAULT_HEADROOM);
    expect(p.tailroom).toBe(256 - DEFAULT_HEADROOM - 100);
    p.bytes.fill(0xab);
    p.traceId = 9;
    p.hops = 3;
    p.meta = { x: 1 };
    p.release();
    expect(pool.liveCount).toBe(0);
    const q = pool.alloc(100);
    expect(q).toBe(p); // same object, same buffer, same view
    expect(q.bytes.every((b) => b === 0)).toBe(true);
    expect([q.traceId, q.hops, q.meta]).toEqual([0, 0, null]);
    expect(pool.createdCount).toBe(1);
    expect(pool.liveCount).toBe(1);
  });

  it('throws on a double release', () => {
    const pool = new PacketPool();
    const p = pool.alloc(10);
    p.release();
    expect(() => p.release()).toThrow(/released twice/);
  });

  it('prepends into headroom without copying, and copies when the headroom runs out', () => {
    const pool = new PacketPool({ headroom: 16 });
    const p = pool.copyOf(Uint8Array.of(1, 2, 3));
    const buffer = p.buffer;
    p.prepend(16).set([9], 0);
    expect(p.buffer).toBe(buffer);
    expect(p.length).toBe(19);
    expect(Array.from(p.bytes.subarray(0, 2))).toEqual([9, 0]);
    expect(Array.from(p.bytes.subarray(16))).toEqual([1, 2, 3]);
    p.prepend(4); // no headroom left: moves to a new buffer
    expect(p.buffer).not.toBe(buffer);
    expect(p.length).toBe(23);
    expect(Array.from(p.bytes.subarray(0, 5))).toEqual([0, 0, 0, 0, 9]);
    expect(Array.from(p.bytes.subarray(20))).toEqual([1, 2, 3]);
    expect(Array.from(p.trimFront(20))).toEqual([1, 2, 3]);
    expect(() => p.trimFront(4)).toThrow(RangeError);
    p.release();
    expect(pool.liveCount).toBe(0);
  });

  it('resizes at the tail, zero-filling growth, moving to a larger class when needed', () => {
    const pool = new PacketPool({ headroom: 0 });
    const p = pool.copyOf(Uint8Array.of(5, 6, 7, 8));
    expect(Array.from(p.resize(2))).toEqual([5, 6]);
    expect(Array.from(p.resize(4))).toEqual([5, 6, 0, 0]);
    p.resize(1000); // beyond the 256-byte class
    expect(p.buffer.length).toBe(1024);
    expect(Array.from(p.bytes.subarray(0, 3))).toEqual([5, 6, 0]);
    expect(p.bytes.subarray(2).every((b) => b === 0)).toBe(true);
    p.release();
  });

  it('clones bytes and metadata into an independent packet', () => {
    const pool = new PacketPool();
    const p = pool.copyOf(Uint8Array.of(1, 2, 3));
    p.traceId = 77;
    p.hops = 2;
    const c = p.clone();
    c.bytes[0] = 99;
    expect([c.traceId, c.hops, Array.from(c.bytes)]).toEqual([77, 2, [99, 2, 3]]);
    expect(p.bytes[0]).toBe(1);
    p.release();
    c.release();
  });

  it('gives oversize packets an exact, unpooled buffer', () => {
    const pool = new PacketPool({ headroom: 0 });
    const p = pool.alloc(200_000);
    expect(p.buffer.length).toBe(200_000);
    p.release();
    expect(pool.alloc(200_000)).not.toBe(p);
  });
});
