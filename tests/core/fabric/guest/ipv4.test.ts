import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import { REASSEMBLY_MAX_DATAGRAMS, REASSEMBLY_MEMORY_BYTES } from '../../../../core/fabric/guest/constants.ts';
import { Icmpv4Repr, Icmpv4View } from '../../../../core/wire/icmpv4.ts';
import { Ipv4View, Ipv4ViewMut } from '../../../../core/wire/ipv4.ts';
import { ip, TestLan } from './support/lan.ts';
import { frameProblem } from './support/validate.ts';

function setup() {
  const lan = new TestLan();
  const a = lan.add('a', '10.0.1.5', { mtu: 1500 });
  const b = lan.add('b', '10.0.1.6', { mtu: 1500 });
  const got: Uint8Array[] = [];
  b.udpBind(9000, (_src, _port, payload) => got.push(payload.slice()));
  return { lan, a, b, got };
}

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

/** The IPv4 datagrams `a` sent to b (frames, in order). */
const ipFrames = (lan: TestLan, from = 'a') => lan.guestFrames.filter((f) => f.from === from && f.bytes[13] === 0x00).map((f) => f.bytes);

function ipOf(frame: Uint8Array): Ipv4View {
  const v = Ipv4View.checked(frame.subarray(14));
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

function icmpOf(frame: Uint8Array): Icmpv4Repr {
  const v = Icmpv4View.checked(ipOf(frame).payload);
  if (!v.ok) throw new Error(v.error.message);
  const r = Icmpv4Repr.parse(v.value);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('IPv4 fragmentation and reassembly', () => {
  it('a 20 KB UDP datagram crosses a 1500-byte MTU in 14 fragments and arrives whole', () => {
    const { lan, a, got } = setup();
    const data = pattern(20_000);
    expect(a.sendUdpBytes(ip('10.0.1.6'), 4000, 9000, data)).toBe('ok');
    lan.runFor(1e9);
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual(data);
    const frags = ipFrames(lan).map(ipOf);
    expect(frags).toHaveLength(14);
    expect(frags.map((f) => f.fragOffset)).toEqual(Array.from({ length: 14 }, (_, i) => i * 1480));
    expect(frags.map((f) => f.moreFrags)).toEqual([...Array(13).fill(true), false]);
    expect(frags.every((f) => !f.dontFrag && f.totalLength <= 1500 && f.ident === frags[0].ident)).toBe(true);
    expect(frags.at(-1)!.totalLength).toBe(20 + 20_008 - 13 * 1480);
    for (const f of ipFrames(lan)) expect(frameProblem(f)).toBeNull();
    expect(lan.pool.liveCount).toBe(0);
  });

  it('small UDP datagrams carry DF (Linux\'s `want`); `dont` clears it; `do` refuses what does not fit', () => {
    const { lan, a, b } = setup();
    a.sendUdp(b.ip, 4000, 9000, 100);
    a.sendUdp(b.ip, 4000, 9000, 100, undefined, { pmtu: 'dont' });
    expect(a.sendUdp(b.ip, 4000, 9000, 1473, undefined, { pmtu: 'do' })).toBe('too-big');
    expect(a.sendUdp(b.ip, 4000, 9000, 1472, undefined, { pmtu: 'do' })).toBe('ok');
    expect(a.sendUdp(b.ip, 4000, 9000, 65508)).toBe('invalid');
    lan.runFor(1e6);
    expect(ipFrames(lan).map((f) => ipOf(f).dontFrag)).toEqual([true, false, true]);
  });

  it('reassembles fragments that arrive out of order and ignores duplicates', () => {
    const { lan, a, b, got } = setup();
    a.arp.set(b.ip, b.mac);
    lan.dropIf = (_bytes, from) => from === 'a'; // capture a's fragments without delivering them
    const data = pattern(5000);
    a.sendUdpBytes(b.ip, 4000, 9000, data);
    lan.runFor(1e6);
    const frags = ipFrames(lan);
    expect(frags).toHaveLength(4);
    for (const f of [frags[3], frags[1], frags[1], frags[0], frags[2]]) lan.inject('b', f);
    lan.runFor(1e6);
    expect(got).toEqual([data]);
    expect(b.counters.fragmentsReceived).toBe(5);
    expect(b.counters.datagramsReassembled).toBe(1);
    expect(b.reassembler.pendingCount).toBe(0);
    expect(b.reassembler.memoryBytes).toBe(0);
  });

  it('gives up after 30 s and sends ICMP time exceeded (fragment reassembly) when the first fragment came', () => {
    const { lan, a, b, got } = setup();
    a.arp.set(b.ip, b.mac);
    lan.dropIf = (_bytes, from) => from === 'a';
    a.sendUdpBytes(b.ip, 4000, 9000, pattern(4000));
    lan.runFor(1e6);
    const frags = ipFrames(lan);
    lan.dropIf = null;
    lan.inject('b', frags[0]);
    lan.inject('b', frags[2]);
    lan.runFor(29e9);
    expect(b.reassembler.pendingCount).toBe(1);
    const start = lan.guestFrames.length;
    lan.runFor(2e9);
    expect(got).toHaveLength(0);
    expect(b.reassembler.pendingCount).toBe(0);
    expect(b.counters.drops.reassemblyTimeout).toBe(1);
    const errors = lan.guestFrames.slice(start).filter((f) => f.from === 'b' && f.bytes[23] === 1);
    expect(errors).toHaveLength(1);
    const icmp = icmpOf(errors[0].bytes);
    expect(icmp.kind).toBe('timeExceeded');
    if (icmp.kind !== 'timeExceeded') return;
    expect(icmp.code).toBe(1);
    // The quote: the first fragment's header and its first 8 bytes (the UDP header).
    expect(icmp.header.ident).toBe(ipOf(frags[0]).ident);
    expect(icmp.data).toEqual(frags[0].subarray(34, 42));
    // Without the first fragment: silent.
    lan.inject('b', frags[1]);
    lan.runFor(31e9);
    expect(b.counters.drops.reassemblyTimeout).toBe(2);
    expect(lan.guestFrames.filter((f) => f.from === 'b' && f.bytes[23] === 1)).toHaveLength(1);
  });

  it('drops a datagram whose fragments overlap, and fragments that would pass 65535 bytes', () => {
    const { lan, a, b, got } = setup();
    a.arp.set(b.ip, b.mac);
    lan.dropIf = (_bytes, from) => from === 'a';
    a.sendUdpBytes(b.ip, 4000, 9000, pattern(4000));
    lan.runFor(1e6);
    const frags = ipFrames(lan);
    // A forged second fragment starting 8 bytes early, with different bytes.
    const evil = frags[1].slice();
    const v = Ipv4ViewMut.over(evil.subarray(14));
    v.setFragOffset(1480 - 8);
    evil[40] ^= 0xff;
    v.fillChecksum();
    for (const f of [frags[0], evil, frags[1], frags[2]]) lan.inject('b', f);
    lan.runFor(1e6);
    expect(got).toHaveLength(0);
    expect(b.counters.drops.fragment).toBeGreaterThanOrEqual(1);
    const big = frags[2].slice();
    const w = Ipv4ViewMut.over(big.subarray(14));
    w.setFragOffset(65528);
    w.fillChecksum();
    lan.inject('b', big);
    lan.runFor(1e6);
    expect(b.reassembler.lastOutcome).toBe('bad-fragment');
  });

  it('bounds reassembly memory and the number of datagrams in progress', () => {
    const { lan, a, b } = setup();
    a.arp.set(b.ip, b.mac);
    lan.dropIf = (_bytes, from) => from === 'a';
    a.sendUdpBytes(b.ip, 4000, 9000, pattern(3000));
    lan.runFor(1e6);
    const first = ipFrames(lan)[0];
    for (let i = 0; i < 600; i++) {
      const f = first.slice();
      const v = Ipv4ViewMut.over(f.subarray(14));
      v.setIdent(i);
      v.fillChecksum();
      lan.inject('b', f);
    }
    lan.runFor(100e6);
    expect(b.reassembler.pendingCount).toBe(REASSEMBLY_MAX_DATAGRAMS);
    expect(b.reassembler.memoryBytes).toBeLessThanOrEqual(REASSEMBLY_MEMORY_BYTES);
    expect(b.counters.drops.fragment).toBe(600 - REASSEMBLY_MAX_DATAGRAMS);
    lan.runFor(31e9);
    expect(b.reassembler.pendingCount).toBe(0);
    expect(b.reassembler.memoryBytes).toBe(0);
    // Fragments far into the datagram need big buffers: memory runs out before the count does.
    for (let i = 0; i < 100; i++) {
      const f = first.slice();
      const v = Ipv4ViewMut.over(f.subarray(14));
      v.setIdent(1000 + i);
      v.setFragOffset(59_000);
      v.setMoreFrags(true);
      v.fillChecksum();
      lan.inject('b', f);
    }
    lan.runFor(100e6);
    expect(b.reassembler.memoryBytes).toBeLessThanOrEqual(REASSEMBLY_MEMORY_BYTES);
    expect(b.reassembler.memoryBytes).toBeGreaterThan(REASSEMBLY_MEMORY_BYTES - 65536);
    expect(b.reassembler.lastOutcome).toBe('no-memory');
  });

  it('echo replies larger than the MTU are fragmented without DF and reassembled by the pinger', () => {
    const { lan, a } = setup();
    const lines: string[] = [];
    a.exec('ping -c 1 -s 4000 10.0.1.6', { write: (l) => lines.push(l) });
    lan.runFor(2e9);
    expect(lines[1]).toMatch(/^4008 bytes from 10\.0\.1\.6: icmp_seq=1 ttl=64/);
    const replies = ipFrames(lan, 'b').map(ipOf);
    expect(replies).toHaveLength(3);
    expect(replies.every((r) => !r.dontFrag)).toBe(true);
  });
});

describe('UDP and ICMP errors', () => {
  it('answers a datagram to a closed port with port unreachable quoting the header and 8 bytes', () => {
    const { lan, a, b } = setup();
    const errors: unknown[] = [];
    a.udpBind(4000, () => {}, (e) => errors.push(e));
    a.sendUdp(b.ip, 4000, 9999, 100);
    lan.runFor(1e6);
    expect(b.counters.drops.noSocket).toBe(1);
    const [err] = ipFrames(lan, 'b');
    const icmp = icmpOf(err);
    expect(icmp.kind).toBe('dstUnreachable');
    if (icmp.kind !== 'dstUnreachable') return;
    expect(icmp.code).toBe(3);
    expect(ipOf(err).payload.length).toBe(8 + 20 + 8);
    const sent = ipFrames(lan, 'a')[0];
    expect(icmp.data).toEqual(sent.subarray(34, 42));
    expect(errors).toEqual([{ from: b.ip, type: 3, code: 3, nextHopMtu: 0, dst: b.ip, srcPort: 4000, dstPort: 9999 }]);
  });

  it('drops datagrams with a wrong checksum; accepts checksum 0; sends protocol unreachable for unknown protocols', () => {
    const { lan, a, b, got } = setup();
    a.arp.set(b.ip, b.mac);
    lan.dropIf = (_bytes, from) => from === 'a';
    a.sendUdp(b.ip, 4000, 9000, 10, (p) => p.fill(1));
    lan.runFor(1e6);
    const good = ipFrames(lan)[0];
    const bad = good.slice();
    bad[50] ^= 1;
    lan.inject('b', bad);
    const none = good.slice();
    none[40] = 0;
    none[41] = 0;
    lan.inject('b', none);
    const proto = good.slice();
    proto[23] = 132; // SCTP
    proto[24] = 0;
    proto[25] = 0;
    const c = internetChecksum(proto, 14, 34);
    proto[24] = c >>> 8;
    proto[25] = c & 0xff;
    lan.inject('b', proto);
    lan.runFor(1e6);
    expect(b.counters.drops.badChecksum).toBe(1);
    expect(got).toHaveLength(1);
    const [err] = ipFrames(lan, 'b');
    const icmp = icmpOf(err);
    expect(icmp.kind === 'dstUnreachable' && icmp.code).toBe(2);
  });

  it('binds ports: in use throws, ephemeral ports come from 32768–60999, dispose frees', () => {
    const { b } = setup();
    expect(() => b.udpBind(9000, () => {})).toThrow('Address already in use');
    const e = b.udpBind(0, () => {});
    expect(e.port).toBeGreaterThanOrEqual(32768);
    expect(e.port).toBeLessThanOrEqual(60999);
    expect(b.udpPorts()).toContain(e.port);
    e.dispose();
    expect(b.udpPorts()).not.toContain(e.port);
    expect(() => b.udpBind(70000, () => {})).toThrow(RangeError);
  });

  it('sendUdp allocates no new packets in steady state', () => {
    const { lan, a, b } = setup();
    a.arp.set(b.ip, b.mac);
    for (let i = 0; i < 100; i++) a.sendUdp(b.ip, 4000, 9000, 1000);
    lan.runFor(1e9);
    const created = lan.pool.createdCount;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 100; i++) a.sendUdp(b.ip, 4000, 9000, 1000);
      lan.runFor(1e9);
    }
    expect(lan.pool.createdCount).toBe(created);
    expect(b.counters.udpDelivered).toBe(1100);
    expect(lan.pool.liveCount).toBe(0);
  });

  it('learns a path MTU only downwards, locks it below 552, and forgets it after 10 minutes', () => {
    const { a } = setup();
    const d = ip('10.9.9.9');
    expect(a.pmtu.update(d, 1400)).toBe(1400);
    expect(a.pmtu.update(d, 1450)).toBe(-1);
    expect(a.pmtu.mtu(d)).toBe(1400);
    expect(a.pmtu.update(d, 9000)).toBe(-1);
    expect(a.pmtu.update(d, 300)).toBe(552);
    expect(a.pmtu.locked(d)).toBe(true);
    // Locked: datagrams toward it carry no DF and are fragmented to 552.
    expect(a.pathMtu(d)).toBe(552);
    a.sim.run(a.sim.now() + 601e9);
    expect(a.pmtu.mtu(d)).toBe(1500);
    expect(a.pmtu.locked(d)).toBe(false);
  });
});
