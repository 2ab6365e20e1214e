import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import {
  GeneveClass,
  GeneveRepr,
  GeneveView,
  GeneveViewMut,
  formatAwsId,
  gwlbOptions,
  readGwlbOptions,
  readUnderlayOptions,
  underlayOptions,
  type GeneveOption,
} from '../../../core/wire/geneve.ts';

// GWLB's template from fabric-facts §2.1: Ver 0, Opt Len 8, proto 0x0800, VNI 0, three TLVs.
const GWLB = fromHex(`
  08 00 08 00  00 00 00 00
  01 08 01 02  08 d2 bf 15 fa c5 00 1c
  01 08 02 02  00 00 00 00 de ad be ef
  01 08 03 01  8b ad f0 0d
  45 00`)!;

const GWLB_REPR: GeneveRepr = {
  vni: 0,
  protocolType: 0x0800,
  oam: false,
  critical: false,
  options: gwlbOptions({ endpointId: 0x08d2bf15fac5001cn, attachmentId: 0xdeadbeefn, flowCookie: 0x8badf00d }),
};

// Underlay's VPC encapsulation: VNI 0x0a0b0c, inner Ethernet, class 0xFFF1 options.
const UNDERLAY = fromHex(`
  08 00 65 58  0a 0b 0c 00
  ff f1 01 02  01 23 45 67 89 ab cd ef
  ff f1 02 02  0f ed cb a9 87 65 43 21
  ff f1 03 01  00 00 00 2a`)!;

describe('GeneveView', () => {
  it('deconstructs the GWLB header', () => {
    const v = GeneveView.checked(GWLB);
    if (!v.ok) throw new Error(v.error.message);
    const g = v.value;
    expect(g.version).toBe(0);
    expect(g.optionsLen).toBe(32);
    expect(g.headerLen).toBe(40);
    expect(g.oam).toBe(false);
    expect(g.critical).toBe(false);
    expect(g.protocolType).toBe(0x0800);
    expect(g.vni).toBe(0);
    expect([...g.options()].map((o) => [o.optionClass, o.type, toHex(o.data)])).toEqual([
      [0x0108, 1, '08d2bf15fac5001c'],
      [0x0108, 2, '00000000deadbeef'],
      [0x0108, 3, '8badf00d'],
    ]);
    expect(toHex(g.payload)).toBe('4500');
    expect(readGwlbOptions(g)).toEqual({ endpointId: 0x08d2bf15fac5001cn, attachmentId: 0xdeadbeefn, flowCookie: 0x8badf00d });
    expect(readUnderlayOptions(g)).toBeNull();
  });

  it('reads Underlay options and the VNI from a subarray at a non-zero offset', () => {
    const buf = new Uint8Array(7 + UNDERLAY.length).fill(0xee);
    buf.set(UNDERLAY, 7);
    const v = GeneveView.checked(buf.subarray(7));
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value.vni).toBe(0x0a0b0c);
    expect(v.value.protocolType).toBe(0x6558);
    expect(readUnderlayOptions(v.value)).toEqual({ srcEni: 0x0123456789abcdefn, dstEni: 0x0fedcba987654321n, mappingVersion: 42 });
    expect(v.value.findOption(GeneveClass.underlay, 3)).toEqual(Uint8Array.of(0, 0, 0, 0x2a));
    expect(v.value.payload.length).toBe(0);
  });

  it('rejects impossible lengths', () => {
    expect(GeneveView.checked(GWLB.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(GeneveView.checked(GWLB.subarray(0, 39))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    const bad = GWLB.slice();
    bad[8 + 3] = 0x1f; // first option claims 124 data bytes
    expect(GeneveView.checked(bad)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 11 } });
  });
});

