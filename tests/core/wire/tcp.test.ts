import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4 } from '../../../core/base/addr.ts';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import {
  TCP_HEADER_LEN,
  TcpFlag,
  TcpRepr,
  TcpView,
  TcpViewMut,
  emitTcpOptions,
  parseTcpOptions,
  tcpHeaderLenFor,
  type TcpOption,
} from '../../../core/wire/tcp.ts';

const SRC = parseIpv4('10.0.0.1')!;
const DST = parseIpv4('10.0.0.2')!;
const IP = { src: SRC, dst: DST };

// 54321 → 80 SYN, seq 1000, window 64240, MSS 8961, SACK permitted, timestamps 1/0, NOP, WS 7.
// Checksum 0x4355: tshark 4.0.17 with tcp.check_checksum:TRUE says Good.
const SYN = fromHex('d431 0050 000003e8 00000000 a002 faf0 4355 0000 02042301 0402 080a0000000100000000 01 030307')!;
const SYN_REPR: TcpRepr = {
  srcPort: 54321,
  dstPort: 80,
  seq: 1000,
  ack: 0,
  flags: TcpFlag.syn,
  window: 64240,
  urgent: 0,
  options: [
    { kind: 'mss', value: 8961 },
    { kind: 'sack-permitted' },
    { kind: 'timestamps', tsval: 1, tsecr: 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: 7 },
  ],
};
// PSH/ACK with NOP NOP timestamps 3/100 and "GET / HTTP"; checksum 0x0d2e, Good in tshark.
const DATA = fromHex('d431 0050 000003e9 00001389 8018 01f6 0d2e 0000 0101080a0000000300000064 474554202f2048545450')!;

/** Naive checksum over a byte-built pseudo-header, independent of the codec. */
function referenceChecksum(src: number, dst: number, segment: Uint8Array): number {
  const pseudo = new Uint8Array(12 + segment.length + (segment.length % 2));
  const dv = new DataView(pseudo.buffer);
  dv.setUint32(0, src);
  dv.setUint32(4, dst);
  pseudo[9] = 6;
  dv.setUint16(10, segment.length);
  pseudo.set(segment, 12);
  pseudo[28] = 0;
  pseudo[29] = 0;
  let sum = 0;
  for (let i = 0; i < pseudo.length; i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function emit(repr: TcpRepr, payload = new Uint8Array(0), ip: { src: number; dst: number } | undefined = IP): Uint8Array {
  const buf = new Uint8Array(TcpRepr.bufferLen(repr, payload.length)).fill(0xa5);
  TcpRepr.emit(repr, TcpViewMut.over(buf), payload, ip);
  return buf;
}

function view(bytes: Uint8Array): TcpView {
  const r = TcpView.checked(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('TcpView', () => {
  it('deconstructs a SYN with options', () => {
    const v = view(SYN);
    expect([v.srcPort, v.dstPort, v.seq, v.ack]).toEqual([54321, 80, 1000, 0]);
    expect([v.dataOffset, v.headerLen]).toEqual([10, 40]);
    expect(v.flags).toBe(0x002);
    expect([v.syn, v.ackFlag, v.fin, v.rst, v.psh, v.urg, v.ece, v.cwr, v.ae]).toEqual([true, false, false, false, false, false, false, false, false]);
    expect([v.window, v.checksum, v.urgent]).toEqual([64240, 0x4355, 0]);
    expect(toHex(v.optionBytes)).toBe('020423010402080a000000010000000001030307');
    expect(v.options()).toEqual({ ok: true, value: SYN_REPR.options });
    expect(v.payload.length).toBe(0);
    expect(v.segmentLen).toBe(1);
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
    expect(v.computeChecksum(SRC, DST)).toBe(0x4355);
    expect(TcpRepr.parse(v, IP)).toEqual({ ok: true, value: SYN_REPR });
  });

  it('deconstructs a data segment', () => {
    const v = view(DATA);
    expect([v.seq, v.ack, v.headerLen, v.flags, v.psh, v.ackFlag, v.window]).toEqual([1001, 5001, 32, 0x018, true, true, 502]);
    expect(new TextDecoder().decode(v.payload)).toBe('GET / HTTP');
    expect(v.segmentLen).toBe(10);
    expect(v.options()).toEqual({ ok: true, value: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 3, tsecr: 100 }] });
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
    expect(v.verifyChecksum(DST, SRC)).toBe(true); // the pseudo-header sum is symmetric in the addresses
    expect(v.verifyChecksum(SRC, DST + 1)).toBe(false);
  });

  it('reads every flag bit, NS/AE included', () => {
    const seg = SYN.slice(0, 20);
    seg[12] = 0x51; // data offset 5, AE
    seg[13] = 0xff;
    const v = view(seg);
    expect(v.flags).toBe(0x1ff);
    expect([v.fin, v.syn, v.rst, v.psh, v.ackFlag, v.urg, v.ece, v.cwr, v.ae]).toEqual(Array(9).fill(true));
    seg[12] = 0x5e; // reserved bits only
    seg[13] = 0;
    expect(view(seg).flags).toBe(0xe00);
    expect(TcpRepr.parse(view(seg))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('works on a subarray at a non-zero byte offset', () => {
    const backing = new Uint8Array(DATA.length + 9).fill(0xee);
    backing.set(DATA, 7);
    const v = view(backing.subarray(7, 7 + DATA.length));
    expect([v.seq, v.window, v.checksum]).toEqual([1001, 502, 0x0d2e]);
    expect(new TextDecoder().decode(v.payload)).toBe('GET / HTTP');
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
  });

  it('rejects what no getter could read', () => {
    expect(TcpView.checked(SYN.subarray(0, 19))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 19 } });
    const small = SYN.slice();
    small[12] = 0x40; // data offset 4
    expect(TcpView.checked(small)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 12 } });
    expect(TcpView.checked(SYN.subarray(0, 39))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 39 } });
  });
});

