import { describe, expect, it } from 'vitest';
import { IP_A, IP_B, MS, S, TestNet, connectPair, recorder } from './net.ts';
import { buildSegment } from './raw.ts';

describe('TCP resets', () => {
  it('a SYN to a closed port is answered with RST-ACK ⇒ refused', () => {
    const net = new TestNet();
    const r = recorder(net.sim);
    const s = net.a.connect(IP_B, 9999, r);
    net.runFor(MS);
    expect(net.trace.map((c) => c.tag)).toEqual(['S', 'RA']);
    const [syn, rst] = net.trace;
    expect(rst.seq).toBe(0);
    expect(rst.ack).toBe((syn.seq + 1) >>> 0);
    expect(rst.srcPort).toBe(9999);
    expect(r.events).toEqual(['closed:refused@20000']);
    expect(s.state).toBe('CLOSED');
    expect(net.b.stats.resetsSent).toBe(1);
    expect(net.b.stats.noSocket).toBe(1);
    expect(net.a.stats.resetsReceived).toBe(1);
    expect(net.a.stats.failedOpens).toBe(1);
  });

  it('a stray ACK to a closed port gets RST with SEQ = SEG.ACK; a stray RST gets nothing', () => {
    const net = new TestNet();
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 1234, dstPort: 80, seq: 5, ack: 777, flags: 'A', payload: new Uint8Array(3) }));
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 1234, dstPort: 80, seq: 5, ack: 0, flags: 'R' }));
    expect(net.trace.map((c) => `${c.tag} ${c.seq}`)).toEqual(['R 777']);
  });

  it('an ACK to a listening port gets RST; a bare FIN gets nothing', () => {
    const net = new TestNet();
    net.b.listen(80, () => ({}));
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 1234, dstPort: 80, seq: 5, ack: 99, flags: 'A' }));
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 1234, dstPort: 80, seq: 5, ack: 0, flags: 'F' }));
    expect(net.trace.map((c) => `${c.tag} ${c.seq}`)).toEqual(['R 99']);
  });

  it('abort sends RST and the peer reports reset', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    socket.send(new Uint8Array(10));
    net.runFor(MS);
    socket.abort();
    expect(socket.state).toBe('CLOSED');
    expect(client.closedReason).toBe('reset');
    net.runFor(MS);
    const rst = net.trace.at(-1)!;
    expect(rst.tag).toBe('RA');
    expect(server.closedReason).toBe('reset');
    expect(server.socket?.state).toBe('CLOSED');
    expect(net.b.stats.resetsReceived).toBe(1);
    expect(net.a.sockets()).toHaveLength(0);
    expect(net.b.sockets()).toHaveLength(1);
  });

  it('abort with data in flight: the peer answers the inexact RST with a challenge ACK, which draws an exact RST', () => {
    const net = new TestNet();
    const { server, socket } = connectPair(net);
    net.runFor(MS);
    net.drop = (c) => c.payload.length > 0;
    socket.send(new Uint8Array(500));
    socket.abort();
    net.drop = () => false;
    net.runFor(MS);
    expect(net.trace.slice(3).map((c) => `${c.from}:${c.tag}`)).toEqual(['a:PA', 'a:RA', 'b:A', 'a:R']);
    expect(server.closedReason).toBe('reset');
  });

  it('ignores an RST outside the window and answers one inside it with a challenge ACK (RFC 5961)', () => {
    const net = new TestNet();
    const { server } = connectPair(net);
    net.runFor(MS);
    const [syn, synAck] = net.trace;
    const rcvNxt = (syn.seq + 1) >>> 0;
    const port = syn.srcPort;
    const rst = (seq: number) => buildSegment(IP_A, IP_B, { srcPort: port, dstPort: 80, seq, ack: 0, flags: 'R' });
    net.b.input(IP_A, IP_B, rst((rcvNxt + 1_000_000) >>> 0));
    expect(net.trace).toHaveLength(3);
    net.b.input(IP_A, IP_B, rst((rcvNxt + 100) >>> 0));
    expect(net.trace.at(-1)!.tag).toBe('A');
    expect(net.trace.at(-1)!.ack).toBe(rcvNxt);
    expect(server.socket?.state).toBe('ESTABLISHED');
    net.b.input(IP_A, IP_B, rst(rcvNxt));
    expect(server.socket?.state).toBe('CLOSED');
    expect(server.closedReason).toBe('reset');
    expect(synAck.tag).toBe('SA');
  });

  it('answers an in-window SYN on an established connection with a challenge ACK', () => {
    const net = new TestNet();
    const { server } = connectPair(net);
    net.runFor(MS);
    const syn = net.trace[0];
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: syn.srcPort, dstPort: 80, seq: (syn.seq + 10) >>> 0, ack: 0, flags: 'S' }));
    expect(net.trace.at(-1)!.tag).toBe('A');
    expect(server.socket?.state).toBe('ESTABLISHED');
  });

  it('an RST for a half-open connection returns the listener to LISTEN quietly', () => {
    const net = new TestNet();
    const accepted: unknown[] = [];
    net.b.listen(80, (s) => {
      accepted.push(s);
      return {};
    });
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 5555, dstPort: 80, seq: 1000, ack: 0, flags: 'S' }));
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN', 'SYN_RECEIVED']);
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 5555, dstPort: 80, seq: 1001, ack: 0, flags: 'R' }));
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN']);
    expect(accepted).toHaveLength(0);
  });

  it('a half-open connection whose SYN-ACKs go unanswered disappears after 5 retries', () => {
    const net = new TestNet();
    net.b.listen(80, () => ({}));
    net.drop = () => true;
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 5555, dstPort: 80, seq: 1000, ack: 0, flags: 'S' }));
    net.runFor(100 * S);
    expect(net.trace.map((c) => c.t / S)).toEqual([0, 1, 3, 7, 15, 31]);
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN']);
  });

  it('closing a listener resets its half-open connections and keeps accepted ones', () => {
    const net = new TestNet();
    const { listener, server } = connectPair(net);
    net.runFor(MS);
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 5555, dstPort: 80, seq: 1000, ack: 0, flags: 'S' }));
    listener.dispose();
    expect(net.trace.at(-1)!.tag).toBe('RA');
    expect(net.b.sockets().map((s) => s.state)).toEqual(['ESTABLISHED']);
    expect(server.socket?.state).toBe('ESTABLISHED');
  });

  it('drops SYNs beyond the backlog', () => {
    const net = new TestNet({ configB: { backlog: 2 } });
    net.b.listen(80, () => ({}));
    for (let p = 1; p <= 4; p++) net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: 5000 + p, dstPort: 80, seq: 1, ack: 0, flags: 'S' }));
    expect(net.b.sockets()).toHaveLength(3);
    expect(net.b.stats.listenOverflows).toBe(2);
  });
});
