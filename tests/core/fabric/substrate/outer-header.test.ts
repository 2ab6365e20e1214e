import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import { decrementTtl, outerFlowHash } from '../../../../core/fabric/substrate/outer-header.ts';

function frame(ttl: number, tail: number[] = []): Uint8Array {
  const b = new Uint8Array(14 + 28);
  b[12] = 0x08;
  b.set([0x45, 0, 0, 28, 0x12, 0x34, 0x40, 0, ttl, 17, 0, 0, 100, 64, 1, 10, 100, 65, 2, 11], 14);
  b.set(tail.length ? tail : [0xc0, 0x01, 0x17, 0xc1, 0, 8, 0, 0], 34);
  const c = internetChecksum(b, 14, 34);
  b[24] = c >>> 8;
  b[25] = c & 0xff;
  return b;
}

describe('outer header rewrites', () => {
  it('decrements the TTL and keeps the header checksum valid for every TTL and header', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), (ttl, ids) => {
        const b = frame(ttl);
        b.set(ids.subarray(0, 2), 18); // identification
        b.set(ids.subarray(2, 6), 26); // source address
        // re-sum after changing the header so the starting checksum is right
        b[24] = 0;
        b[25] = 0;
        const fresh = internetChecksum(b, 14, 34);
        b[24] = fresh >>> 8;
        b[25] = fresh & 0xff;
        expect(decrementTtl(b)).toBe(ttl - 1);
        expect(b[22]).toBe(ttl - 1);
        expect(internetChecksum(b, 14, 34)).toBe(0);
      }),
    );
  });

  it('reports 0 for a frame whose TTL is already 0 and leaves it alone', () => {
    const b = frame(0);
    const before = b.slice();
    expect(decrementTtl(b)).toBe(0);
    expect(b).toEqual(before);
  });

  it('hashes the 5-tuple: ports change the hash, the payload does not, the seed does', () => {
    const a = frame(64);
    const otherPort = frame(64, [0xc0, 0x02, 0x17, 0xc1, 0, 8, 0, 0]);
    const otherPayload = frame(64);
    otherPayload[41] = 0x99;
    expect(outerFlowHash(a, 1)).toBe(outerFlowHash(otherPayload, 1));
    expect(outerFlowHash(a, 1)).not.toBe(outerFlowHash(otherPort, 1));
    expect(outerFlowHash(a, 1)).not.toBe(outerFlowHash(a, 2));
  });

  it('spreads source ports evenly over 2 and 4 next hops', () => {
    for (const n of [2, 4]) {
      const counts = new Array(n).fill(0);
      for (let port = 49152; port < 49152 + 4000; port++) counts[outerFlowHash(frame(64, [port >>> 8, port & 0xff, 0x17, 0xc1, 0, 8, 0, 0]), 7) % n]++;
      for (const c of counts) expect(Math.abs(c - 4000 / n)).toBeLessThan(4000 / n / 10);
    }
  });
});
