import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import {
  DnsClass,
  DnsRepr,
  DnsType,
  DnsView,
  DnsViewMut,
  decodeDnsName,
  dnsNameLabels,
  dnsQuery,
  type DnsRData,
  type DnsRecord,
  type DnsRepr as DnsReprT,
} from '../../../core/wire/dns.ts';

const QUERY = fromHex(`
  12 34 01 00 00 01 00 00 00 00 00 00
  03 77 77 77 03 77 65 62 08 69 6e 74 65 72 6e 61 6c 00  00 01 00 01`)!;

// Answers: www.web.internal CNAME web.internal (both names compressed), web.internal A 10.0.1.5.
const RESPONSE = fromHex(`
  12 34 81 80 00 01 00 02 00 00 00 00
  03 77 77 77 03 77 65 62 08 69 6e 74 65 72 6e 61 6c 00  00 01 00 01
  c0 0c 00 05 00 01 00 00 01 2c 00 02 c0 10
  c0 10 00 01 00 01 00 00 00 3c 00 04 0a 00 01 05`)!;

const RESPONSE_REPR: DnsReprT = {
  ...dnsQuery(0x1234, 'www.web.internal'),
  response: true,
  recursionAvailable: true,
  answers: [
    { name: 'www.web.internal', class: DnsClass.in, ttl: 300, data: { kind: 'cname', cname: 'web.internal' } },
    { name: 'web.internal', class: DnsClass.in, ttl: 60, data: { kind: 'a', address: 0x0a000105 } },
  ],
};

function parse(bytes: Uint8Array) {
  const v = DnsView.checked(bytes);
  if (!v.ok) throw new Error(v.error.message);
  return DnsRepr.parse(v.value);
}

function emit(repr: DnsReprT, prefix = 0): Uint8Array {
  const buf = new Uint8Array(prefix + DnsRepr.bufferLen(repr)).fill(0xa5);
  DnsRepr.emit(repr, DnsViewMut.over(buf.subarray(prefix)));
  return buf;
}

describe('DNS header view', () => {
  it('deconstructs the header fields', () => {
    const v = DnsView.checked(RESPONSE);
    if (!v.ok) throw new Error('checked');
    const h = v.value;
    expect([h.id, h.flags, h.response, h.opcode, h.authoritative, h.truncated, h.recursionDesired, h.recursionAvailable, h.rcode]).toEqual([
      0x1234, 0x8180, true, 0, false, false, true, true, 0,
    ]);
    expect([h.questionCount, h.answerCount, h.authorityCount, h.additionalCount]).toEqual([1, 2, 0, 0]);
    expect(DnsView.checked(RESPONSE.subarray(0, 11))).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });
});

