import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import { internetChecksum } from '../../../core/base/checksum.ts';
import {
  IPV4_HEADER_LEN, Ipv4OptionType, Ipv4Repr, Ipv4View, Ipv4ViewMut, parseIpv4Options,
} from '../../../core/wire/ipv4.ts';

// smoltcp's IPv4 test packet: DF and MF set, fragment offset 0x203 units, ICMP, 10 payload bytes.
const PACKET = fromHex('45 00 00 1e 01 02 62 03 1a 01 d5 6e 11 12 13 14 21 22 23 24 aa 00 00 00 00 00 00 00 00 ff')!;
const PAYLOAD = PACKET.subarray(20);

// IHL 7: NOP, Record Route (7 bytes, pointer 4, one empty slot); DSCP EF, DF, UDP, 4 payload bytes.
const OPTIONS_PACKET = fromHex('47 b8 00 20 be ef 40 00 40 11 5d 18 0a 00 00 01 0a 00 00 02 01 07 07 04 00 00 00 00 c0 ff ee 00')!;

const OPTIONS_REPR: Ipv4Repr = {
  src: 0x0a000001,
  dst: 0x0a000002,
  protocol: 17,
  payloadLen: 4,
  ttl: 64,
  dscp: 46,
  ecn: 0,
  ident: 0xbeef,
  dontFrag: true,
  moreFrags: false,
  fragOffset: 0,
  options: fromHex('01 07 07 04 00 00 00 00')!,
};

