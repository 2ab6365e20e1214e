/** The WebSocket framing: JSON text, or JSON plus unencoded byte parts; bad frames never throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrameChunks, SEPARATE_PART_BYTES } from '../../../core/rpc/frame-codec.ts';
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

  it('returns a large part as a view into the frame it came in, a small one in a buffer of its own', () => {
    const big = new Uint8Array(SEPARATE_PART_BYTES).map((_, i) => i * 7);
    const frame = encodeFrame({ big, small: Uint8Array.from([9, 8]) }) as Uint8Array;
    const back = decodeFrame(frame) as { big: Uint8Array; small: Uint8Array };
    expect(back.big).toEqual(big);
    expect(back.big.buffer).toBe(frame.buffer); // not copied again
    expect(back.big.constructor).toBe(Uint8Array);
    expect(back.small.buffer).not.toBe(frame.buffer);
    expect(back.small.buffer.byteLength).toBe(2);
  });

  it('gives a large part as a chunk of its own (the array itself, not a copy) and joins the rest', () => {
    const big = new Uint8Array(SEPARATE_PART_BYTES + 5).fill(3);
    const m = { type: 'result', id: 4, value: { a: Uint8Array.from([1]), big, b: Uint8Array.from([2]) } };
    const chunks = encodeFrameChunks(m) as Uint8Array[];
    expect(chunks).toHaveLength(3); // header + JSON + a, then big, then b
    expect(chunks[1]).toBe(big);
    const joined = encodeFrame(m) as Uint8Array;
    expect(Buffer.concat(chunks).equals(joined)).toBe(true);
    expect(decodeFrame(chunks)).toEqual(m);
    expect(encodeFrameChunks({ no: 'bytes' })).toBe('{"no":"bytes"}');
  });

  it('decodes a frame however it was cut into fragments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * SEPARATE_PART_BYTES }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lengths, cuts) => {
          const parts = lengths.map((n, k) => new Uint8Array(n).fill(k + 1));
          const m = { type: 'result', id: 5, value: { parts, text: 'é' } };
          const frame = encodeFrame(m) as Uint8Array;
          const at = [...new Set(cuts.map((c) => c % (frame.length + 1)))].sort((a, b) => a - b);
          const fragments = [0, ...at].map((from, i) => frame.subarray(from, i < at.length ? at[i] : frame.length));
          const back = decodeFrame(fragments) as typeof m;
          expect(back.value.text).toBe('é');
          expect(back.value.parts.map((p) => p.length)).toEqual(lengths);
          back.value.parts.forEach((p, k) => expect(Buffer.from(p).equals(Buffer.from(parts[k]))).toBe(true));
        },
      ),
      { numRuns: 100 },
    );
    expect(decodeFrame([])).toBeInstanceOf(MalformedFrame);
  });

  it('keeps a "__proto__" key of the JSON as data', () => {
    // A binary frame made by hand: one 1-byte part, JSON with a marker under "__proto__".
    const json = new TextEncoder().encode('{"x":{"$bin":0},"__proto__":{"$bin":0}}');
    const frame = new Uint8Array(1 + 4 + 4 + 4 + json.length + 1);
    const view = new DataView(frame.buffer);
    frame[0] = 1;
    view.setUint32(1, 1, true);
    view.setUint32(5, 1, true);
    view.setUint32(9, json.length, true);
    frame.set(json, 13);
    frame[13 + json.length] = 7;
    const back = decodeFrame(frame) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(back, '__proto__')).toBe(true);
    expect(back.x).toEqual(Uint8Array.from([7]));
  });

  it('refuses a cyclic message with an error, before any frame is made', () => {
    const a: Record<string, unknown> = { bytes: new Uint8Array(1) };
    a.self = a;
    expect(() => encodeFrameChunks(a)).toThrow(/deeper/);
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
