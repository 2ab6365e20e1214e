import { describe, expect, it } from 'vitest';
import { IP_A, IP_B, MS, S, TestNet, connectPair, firstDifference, pattern, quoteIpv4, recorder } from './net.ts';

describe('TCP and ICMP', () => {
  it('frag-needed lowers the MSS and the next attempt fits (9001-MTU hosts over a 1500-MTU path)', () => {
    const net = new TestNet();
    net.pathMtu = 1500;
    const data = pattern(300_000);
    const { server, socket } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(socket.mss).toBe(1460);
    const sent = net.dataSegments('a');
    const tooBig = sent.filter((c) => c.dropped === 'mtu');
    expect(tooBig.length).toBeGreaterThan(0);
    expect(tooBig.every((c) => c.payload.length === 8961 - 12)).toBe(true);
    // Everything sent after the first ICMP arrived fits in 1500 bytes of IP.
    const firstIcmp = tooBig[0].t + net.delayNs;
    const after = sent.filter((c) => c.t >= firstIcmp);
    expect(after.length).toBeGreaterThan(0);
    for (const c of after) expect(20 + c.bytes.length).toBeLessThanOrEqual(1500);
    expect(Math.max(...after.map((c) => c.payload.length))).toBe(1448);
    // The re-sends came at once (no retransmission timeout) and are counted as retransmissions.
    expect(net.a.stats.timeouts).toBe(0);
    expect(socket.retransmissions).toBeGreaterThan(0);
  });

  it('copes with an IP layer that raises frag-needed synchronously inside output', () => {
    const net = new TestNet();
    net.pathMtu = 1500;
    net.syncIcmp = true;
    const data = pattern(100_000);
    const { server, socket } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(socket.mss).toBe(1460);
    expect(net.a.stats.timeouts).toBe(0);
    // Only the first segment was too big: the rest of the flight was cut to the new size at once.
    expect(net.dataSegments('a').filter((c) => c.dropped === 'mtu')).toHaveLength(1);
    // …and nothing was sent twice.
    const seqs = net.dataSegments('a').filter((c) => !c.dropped).map((c) => c.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('ignores frag-needed quoting a sequence number that is not in flight (RFC 5927)', () => {
    const net = new TestNet();
    const { socket } = connectPair(net);
    net.runFor(MS);
    const syn = net.trace[0];
    const fake = new Uint8Array(20);
    fake.set(syn.bytes.subarray(0, 4)); // ports
    fake.set([0x12, 0x34, 0x56, 0x78], 4); // a sequence number we never sent
    net.a.icmpError(3, 4, quoteIpv4(IP_A, IP_B, fake), 1300);
    expect(socket.mss).toBe(8961);
    expect(net.a.stats.icmpErrors).toBe(1);
  });

  it('ignores frag-needed with a next-hop MTU of 0 and clamps tiny ones to 552', () => {
    const net = new TestNet();
    const { socket } = connectPair(net);
    net.runFor(MS);
    net.drop = () => true;
    socket.send(new Uint8Array(100));
    const seg = net.trace.at(-1)!;
    net.a.icmpError(3, 4, quoteIpv4(IP_A, IP_B, seg.bytes), 0);
    expect(socket.mss).toBe(8961);
    net.a.icmpError(3, 4, quoteIpv4(IP_A, IP_B, seg.bytes), 100);
    expect(socket.mss).toBe(512);
  });

  it('port unreachable while connecting ⇒ closed with unreachable', () => {
    const net = new TestNet();
    net.drop = () => true;
    const r = recorder(net.sim);
    const s = net.a.connect(IP_B, 80, r);
    net.a.icmpError(3, 3, quoteIpv4(IP_A, IP_B, net.trace[0].bytes), 0);
    expect(s.state).toBe('CLOSED');
    expect(r.events).toEqual(['closed:unreachable@0']);
  });

  it('host unreachable on an established connection is a soft error: a later give-up says unreachable', () => {
    const net = new TestNet({ configA: { maxRetries: 3 } });
    const { client, socket } = connectPair(net);
    net.runFor(MS);
    net.drop = (c) => c.from === 'a';
    socket.send(new Uint8Array(100));
    net.a.icmpError(3, 1, quoteIpv4(IP_A, IP_B, net.trace.at(-1)!.bytes), 0);
    expect(socket.state).toBe('ESTABLISHED');
    net.runFor(10 * S);
    expect(client.closedReason).toBe('unreachable');
  });

  it('ignores ICMP quoting something else (not TCP, not our address, too short)', () => {
    const net = new TestNet();
    const { socket } = connectPair(net);
    net.runFor(MS);
    const seg = net.trace[2].bytes;
    const q = quoteIpv4(IP_A, IP_B, seg);
    const udp = q.slice();
    udp[9] = 17;
    net.a.icmpError(3, 4, udp, 1000);
    net.a.icmpError(3, 4, quoteIpv4(IP_B, IP_A, seg), 1000);
    net.a.icmpError(3, 4, q.subarray(0, 24), 1000);
    net.a.icmpError(3, 4, new Uint8Array(0), 1000);
    expect(socket.mss).toBe(8961);
    expect(socket.state).toBe('ESTABLISHED');
  });
});
