import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import {
  ESP_AES_GCM_128,
  ESP_NULL_SHA1_96,
  EspRepr,
  EspView,
  EspViewMut,
  espIcvLength,
  espIvLength,
  espPadLength,
  type EspRepr as EspReprT,
  type EspTransform,
} from '../../../core/wire/esp.ts';

// NULL encryption, 12-byte ICV: SPI 0x1001, seq 1, 6 bytes of inner data, pad 01 02 (6+2+2 = 10 → 12),
// pad length 2, next header 4 (IPIP, tunnel mode), ICV ab × 12.
const NULL_PACKET = fromHex(`
  00 00 10 01  00 00 00 01
  45 00 00 06 aa bb
  01 02 02 04
  ab ab ab ab ab ab ab ab ab ab ab ab`)!;

const NULL_REPR: EspReprT = {
  spi: 0x1001,
  sequence: 1,
  transform: ESP_NULL_SHA1_96,
  iv: new Uint8Array(0),
  payloadLength: 6,
  padLength: 2,
  nextHeader: 4,
  icv: new Uint8Array(12).fill(0xab),
};

// AES-GCM-128 layout: 8-byte IV, 3 bytes of data, pad 01 02 03 (3+3+2 = 8), next header 6, 16-byte ICV.
const GCM_PACKET = fromHex(`
  00 00 20 02  00 00 00 07
  11 11 11 11 11 11 11 11
  61 62 63
  01 02 03 03 06
  cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd`)!;

describe('EspView / EspRepr', () => {
  it('deconstructs the NULL layout', () => {
    const v = EspView.checked(NULL_PACKET);
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value.spi).toBe(0x1001);
    expect(v.value.sequence).toBe(1);
    const r = EspRepr.parse(v.value, ESP_NULL_SHA1_96);
    expect(r).toEqual({ ok: true, value: NULL_REPR });
    if (r.ok) expect(toHex(EspRepr.payloadOf(r.value, v.value))).toBe('45000006aabb');
  });

  it('deconstructs the AES-GCM-128 layout from a subarray', () => {
    const buf = new Uint8Array(3 + GCM_PACKET.length);
    buf.set(GCM_PACKET, 3);
    const v = EspView.checked(buf.subarray(3));
    if (!v.ok) throw new Error(v.error.message);
    const r = EspRepr.parse(v.value, ESP_AES_GCM_128);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ spi: 0x2002, sequence: 7, payloadLength: 3, padLength: 3, nextHeader: 6 });
    expect(toHex(r.value.iv)).toBe('1111111111111111');
    expect(r.value.icv.length).toBe(16);
    expect(toHex(EspRepr.payloadOf(r.value, v.value))).toBe('616263');
  });

  it('constructs both layouts into 0xa5-filled buffers', () => {
    const buf = new Uint8Array(EspRepr.bufferLen(NULL_REPR)).fill(0xa5);
    EspRepr.emit(NULL_REPR, EspViewMut.over(buf), fromHex('45000006aabb')!);
    expect(toHex(buf)).toBe(toHex(NULL_PACKET));
    const gcm: EspReprT = {
      spi: 0x2002,
      sequence: 7,
      transform: ESP_AES_GCM_128,
      iv: new Uint8Array(8).fill(0x11),
      payloadLength: 3,
      padLength: espPadLength(3),
      nextHeader: 6,
      icv: new Uint8Array(16).fill(0xcd),
    };
    const out = new Uint8Array(4 + EspRepr.bufferLen(gcm)).fill(0xa5);
    EspRepr.emit(gcm, EspViewMut.over(out.subarray(4)), fromHex('616263')!);
    expect(toHex(out.subarray(0, 4))).toBe('a5a5a5a5');
    expect(toHex(out.subarray(4))).toBe(toHex(GCM_PACKET));
  });

  it('rejects wrong padding and impossible lengths', () => {
    const badPad = NULL_PACKET.slice();
    badPad[14] = 0x07;
    const v = EspView.checked(badPad);
    expect(v.ok && EspRepr.parse(v.value, ESP_NULL_SHA1_96)).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 14 } });
    const v2 = EspView.checked(NULL_PACKET.subarray(0, 20));
    expect(v2.ok && EspRepr.parse(v2.value, ESP_NULL_SHA1_96)).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(EspView.checked(NULL_PACKET.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });

  it('pads to 4 bytes the RFC 4303 way', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => espPadLength(n))).toEqual([2, 1, 0, 3, 2, 1]);
  });
});

const transformArb: fc.Arbitrary<EspTransform> = fc.oneof(
  fc.constant(ESP_AES_GCM_128),
  fc.constantFrom(0, 8, 12, 16, 24, 32).map((icvLength): EspTransform => ({ kind: 'null', icvLength })),
);

describe('ESP properties', () => {
  it('parse(emit(repr)) equals repr for both layouts', () => {
    fc.assert(
      fc.property(transformArb, fc.uint8Array({ maxLength: 64 }), fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(255), fc.nat(255), (t, payload, spi, seq, nh, extra) => {
        const padLength = espPadLength(payload.length) + ((extra % 3) * 4);
        const repr: EspReprT = {
          spi,
          sequence: seq,
          transform: t,
          iv: new Uint8Array(espIvLength(t)).fill(extra),
          payloadLength: payload.length,
          padLength,
          nextHeader: nh,
          icv: new Uint8Array(espIcvLength(t)).fill(nh),
        };
        const buf = new Uint8Array(EspRepr.bufferLen(repr));
        EspRepr.emit(repr, EspViewMut.over(buf), payload);
        const v = EspView.checked(buf);
        if (!v.ok) return false;
        const r = EspRepr.parse(v.value, t);
        expect(r).toEqual({ ok: true, value: repr });
        if (r.ok) expect(EspRepr.payloadOf(r.value, v.value)).toEqual(payload);
        return true;
      }),
    );
  });

  it('random and bit-flipped bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), transformArb, fc.nat(), (bytes, t, n) => {
        const flipped = bytes.slice();
        if (flipped.length) flipped[n % flipped.length] ^= 1 << n % 8;
        for (const b of [bytes, flipped]) {
          const v = EspView.checked(b);
          if (v.ok) {
            const r = EspRepr.parse(v.value, t);
            if (r.ok) EspRepr.payloadOf(r.value, v.value);
          }
        }
      }),
    );
  });
});