describe('TcpViewMut and TcpRepr', () => {
  it('constructs the SYN over junk', () => {
    expect(toHex(emit(SYN_REPR))).toBe(toHex(SYN));
  });

  it('constructs the data segment into a subarray at a non-zero byte offset', () => {
    const repr: TcpRepr = {
      srcPort: 54321,
      dstPort: 80,
      seq: 1001,
      ack: 5001,
      flags: TcpFlag.psh | TcpFlag.ack,
      window: 502,
      urgent: 0,
      options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 3, tsecr: 100 }],
    };
    const payload = new TextEncoder().encode('GET / HTTP');
    const backing = new Uint8Array(DATA.length + 11).fill(0xa5);
    const target = backing.subarray(3, 3 + DATA.length);
    TcpRepr.emit(repr, TcpViewMut.over(target), payload, IP);
    expect(toHex(target)).toBe(toHex(DATA));
    expect(backing[2]).toBe(0xa5);
    expect(backing[3 + DATA.length]).toBe(0xa5);
  });

  it('has setters for every header field', () => {
    const buf = new Uint8Array(24).fill(0xa5);
    const v = TcpViewMut.over(buf);
    v.setSrcPort(1);
    v.setDstPort(2);
    v.setSeq(0xfffffffe);
    v.setAck(7);
    v.setHeaderLen(24);
    v.setFlags(TcpFlag.ae | TcpFlag.cwr | TcpFlag.ece | TcpFlag.urg | TcpFlag.fin);
    v.setWindow(0xffff);
    v.setChecksum(0);
    v.setUrgent(9);
    emitTcpOptions([{ kind: 'wscale', shift: 14 }], v.optionsMut, 0, 4);
    expect(toHex(buf)).toBe('00010002fffffffe0000000761e1ffff0000000903030e00');
    v.fillChecksum(SRC, DST);
    expect(v.checksum).toBe(referenceChecksum(SRC, DST, buf));
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
    expect(() => v.setHeaderLen(22)).toThrow(RangeError);
  });

  it('pads options to 4 bytes with EOL and computes the header length', () => {
    const options: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'wscale', shift: 2 }];
    expect(tcpHeaderLenFor(options)).toBe(28);
    const out = emit({ ...SYN_REPR, options });
    expect(toHex(out.subarray(20, 28))).toBe('020405b403030200');
    expect(view(out).options()).toEqual({ ok: true, value: options });
    expect(tcpHeaderLenFor([])).toBe(TCP_HEADER_LEN);
    const sack: TcpOption = { kind: 'sack', blocks: [[1, 2], [0xfffffff0, 0xffffffff]] };
    expect(toHex(emit({ ...SYN_REPR, options: [{ kind: 'nop' }, { kind: 'nop' }, sack] }).subarray(20))).toBe(
      '0101' + '0512' + '00000001' + '00000002' + 'fffffff0' + 'ffffffff',
    );
  });

  it('stops at EOL and reports malformed options', () => {
    expect(parseTcpOptions(fromHex('020405b4 00 05 00 00')!)).toEqual({ ok: true, value: [{ kind: 'mss', value: 1460 }] });
    expect(parseTcpOptions(fromHex('01 02')!)).toMatchObject({ ok: false, error: { code: 'truncated', offset: 1 } });
    expect(parseTcpOptions(fromHex('0201 0000')!)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 1 } });
    expect(parseTcpOptions(fromHex('0209 0000')!)).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(parseTcpOptions(fromHex('020305 00')!)).toMatchObject({ ok: false, error: { code: 'bad-length' } });
    expect(parseTcpOptions(fromHex('050c 00000001 00000002 0000')!)).toMatchObject({ ok: false, error: { code: 'bad-length' } });
    expect(parseTcpOptions(fromHex('6304 0102')!)).toEqual({ ok: true, value: [{ kind: 'unknown', type: 0x63, data: fromHex('0102') }] });
    const v = view(emit({ ...SYN_REPR, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] }));
    v.bytes[20] = 0x02; // NOP NOP → kind 2 (MSS) with length 1
    v.bytes[21] = 0x01;
    expect(TcpRepr.parse(v)).toMatchObject({ ok: false, error: { code: 'bad-length', offset: 21 } });
  });

  it('checks the checksum in parse only when given addresses, and rejects port 0', () => {
    const bad = SYN.slice();
    bad[17] ^= 1;
    expect(TcpRepr.parse(view(bad), IP)).toMatchObject({ ok: false, error: { code: 'bad-checksum', offset: 16 } });
    expect(TcpRepr.parse(view(bad)).ok).toBe(true);
    const zero = SYN.slice();
    zero[0] = 0;
    zero[1] = 0;
    expect(TcpRepr.parse(view(zero))).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 0 } });
  });

  it('refuses to emit what cannot be a header', () => {
    const tooMany: TcpOption[] = Array.from({ length: 5 }, () => ({ kind: 'timestamps', tsval: 1, tsecr: 2 }) as const);
    expect(() => emit({ ...SYN_REPR, options: tooMany })).toThrow(RangeError);
    expect(() => TcpRepr.emit(SYN_REPR, TcpViewMut.over(new Uint8Array(41)), new Uint8Array(0))).toThrow(RangeError);
    expect(() => TcpViewMut.over(new Uint8Array(19))).toThrow(RangeError);
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const port = fc.integer({ min: 1, max: 0xffff });
const optionArb: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: 'nop' }),
  fc.integer({ min: 0, max: 0xffff }).map((value): TcpOption => ({ kind: 'mss', value })),
  fc.integer({ min: 0, max: 255 }).map((shift): TcpOption => ({ kind: 'wscale', shift })),
  fc.constant<TcpOption>({ kind: 'sack-permitted' }),
  fc.array(fc.tuple(u32, u32), { minLength: 1, maxLength: 4 }).map((blocks): TcpOption => ({ kind: 'sack', blocks })),
  fc.tuple(u32, u32).map(([tsval, tsecr]): TcpOption => ({ kind: 'timestamps', tsval, tsecr })),
  fc
    .tuple(fc.integer({ min: 9, max: 255 }).filter((k) => k !== 0 && k !== 1), fc.uint8Array({ maxLength: 6 }))
    .map(([type, data]): TcpOption => ({ kind: 'unknown', type, data })),
);
const reprArb: fc.Arbitrary<TcpRepr> = fc
  .record({
    srcPort: port,
    dstPort: port,
    seq: u32,
    ack: u32,
    flags: fc.integer({ min: 0, max: 0x1ff }),
    window: fc.integer({ min: 0, max: 0xffff }),
    urgent: fc.integer({ min: 0, max: 0xffff }),
    options: fc.array(optionArb, { maxLength: 8 }),
  })
  .filter((r) => tcpHeaderLenFor(r.options) <= 60);

