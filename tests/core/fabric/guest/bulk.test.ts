import { describe, expect, it } from 'vitest';
import { run, TestLan } from './support/lan.ts';

function setup() {
  const lan = new TestLan({ link: { rateBps: 10_000_000_000, latencyNs: 1000 } });
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

describe('bulk and sink', () => {
  it('UDP: n packets of s bytes every i µs, counted by the sink', () => {
    const { lan, a, b } = setup();
    const sink = run(b, 'sink -u 9000');
    const bulk = run(a, 'bulk -u -n 1000 -s 1000 -i 10 10.0.1.6 9000');
    lan.runFor(100e6);
    expect(bulk.lines).toEqual(['bulk: udp to 10.0.1.6:9000: 1000 packets, 1000000 bytes in 9.990 ms (800.80 Mbit/s), 0 errors']);
    expect(bulk.code()).toBe(0);
    expect(b.counters.udpDelivered).toBe(1000);
    expect(sink.lines).toEqual(['sink: listening on udp port 9000']);
    lan.runFor(2e9);
    expect(sink.lines).toHaveLength(2);
    // The first datagram waited for ARP (2 × 2.1 µs), so the flow spans a little less than 9.990 ms.
    expect(sink.lines[1]).toMatch(/^sink: udp from 10\.0\.1\.5:\d+: 1000 packets, 1000000 bytes in 9\.98\d ms \(80\d\.\d\d Mbit\/s\)$/);
    sink.proc.kill();
    expect(sink.lines.at(-1)).toBe('sink: total 1000 packets, 1000000 bytes');
    expect(sink.code()).toBe(0);
    expect(b.udpPorts()).toEqual([]);
  });

  it('UDP with ARP pre-resolved allocates no packets per datagram', () => {
    const { lan, a, b } = setup();
    a.arp.set(b.ip, b.mac);
    run(b, 'sink -u 9000');
    run(a, 'bulk -n 100 -i 1 10.0.1.6 9000');
    lan.runFor(1e9);
    const created = lan.pool.createdCount;
    run(a, 'bulk -n 5000 -i 1 10.0.1.6 9000');
    lan.runFor(1e9);
    expect(b.counters.udpDelivered).toBe(5100);
    expect(lan.pool.createdCount).toBe(created);
  });

  it('TCP: b bytes as fast as the window allows; the sink reports the connection', () => {
    const { lan, a, b } = setup();
    const sink = run(b, 'sink -t 9001');
    const bulk = run(a, 'bulk -t -b 2000000 10.0.1.6 9001');
    lan.runFor(1e9);
    expect(bulk.lines).toHaveLength(1);
    expect(bulk.lines[0]).toMatch(/^bulk: tcp to 10\.0\.1\.6:9001: 2000000 bytes in \d+\.\d{3} ms \(\d+\.\d\d Mbit\/s\), 0 retransmissions$/);
    expect(bulk.code()).toBe(0);
    expect(sink.lines[1]).toMatch(/^sink: tcp from 10\.0\.1\.5:\d+: 2000000 bytes in \d+\.\d{3} ms/);
    sink.proc.kill();
    expect(sink.lines.at(-1)).toBe('sink: total 1 connections, 2000000 bytes');
  });

  it('TCP to a port nobody listens on fails', () => {
    const { lan, a } = setup();
    const bulk = run(a, 'bulk -t 10.0.1.6 9002');
    lan.runFor(1e9);
    expect([bulk.lines, bulk.code()]).toEqual([['bulk: tcp to 10.0.1.6:9002: Connection refused after 0 bytes'], 1]);
  });

  it.each([
    ['bulk', 'usage: bulk [-u|-t] [-n packets] [-s size] [-i interval_us] [-b bytes] host port', 2],
    ['bulk -s 70000 10.0.1.6 9', 'bulk: invalid -s value: 70000 (0..65507)', 2],
    ['bulk 10.0.1.6 0', 'bulk: invalid port: 0', 2],
    ['bulk nowhere 9', 'bulk: nowhere: Name or service not known', 2],
    ['sink', 'usage: sink [-u|-t] port', 2],
    ['sink -t 80', 'sink: tcp port 80: Address already in use', 1],
  ])('%s', (cmd, first, code) => {
    const { lan, a } = setup();
    const r = run(a, cmd);
    lan.runFor(1e9);
    expect(r.lines[0]).toBe(first);
    expect(r.code()).toBe(code);
  });
});
