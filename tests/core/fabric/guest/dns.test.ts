import { describe, expect, it } from 'vitest';
import type { ResolveResult } from '../../../../core/fabric/guest/index.ts';
import { DnsRepr, DnsType, DnsView } from '../../../../core/wire/dns.ts';
import { Ipv4View } from '../../../../core/wire/ipv4.ts';
import { UdpView } from '../../../../core/wire/udp.ts';
import { ip, run, TestLan } from './support/lan.ts';

function setup() {
  const lan = new TestLan({ dnsNames: { web: ip('10.0.1.6'), 'web.example.internal': ip('10.0.1.6') } });
  const a = lan.add('a', '10.0.1.5');
  lan.add('b', '10.0.1.6');
  return { lan, a };
}

const queries = (lan: TestLan) =>
  lan.guestFrames.filter((f) => f.from === 'a' && f.bytes[23] === 17).map((f) => {
    const v = Ipv4View.checked(f.bytes.subarray(14));
    if (!v.ok) throw new Error();
    const u = UdpView.checked(v.value.payload);
    if (!u.ok) throw new Error();
    const d = DnsView.checked(u.value.payload);
    if (!d.ok) throw new Error();
    const r = DnsRepr.parse(d.value);
    if (!r.ok) throw new Error();
    return { time: f.time, dst: v.value.dst, srcPort: u.value.srcPort, dstPort: u.value.dstPort, dns: r.value };
  });

describe('DNS client', () => {
  it('asks the VPC resolver for an A record with one UDP query', () => {
    const { lan, a } = setup();
    const results: ResolveResult[] = [];
    a.dns.resolve('web.example.internal', (r) => results.push(r));
    expect(results).toEqual([]);
    lan.runFor(1e9);
    expect(results).toEqual([{ ok: true, ip: ip('10.0.1.6') }]);
    const [q] = queries(lan);
    expect(q.dst).toBe(ip('10.0.0.2'));
    expect(q.dstPort).toBe(53);
    expect(q.srcPort).toBeGreaterThanOrEqual(32768);
    expect(q.dns.response).toBe(false);
    expect(q.dns.recursionDesired).toBe(true);
    expect(q.dns.questions).toEqual([{ name: 'web.example.internal', type: DnsType.a, class: 1 }]);
    // The lookup's socket is gone.
    expect(a.udpPorts()).toEqual([]);
  });

  it('needs no query for literals and localhost', () => {
    const { lan, a } = setup();
    const results: ResolveResult[] = [];
    a.dns.resolve('10.0.1.6', (r) => results.push(r));
    a.dns.resolve('localhost', (r) => results.push(r));
    a.dns.resolve('bad..name', (r) => results.push(r));
    expect(results).toEqual([{ ok: true, ip: ip('10.0.1.6') }, { ok: true, ip: ip('127.0.0.1') }, { ok: false, error: 'invalid' }]);
    lan.runFor(1e9);
    expect(queries(lan)).toEqual([]);
  });

  it('NXDOMAIN: each tool says so its own way', () => {
    const { lan, a } = setup();
    const ping = run(a, 'ping nope');
    const curl = run(a, 'curl http://nope/');
    const nc = run(a, 'nc nope 80');
    const tr = run(a, 'traceroute nope');
    lan.runFor(1e9);
    expect([ping.lines, ping.code()]).toEqual([['ping: nope: Name or service not known'], 2]);
    expect([curl.lines, curl.code()]).toEqual([['curl: (6) Could not resolve host: nope'], 6]);
    expect([nc.lines, nc.code()]).toEqual([['nc: getaddrinfo for host "nope" port 80: Name or service not known'], 1]);
    expect(tr.lines[0]).toBe('nope: Name or service not known');
    const v = run(a, 'curl -v http://nope/');
    lan.runFor(1e9);
    expect(v.lines).toEqual(['* Could not resolve host: nope', '* Closing connection 0', 'curl: (6) Could not resolve host: nope']);
    expect(run(a, 'curl -s http://nope/').lines).toEqual([]);
  });

  it('a silent resolver: 2 attempts 5 s apart, then "Temporary failure in name resolution"', () => {
    const { lan, a } = setup();
    lan.dnsMode = 'silent';
    const r = run(a, 'ping web');
    lan.runFor(9_999_000_000);
    expect(r.proc.running).toBe(true);
    lan.runFor(2e6);
    expect(r.lines).toEqual(['ping: web: Temporary failure in name resolution']);
    expect(r.code()).toBe(2);
    const q = queries(lan);
    // The first query waited for the router's ARP; the second left exactly 5 s after it was made.
    expect(q.map((x) => x.time)).toEqual([40_672, 5e9]);
    expect(q[0].dns.id).toBe(q[1].dns.id);
  });

  it('SERVFAIL is retried at once, then fails temporarily', () => {
    const { lan, a } = setup();
    lan.dnsMode = 'servfail';
    const results: ResolveResult[] = [];
    a.dns.resolve('web', (r) => results.push(r));
    lan.runFor(1e9);
    expect(results).toEqual([{ ok: false, error: 'servfail' }]);
    expect(queries(lan)).toHaveLength(2);
  });

  it('disposing a lookup abandons it', () => {
    const { lan, a } = setup();
    const results: ResolveResult[] = [];
    a.dns.resolve('web', (r) => results.push(r)).dispose();
    lan.runFor(20e9);
    expect(results).toEqual([]);
    expect(a.udpPorts()).toEqual([]);
  });
});
