import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC, type Ipv4, type Mac, writeMac } from '../../../../core/base/addr.ts';
import { ArpRepr, ArpView, ArpViewMut } from '../../../../core/wire/arp.ts';
import { ip, ROUTER_MAC, run, TestLan } from './support/lan.ts';

function arpFrame(op: number, ethDst: Mac, senderMac: Mac, senderIp: Ipv4, targetMac: Mac, targetIp: Ipv4): Uint8Array {
  const b = new Uint8Array(42);
  writeMac(b, 0, ethDst);
  writeMac(b, 6, senderMac);
  b[12] = 0x08;
  b[13] = 0x06;
  ArpRepr.emit({ operation: op, senderMac, senderIp, targetMac, targetIp }, ArpViewMut.over(b.subarray(14)));
  return b;
}

function arpOf(bytes: Uint8Array): ArpRepr {
  const v = ArpView.checked(bytes.subarray(14));
  if (!v.ok) throw new Error(v.error.message);
  const r = ArpRepr.parse(v.value);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const arpsFrom = (lan: TestLan, name: string) => lan.guestFrames.filter((f) => f.from === name && f.bytes[12] === 0x08 && f.bytes[13] === 0x06);

describe('ARP', () => {
  it('resolves the next hop with a broadcast request and sends the held frames in order', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    const b = lan.add('b', '10.0.1.6');
    const got: string[] = [];
    b.udpBind(7000, (_s, _p, payload) => got.push(String.fromCharCode(...payload)));
    for (const x of ['one', 'two', 'three']) a.sendUdpBytes(ip('10.0.1.6'), 5000, 7000, new TextEncoder().encode(x));
    expect(a.arp.state(ip('10.0.1.6'))).toBe('INCOMPLETE');
    lan.runFor(1e6);
    expect(got).toEqual(['one', 'two', 'three']);
    const [req] = arpsFrom(lan, 'a');
    expect(req.bytes.length).toBe(42);
    expect(req.bytes.subarray(0, 6)).toEqual(new Uint8Array(6).fill(0xff));
    expect(arpOf(req.bytes)).toEqual({ operation: 1, senderMac: a.mac, senderIp: a.ip, targetMac: 0, targetIp: b.ip });
    expect(a.arp.state(b.ip)).toBe('REACHABLE');
    expect(a.arp.lookup(b.ip)).toBe(b.mac);
    // Off-subnet destinations resolve the router instead.
    a.sendUdp(ip('10.9.9.9'), 5000, 7000, 10);
    lan.runFor(1e6);
    expect(a.arp.lookup(ip('10.0.1.1'))).toBe(ROUTER_MAC);
    expect(a.arp.state(ip('10.9.9.9'))).toBeNull();
  });

  it('gives up after 3 requests 1 s apart; `ip neigh` shows FAILED; TCP hears "host unreachable"', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    const r = run(a, 'curl http://10.0.1.99/');
    lan.runFor(10e9);
    expect(arpsFrom(lan, 'a').map((f) => f.time)).toEqual([0, 1e9, 2e9]);
    expect(r.lines).toEqual(['curl: (7) Failed to connect to 10.0.1.99 port 80 after 3000 ms: No route to host']);
    expect(r.code()).toBe(7);
    expect(run(a, 'ip neigh').lines).toEqual(['10.0.1.99 dev eth0 FAILED']);
    // The SYN and its retransmission(s) were all held, and all given up.
    expect(a.counters.drops.arpFailed).toBeGreaterThanOrEqual(1);
    // A new send to a FAILED entry starts over.
    a.sendUdp(ip('10.0.1.99'), 1, 2, 0);
    expect(a.arp.state(ip('10.0.1.99'))).toBe('INCOMPLETE');
  });

  it('an entry goes STALE after 30 s and is re-confirmed by a unicast request when used', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    const b = lan.add('b', '10.0.1.6');
    a.sendUdp(b.ip, 1, 2, 0);
    lan.runFor(29e9);
    expect(run(a, 'ip neigh').lines).toEqual(['10.0.1.6 dev eth0 lladdr 02:00:0a:00:01:06 REACHABLE']);
    lan.runFor(2e9);
    expect(run(a, 'ip neigh').lines).toEqual(['10.0.1.6 dev eth0 lladdr 02:00:0a:00:01:06 STALE']);
    const before = lan.guestFrames.length;
    a.sendUdp(b.ip, 1, 2, 0);
    lan.runFor(1e6);
    const sent = lan.guestFrames.slice(before).filter((f) => f.from === 'a');
    // The datagram leaves at once with the old MAC; a unicast request re-confirms the entry.
    expect(sent.map((f) => (f.bytes[13] === 0x06 ? 'arp' : 'udp'))).toEqual(['arp', 'udp']);
    expect(sent[0].bytes.subarray(0, 6)).toEqual(new Uint8Array([2, 0, 10, 0, 1, 6]));
    expect(a.arp.state(b.ip)).toBe('REACHABLE');
  });

  it('set() makes a permanent entry: no ARP at all', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    const b = lan.add('b', '10.0.1.6');
    a.arp.set(b.ip, b.mac);
    let n = 0;
    b.udpBind(9, () => n++);
    a.sendUdp(b.ip, 1, 9, 100);
    lan.runFor(40e9);
    a.sendUdp(b.ip, 1, 9, 100);
    lan.runFor(1e6);
    expect(n).toBe(2);
    expect(arpsFrom(lan, 'a')).toHaveLength(0);
    expect(run(a, 'ip neigh').lines).toEqual(['10.0.1.6 dev eth0 lladdr 02:00:0a:00:01:06 PERMANENT']);
    expect(run(a, 'ip neigh replace 10.0.1.7 lladdr 02:00:0a:00:01:07 dev eth0 nud permanent').code()).toBe(0);
    expect(a.arp.state(ip('10.0.1.7'))).toBe('PERMANENT');
    expect(run(a, 'ip neigh add 10.0.1.7 lladdr 02:00:0a:00:01:07 dev eth0').lines).toEqual(['RTNETLINK answers: File exists']);
    expect(run(a, 'ip neigh del 10.0.1.7 dev eth0').code()).toBe(0);
    expect(a.arp.state(ip('10.0.1.7'))).toBeNull();
  });

  it('answers requests for its own address and remembers the asker; ignores gratuitous and unsolicited ARP', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    const asker = 0x02_00_00_00_99_99;
    lan.inject('a', arpFrame(1, BROADCAST_MAC, asker, ip('10.0.1.50'), 0, a.ip));
    lan.runFor(1e6);
    const [reply] = arpsFrom(lan, 'a');
    expect(reply.bytes.subarray(0, 6)).toEqual(new Uint8Array([2, 0, 0, 0, 0x99, 0x99]));
    expect(arpOf(reply.bytes)).toEqual({ operation: 2, senderMac: a.mac, senderIp: a.ip, targetMac: asker, targetIp: ip('10.0.1.50') });
    expect(a.arp.state(ip('10.0.1.50'))).toBe('STALE');
    expect(a.arp.lookup(ip('10.0.1.50'))).toBe(asker);
    // Requests for someone else, gratuitous ARP and unsolicited replies change nothing.
    lan.inject('a', arpFrame(1, BROADCAST_MAC, asker, ip('10.0.1.51'), 0, ip('10.0.1.8')));
    lan.inject('a', arpFrame(1, BROADCAST_MAC, asker, ip('10.0.1.52'), 0, ip('10.0.1.52')));
    lan.inject('a', arpFrame(2, a.mac, asker, ip('10.0.1.53'), a.mac, a.ip));
    lan.runFor(1e6);
    expect(arpsFrom(lan, 'a')).toHaveLength(1);
    expect(a.arp.list().map((n) => n.ip)).toEqual([ip('10.0.1.50')]);
  });

  it('a request from the host being resolved completes the resolution', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    lan.dropIf = (b, from) => from === 'a' && b[13] === 0x06; // a's own requests get lost
    a.sendUdp(ip('10.0.1.60'), 1, 2, 0);
    lan.runFor(1e6);
    lan.dropIf = null;
    lan.inject('a', arpFrame(1, BROADCAST_MAC, 0x02_00_00_00_00_60, ip('10.0.1.60'), 0, a.ip));
    lan.runFor(1e6);
    expect(a.arp.state(ip('10.0.1.60'))).toBe('STALE');
    const udp = lan.guestFrames.filter((f) => f.from === 'a' && f.bytes[13] === 0x00);
    expect(udp).toHaveLength(1);
    expect(udp[0].bytes.subarray(0, 6)).toEqual(new Uint8Array([2, 0, 0, 0, 0, 0x60]));
  });

  it('holds at most unres_qlen_bytes per address, dropping the oldest', () => {
    const lan = new TestLan();
    const a = lan.add('a', '10.0.1.5');
    for (let i = 0; i < 30; i++) a.sendUdp(ip('10.0.1.99'), 1, 2, 8000);
    expect(a.counters.drops.arpOverflow).toBe(30 - Math.floor(212_992 / 8042));
    lan.runFor(10e9);
    expect(a.counters.drops.arpFailed).toBe(Math.floor(212_992 / 8042));
    expect(lan.pool.liveCount).toBe(0);
  });
});