describe('TCP codec properties', () => {
  it('parses what it emits, with a checksum the reference agrees with', () => {
    fc.assert(
      fc.property(reprArb, fc.uint8Array({ maxLength: 40 }), (repr, payload) => {
        const out = emit(repr, payload);
        const v = view(out);
        expect(v.checksum).toBe(referenceChecksum(SRC, DST, out));
        expect(TcpRepr.parse(v, IP)).toEqual({ ok: true, value: repr });
        expect(toHex(v.payload)).toBe(toHex(payload));
      }),
    );
  });

  it('never throws on random, truncated or bit-flipped bytes', () => {
    const base = emit(SYN_REPR);
    const mutated = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.integer({ min: 0, max: base.length }).map((n) => base.slice(0, n)),
      fc.array(fc.integer({ min: 0, max: base.length * 8 - 1 }), { minLength: 1, maxLength: 4 }).map((bits) => {
        const b = base.slice();
        for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
        return b;
      }),
    );
    fc.assert(
      fc.property(mutated, (bytes) => {
        const r = TcpView.checked(bytes);
        if (!r.ok) return;
        const v = r.value;
        void [v.srcPort, v.dstPort, v.seq, v.ack, v.flags, v.window, v.checksum, v.urgent, v.segmentLen];
        expect(v.optionBytes.length + v.payload.length + TCP_HEADER_LEN).toBe(bytes.length);
        v.options();
        v.verifyChecksum(SRC, DST);
        TcpRepr.parse(v, IP);
      }),
    );
  });
});
