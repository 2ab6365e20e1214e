import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerDnsQuery, DNS_ANSWER_TTL, dnsNamesFromTopology, ec2PrivateDnsName, parseEc2PrivateDnsName } from '../../../../core/fabric/mapping/index.ts';
import { DnsClass, dnsQuery, DnsRcode, DnsRepr, DnsType, DnsView, DnsViewMut } from '../../../../core/wire/dns.ts';
import { ip, load, PEERING_YAML } from './helpers.ts';

const topology = load(PEERING_YAML);
const names = dnsNamesFromTopology(topology);
const APP = 1;
const SHARED = 2;
const LEGACY = 3;

function encode(repr: DnsRepr): Uint8Array {
  const bytes = new Uint8Array(DnsRepr.bufferLen(repr));
  DnsRepr.emit(repr, DnsViewMut.over(bytes));
  return bytes;
}

function parse(bytes: Uint8Array): DnsRepr {
  const view = DnsView.checked(bytes);
  if (!view.ok) throw new Error(view.error.message);
  const repr = DnsRepr.parse(view.value);
  if (!repr.ok) throw new Error(repr.error.message);
  return repr.value;
}

function ask(name: string, vpc: number, type: number = DnsType.a, id = 0x1234): DnsRepr {
  const answer = answerDnsQuery(encode(dnsQuery(id, name, type)), vpc, names);
  if (answer === null) throw new Error('no answer');
  return parse(answer);
}

/** The A record's address, or the rcode name when the answer is an error. */
function resolve(name: string, vpc: number): string {
  const r = ask(name, vpc);
  if (r.rcode !== DnsRcode.noError) return `rcode ${r.rcode}`;
  const a = r.answers[0]?.data;
  return a?.kind === 'a' ? `${a.address >>> 24}.${(a.address >>> 16) & 255}.${(a.address >>> 8) & 255}.${a.address & 255}` : 'no answer';
}

describe('VPC resolver: name forms', () => {
  it('answers an instance name, case-insensitively', () => {
    expect(resolve('web', APP)).toBe('10.1.1.4');
    expect(resolve('API', APP)).toBe('10.1.1.5');
  });

  it('answers <instance>.<vpc>.internal', () => {
    expect(resolve('web.app.internal', APP)).toBe('10.1.1.4');
    expect(resolve('Shared-VM.Shared.Internal', APP)).toBe('10.2.1.4');
    expect(resolve('web.shared.internal', APP)).toBe(`rcode ${DnsRcode.nxDomain}`);
  });

  it('answers EC2 private DNS names for addresses instances hold', () => {
    expect(ec2PrivateDnsName(ip('10.1.1.5'))).toBe('ip-10-1-1-5.ec2.internal');
    expect(resolve('ip-10-1-1-5.ec2.internal', APP)).toBe('10.1.1.5');
    expect(resolve('IP-10-1-1-5.EC2.INTERNAL', APP)).toBe('10.1.1.5');
    expect(resolve('ip-10-1-1-99.ec2.internal', APP)).toBe(`rcode ${DnsRcode.nxDomain}`);
    expect(parseEc2PrivateDnsName('ip-010-1-1-5.ec2.internal')).toBeNull();
    expect(parseEc2PrivateDnsName('ip-10-1-1-256.ec2.internal')).toBeNull();
  });

  it('resolves instances of peered VPCs, not of others', () => {
    expect(resolve('shared-vm', APP)).toBe('10.2.1.4');
    expect(resolve('web', SHARED)).toBe('10.1.1.4');
    expect(resolve('ip-10-2-1-4.ec2.internal', APP)).toBe('10.2.1.4');
    expect(resolve('legacy-vm', APP)).toBe(`rcode ${DnsRcode.nxDomain}`);
    expect(resolve('web', LEGACY)).toBe(`rcode ${DnsRcode.nxDomain}`);
    expect(resolve('ip-10-2-1-4.ec2.internal', LEGACY)).toBe(`rcode ${DnsRcode.nxDomain}`);
  });

  it('prefers the asking VPC where address ranges overlap', () => {
    expect(resolve('ip-10-1-1-4.ec2.internal', LEGACY)).toBe('10.1.1.4');
    expect(resolve('legacy-vm', LEGACY)).toBe('10.1.1.4');
    expect(resolve('web', 999)).toBe(`rcode ${DnsRcode.nxDomain}`); // unknown VPC sees nothing
  });
});

