import { describe, expect, it } from 'vitest';
import { Ipv4View } from '../../../../core/wire/ipv4.ts';
import { ip, run, TestLan } from './support/lan.ts';
import { frameProblem } from './support/validate.ts';

function setup() {
  const lan = new TestLan();
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

const sentBy = (lan: TestLan, name: string, proto: number) =>
  lan.guestFrames.filter((f) => f.from === name && f.bytes[13] === 0 && f.bytes[23] === proto).map((f) => {
    expect(frameProblem(f.bytes)).toBeNull();
    const v = Ipv4View.checked(f.bytes.subarray(14));
    if (!v.ok) throw new Error();
    return v.value;
  });

describe('hping', () => {
  it('-1: ICMP echo probes, hping3 lines and statistics', () => {
    const { lan, a } = setup();
    const r = run(a, 'hping -1 -c 2 10.0.1.6');
    lan.runFor(5e9);
    expect(r.lines[0]).toBe('HPING 10.0.1.6 (eth0 10.0.1.6): icmp mode set, 28 headers + 0 data bytes');
    // 0.164 ms with the ARP exchange, then 0.083 ms.
    expect(r.lines[1]).toMatch(/^len=28 ip=10\.0\.1\.6 ttl=64 id=\d+ icmp_seq=0 rtt=0\.2 ms$/);
    expect(r.lines[2]).toMatch(/^len=28 ip=10\.0\.1\.6 ttl=64 id=\d+ icmp_seq=1 rtt=0\.1 ms$/);
    expect(r.lines.slice(3)).toEqual(['', '--- 10.0.1.6 hping statistic ---', '2 packets transmitted, 2 packets received, 0% packet loss', 'round-trip min/avg/max = 0.1/0.1/0.2 ms']);
    expect(r.code()).toBe(0);
  });

  it('-S: a SYN to an open port gets SA (and the guest resets it), to a closed one RA', () => {
    const { lan, a } = setup();
    const open = run(a, 'hping -S -p 80 -c 1 10.0.1.6');
    lan.runFor(3e9);
    expect(open.lines[0]).toBe('HPING 10.0.1.6 (eth0 10.0.1.6): S set, 40 headers + 0 data bytes');
    expect(open.lines[1]).toMatch(/^len=44 ip=10\.0\.1\.6 ttl=64 DF id=\d+ sport=80 flags=SA seq=0 win=\d+ rtt=0\.\d ms$/);
    // Linux answers a SYN-ACK nobody asked for with RST; so does the guest.
    const tcp = sentBy(lan, 'a', 6).map((v) => v.payload[13]);
    expect(tcp).toEqual([0x02, 0x04]);
    const closed = run(a, 'hping -S -p 81 -c 1 10.0.1.6');
    lan.runFor(3e9);
    expect(closed.lines[1]).toMatch(/^len=40 ip=10\.0\.1\.6 ttl=64 DF id=\d+ sport=81 flags=RA seq=0 win=0 rtt=0\.\d ms$/);
  });

  it('-2: UDP to a closed port reports the ICMP port unreachable', () => {
    const { lan, a } = setup();
    const r = run(a, 'hping -2 -p 7 -c 1 10.0.1.6');
    lan.runFor(3e9);
    expect(r.lines.slice(0, 2)).toEqual(['HPING 10.0.1.6 (eth0 10.0.1.6): udp mode set, 28 headers + 0 data bytes', 'ICMP Port Unreachable from ip=10.0.1.6 name=UNKNOWN']);
    expect(r.lines).toContain('1 packets transmitted, 0 packets received, 100% packet loss');
    expect(r.code()).toBe(1);
  });

  it('-a forges the source address (valid checksums for the forged source); no reply comes back', () => {
    const { lan, a } = setup();
    const r = run(a, 'hping -1 -c 1 -a 10.0.1.99 10.0.1.6');
    lan.runFor(10e9);
    const [probe] = sentBy(lan, 'a', 1);
    expect(probe.src).toBe(ip('10.0.1.99'));
    expect(r.lines.slice(-2)).toEqual(['1 packets transmitted, 0 packets received, 100% packet loss', 'round-trip min/avg/max = 0.0/0.0/0.0 ms']);
  });

  it.each([
    ['hping', 'Warning: no target host specified'],
    ['hping -Z 10.0.1.6', "hping: unrecognized option '-Z'"],
    ['hping -a nowhere 10.0.1.6', 'hping: unknown host nowhere'],
    ['hping -c x 10.0.1.6', 'hping: bad count: x'],
  ])('%s', (cmd, first) => {
    const { lan, a } = setup();
    const r = run(a, cmd);
    lan.runFor(1e9);
    expect(r.lines[0]).toBe(first);
    expect(r.code()).toBe(1);
  });
});
