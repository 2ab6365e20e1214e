import { describe, expect, it } from 'vitest';
import { formatG, formatTriptime } from '../../../../core/fabric/guest/apps/ping.ts';
import { ip, run, TestLan } from './support/lan.ts';

function lan2(options: ConstructorParameters<typeof TestLan>[0] = {}) {
  const lan = new TestLan({ dnsNames: { web: ip('10.0.1.6') }, ...options });
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

describe('ping', () => {
  it('prints iputils lines and statistics; the first reply waits for ARP', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping 10.0.1.6');
    lan.runFor(10e9);
    // Links: 1 Gb/s, 20 µs each way; a 98-byte frame takes 784 ns to serialize, so a round trip
    // over two links each way is 83.136 µs (83 µs in ping's microsecond arithmetic); the first
    // one also waits for ARP (another 2 × 20.336 µs).
    expect(r.lines).toEqual([
      'PING 10.0.1.6 (10.0.1.6) 56(84) bytes of data.',
      '64 bytes from 10.0.1.6: icmp_seq=1 ttl=64 time=0.164 ms',
      '64 bytes from 10.0.1.6: icmp_seq=2 ttl=64 time=0.083 ms',
      '64 bytes from 10.0.1.6: icmp_seq=3 ttl=64 time=0.083 ms',
      '64 bytes from 10.0.1.6: icmp_seq=4 ttl=64 time=0.083 ms',
      '',
      '--- 10.0.1.6 ping statistics ---',
      '4 packets transmitted, 4 received, 0% packet loss, time 3000ms',
      'rtt min/avg/max/mdev = 0.083/0.103/0.164/0.035 ms',
    ]);
    expect(r.code()).toBe(0);
    expect(r.proc.running).toBe(false);
    // It ended right after the 4th reply, not after a linger.
    expect(a.counters.icmpReceived).toBe(4);
  });

  it('resolves a name and prints it with the address', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping -c 2 -i 0.5 web');
    lan.runFor(10e9);
    expect(r.lines).toEqual([
      'PING web (10.0.1.6) 56(84) bytes of data.',
      // The probe leaves after the DNS answer, at a time that is not a whole microsecond: 0.165.
      '64 bytes from web (10.0.1.6): icmp_seq=1 ttl=64 time=0.165 ms',
      '64 bytes from web (10.0.1.6): icmp_seq=2 ttl=64 time=0.083 ms',
      '',
      '--- web ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 500ms',
      'rtt min/avg/max/mdev = 0.083/0.124/0.165/0.041 ms',
    ]);
  });

  it('reports 100% loss when nobody answers, after the 10 s linger (or -W)', () => {
    const { lan, a } = lan2();
    lan.answerArp(ip('10.0.1.77')); // the "card" vouches for it, but nothing answers
    const r = run(a, 'ping -c 3 10.0.1.77');
    lan.runFor(11_999_000_000);
    expect(r.proc.running).toBe(true); // 2 s of sending + 10 s linger
    lan.runFor(2e9);
    expect(r.lines).toEqual([
      'PING 10.0.1.77 (10.0.1.77) 56(84) bytes of data.',
      '',
      '--- 10.0.1.77 ping statistics ---',
      '3 packets transmitted, 0 received, 100% packet loss, time 2000ms',
      '',
    ]);
    expect(r.code()).toBe(1);
    const w = run(a, 'ping -c 1 -W 2 10.0.1.77');
    lan.runFor(1_999_000_000);
    expect(w.proc.running).toBe(true);
    lan.runFor(2_000_000);
    expect(w.code()).toBe(1);
  });

  it('reports Destination Host Unreachable from itself when ARP fails', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping -c 4 10.0.1.99');
    lan.runFor(10e9);
    expect(r.lines).toEqual([
      'PING 10.0.1.99 (10.0.1.99) 56(84) bytes of data.',
      'From 10.0.1.5 icmp_seq=1 Destination Host Unreachable',
      'From 10.0.1.5 icmp_seq=2 Destination Host Unreachable',
      'From 10.0.1.5 icmp_seq=3 Destination Host Unreachable',
      'From 10.0.1.5 icmp_seq=4 Destination Host Unreachable',
      '',
      '--- 10.0.1.99 ping statistics ---',
      '4 packets transmitted, 0 received, +4 errors, 100% packet loss, time 3000ms',
      // Probe 4 leaves just after ARP gave up on the first three (at 3 s), so at most 3 were in flight.
      'pipe 3',
    ]);
    expect(r.code()).toBe(1);
  });

  it('sets the TTL and reports Time to live exceeded', () => {
    const lan = new TestLan({ hops: [ip('10.255.0.1'), ip('10.255.0.2')] });
    const a = lan.add('a', '10.0.1.5');
    lan.add('c', '10.0.2.7');
    const r = run(a, 'ping -c 2 -t 2 10.0.2.7');
    lan.runFor(10e9);
    expect(r.lines.slice(1, 3)).toEqual(['From 10.255.0.2 icmp_seq=1 Time to live exceeded', 'From 10.255.0.2 icmp_seq=2 Time to live exceeded']);
    const ok = run(a, 'ping -c 1 -t 3 10.0.2.7');
    lan.runFor(10e9);
    // Two hops took 2 off the reply's TTL of 64.
    expect(ok.lines[1]).toMatch(/^64 bytes from 10\.0\.2\.7: icmp_seq=1 ttl=62 time=/);
    const sent = lan.guestFrames.filter((f) => f.from === 'a' && f.bytes[23] === 1 && f.bytes[34] === 8).map((f) => f.bytes[22]);
    expect(sent).toEqual([2, 2, 3]);
  });

  it('-M do: fragmentation needed from the router, then local errors from the PMTU cache', () => {
    const lan = new TestLan({ routerMtu: 1500 });
    const a = lan.add('a', '10.0.1.5');
    lan.add('c', '10.0.2.7');
    const r = run(a, 'ping -M do -s 2000 10.0.2.7');
    lan.runFor(10e9);
    expect(r.lines).toEqual([
      'PING 10.0.2.7 (10.0.2.7) 2000(2028) bytes of data.',
      'From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1500)',
      'ping: local error: message too long, mtu=1500',
      'ping: local error: message too long, mtu=1500',
      'ping: local error: message too long, mtu=1500',
      '',
      '--- 10.0.2.7 ping statistics ---',
      '4 packets transmitted, 0 received, +4 errors, 100% packet loss, time 3000ms',
      '',
    ]);
    expect(a.pmtu.mtu(ip('10.0.2.7'))).toBe(1500);
    const route = run(a, 'ip route get 10.0.2.7');
    expect(route.lines).toEqual(['10.0.2.7 via 10.0.1.1 dev eth0 src 10.0.1.5 uid 0', '    cache expires 590sec mtu 1500']);
    // Only the first probe left the guest.
    expect(lan.guestFrames.filter((f) => f.from === 'a' && f.bytes.length > 1000)).toHaveLength(1);

    // Default `want`: now fragmented locally to the learned MTU, and the reply is reassembled.
    const w = run(a, 'ping -c 2 -s 2000 10.0.2.7');
    lan.runFor(10e9);
    expect(w.lines[1]).toMatch(/^2008 bytes from 10\.0\.2\.7: icmp_seq=1 ttl=64 time=/);
    expect(w.lines).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    expect(a.counters.fragmentsSent).toBe(4);
    expect(a.counters.datagramsReassembled).toBe(2);
    // `dont` sends no DF at all; `do` small enough passes.
    const d = run(a, 'ping -c 1 -M do -s 1472 10.0.2.7');
    lan.runFor(5e9);
    expect(d.code()).toBe(0);
  });

  it('-M want with an unknown path: the first probe learns the MTU (error), the rest are fragmented', () => {
    const lan = new TestLan({ routerMtu: 1500 });
    const a = lan.add('a', '10.0.1.5');
    lan.add('c', '10.0.2.7');
    const r = run(a, 'ping -c 3 -s 3000 10.0.2.7');
    lan.runFor(10e9);
    expect(r.lines[1]).toBe('From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1500)');
    expect(r.lines[2]).toMatch(/^3008 bytes from 10\.0\.2\.7: icmp_seq=2 /);
    expect(r.lines).toContain('3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2000ms');
  });

  it('a ping to itself and to 127.0.0.1 goes through the loopback', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping -c 1 10.0.1.5');
    const l = run(a, 'ping -c 1 127.0.0.1');
    lan.runFor(5e9);
    expect(r.lines[1]).toBe('64 bytes from 10.0.1.5: icmp_seq=1 ttl=64 time=0.000 ms');
    expect(l.lines[1]).toBe('64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.000 ms');
    expect(lan.guestFrames).toHaveLength(0);
  });

  it('-q prints only the statistics; -s 8 has no timing', () => {
    const { lan, a } = lan2();
    const q = run(a, 'ping -q -c 2 10.0.1.6');
    lan.runFor(5e9);
    expect(q.lines).toHaveLength(5);
    const s = run(a, 'ping -c 1 -s 8 10.0.1.6');
    lan.runFor(5e9);
    expect(s.lines).toEqual([
      'PING 10.0.1.6 (10.0.1.6) 8(36) bytes of data.',
      '16 bytes from 10.0.1.6: icmp_seq=1 ttl=64',
      '',
      '--- 10.0.1.6 ping statistics ---',
      '1 packets transmitted, 1 received, 0% packet loss, time 0ms',
      '',
    ]);
  });

  it('-w deadline keeps sending until it expires', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping -w 3 -i 0.5 10.0.1.6');
    lan.runFor(10e9);
    expect(r.lines).toContain('6 packets transmitted, 6 received, 0% packet loss, time 2500ms');
    expect(r.code()).toBe(0);
  });

  it('kill() stops it like Ctrl-C, with statistics', () => {
    const { lan, a } = lan2();
    const r = run(a, 'ping -c 100 10.0.1.6');
    lan.runFor(2_500_000_000);
    r.proc.kill();
    expect(r.proc.running).toBe(false);
    expect(r.lines.slice(-3, -1)).toEqual(['--- 10.0.1.6 ping statistics ---', '3 packets transmitted, 3 received, 0% packet loss, time 2000ms']);
    expect(r.code()).toBe(0);
  });

  it.each([
    ['ping', ['ping: usage error: Destination address required'], 1],
    ['ping -z 10.0.1.6', ["ping: invalid option -- 'z'"], 2],
    ['ping -c', ["ping: option requires an argument -- 'c'"], 2],
    ['ping -c abc 10.0.1.6', ["ping: invalid argument: 'abc'"], 1],
    ['ping -c 0 10.0.1.6', ["ping: invalid argument: '0': out of range: 1 <= value <= 9007199254740991"], 1],
    ['ping -t 300 10.0.1.6', ["ping: invalid argument: '300': out of range: 0 <= value <= 255"], 1],
    ['ping -M maybe 10.0.1.6', ['ping: invalid -M argument: maybe'], 2],
    ['ping -s 70000 10.0.1.6', ['ping: packet size 70000 is too large. Maximum is 65507'], 2],
    ['ping -i x 10.0.1.6', ['ping: bad timing interval: x'], 2],
    ['ping unknown-host', ['ping: unknown-host: Name or service not known'], 2],
    ['ping 10.0.1.300', ['ping: 10.0.1.300: Name or service not known'], 2],
  ])('%s fails like iputils', (cmd, first, code) => {
    const { lan, a } = lan2();
    const r = run(a, cmd);
    lan.runFor(20e9);
    expect(r.lines.slice(0, first.length)).toEqual(first);
    expect(r.code()).toBe(code);
  });

  it('formats times and loss like iputils', () => {
    expect([formatTriptime(52), formatTriptime(999), formatTriptime(1234), formatTriptime(9996), formatTriptime(12345), formatTriptime(99951), formatTriptime(123456)]).toEqual([
      '0.052', '0.999', '1.23', '10.0', '12.3', '100', '123',
    ]);
    expect([formatG(0), formatG(25), formatG(Math.fround(100 / 3)), formatG(Math.fround(200 / 3)), formatG(100), formatG(Math.fround(100 / 7))]).toEqual([
      '0', '25', '33.3333', '66.6667', '100', '14.2857',
    ]);
  });
});
