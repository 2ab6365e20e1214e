import { describe, expect, it } from 'vitest';
import { IP_B, MS, S, TestNet, connectPair, recorder } from './net.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('TCP close', () => {
  it('client closes first: FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT for 60 s; server CLOSE_WAIT → LAST_ACK → CLOSED', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    const t0 = net.sim.now();
    socket.close();
    expect(socket.state).toBe('FIN_WAIT_1');
    net.runFor(15_000); // FIN arrived at B, its ACK is on the way
    expect(server.socket?.state).toBe('CLOSE_WAIT');
    expect(server.events.at(-1)).toBe(`remoteClosed@${t0 + 10_000}`);
    net.runFor(10_000);
    expect(socket.state).toBe('FIN_WAIT_2');
    // Half-close: the server can still send.
    server.socket!.send(text('bye'));
    net.runFor(MS);
    expect(new TextDecoder().decode(client.bytes())).toBe('bye');
    const t1 = net.sim.now();
    server.socket!.close();
    expect(server.socket?.state).toBe('LAST_ACK');
    net.runFor(10_000);
    expect(socket.state).toBe('TIME_WAIT');
    expect(client.events.slice(-2)).toEqual([`remoteClosed@${t1 + 10_000}`, `closed:closed@${t1 + 10_000}`]);
    net.runFor(10_000);
    expect(server.socket?.state).toBe('CLOSED');
    expect(server.closedReason).toBe('closed');
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN']);
    // TIME_WAIT lasts 2·MSL = 60 s.
    net.runFor(60 * S - 20_000);
    expect(socket.state).toBe('TIME_WAIT');
    expect(net.a.sockets()).toHaveLength(1);
    net.runFor(20_000);
    expect(socket.state).toBe('CLOSED');
    expect(net.a.sockets()).toHaveLength(0);
    expect(client.events.filter((e) => e.startsWith('closed'))).toHaveLength(1);
    const tags = net.trace.map((c) => `${c.from}:${c.tag}`);
    expect(tags.filter((t) => t.includes('F'))).toEqual(['a:FA', 'b:FA']);
  });

  it('server closes first (HTTP/1.0 style): the FIN rides on the last data segment', () => {
    const net = new TestNet();
    const { client, server } = connectPair(net, 80, {
      data: (s) => {
        s.send(text('HTTP/1.0 200 OK\r\n\r\nhello'));
        s.close();
      },
    }, {
      connected: (s) => s.send(text('GET / HTTP/1.0\r\n\r\n')),
      remoteClosed: (s) => s.close(),
    });
    net.runFor(S);
    expect(new TextDecoder().decode(client.bytes())).toBe('HTTP/1.0 200 OK\r\n\r\nhello');
    expect(net.trace.filter((c) => c.from === 'b' && c.payload.length > 0).map((c) => c.tag)).toEqual(['FPA']);
    expect(client.closedReason).toBe('closed');
    expect(server.closedReason).toBe('closed');
    expect(client.socket?.state).toBe('CLOSED');
    expect(server.socket?.state).toBe('TIME_WAIT');
    net.runFor(60 * S);
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN']);
  });

  it('simultaneous close: both FIN_WAIT_1 → CLOSING → TIME_WAIT', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    socket.close();
    server.socket!.close();
    expect(socket.state).toBe('FIN_WAIT_1');
    expect(server.socket?.state).toBe('FIN_WAIT_1');
    net.runFor(10_000);
    expect(socket.state).toBe('CLOSING');
    expect(server.socket?.state).toBe('CLOSING');
    net.runFor(10_000);
    expect(socket.state).toBe('TIME_WAIT');
    expect(server.socket?.state).toBe('TIME_WAIT');
    expect(client.closedReason).toBe('closed');
    expect(server.closedReason).toBe('closed');
    net.runFor(61 * S);
    expect(net.a.sockets()).toHaveLength(0);
    expect(net.b.sockets()).toHaveLength(1);
  });

  it('re-ACKs a retransmitted FIN in TIME_WAIT and restarts the timer', () => {
    const net = new TestNet();
    const { socket, server } = connectPair(net);
    net.runFor(MS);
    socket.close();
    net.runFor(MS);
    // B's FIN is acknowledged, but that ACK is lost: B retransmits its FIN after the RTO.
    net.drop = (c) => c.from === 'a' && c.tag === 'A';
    server.socket!.close();
    net.runFor(20_000);
    expect(socket.state).toBe('TIME_WAIT');
    net.drop = () => false;
    net.runFor(S);
    expect(server.socket?.state).toBe('CLOSED');
    const fins = net.trace.filter((c) => c.from === 'b' && c.tag === 'FA');
    expect(fins).toHaveLength(2);
    const reAck = net.trace.filter((c) => c.from === 'a' && c.t > fins[1].t);
    expect(reAck.map((c) => c.tag)).toEqual(['A']);
    // TIME_WAIT now ends 60 s after the second FIN arrived.
    net.runFor(fins[1].t + 10_000 + 60 * S - net.sim.now() - 1);
    expect(socket.state).toBe('TIME_WAIT');
    net.runFor(1);
    expect(socket.state).toBe('CLOSED');
  });

  it('delivers everything queued before the FIN', () => {
    const net = new TestNet({ mtuA: 1500, mtuB: 1500 });
    const { server } = connectPair(net, 80, {}, {
      connected: (s) => {
        s.send(new Uint8Array(100_000).fill(9));
        s.close();
      },
    });
    net.runFor(S);
    expect(server.bytes().length).toBe(100_000);
    expect(server.events.at(-1)).toMatch(/^remoteClosed/);
    const fin = net.trace.filter((c) => c.from === 'a' && c.tag.includes('F'));
    expect(fin).toHaveLength(1);
    expect(fin[0].tag).toBe('FPA');
  });

  it('close during SYN_SENT ends the attempt; send after close throws', () => {
    const net = new TestNet();
    const r = recorder(net.sim);
    const s = net.a.connect(IP_B, 80, r);
    s.close();
    expect(s.state).toBe('CLOSED');
    expect(r.events).toEqual(['closed:closed@0']);
    expect(() => s.send(new Uint8Array(1))).toThrow(/CLOSED/);
    const { socket } = connectPair(net, 81);
    net.runFor(MS);
    socket.close();
    expect(() => socket.send(new Uint8Array(1))).toThrow(/closing/);
  });

  it('reopens a connection in TIME_WAIT: at once for a higher ISS, else after a challenge ACK and RST', () => {
    const paths = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const net = new TestNet({ seed });
      const { server, socket } = connectPair(net);
      net.runFor(MS);
      const port = socket.localPort;
      server.socket!.close();
      net.runFor(MS);
      socket.close();
      net.runFor(MS);
      expect(server.socket?.state).toBe('TIME_WAIT');
      expect(socket.state).toBe('CLOSED');
      const t0 = net.sim.now();
      const again = recorder(net.sim);
      const s2 = net.a.connect(IP_B, 80, again, { localPort: port });
      net.runFor(5 * S);
      expect(s2.state).toBe('ESTABLISHED');
      const took = Number(again.events[0].split('@')[1]) - t0;
      paths.add(took < S ? 'direct' : 'after-rst');
    }
    expect([...paths].sort()).toEqual(['after-rst', 'direct']);
  });
});
