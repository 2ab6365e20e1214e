import { describe, expect, it } from 'vitest';
import { seqDiff } from '../../../../../core/fabric/guest/tcp/seq.ts';
import { IP_B, MS, S, TestNet, connectPair, firstDifference, pattern, recorder } from './net.ts';

describe('TCP data transfer', () => {
  it('carries 1 MB intact in segments of at most the MSS, with cumulative ACKs', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500 });
    const data = pattern(1 << 20);
    const { client, server, socket } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(5 * S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(socket.bytesSent).toBe(data.length);
    expect(server.socket?.bytesReceived).toBe(data.length);
    expect(socket.bufferedAmount).toBe(0);
    expect(client.events).toEqual(['connected@20000']);
    const segs = net.dataSegments('a');
    // 1460 − 12 bytes of timestamps = 1448 per full segment, as Linux.
    expect(Math.max(...segs.map((c) => c.payload.length))).toBe(1448);
    for (const c of segs) {
      expect(c.payload.length + c.headerLen - 20).toBeLessThanOrEqual(1460);
      expect(20 + c.bytes.length).toBeLessThanOrEqual(1500);
    }
    expect(segs.length).toBe(Math.ceil(data.length / 1448));
    expect(net.a.stats.retransmissions).toBe(0);
    // ACKs from B never go backwards and end at the last byte.
    const acks = net.trace.filter((c) => c.from === 'b' && c.payload.length === 0).map((c) => c.ack);
    for (let i = 1; i < acks.length; i++) expect(seqDiff(acks[i], acks[i - 1])).toBeGreaterThanOrEqual(0);
    const last = segs[segs.length - 1];
    expect(acks[acks.length - 1]).toBe((last.seq + last.payload.length) >>> 0);
    // Delayed ACK: roughly one ACK per two segments, not one per segment.
    expect(acks.length).toBeLessThan(segs.length * 0.75);
    // PSH on the last segment of the queued data.
    expect(last.tag).toBe('PA');
  });

  it('uses jumbo segments between 9001-MTU hosts', () => {
    const net = new TestNet();
    const data = pattern(200_000, 3);
    const { server } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(S);
    expect(firstDifference(server.bytes(), data)).toBe(-1);
    expect(Math.max(...net.dataSegments('a').map((c) => c.payload.length))).toBe(8961 - 12);
  });

  it('starts with an initial window of 10 segments and grows it in slow start', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500, delayNs: MS });
    const data = pattern(300_000);
    const { socket } = connectPair(net, 80, {}, { connected: (s) => s.send(data) });
    net.runFor(2 * MS + 1);
    // The first flight: exactly 10 full segments before any ACK can return.
    expect(net.dataSegments('a')).toHaveLength(10);
    net.runFor(2 * MS);
    expect(net.dataSegments('a').length).toBeGreaterThan(15);
    expect(socket.cwnd).toBeGreaterThan(10 * 1448);
  });

  it('sends data both ways at once and echoes', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500 });
    const request = pattern(50_000, 1);
    const { client, server } = connectPair(
      net,
      7,
      { data: (s, bytes) => s.send(bytes) }, // echo server
      { connected: (s) => s.send(request) },
    );
    net.runFor(S);
    expect(firstDifference(server.bytes(), request)).toBe(-1);
    expect(firstDifference(client.bytes(), request)).toBe(-1);
  });

  it('queues data sent before the handshake completes', () => {
    const net = new TestNet();
    const server = recorder(net.sim);
    net.b.listen(80, () => server);
    const s = net.a.connect(IP_B, 80, {});
    s.send(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    expect(net.trace).toHaveLength(1);
    net.runFor(MS);
    expect(new TextDecoder().decode(server.bytes())).toBe('GET / HTTP/1.1\r\n\r\n');
    // The request rides on the handshake's third segment's successor, with the ACK.
    expect(net.trace.map((c) => c.tag).slice(0, 3)).toEqual(['S', 'SA', 'PA']);
  });

  it('fires drained when everything sent has been acknowledged', () => {
    const net = new TestNet();
    let drainedAt = -1;
    const { socket } = connectPair(net, 80, {}, { connected: (s) => s.send(pattern(30_000)), drained: () => (drainedAt = net.sim.now()) });
    net.runFor(S);
    expect(drainedAt).toBeGreaterThan(0);
    expect(socket.bufferedAmount).toBe(0);
  });

  it('acknowledges a lone segment after the 40 ms delayed-ACK timer', () => {
    const net = new TestNet();
    const { socket } = connectPair(net);
    net.runFor(MS);
    const t0 = net.sim.now();
    socket.send(new Uint8Array(100));
    net.runFor(100 * MS);
    const ack = net.trace.filter((c) => c.from === 'b' && c.t > t0);
    expect(ack).toHaveLength(1);
    expect(ack[0].t - (t0 + 10_000)).toBe(40 * MS);
  });

  it('ACKs every segment at once with delayed ACK off', () => {
    const net = new TestNet({ configB: { delayedAck: false } });
    const { socket } = connectPair(net);
    net.runFor(MS);
    const t0 = net.sim.now();
    socket.send(new Uint8Array(100));
    net.runFor(MS);
    const ack = net.trace.filter((c) => c.from === 'b' && c.t > t0);
    expect(ack.map((c) => c.t - t0)).toEqual([10_000]);
  });
});