describe('VPC resolver: messages', () => {
  it('builds a response that echoes id, RD and the question, with TTL 60', () => {
    const r = ask('Web', APP, DnsType.a, 0xbeef);
    expect(r).toMatchObject({ id: 0xbeef, response: true, opcode: 0, recursionDesired: true, recursionAvailable: true, authoritative: false, rcode: 0 });
    expect(r.questions).toEqual([{ name: 'Web', type: DnsType.a, class: DnsClass.in }]);
    expect(r.answers).toEqual([{ name: 'Web', class: DnsClass.in, ttl: DNS_ANSWER_TTL, data: { kind: 'a', address: ip('10.1.1.4') } }]);
    expect(r.authorities).toEqual([]);
  });

  it('answers NXDOMAIN with the question echoed for an unknown name', () => {
    const r = ask('nobody.example.com', APP);
    expect(r.rcode).toBe(DnsRcode.nxDomain);
    expect(r.questions).toEqual([{ name: 'nobody.example.com', type: DnsType.a, class: DnsClass.in }]);
    expect(r.answers).toEqual([]);
  });

  it('answers NOERROR without records for another type of a known name, NXDOMAIN for an unknown one', () => {
    const r = ask('web', APP, DnsType.aaaa);
    expect(r.rcode).toBe(DnsRcode.noError);
    expect(r.answers).toEqual([]);
    expect(r.questions[0].type).toBe(DnsType.aaaa);
    expect(ask('nope', APP, DnsType.mx).rcode).toBe(DnsRcode.nxDomain);
  });

  it('handles malformed and unusual queries without throwing', () => {
    const good = encode(dnsQuery(7, 'web'));
    const rcodeOf = (bytes: Uint8Array) => {
      const a = answerDnsQuery(bytes, APP, names);
      return a === null ? null : parse(a).rcode;
    };
    expect(rcodeOf(new Uint8Array(5))).toBeNull(); // shorter than a header
    const response = good.slice();
    response[2] |= 0x80;
    expect(rcodeOf(response)).toBeNull(); // never answer a response
    const noQuestion = good.slice();
    noQuestion[5] = 0;
    expect(rcodeOf(noQuestion)).toBe(DnsRcode.formErr);
    const twoQuestions = good.slice();
    twoQuestions[5] = 2;
    expect(rcodeOf(twoQuestions)).toBe(DnsRcode.formErr);
    expect(rcodeOf(good.subarray(0, good.length - 2))).toBe(DnsRcode.formErr); // truncated question
    const loop = good.slice();
    loop.set([0xc0, 12], 12); // a name pointing at itself
    expect(rcodeOf(loop)).toBe(DnsRcode.formErr);
    const status = good.slice();
    status[2] = (status[2] & 0x87) | (2 << 3);
    expect(rcodeOf(status)).toBe(DnsRcode.notImp);
    const chaos = good.slice();
    chaos[chaos.length - 1] = 3; // class CH
    expect(rcodeOf(chaos)).toBe(DnsRcode.refused);
    expect(parse(answerDnsQuery(noQuestion, APP, names)!).id).toBe(7);
  });

  it('never throws on hostile bytes, and every reply parses back', () => {
    const check = (bytes: Uint8Array) => {
      const a = answerDnsQuery(bytes, APP, names);
      if (a === null) return;
      const r = parse(a);
      expect(r.response).toBe(true);
      expect(r.id).toBe((bytes[0] << 8) | bytes[1]);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 2000 });
    const base = encode(dnsQuery(9, 'ip-10-1-1-4.ec2.internal'));
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(base.length))
      .map(([edits, cut]) => {
        const b = base.slice(0, Math.max(cut, 12));
        for (const [at, v] of edits) if (at < b.length) b[at] = v;
        return b;
      });
    fc.assert(fc.property(mutated, check), { numRuns: 2000 });
  });

  it('echoes names with odd bytes so that they parse back the same', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 5 }), (labels) => {
        const parts: number[] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for (const l of labels) parts.push(l.length, ...l);
        parts.push(0, 0, 1, 0, 1);
        const query = Uint8Array.from(parts);
        const q = parse(query).questions[0];
        const r = parse(answerDnsQuery(query, APP, names)!);
        expect(r.questions).toEqual([q]);
      }),
      { numRuns: 500 },
    );
  });
});
