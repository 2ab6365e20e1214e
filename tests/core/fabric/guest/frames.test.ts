import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishChecksum, sumWords } from '../../../../core/base/checksum.ts';
import { sumWordsFast } from '../../../../core/fabric/guest/frames.ts';

describe('sumWordsFast', () => {
  it('equals sumWords after folding, for any bytes, offset and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.nat(8), fc.nat(40), fc.nat(0xffff), (bytes, pad, trim, seed) => {
        const buf = new Uint8Array(bytes.length + pad + 8);
        buf.set(bytes, pad);
        const view = buf.subarray(pad, pad + bytes.length);
        const end = Math.max(0, bytes.length - trim);
        for (const start of [0, 1, 2, 3]) {
          if (start > end) continue;
          expect(finishChecksum(sumWordsFast(view, start, end, seed))).toBe(finishChecksum(sumWords(view, start, end, seed)));
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
