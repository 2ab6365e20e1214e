import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from '../../../core/base/addr.ts';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import { UDP_HEADER_LEN, UdpRepr, UdpView, UdpViewMut } from '../../../core/wire/udp.ts';

const SRC = parseIpv4('10.0.0.1')!;
const DST = parseIpv4('10.0.0.2')!;
// 40000 → 7777, length 12, checksum 0x5261 (tshark with udp.check_checksum: Good), payload "ping".
const DATAGRAM = fromHex('9c40 1e61 000c 5261 70696e67')!;
const PING = fromHex('70696e67')!;

/** Naive RFC 768 checksum over a byte-built pseudo-header, independent of the codec. */
function referenceChecksum(src: number, dst: number, segment: Uint8Array): number {
  const pseudo = new Uint8Array(12 + segment.length + (segment.length % 2));
  const dv = new DataView(pseudo.buffer);
  dv.setUint32(0, src);
  dv.setUint32(4, dst);
  pseudo[9] = 17;
  dv.setUint16(10, segment.length);
  pseudo.set(segment, 12);
  pseudo[18] = 0; // checksum field as zero
  pseudo[19] = 0;
  let sum = 0;
  for (let i = 0; i < pseudo.length; i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  return c === 0 ? 0xffff : c;
}

function emitted(srcPort: number, dstPort: number, payload: Uint8Array, ip?: { src: number; dst: number }): Uint8Array {
  const buf = new Uint8Array(UdpRepr.bufferLen({ srcPort, dstPort }, payload.length)).fill(0xa5);
  UdpRepr.emit({ srcPort, dstPort }, UdpViewMut.over(buf), payload, ip);
  return buf;
}

describe('UdpView', () => {
  it('deconstructs a datagram', () => {
    const r = UdpView.checked(DATAGRAM);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect(v.srcPort).toBe(40000);
    expect(v.dstPort).toBe(7777);
    expect(v.length).toBe(12);
    expect(v.checksum).toBe(0x5261);
    expect(toHex(v.payload)).toBe('70696e67');
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
    expect(v.verifyChecksum(SRC, DST + 1)).toBe(false);
    expect(v.computeChecksum(SRC, DST)).toBe(0x5261);
  });

  it('reads a subarray at a non-zero byte offset, stopping the payload at the length field', () => {
    const backing = new Uint8Array(40).fill(0xee);
    backing.set(DATAGRAM, 13);
    const bytes = backing.subarray(13, 13 + DATAGRAM.length + 6); // 6 bytes of link padding after it
    const r = UdpView.checked(bytes);
    expect(r.ok && r.value.srcPort).toBe(40000);
    expect(r.ok && toHex(r.value.payload)).toBe('70696e67');
    expect(r.ok && r.value.verifyChecksum(SRC, DST)).toBe(true);
  });

  it('rejects what no getter could read', () => {
    expect(UdpView.checked(DATAGRAM.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 7 } });
    const short = DATAGRAM.slice();
    short[5] = 7; // length 7 < header
    expect(UdpView.checked(short)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 4 } });
    expect(UdpView.checked(DATAGRAM.subarray(0, 11))).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });

  it('treats checksum 0 as "none"', () => {
    const zero = DATAGRAM.slice();
    zero[6] = 0;
    zero[7] = 0;
    const r = UdpView.checked(zero);
    expect(r.ok && r.value.verifyChecksum(SRC, DST)).toBe(true);
  });
});