describe('IPv4 codec', () => {
  it('deconstructs known bytes', () => {
    const v = Ipv4View.checked(PACKET);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const p = v.value;
    expect([p.version, p.ihl, p.headerLen, p.dscp, p.ecn, p.totalLength]).toEqual([4, 5, 20, 0, 0, 30]);
    expect(p.ident).toBe(0x0102);
    expect([p.reservedFlag, p.dontFrag, p.moreFrags, p.fragOffset, p.isFragment]).toEqual([false, true, true, 0x203 * 8, true]);
    expect([p.ttl, p.protocol, p.checksum]).toEqual([0x1a, 1, 0xd56e]);
    expect(p.src).toBe(0x11121314);
    expect(p.dst).toBe(0x21222324);
    expect(p.options.length).toBe(0);
    expect(p.payload).toEqual(PAYLOAD);
    expect(p.verifyChecksum()).toBe(true);
    expect(Ipv4Repr.parse(p)).toEqual({
      ok: true,
      value: {
        src: 0x11121314, dst: 0x21222324, protocol: 1, payloadLen: 10, ttl: 0x1a, dscp: 0, ecn: 0, ident: 0x0102,
        dontFrag: true, moreFrags: true, fragOffset: 0x203 * 8, options: new Uint8Array(0),
      },
    });
  });

  it('deconstructs a header with options, inside a larger buffer', () => {
    const backing = new Uint8Array(14 + OPTIONS_PACKET.length + 26).fill(0x77);
    backing.set(OPTIONS_PACKET, 14);
    // Ethernet padding after the datagram: the payload stops at the total length.
    const v = Ipv4View.checked(backing.subarray(14));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.headerLen).toBe(28);
    expect([...v.value.payload]).toEqual([0xc0, 0xff, 0xee, 0x00]);
    expect(v.value.verifyChecksum()).toBe(true);
    expect(Ipv4Repr.parse(v.value)).toEqual({ ok: true, value: OPTIONS_REPR });
    const opts = parseIpv4Options(v.value.options);
    expect(opts.ok && opts.value.map((o) => [o.type, o.offset, o.length, [...o.data]])).toEqual([
      [Ipv4OptionType.nop, 0, 1, []],
      [Ipv4OptionType.recordRoute, 1, 7, [4, 0, 0, 0, 0]],
    ]);
  });

  it('constructs the same bytes into a junk-filled buffer', () => {
    const view0 = Ipv4View.checked(PACKET);
    if (!view0.ok) throw new Error('fixture does not parse');
    const repr = Ipv4Repr.parse(view0.value);
    if (!repr.ok) throw new Error('fixture has no repr');
    const buf = new Uint8Array(Ipv4Repr.bufferLen(repr.value)).fill(0xa5);
    const view = Ipv4ViewMut.over(buf);
    Ipv4Repr.emit(repr.value, view);
    view.payloadMut.set(PAYLOAD);
    expect(buf).toEqual(PACKET);

    const buf2 = new Uint8Array(Ipv4Repr.bufferLen(OPTIONS_REPR)).fill(0xa5);
    const view2 = Ipv4ViewMut.over(buf2);
    Ipv4Repr.emit(OPTIONS_REPR, view2);
    view2.payloadMut.set([0xc0, 0xff, 0xee, 0x00]);
    expect(buf2).toEqual(OPTIONS_PACKET);
  });

  it('pads options to a multiple of four with EOL', () => {
    const repr = { ...OPTIONS_REPR, options: fromHex('94 04 00 00 01')! };
    expect(Ipv4Repr.headerLen(repr)).toBe(28);
    const buf = new Uint8Array(Ipv4Repr.bufferLen(repr)).fill(0xa5);
    Ipv4Repr.emit(repr, Ipv4ViewMut.over(buf));
    expect([...buf.subarray(20, 28)]).toEqual([0x94, 4, 0, 0, 1, 0, 0, 0]);
    expect(buf[0]).toBe(0x47);
    expect(internetChecksum(buf, 0, 28)).toBe(0);
    expect(() => Ipv4Repr.emit({ ...repr, options: new Uint8Array(41) }, Ipv4ViewMut.over(new Uint8Array(80)))).toThrow(RangeError);
  });

  it('setters and checksum', () => {
    const buf = PACKET.slice();
    const v = Ipv4ViewMut.over(buf);
    v.setTtl(0x19);
    expect(v.verifyChecksum()).toBe(false);
    v.fillChecksum();
    expect(v.verifyChecksum()).toBe(true);
    expect(v.checksum).toBe(0xd66e);
    v.setDontFrag(false);
    v.setMoreFrags(false);
    v.setFragOffset(0);
    expect([v.dontFrag, v.moreFrags, v.fragOffset, v.isFragment]).toEqual([false, false, 0, false]);
    v.setReservedFlag(true);
    expect(v.flagsFragment).toBe(0x8000);
    v.setDscp(10);
    v.setEcn(3);
    expect([v.dscp, v.ecn, v.dsField]).toEqual([10, 3, 0x2b]);
    v.setSrc(0x0a000001);
    v.setDst(0xc0a80001);
    expect([v.src, v.dst]).toEqual([0x0a000001, 0xc0a80001]);
    const bad = Ipv4View.checked(buf);
    expect(bad.ok && Ipv4Repr.parse(bad.value)).toMatchObject({ ok: false, error: { code: 'bad-checksum', offset: 10 } });
    expect(bad.ok && Ipv4Repr.parse(bad.value, { verifyChecksum: false }).ok).toBe(true);
  });

  it('rejects impossible headers', () => {
    const mutate = (f: (b: Uint8Array) => void) => {
      const b = PACKET.slice();
      f(b);
      return Ipv4View.checked(b);
    };
    expect(Ipv4View.checked(PACKET.subarray(0, 19))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(mutate((b) => (b[0] = 0x65))).toMatchObject({ ok: false, error: { code: 'bad-version', offset: 0 } });
    expect(mutate((b) => (b[0] = 0x44))).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 0 } });
    expect(mutate((b) => (b[0] = 0x48))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 0 } });
    expect(mutate((b) => (b[3] = 19))).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 2 } });
    expect(mutate((b) => (b[3] = 31))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 2 } });
  });

  it('accepts a quoted header whose datagram is cut short', () => {
    const quote = PACKET.subarray(0, 28);
    expect(Ipv4View.checked(quote).ok).toBe(false);
    const v = Ipv4View.checkedHeader(quote);
    expect(v.ok && v.value.totalLength).toBe(30);
    expect(v.ok && v.value.payload.length).toBe(8);
  });

  it('splits option lists and rejects malformed ones', () => {
    const ok = parseIpv4Options(fromHex('01 94 04 00 00 00 aa bb')!);
    expect(ok.ok && ok.value.map((o) => o.type)).toEqual([1, 148, 0]);
    expect(parseIpv4Options(fromHex('07 01 00 00')!)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 21 } });
    expect(parseIpv4Options(fromHex('07 09 04 00')!)).toMatchObject({ ok: false, error: { code: 'truncated', offset: 21 } });
    expect(parseIpv4Options(fromHex('01 01 01 07')!)).toMatchObject({ ok: false, error: { code: 'truncated', offset: 23 } });
    const bad = OPTIONS_PACKET.slice();
    bad[22] = 9; // Record Route longer than the options
    const v = Ipv4View.checked(bad);
    expect(v.ok && Ipv4Repr.parse(v.value, { verifyChecksum: false })).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });

  it('never throws on random, truncated or bit-flipped bytes', () => {
    const check = (bytes: Uint8Array) => {
      for (const view of [Ipv4View.checked(bytes), Ipv4View.checkedHeader(bytes)]) {
        if (!view.ok) continue;
        const p = view.value;
        expect(p.headerLen).toBeGreaterThanOrEqual(IPV4_HEADER_LEN);
        expect(p.headerLen).toBeLessThanOrEqual(bytes.length);
        expect(p.payload.length).toBeLessThanOrEqual(p.totalLength - p.headerLen);
        void [p.src, p.dst, p.options, p.verifyChecksum()];
        Ipv4Repr.parse(p);
        parseIpv4Options(p.options);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => check(b)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: OPTIONS_PACKET.length }), fc.nat(OPTIONS_PACKET.length * 8 - 1), (cut, bit) => {
        const b = OPTIONS_PACKET.slice();
        b[bit >> 3] ^= 1 << (bit & 7);
        check(b.subarray(0, cut));
        check(b);
      }),
    );
  });

  it('parse(emit(repr)) gives the repr back', () => {
    const option = fc.oneof(
      fc.constant([1]),
      fc.tuple(fc.constantFrom(7, 68, 130, 131, 137, 148, 0x9e), fc.uint8Array({ maxLength: 6 })).map(([t, d]) => [t, d.length + 2, ...d]),
    );
    const options = fc
      .array(option, { maxLength: 6 })
      .map((list) => {
        const flat: number[] = [];
        for (const o of list) if (flat.length + o.length <= 40) flat.push(...o);
        while (flat.length % 4) flat.push(0);
        return Uint8Array.from(flat);
      });
    const repr = fc.record({
      src: fc.integer({ min: 0, max: 0xffffffff }),
      dst: fc.integer({ min: 0, max: 0xffffffff }),
      protocol: fc.integer({ min: 0, max: 255 }),
      payloadLen: fc.integer({ min: 0, max: 300 }),
      ttl: fc.integer({ min: 0, max: 255 }),
      dscp: fc.integer({ min: 0, max: 63 }),
      ecn: fc.integer({ min: 0, max: 3 }),
      ident: fc.integer({ min: 0, max: 0xffff }),
      dontFrag: fc.boolean(),
      moreFrags: fc.boolean(),
      fragOffset: fc.integer({ min: 0, max: 0x1fff }).map((u) => u * 8),
      options,
    });
    fc.assert(
      fc.property(repr, (r) => {
        const buf = new Uint8Array(Ipv4Repr.bufferLen(r)).fill(0xa5);
        Ipv4Repr.emit(r, Ipv4ViewMut.over(buf));
        const v = Ipv4View.checked(buf);
        expect(v.ok).toBe(true);
        if (!v.ok) return;
        expect(v.value.verifyChecksum()).toBe(true);
        expect(Ipv4Repr.parse(v.value)).toEqual({ ok: true, value: r });
      }),
    );
  });
});
