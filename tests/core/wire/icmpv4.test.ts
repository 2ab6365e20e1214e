import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import {
  ICMPV4_HEADER_LEN, Icmpv4DstUnreachable, Icmpv4Repr, Icmpv4TimeExceeded, Icmpv4Type, Icmpv4View, Icmpv4ViewMut,
} from '../../../core/wire/icmpv4.ts';
import type { Ipv4Repr } from '../../../core/wire/ipv4.ts';

// smoltcp's echo request: id 0x1234, seq 0xabcd, 4 data bytes.
const ECHO = fromHex('08 00 8e fe 12 34 ab cd aa 00 00 ff')!;

// Fragmentation needed, next-hop MTU 1400, quoting a DF UDP datagram of 1492 bytes (tshark: checksum good).
const FRAG_NEEDED = fromHex(
  '03 04 55 4e 00 00 05 78' + '45 00 05 d4 42 42 40 00 3f 11 28 25 0a 00 00 01 c0 a8 01 09' + '9c 40 00 35 05 c0 00 00',
)!;

const QUOTED: Ipv4Repr = {
  src: 0x0a000001,
  dst: 0xc0a80109,
  protocol: 17,
  payloadLen: 1472,
  ttl: 63,
  dscp: 0,
  ecn: 0,
  ident: 0x4242,
  dontFrag: true,
  moreFrags: false,
  fragOffset: 0,
  options: new Uint8Array(0),
};