describe('UdpViewMut and UdpRepr', () => {
  it('constructs the known datagram over junk', () => {
    expect(toHex(emitted(40000, 7777, PING, { src: SRC, dst: DST }))).toBe(toHex(DATAGRAM));
  });

  it('constructs into a subarray at a non-zero byte offset without touching its neighbours', () => {
    const backing = new Uint8Array(32).fill(0xa5);
    const view = backing.subarray(5, 5 + 12);
    UdpRepr.emit({ srcPort: 40000, dstPort: 7777 }, UdpViewMut.over(view), PING, { src: SRC, dst: DST });
    expect(toHex(view)).toBe(toHex(DATAGRAM));
    expect(backing[4]).toBe(0xa5);
    expect(backing[17]).toBe(0xa5);
  });

  it('writes the payload in place without copying when it already is the payload area', () => {
    const buf = new Uint8Array(12).fill(0xa5);
    const v = UdpViewMut.over(buf);
    v.payloadMut.set(PING);
    UdpRepr.emit({ srcPort: 40000, dstPort: 7777 }, v, v.payloadMut.subarray(0, 4), { src: SRC, dst: DST });
    expect(toHex(buf)).toBe(toHex(DATAGRAM));
  });

  it('emits checksum 0 without addresses, and 0xffff for a computed zero', () => {
    expect(toHex(emitted(40000, 7777, PING))).toBe('9c401e61000c000070696e67');
    // Pick two payload bytes that make the one's-complement sum 0xffff: the checksum computes to 0.
    const probe = emitted(1, 2, new Uint8Array(2), { src: SRC, dst: DST });
    const partial = (~referenceChecksum(SRC, DST, probe) & 0xffff) >>> 0;
    const fill = (0xffff - partial) & 0xffff;
    const payload = new Uint8Array([fill >> 8, fill & 0xff]);
    const out = emitted(1, 2, payload, { src: SRC, dst: DST });
    expect(new DataView(out.buffer).getUint16(6)).toBe(0xffff);
    expect(UdpView.checked(out).ok && (UdpView.checked(out) as { value: UdpView }).value.verifyChecksum(SRC, DST)).toBe(true);
  });

  it('fills and verifies checksums like the reference', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }), fc.nat(), fc.nat(), (payload, sp, dp, s, d) => {
        const src = s >>> 0;
        const dst = d >>> 0;
        const out = emitted(sp, dp, payload, { src, dst });
        const view = UdpView.checked(out);
        expect(view.ok).toBe(true);
        if (!view.ok) return;
        expect(view.value.checksum).toBe(referenceChecksum(src, dst, out));
        expect(view.value.verifyChecksum(src, dst)).toBe(true);
        out[out.length - 1] ^= 0x01;
        if (payload.length > 0) expect(view.value.verifyChecksum(src, dst)).toBe(false);
      }),
    );
  });

  it('parses what it emits (round trip)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }), fc.uint8Array({ maxLength: 32 }), (srcPort, dstPort, payload) => {
        const repr = { srcPort, dstPort };
        const out = emitted(srcPort, dstPort, payload, { src: SRC, dst: DST });
        const view = UdpView.checked(out);
        expect(view.ok).toBe(true);
        if (!view.ok) return;
        expect(UdpRepr.parse(view.value, { src: SRC, dst: DST })).toEqual({ ok: true, value: repr });
        expect(toHex(view.value.payload)).toBe(toHex(payload));
      }),
    );
  });

  it('rejects port 0 and a wrong checksum in parse, but not without addresses', () => {
    const bad = DATAGRAM.slice();
    bad[7] ^= 0xff;
    const v = UdpView.checked(bad);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(UdpRepr.parse(v.value, { src: SRC, dst: DST })).toMatchObject({ ok: false, error: { code: 'bad-checksum' } });
    expect(UdpRepr.parse(v.value)).toEqual({ ok: true, value: { srcPort: 40000, dstPort: 7777 } });
    const zeroPort = DATAGRAM.slice();
    zeroPort[2] = 0;
    zeroPort[3] = 0;
    const z = UdpView.checked(zeroPort);
    expect(z.ok && UdpRepr.parse(z.value)).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 2 } });
  });

  it('refuses emit buffers that are too small', () => {
    expect(() => UdpViewMut.over(new Uint8Array(UDP_HEADER_LEN - 1))).toThrow(RangeError);
    expect(() => UdpRepr.emit({ srcPort: 1, dstPort: 2 }, UdpViewMut.over(new Uint8Array(9)), PING)).toThrow(RangeError);
  });
});

describe('UDP codec on hostile bytes', () => {
  it('never throws from checked, getters or parse on random, truncated or bit-flipped bytes', () => {
    const base = emitted(40000, 7777, PING, { src: SRC, dst: DST });
    const mutated = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: 0, max: base.length }).map((n) => base.slice(0, n)),
      fc.tuple(fc.integer({ min: 0, max: base.length * 8 - 1 }), fc.integer({ min: 0, max: 7 })).map(([bit, off]) => {
        const b = new Uint8Array(base.length + off);
        b.set(base, off);
        b[off + (bit >> 3)] ^= 1 << (bit & 7);
        return b.subarray(off);
      }),
    );
    fc.assert(
      fc.property(mutated, (bytes) => {
        const r = UdpView.checked(bytes);
        if (!r.ok) return;
        const v = r.value;
        void [v.srcPort, v.dstPort, v.length, v.checksum, v.payload.length, v.verifyChecksum(SRC, DST)];
        expect(v.payload.length).toBe(v.length - UDP_HEADER_LEN);
        UdpRepr.parse(v, { src: SRC, dst: DST });
      }),
    );
  });
});