describe('GeneveRepr', () => {
  it('parses the GWLB header', () => {
    const v = GeneveView.checked(GWLB);
    if (!v.ok) throw new Error('checked');
    expect(GeneveRepr.parse(v.value)).toEqual({ ok: true, value: GWLB_REPR });
  });

  it('constructs the GWLB header into a 0xa5-filled buffer', () => {
    const buf = new Uint8Array(GeneveRepr.bufferLen(GWLB_REPR, 2)).fill(0xa5);
    GeneveRepr.emit(GWLB_REPR, GeneveViewMut.over(buf));
    buf.set([0x45, 0x00], GeneveRepr.headerLen(GWLB_REPR));
    expect(toHex(buf)).toBe(toHex(GWLB));
  });

  it('constructs Underlay options at a non-zero byteOffset', () => {
    const repr: GeneveRepr = {
      vni: 0x0a0b0c,
      protocolType: 0x6558,
      oam: false,
      critical: false,
      options: underlayOptions({ srcEni: 0x0123456789abcdefn, dstEni: 0x0fedcba987654321n, mappingVersion: 42 }),
    };
    const backing = new Uint8Array(3 + GeneveRepr.bufferLen(repr, 0)).fill(0xa5);
    GeneveRepr.emit(repr, GeneveViewMut.over(backing.subarray(3)));
    expect(toHex(backing.subarray(0, 3))).toBe('a5a5a5');
    expect(toHex(backing.subarray(3))).toBe(toHex(UNDERLAY));
  });

  it('rejects version 1 and reserved flag bits', () => {
    const v1 = GWLB.slice();
    v1[0] |= 0x40;
    const r1 = GeneveView.checked(v1);
    expect(r1.ok && GeneveRepr.parse(r1.value)).toMatchObject({ ok: false, error: { code: 'bad-version' } });
    const rsv = GWLB.slice();
    rsv[1] = 0x01;
    const r2 = GeneveView.checked(rsv);
    expect(r2.ok && GeneveRepr.parse(r2.value)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('formats AWS ids with 17 hex digits', () => {
    expect(formatAwsId('vpce', 0x08d2bf15fac5001cn)).toBe('vpce-008d2bf15fac5001c');
    expect(formatAwsId('eni', 1n)).toBe('eni-00000000000000001');
  });
});

const optionArb: fc.Arbitrary<GeneveOption> = fc.record({
  optionClass: fc.integer({ min: 0, max: 0xffff }),
  type: fc.integer({ min: 0, max: 0xff }),
  data: fc.integer({ min: 0, max: 8 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
});

const reprArb: fc.Arbitrary<GeneveRepr> = fc.record({
  vni: fc.integer({ min: 0, max: 0xffffff }),
  protocolType: fc.integer({ min: 0, max: 0xffff }),
  oam: fc.boolean(),
  critical: fc.boolean(),
  options: fc.array(optionArb, { maxLength: 6 }),
});

describe('Geneve properties', () => {
  it('parse(emit(repr)) equals repr', () => {
    fc.assert(
      fc.property(reprArb, (repr) => {
        const buf = new Uint8Array(GeneveRepr.bufferLen(repr, 0)).fill(0xa5);
        GeneveRepr.emit(repr, GeneveViewMut.over(buf));
        const v = GeneveView.checked(buf);
        if (!v.ok) return false;
        expect(GeneveRepr.parse(v.value)).toEqual({ ok: true, value: repr });
        return true;
      }),
    );
  });

  it('random, truncated and bit-flipped bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, n) => {
        const mangled = bytes.slice();
        if (mangled.length) mangled[n % mangled.length] ^= 1 << n % 8;
        for (const b of [bytes, mangled, bytes.subarray(0, n % (bytes.length + 1))]) {
          const v = GeneveView.checked(b);
          if (!v.ok) continue;
          const g = v.value;
          void [g.version, g.vni, g.protocolType, g.oam, g.critical, g.payload.length, [...g.options()].length];
          GeneveRepr.parse(g);
          readGwlbOptions(g);
          readUnderlayOptions(g);
        }
      }),
    );
  });
});
