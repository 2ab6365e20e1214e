/** The WebSocket framing: JSON text, or JSON plus unencoded byte parts; bad frames never throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../core/rpc/frame-codec.ts';
import { MalformedFrame } from '../../../core/rpc/port.ts';

describe('frame codec', () => {
  it('sends messages without bytes as JSON text', () => {
    const m = { type: 'result', id: 1, value: { rows: [{ a: 1 }], error: null } };
    const frame = encodeFrame(m);
    expect(typeof frame).toBe('string');
    expect(decodeFrame(frame)).toEqual(m);
  });

  it('carries byte arrays as binary parts, each in its own buffer', () => {
    const a = Uint8Array.from([1, 2, 3]);
    const big = new Uint8Array(100_000).fill(0xee);
    const m = { type: 'result', id: 2, value: { sources: [{ name: 'Frame', bytes: a }, { name: 'Reassembled', bytes: big }], empty: new Uint8Array(0) } };
    const frame = encodeFrame(m);
    expect(frame).toBeInstanceOf(Uint8Array);
    expect((frame as Uint8Array).length).toBeLessThan(100_200); // no base64 or number-array inflation
    const back = decodeFrame(frame) as typeof m;
    expect(back).toEqual(m);
    const bytes = back.value.sources[0].bytes;
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(3);
  });

  it('sends a Node Buffer as bytes, not as its toJSON form', () => {
    const back = decodeFrame(encodeFrame({ b: Buffer.from('hi') })) as { b: Uint8Array };
    expect([...back.b]).toEqual([104, 105]);
  });

  it('refuses data that would look like a byte marker', () => {
    expect(() => encodeFrame({ value: { $bin: 0 } })).toThrow(/reserved/);
  });

  it('leaves marker-shaped objects alone where no such part exists', () => {
    const frame = encodeFrame({ a: new Uint8Array([1]) }) as Uint8Array;
    // Rewrite the JSON in place so it names part 5, which the frame does not have.
    const text = new TextDecoder().decode(frame);
    const patched = new TextEncoder().encode(text.replace('{"$bin":0}', '{"$bin":5}'));
    expect((decodeFrame(patched) as { a: unknown }).a).toEqual({ $bin: 5 });
  });

  it('turns truncated, corrupted or random frames into MalformedFrame, never an exception', () => {
    const good = encodeFrame({ type: 'result', id: 3, value: new Uint8Array(50).fill(1) }) as Uint8Array;
    for (let n = 0; n < good.length; n++) expect(decodeFrame(good.subarray(0, n))).toBeInstanceOf(MalformedFrame);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(255), (bytes, at, value) => {
        expect(() => decodeFrame(bytes)).not.toThrow();
        const flipped = good.slice();
        flipped[at % flipped.length] = value;
        expect(() => decodeFrame(flipped)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.string(), (s) => void expect(() => decodeFrame(s)).not.toThrow()));
  });
});