describe('ICMPv4 codec', () => {
  it('deconstructs an echo request', () => {
    const v = Icmpv4View.checked(ECHO);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect([v.value.msgType, v.value.msgCode, v.value.checksum]).toEqual([8, 0, 0x8efe]);
    expect([v.value.echoIdent, v.value.echoSeqNo]).toEqual([0x1234, 0xabcd]);
    expect([...v.value.data]).toEqual([0xaa, 0, 0, 0xff]);
    expect(v.value.verifyChecksum()).toBe(true);
    expect(Icmpv4Repr.parse(v.value)).toEqual({
      ok: true,
      value: { kind: 'echoRequest', ident: 0x1234, seqNo: 0xabcd, data: fromHex('aa0000ff') },
    });
  });

  it('deconstructs fragmentation-needed from a subarray at a non-zero byteOffset', () => {
    const backing = new Uint8Array(34 + FRAG_NEEDED.length);
    backing.set(FRAG_NEEDED, 34);
    const v = Icmpv4View.checked(backing.subarray(34));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect([v.value.msgType, v.value.msgCode, v.value.nextHopMtu]).toEqual([3, 4, 1400]);
    expect(v.value.verifyChecksum()).toBe(true);
    const r = Icmpv4Repr.parse(v.value);
    expect(r).toEqual({
      ok: true,
      value: { kind: 'dstUnreachable', code: Icmpv4DstUnreachable.fragRequired, nextHopMtu: 1400, header: QUOTED, data: fromHex('9c40003505c00000') },
    });
  });

  it('constructs echo and error messages into junk-filled buffers', () => {
    const echo: Icmpv4Repr = { kind: 'echoRequest', ident: 0x1234, seqNo: 0xabcd, data: fromHex('aa0000ff')! };
    const buf = new Uint8Array(Icmpv4Repr.bufferLen(echo)).fill(0xa5);
    Icmpv4Repr.emit(echo, Icmpv4ViewMut.over(buf));
    expect(buf).toEqual(ECHO);

    const err: Icmpv4Repr = { kind: 'dstUnreachable', code: 4, nextHopMtu: 1400, header: QUOTED, data: fromHex('9c40003505c00000')! };
    const buf2 = new Uint8Array(Icmpv4Repr.bufferLen(err)).fill(0xa5);
    expect(buf2.length).toBe(36);
    Icmpv4Repr.emit(err, Icmpv4ViewMut.over(buf2));
    expect(buf2).toEqual(FRAG_NEEDED);
  });

  it('writes zeros where other codes have no MTU, and time exceeded', () => {
    const port: Icmpv4Repr = { kind: 'dstUnreachable', code: Icmpv4DstUnreachable.portUnreachable, nextHopMtu: 0, header: QUOTED, data: new Uint8Array(8) };
    const buf = new Uint8Array(Icmpv4Repr.bufferLen(port)).fill(0xa5);
    Icmpv4Repr.emit(port, Icmpv4ViewMut.over(buf));
    expect([...buf.subarray(0, 2), ...buf.subarray(4, 8)]).toEqual([3, 3, 0, 0, 0, 0]);
    const te: Icmpv4Repr = { kind: 'timeExceeded', code: Icmpv4TimeExceeded.ttlExpired, header: { ...QUOTED, ttl: 1 }, data: new Uint8Array(8) };
    const buf2 = new Uint8Array(Icmpv4Repr.bufferLen(te)).fill(0xa5);
    const view = Icmpv4ViewMut.over(buf2);
    Icmpv4Repr.emit(te, view);
    expect([buf2[0], buf2[1], view.restOfHeader]).toEqual([Icmpv4Type.timeExceeded, 0, 0]);
    expect(view.verifyChecksum()).toBe(true);
    // The quoted header carries its own, valid checksum.
    expect(Icmpv4Repr.parse(view)).toEqual({ ok: true, value: te });
  });

  it('setters and checksum verification', () => {
    const buf = ECHO.slice();
    const v = Icmpv4ViewMut.over(buf);
    v.setEchoSeqNo(1);
    expect(v.verifyChecksum()).toBe(false);
    expect(Icmpv4Repr.parse(v)).toMatchObject({ ok: false, error: { code: 'bad-checksum', offset: 2 } });
    expect(Icmpv4Repr.parse(v, { verifyChecksum: false }).ok).toBe(true);
    v.fillChecksum();
    expect(v.verifyChecksum()).toBe(true);
    v.setMsgType(Icmpv4Type.echoReply);
    v.setEchoIdent(7);
    v.fillChecksum();
    expect(Icmpv4Repr.parse(v)).toEqual({ ok: true, value: { kind: 'echoReply', ident: 7, seqNo: 1, data: fromHex('aa0000ff') } });
  });

  it('rejects what the repr cannot describe', () => {
    expect(Icmpv4View.checked(ECHO.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 7 } });
    const parse = (b: Uint8Array) => {
      const v = Icmpv4ViewMut.over(b);
      v.fillChecksum();
      return Icmpv4Repr.parse(v);
    };
    const code = ECHO.slice();
    code[1] = 1;
    expect(parse(code)).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 1 } });
    const redirect = FRAG_NEEDED.slice();
    redirect[0] = 5;
    expect(parse(redirect)).toMatchObject({ ok: false, error: { code: 'unsupported', offset: 0 } });
    const badCode = FRAG_NEEDED.slice();
    badCode[1] = 16;
    expect(parse(badCode)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    const noQuote = FRAG_NEEDED.slice(0, 20);
    expect(parse(noQuote)).toMatchObject({ ok: false, error: { code: 'truncated', offset: 20 } });
  });

  it('never throws on random or mutated bytes', () => {
    const check = (bytes: Uint8Array) => {
      const v = Icmpv4View.checked(bytes);
      if (!v.ok) {
        expect(bytes.length).toBeLessThan(ICMPV4_HEADER_LEN);
        return;
      }
      void [v.value.echoIdent, v.value.echoSeqNo, v.value.nextHopMtu, v.value.restOfHeader, v.value.data, v.value.verifyChecksum()];
      Icmpv4Repr.parse(v.value);
      Icmpv4Repr.parse(v.value, { verifyChecksum: false });
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => check(b)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FRAG_NEEDED.length }), fc.nat(FRAG_NEEDED.length * 8 - 1), (cut, bit) => {
        const b = FRAG_NEEDED.slice();
        b[bit >> 3] ^= 1 << (bit & 7);
        check(b.subarray(0, cut));
      }),
    );
  });

  it('parse(emit(repr)) gives the repr back', () => {
    const u = (max: number) => fc.integer({ min: 0, max });
    const header = fc.record({
      src: u(0xffffffff),
      dst: u(0xffffffff),
      protocol: u(255),
      payloadLen: u(0xffff - 60),
      ttl: u(255),
      dscp: u(63),
      ecn: u(3),
      ident: u(0xffff),
      dontFrag: fc.boolean(),
      moreFrags: fc.boolean(),
      fragOffset: u(0x1fff).map((x) => x * 8),
      options: fc.constantFrom(new Uint8Array(0), fromHex('01010101')!, fromHex('9404000001000000')!),
    });
    const data = fc.uint8Array({ minLength: 8, maxLength: 40 });
    const repr: fc.Arbitrary<Icmpv4Repr> = fc.oneof(
      fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), ident: u(0xffff), seqNo: u(0xffff), data: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant('timeExceeded' as const), code: u(1), header, data }),
      fc.tuple(u(15), u(0xffff), header, data).map(([code, mtu, h, d]) => ({
        kind: 'dstUnreachable' as const,
        code,
        nextHopMtu: code === 4 ? mtu : 0,
        header: h,
        data: d,
      })),
    );
    fc.assert(
      fc.property(repr, (r) => {
        const buf = new Uint8Array(Icmpv4Repr.bufferLen(r)).fill(0xa5);
        Icmpv4Repr.emit(r, Icmpv4ViewMut.over(buf));
        const v = Icmpv4View.checked(buf);
        expect(v.ok && Icmpv4Repr.parse(v.value)).toEqual({ ok: true, value: r });
      }),
    );
  });
});
