import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../core/base/bytes.ts';
import { ip, run, TestLan } from './support/lan.ts';
import { frameProblem } from './support/validate.ts';

/** A busy little scenario: DNS, ARP, ping with fragments, traceroute, HTTP, nc, bulk. */
function scenario(seed: number): { lan: TestLan; outputs: string[] } {
  const lan = new TestLan({ seed, hops: [ip('10.255.0.1')], routerMtu: 1500, dnsNames: { web: ip('10.0.1.6'), far: ip('10.0.2.7') } });
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  const c = lan.add('c', '10.0.2.7', { mtu: 1500 });
  const outputs: string[] = [];
  const go = (g: typeof a, cmd: string) => {
    const r = run(g, cmd);
    outputs.push(`$ ${cmd}`);
    return r;
  };
  const rs = [
    go(a, 'ping -c 3 -s 4000 far'),
    go(a, 'traceroute -q 2 far'),
    go(a, 'curl -s http://web/bytes/50000'),
    go(c, 'curl -s -o /dev/null http://10.0.1.5/bytes/200000'),
    go(b, 'nc -l 7000'),
    go(b, 'sink -u 9000'),
    go(a, 'bulk -n 200 -s 1400 -i 50 web 9000'),
  ];
  lan.runFor(2e9);
  go(a, 'echo hello | nc -N 10.0.1.6 7000');
  lan.runFor(30e9);
  for (const r of rs) outputs.push(...r.lines);
  return { lan, outputs };
}

const digest = (lan: TestLan) => lan.trace.map((f) => `${f.time} ${f.from} ${toHex(f.bytes)}`);

describe('determinism and well-formed frames', () => {
  it('the same seed gives the same frames at the same times, and the same output', () => {
    const one = scenario(42);
    const two = scenario(42);
    expect(one.lan.trace.length).toBeGreaterThan(200);
    expect(digest(two.lan)).toEqual(digest(one.lan));
    expect(two.outputs).toEqual(one.outputs);
    const other = scenario(43);
    expect(digest(other.lan)).not.toEqual(digest(one.lan));
  });

  it('every frame a guest sends is valid Ethernet/ARP/IPv4/ICMP/UDP/TCP with correct checksums', () => {
    const { lan } = scenario(1);
    const kinds = new Set<string>();
    for (const f of lan.guestFrames) {
      expect(frameProblem(f.bytes), `${f.from} ${toHex(f.bytes.subarray(0, 64))}`).toBeNull();
      kinds.add(f.bytes[13] === 0x06 ? 'arp' : ({ 1: 'icmp', 6: 'tcp', 17: 'udp' } as Record<number, string>)[f.bytes[23]]);
      if (((f.bytes[20] << 8) | f.bytes[21]) & 0x3fff) kinds.add('fragment');
    }
    expect([...kinds].sort()).toEqual(['arp', 'fragment', 'icmp', 'tcp', 'udp']);
    for (const m of lan.members.values()) {
      expect(m.guest.counters.drops.error).toBe(0);
      expect(m.guest.counters.drops.malformed + m.guest.counters.drops.badChecksum).toBe(0);
    }
  });
});
