import { describe, expect, it } from 'vitest';
import { Ipv4View } from '../../../../core/wire/ipv4.ts';
import { UdpView } from '../../../../core/wire/udp.ts';
import { ip, run, TestLan } from './support/lan.ts';

function routed() {
  const lan = new TestLan({ hops: [ip('10.255.0.1'), ip('10.255.0.2')], dnsNames: { far: ip('10.0.2.7') } });
  const a = lan.add('a', '10.0.1.5');
  lan.add('c', '10.0.2.7');
  return { lan, a };
}

describe('traceroute', () => {
  it('lists each hop with three times and stops at the destination\'s port unreachable', () => {
    const { lan, a } = routed();
    const r = run(a, 'traceroute 10.0.2.7');
    lan.runFor(60e9);
    expect(r.lines).toEqual([
      'traceroute to 10.0.2.7 (10.0.2.7), 30 hops max, 60 byte packets',
      // The very first probe waits for the router's ARP.
      ' 1  10.255.0.1 (10.255.0.1)  0.082 ms  0.041 ms  0.041 ms',
      ' 2  10.255.0.2 (10.255.0.2)  0.041 ms  0.041 ms  0.041 ms',
      // The first probe to reach c also waits for c's ARP of its router.
      ' 3  10.0.2.7 (10.0.2.7)  0.123 ms  0.082 ms  0.082 ms',
    ]);
    expect(r.code()).toBe(0);
    // The probes: UDP to 33434, 33435, … with TTL 1,1,1,2,2,2,3,3,3, 32 bytes "@ABC…", no DF.
    const probes = lan.guestFrames.filter((f) => f.from === 'a' && f.bytes[13] === 0 && f.bytes[23] === 17).map((f) => {
      const v = Ipv4View.checked(f.bytes.subarray(14));
      if (!v.ok) throw new Error();
      const u = UdpView.checked(v.value.payload);
      if (!u.ok) throw new Error();
      return { ttl: v.value.ttl, df: v.value.dontFrag, len: v.value.totalLength, port: u.value.dstPort, data: String.fromCharCode(...u.value.payload.subarray(0, 4)) };
    });
    expect(probes.map((p) => p.ttl)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(probes.map((p) => p.port)).toEqual([33434, 33435, 33436, 33437, 33438, 33439, 33440, 33441, 33442]);
    expect(probes.every((p) => !p.df && p.len === 60 && p.data === '@ABC')).toBe(true);
  });

  it('prints * for probes nobody answers, -n drops the names, -m bounds the hops', () => {
    const { lan, a } = routed();
    const r = run(a, 'traceroute -n -q 2 -w 1 -m 4 10.0.9.9');
    lan.runFor(60e9);
    expect(r.lines).toEqual([
      'traceroute to 10.0.9.9 (10.0.9.9), 4 hops max, 60 byte packets',
      ' 1  10.255.0.1  0.082 ms  0.041 ms',
      ' 2  10.255.0.2  0.041 ms  0.041 ms',
      ' 3  * *',
      ' 4  * *',
    ]);
    expect(r.code()).toBe(0);
  });

  it('resolves names, honours -f and -p', () => {
    const { lan, a } = routed();
    const r = run(a, 'traceroute -f 3 -p 40000 -q 1 far');
    lan.runFor(60e9);
    expect(r.lines).toEqual(['traceroute to far (10.0.2.7), 30 hops max, 60 byte packets', ' 3  10.0.2.7 (10.0.2.7)  0.123 ms']);
    const port = lan.guestFrames.filter((f) => f.from === 'a' && f.bytes[23] === 17 && f.bytes[36] !== 0).map((f) => (f.bytes[36] << 8) | f.bytes[37]);
    expect(port).toContain(40000);
  });

  it('marks a host the guest cannot reach on its own link with !H', () => {
    const { lan, a } = routed();
    const r = run(a, 'traceroute -q 1 10.0.1.99');
    lan.runFor(60e9);
    expect(r.lines[1]).toBe(' 1  10.0.1.5 (10.0.1.5)  3000.000 ms !H');
    expect(r.lines).toHaveLength(2);
  });

  it.each([
    ['traceroute', 'Usage:', 2],
    ['traceroute -z 10.0.2.7', "Bad option `-z' (argc 1)", 2],
    ['traceroute -m x 10.0.2.7', "Cannot handle `-m' option with arg `x' (argc 2)", 2],
    ['traceroute -q 11 10.0.2.7', 'no more than 10 probes per hop', 2],
    ['traceroute nowhere', 'nowhere: Name or service not known', 2],
  ])('%s fails like traceroute', (cmd, first, code) => {
    const { lan, a } = routed();
    const r = run(a, cmd);
    lan.runFor(30e9);
    expect(r.lines[0]).toBe(first);
    expect(r.code()).toBe(code);
  });
});
