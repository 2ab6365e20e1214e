import { describe, expect, it } from 'vitest';
import { IP_B, MS, S, TestNet, connectPair, firstDifference, pattern, recorder } from './net.ts';

describe('TCP retransmission', () => {
  it('retransmits a lost SYN after the 1 s initial RTO, then doubles', () => {
    const net = new TestNet();
    net.drop = (c) => c.tag === 'S' && c.index < 3;
    const { client, socket } = connectPair(net);
    net.runFor(20 * S);
    const syns = net.trace.filter((c) => c.tag === 'S');
    expect(syns.map((c) => c.t)).toEqual([0, 1 * S, 3 * S, 7 * S]);
    expect(new Set(syns.map((c) => c.seq)).size).toBe(1);
    expect(socket.state).toBe('ESTABLISHED');
    expect(client.events).toEqual([`connected@${7 * S + 20_000}`]);
    expect(socket.retransmissions).toBe(3);
    expect(net.a.stats.retransmissions).toBe(3);
    // Karn: the SYN was sent more than once, so no RTT sample was taken from it.
    expect(socket.srttNs).toBe(0);
    expect(socket.rtoNs).toBe(S);
    // RFC 5681 §3.1: after a retransmitted SYN the initial window is one segment.
    expect(socket.cwnd).toBe(socket.mss - 12);
  });

  it('gives up on a SYN after 6 retries (127 s) with timeout', () => {
    const net = new TestNet();
    net.drop = () => true;
    const client = recorder(net.sim);
    const s = net.a.connect(IP_B, 80, client);
    net.runFor(200 * S);
    expect(net.trace.map((c) => c.t / S)).toEqual([0, 1, 3, 7, 15, 31, 63]);
    expect(client.events).toEqual([`closed:timeout@${127 * S}`]);
    expect(s.state).toBe('CLOSED');
    expect(net.a.sockets()).toHaveLength(0);
    expect(net.a.stats.failedOpens).toBe(1);
  });

  it('retransmits a lost SYN-ACK; the duplicate SYN is answered too', () => {
    const net = new TestNet();
    net.drop = (c) => c.tag === 'SA' && c.index === 1;
    const { client, server } = connectPair(net);
    net.runFor(3 * S);
    expect(client.socket?.state).toBe('ESTABLISHED');
    expect(server.socket?.state).toBe('ESTABLISHED');
    const sa = net.trace.filter((c) => c.tag === 'SA');
    expect(sa.length).toBeGreaterThanOrEqual(2);
    expect(sa[1].t).toBeLessThanOrEqual(S + 20_000);
  });

  it('recovers from a lost third ACK of the handshake when the client sends', () => {
    const net = new TestNet();
    net.drop = (c) => c.index === 2;
    const { server, socket } = connectPair(net);
    net.runFor(MS);
    expect(net.b.sockets()[1].state).toBe('SYN_RECEIVED');
    socket.send(new Uint8Array([7, 7, 7]));
    net.runFor(MS);
    expect(server.socket?.state).toBe('ESTABLISHED');
    expect([...server.bytes()]).toEqual([7, 7, 7]);
  });

  it('retransmits a lost lone data segment after the RTO (200 ms minimum)', () => {
    const net = new TestNet();
    const { server, socket } = connectPair(net);
    net.runFor(MS);
    const t0 = net.sim.now();
    net.drop = (c) => c.payload.length > 0 && c.t === t0;
    socket.send(pattern(1000));
    net.runFor(S);
    const sends = net.dataSegments('a');
    expect(sends.map((c) => c.t - t0)).toEqual([0, 200 * MS]);
    expect(sends[1].seq).toBe(sends[0].seq);
    expect(firstDifference(server.bytes(), pattern(1000))).toBe(-1);
    expect(socket.retransmissions).toBe(1);
    expect(net.a.stats.timeouts).toBe(1);
  });

  it('backs off exponentially and gives up on data after 15 retries (924.6 s) with timeout', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    const t0 = net.sim.now();
    net.drop = (c) => c.from === 'a';
    socket.send(pattern(100));
    net.runFor(1000 * S);
    const times = net.dataSegments('a').map((c) => (c.t - t0) / MS);
    const gaps = times.slice(1).map((t, i) => Math.round(t - times[i]));
    expect(gaps).toEqual([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400, 120000, 120000, 120000, 120000, 120000]);
    expect(client.closedReason).toBe('timeout');
    expect(client.events.at(-1)).toBe(`closed:timeout@${t0 + 924_600 * MS}`);
    expect(socket.state).toBe('CLOSED');
    expect(server.socket?.state).toBe('ESTABLISHED');
  });

  it('fast-retransmits a segment lost mid-stream after three duplicate ACKs, without a timeout', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500 });
    const data = pattern(400_000);
    let lost = -1;
    net.drop = (c) => {
      if (lost < 0 && c.from === 'a' && c.payload.length > 0 && net.dataSegments('a').length === 30) {
        lost = c.seq;
        return true;
      }
      return false;
    };
    const { server, socket } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(2 * S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(net.a.stats.fastRetransmits).toBe(1);
    expect(net.a.stats.timeouts).toBe(0);
    expect(socket.retransmissions).toBe(1);
    // The receiver reported the hole with SACK blocks on its duplicate ACKs.
    const dupAcks = net.trace.filter((c) => c.from === 'b' && c.ack === lost);
    expect(dupAcks.length).toBeGreaterThanOrEqual(3);
    expect(dupAcks.slice(1).every((c) => c.options.some((o) => o.kind === 'sack'))).toBe(true);
    const resent = net.dataSegments('a').filter((c) => c.seq === lost);
    expect(resent).toHaveLength(2);
  });

  it('resends several holes in one recovery using SACK', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500 });
    const data = pattern(600_000);
    const victims = new Set([40, 43, 47]);
    let n = 0;
    net.drop = (c) => c.from === 'a' && c.payload.length > 0 && victims.has(n++) && c.t > 0;
    const { server } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(2 * S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(net.a.stats.fastRetransmits).toBe(1);
    expect(net.a.stats.timeouts).toBe(0);
    expect(net.a.stats.retransmissions).toBe(3);
  });

  it('retransmits a lost FIN', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    net.drop = (c) => c.tag.includes('F') && c.from === 'a' && !net.trace.some((d) => d !== c && d.tag.includes('F') && d.from === 'a');
    socket.close();
    net.runFor(2 * S);
    expect(server.events.some((e) => e.startsWith('remoteClosed'))).toBe(true);
    expect(net.trace.filter((c) => c.from === 'a' && c.tag.includes('F'))).toHaveLength(2);
    expect(socket.state).toBe('FIN_WAIT_2');
    expect(client.closedReason).toBeUndefined();
  });

  it('measures RTT and keeps the RTO at the 200 ms floor on a fast path', () => {
    const net = new TestNet({ delayNs: 50 * MS });
    const { socket } = connectPair(net, 80, {}, { connected: (s) => s.send(pattern(50_000)) });
    net.runFor(2 * S);
    expect(socket.srttNs).toBeGreaterThanOrEqual(100 * MS);
    expect(socket.srttNs).toBeLessThan(150 * MS);
    expect(socket.rtoNs).toBeGreaterThan(200 * MS);
  });
});
