import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import {
  ProxyV2Repr,
  ProxyV2View,
  ProxyV2ViewMut,
  awsVpceTlv,
  crc32c,
  fillCrc32c,
  verifyCrc32c,
  vpceIdOf,
  type ProxyV2Repr as ProxyV2ReprT,
} from '../../../core/wire/proxy-v2.ts';

const VPCE = 'vpce-08d2bf15fac5001c9';
// Signature, v2 PROXY, TCP over IPv4, length 12 + 26, 198.51.100.20:55123 → 10.0.3.30:80, PP2_TYPE_AWS.
const HEADER = fromHex(`
  0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a  21 11 00 26
  c6 33 64 14  0a 00 03 1e  d7 53  00 50
  ea 00 17 01 ${toHex(Uint8Array.from(VPCE, (c) => c.charCodeAt(0)))}`)!;

const REPR: ProxyV2ReprT = {
  command: 1,
  protocol: 1,
  src: 0xc6336414,
  dst: 0x0a00031e,
  srcPort: 55123,
  dstPort: 80,
  tlvs: [awsVpceTlv(VPCE)],
};

describe('ProxyV2View', () => {
  it('deconstructs a PrivateLink header and finds the VPC endpoint id', () => {
    const v = ProxyV2View.checked(HEADER);
    if (!v.ok) throw new Error(v.error.message);
    const h = v.value;
    expect([h.version, h.command, h.family, h.protocol, h.length, h.headerLen]).toEqual([2, 1, 1, 1, 38, 54]);
    expect([h.srcAddr, h.dstAddr, h.srcPort, h.dstPort]).toEqual([0xc6336414, 0x0a00031e, 55123, 80]);
    expect(vpceIdOf(h.tlvs())).toBe(VPCE);
    expect(h.payload.length).toBe(0);
  });

  it('reads from a subarray with the proxied data after it', () => {
    const buf = new Uint8Array(4 + HEADER.length + 3);
    buf.set(HEADER, 4);
    buf.set([0x47, 0x45, 0x54], 4 + HEADER.length);
    const v = ProxyV2View.checked(buf.subarray(4));
    if (!v.ok) throw new Error(v.error.message);
    expect(toHex(v.value.payload)).toBe('474554');
    expect(ProxyV2Repr.parse(v.value)).toEqual({ ok: true, value: REPR });
  });

  it('rejects a bad signature, version, or lengths', () => {
    expect(ProxyV2View.checked(HEADER.subarray(0, 15))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    const sig = HEADER.slice();
    sig[7] = 0;
    expect(ProxyV2View.checked(sig)).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 0 } });
    const ver = HEADER.slice();
    ver[12] = 0x11;
    expect(ProxyV2View.checked(ver)).toMatchObject({ ok: false, error: { code: 'bad-version' } });
    expect(ProxyV2View.checked(HEADER.subarray(0, 53))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    const tlv = HEADER.slice();
    tlv[30] = 0x18; // the TLV claims one byte more than the header holds
    expect(ProxyV2View.checked(tlv)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 29 } });
  });
});

describe('ProxyV2Repr', () => {
  it('constructs the header into a 0xa5-filled buffer', () => {
    const buf = new Uint8Array(2 + ProxyV2Repr.bufferLen(REPR)).fill(0xa5);
    ProxyV2Repr.emit(REPR, ProxyV2ViewMut.over(buf.subarray(2)));
    expect(toHex(buf)).toBe(`a5a5${toHex(HEADER)}`);
  });

  it('emits LOCAL with no addresses', () => {
    const local: ProxyV2ReprT = { command: 0, protocol: 0, src: 0, dst: 0, srcPort: 0, dstPort: 0, tlvs: [] };
    const buf = new Uint8Array(ProxyV2Repr.bufferLen(local)).fill(0xa5);
    ProxyV2Repr.emit(local, ProxyV2ViewMut.over(buf));
    expect(toHex(buf)).toBe('0d0a0d0a000d0a515549540a20000000');
  });

  it('computes and verifies PP2_TYPE_CRC32C (CRC32c check value)', () => {
    expect(crc32c(Uint8Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0xe3069283);
    const repr: ProxyV2ReprT = { ...REPR, tlvs: [{ type: 0x03, value: new Uint8Array(4) }, awsVpceTlv(VPCE)] };
    const buf = new Uint8Array(ProxyV2Repr.bufferLen(repr));
    ProxyV2Repr.emit(repr, ProxyV2ViewMut.over(buf));
    expect(verifyCrc32c(buf)).toBe(false);
    fillCrc32c(buf);
    expect(verifyCrc32c(buf)).toBe(true);
    buf[20] ^= 1;
    expect(verifyCrc32c(buf)).toBe(false);
  });
});

const reprArb: fc.Arbitrary<ProxyV2ReprT> = fc.oneof(
  fc.record({
    command: fc.constantFrom(0, 1),
    protocol: fc.constantFrom(1, 2),
    src: fc.nat(0xffffffff),
    dst: fc.nat(0xffffffff),
    srcPort: fc.nat(0xffff),
    dstPort: fc.nat(0xffff),
    tlvs: fc.array(fc.record({ type: fc.nat(255), value: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 4 }),
  }),
  fc.record({
    command: fc.constantFrom(0, 1),
    protocol: fc.constant(0),
    src: fc.constant(0),
    dst: fc.constant(0),
    srcPort: fc.constant(0),
    dstPort: fc.constant(0),
    tlvs: fc.array(fc.record({ type: fc.nat(255), value: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 4 }),
  }),
);

describe('PROXY v2 properties', () => {
  it('parse(emit(repr)) equals repr', () => {
    fc.assert(
      fc.property(reprArb, (repr) => {
        const buf = new Uint8Array(ProxyV2Repr.bufferLen(repr));
        ProxyV2Repr.emit(repr, ProxyV2ViewMut.over(buf));
        const v = ProxyV2View.checked(buf);
        if (!v.ok) throw new Error(v.error.message);
        expect(ProxyV2Repr.parse(v.value)).toEqual({ ok: true, value: repr });
      }),
    );
  });

  it('random and bit-flipped bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), (bytes, n) => {
        const flipped = HEADER.slice();
        flipped[n % flipped.length] ^= 1 << n % 8;
        const withSig = new Uint8Array(12 + bytes.length);
        withSig.set(HEADER.subarray(0, 12));
        withSig.set(bytes, 12);
        for (const b of [bytes, flipped, withSig]) {
          const v = ProxyV2View.checked(b);
          if (!v.ok) continue;
          void [v.value.srcAddr, v.value.dstPort, [...v.value.tlvs()], v.value.payload, ProxyV2Repr.parse(v.value), vpceIdOf(v.value.tlvs())];
          verifyCrc32c(b);
        }
      }),
    );
  });
});