describe('DnsRepr', () => {
  it('parses a query and a compressed response', () => {
    expect(parse(QUERY)).toEqual({ ok: true, value: dnsQuery(0x1234, 'www.web.internal') });
    expect(parse(RESPONSE)).toEqual({ ok: true, value: RESPONSE_REPR });
  });

  it('parses from a subarray: pointers are relative to the message', () => {
    const buf = new Uint8Array(42 + RESPONSE.length);
    buf.set(RESPONSE, 42);
    expect(parse(buf.subarray(42))).toEqual({ ok: true, value: RESPONSE_REPR });
  });

  it('emits the same bytes, compressing names, into a 0xa5-filled buffer', () => {
    expect(toHex(emit(dnsQuery(0x1234, 'www.web.internal')))).toBe(toHex(QUERY));
    const out = emit(RESPONSE_REPR, 5);
    expect(toHex(out.subarray(0, 5))).toBe('a5a5a5a5a5');
    expect(toHex(out.subarray(5))).toBe(toHex(RESPONSE));
    expect(DnsRepr.bufferLen(RESPONSE_REPR)).toBe(RESPONSE.length);
  });

  it('stops at compression loops and over-long names', () => {
    const self = fromHex('000001000001000000000000 c00c 00010001')!;
    expect(parse(self)).toMatchObject({ ok: false, error: { code: 'bad-value', message: 'DNS name compression loop' } });
    const pair = fromHex('000001000001000000000000 c00e c00c 00010001')!;
    expect(decodeDnsName(pair, 12)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    // 300 bytes of 1-byte labels: more than the 255 a name may have.
    const long = new Uint8Array(12 + 300 + 1);
    for (let i = 0; i < 150; i++) long.set([1, 0x61], 12 + i * 2);
    expect(decodeDnsName(long, 12)).toMatchObject({ ok: false, error: { code: 'bad-length' } });
    expect(decodeDnsName(fromHex('40')!, 0)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(decodeDnsName(fromHex('0361')!, 0)).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });

  it('escapes label bytes so text turns back into the same labels', () => {
    const msg = fromHex('03 612e62 02 5c00 00')!;
    const name = decodeDnsName(msg, 0);
    expect(name).toEqual({ ok: true, value: { text: 'a\\.b.\\\\\\000', labels: 2, wireLength: 8 } });
    if (name.ok) expect(dnsNameLabels(name.value.text)!.map((l) => toHex(l))).toEqual(['612e62', '5c00']);
    expect(dnsNameLabels('a..b')).toBeNull();
    expect(dnsNameLabels('x'.repeat(64))).toBeNull();
  });
});

const label = fc.oneof(
  fc.constantFrom('www', 'web', 'internal', 'db', 'a'),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.uint8Array({ minLength: 1, maxLength: 5 }).map((b) => decodeLabel(b)),
);

/** Zone-style text for arbitrary label bytes (via the decoder itself). */
function decodeLabel(bytes: Uint8Array): string {
  const msg = new Uint8Array(bytes.length + 2);
  msg[0] = bytes.length;
  msg.set(bytes, 1);
  const r = decodeDnsName(msg, 0);
  if (!r.ok) throw new Error('label');
  return r.value.text;
}

const nameArb = fc.array(label, { minLength: 0, maxLength: 4 }).map((ls) => ls.join('.'));

const rdataArb: fc.Arbitrary<DnsRData> = fc.oneof(
  fc.nat(0xffffffff).map((address): DnsRData => ({ kind: 'a', address })),
  nameArb.map((cname): DnsRData => ({ kind: 'cname', cname })),
  fc
    .record({ type: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== DnsType.a && t !== DnsType.cname), bytes: fc.uint8Array({ maxLength: 20 }) })
    .map(({ type, bytes }): DnsRData => ({ kind: 'raw', type, bytes })),
);

const recordArb: fc.Arbitrary<DnsRecord> = fc.record({ name: nameArb, class: fc.nat(0xffff), ttl: fc.nat(0xffffffff), data: rdataArb });

const reprArb: fc.Arbitrary<DnsReprT> = fc.record({
  id: fc.nat(0xffff),
  response: fc.boolean(),
  opcode: fc.nat(15),
  authoritative: fc.boolean(),
  truncated: fc.boolean(),
  recursionDesired: fc.boolean(),
  recursionAvailable: fc.boolean(),
  authenticData: fc.boolean(),
  checkingDisabled: fc.boolean(),
  rcode: fc.nat(15),
  questions: fc.array(fc.record({ name: nameArb, type: fc.nat(0xffff), class: fc.nat(0xffff) }), { maxLength: 3 }),
  answers: fc.array(recordArb, { maxLength: 4 }),
  authorities: fc.array(recordArb, { maxLength: 2 }),
  additionals: fc.array(recordArb, { maxLength: 2 }),
});

describe('DNS properties', () => {
  it('parse(emit(repr)) equals repr', () => {
    fc.assert(
      fc.property(reprArb, (repr) => {
        expect(parse(emit(repr))).toEqual({ ok: true, value: repr });
      }),
    );
  });

  it('random, truncated and bit-flipped messages never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.nat(), (bytes, n) => {
        const good = emit(RESPONSE_REPR);
        const flipped = good.slice();
        flipped[n % flipped.length] ^= 1 << n % 8;
        for (const b of [bytes, flipped, good.subarray(0, n % good.length)]) {
          const v = DnsView.checked(b);
          if (v.ok) DnsRepr.parse(v.value);
          for (let i = 0; i < b.length; i += 7) decodeDnsName(b, i);
        }
      }),
    );
  });
});
