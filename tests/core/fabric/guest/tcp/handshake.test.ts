import { describe, expect, it } from 'vitest';
import { IP_A, IP_B, MS, TestNet, connectPair, mssOption, recorder } from './net.ts';

describe('TCP handshake', () => {
  it('goes SYN, SYN-ACK, ACK and reaches ESTABLISHED on both sides', () => {
    const net = new TestNet();
    const { client, server, socket } = connectPair(net);
    expect(socket.state).toBe('SYN_SENT');
    expect(socket.localIp).toBe(IP_A);
    expect(socket.remoteIp).toBe(IP_B);
    expect(socket.remotePort).toBe(80);
    expect(socket.localPort).toBeGreaterThanOrEqual(32768);
    expect(socket.localPort).toBeLessThanOrEqual(60999);
    net.runFor(15_000);
    expect(net.b.sockets().map((s) => s.state)).toEqual(['LISTEN', 'SYN_RECEIVED']);
    net.runFor(MS);
    expect(net.trace.map((c) => c.tag)).toEqual(['S', 'SA', 'A']);
    expect(socket.state).toBe('ESTABLISHED');
    expect(server.socket?.state).toBe('ESTABLISHED');
    expect(client.events).toEqual(['connected@20000']);
    expect(server.events).toEqual(['connected@30000']);
    const [syn, synAck, ack] = net.trace;
    expect(synAck.ack).toBe((syn.seq + 1) >>> 0);
    expect(ack.seq).toBe((syn.seq + 1) >>> 0);
    expect(ack.ack).toBe((synAck.seq + 1) >>> 0);
    // Round trip measured on the SYN: 20 µs.
    expect(socket.srttNs).toBe(20_000);
  });

  it('puts MSS, SACK-permitted, timestamps and window scale on the SYN, in Linux order', () => {
    const net = new TestNet();
    connectPair(net);
    net.runFor(MS);
    const [syn, synAck, ack] = net.trace;
    expect(syn.options.map((o) => o.kind)).toEqual(['mss', 'sack-permitted', 'timestamps', 'nop', 'wscale']);
    expect(syn.headerLen).toBe(40);
    expect(synAck.options.map((o) => o.kind)).toEqual(['mss', 'sack-permitted', 'timestamps', 'nop', 'wscale']);
    expect(syn.options.find((o) => o.kind === 'wscale')).toEqual({ kind: 'wscale', shift: 3 });
    // SYN windows are never scaled.
    expect(syn.window).toBe(65535);
    // After the handshake the window is scaled: 256 KiB >> 3.
    expect(ack.window).toBe(32768);
    expect(ack.options.map((o) => o.kind)).toEqual(['nop', 'nop', 'timestamps']);
    const ts = (i: number) => net.trace[i].options.find((o) => o.kind === 'timestamps') as { tsval: number; tsecr: number };
    expect(ts(0).tsecr).toBe(0);
    expect(ts(1).tsecr).toBe(ts(0).tsval);
    expect(ts(2).tsecr).toBe(ts(1).tsval);
  });

  it('offers only what the peer offered on the SYN-ACK', () => {
    const net = new TestNet({ configA: { sack: false, timestamps: false, windowScaling: false } });
    const { socket } = connectPair(net);
    net.runFor(MS);
    const [syn, synAck, ack] = net.trace;
    expect(syn.options.map((o) => o.kind)).toEqual(['mss']);
    expect(synAck.options.map((o) => o.kind)).toEqual(['mss']);
    expect(ack.headerLen).toBe(20);
    expect(synAck.window).toBe(65535);
    expect(ack.window).toBe(65535);
    expect(socket.mss).toBe(8961);
  });

  it('negotiates the MSS: a 9001-MTU host and a 1500-MTU host use 1460', () => {
    const net = new TestNet({ mtuA: 9001, mtuB: 1500 });
    const { client, server, socket } = connectPair(net);
    net.runFor(MS);
    expect(mssOption(net.trace[0])).toBe(8961);
    expect(mssOption(net.trace[1])).toBe(1460);
    expect(socket.mss).toBe(1460);
    expect(server.socket?.mss).toBe(1460);
    expect(client.socket).toBe(socket);
  });

  it('assumes 536 when the SYN carries no MSS option', () => {
    const net = new TestNet();
    const server = recorder(net.sim);
    net.b.listen(80, () => server);
    // A hand-made SYN without options from 10.0.0.1:5000.
    const syn = new Uint8Array(20);
    syn.set([0x13, 0x88, 0x00, 0x50, 0, 0, 0, 100, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff]);
    fillTestChecksum(syn);
    net.b.input(IP_A, IP_B, syn);
    net.a.input(IP_A, IP_B, new Uint8Array(0)); // noise: malformed, counted
    expect(net.a.stats.malformed).toBe(1);
    const half = net.b.sockets()[1];
    expect(half.state).toBe('SYN_RECEIVED');
    expect(half.mss).toBe(536);
    expect(net.trace[0].tag).toBe('SA');
    expect(net.trace[0].options.map((o) => o.kind)).toEqual(['mss']);
  });

  it('completes a simultaneous open (SYNs cross)', () => {
    const net = new TestNet();
    const ra = recorder(net.sim);
    const rb = recorder(net.sim);
    const sa = net.a.connect(IP_B, 7000, ra, { localPort: 6000 });
    const sb = net.b.connect(IP_A, 6000, rb, { localPort: 7000 });
    net.runFor(MS);
    expect(sa.state).toBe('ESTABLISHED');
    expect(sb.state).toBe('ESTABLISHED');
    expect(ra.events).toHaveLength(1);
    expect(rb.events).toHaveLength(1);
    expect(net.trace.map((c) => c.tag)).toEqual(['S', 'S', 'SA', 'SA']);
    // Data flows both ways afterwards.
    sa.send(new Uint8Array([1, 2, 3]));
    sb.send(new Uint8Array([4, 5]));
    net.runFor(MS);
    expect([...rb.bytes()]).toEqual([1, 2, 3]);
    expect([...ra.bytes()]).toEqual([4, 5]);
  });

  it('refuses a second listener on the same port and a duplicate connection', () => {
    const net = new TestNet();
    const l = net.b.listen(80, () => ({}));
    expect(() => net.b.listen(80, () => ({}))).toThrow(/address already in use/);
    l.dispose();
    expect(net.b.sockets()).toHaveLength(0);
    net.b.listen(80, () => ({}));
    net.a.connect(IP_B, 80, {}, { localPort: 40000 });
    expect(() => net.a.connect(IP_B, 80, {}, { localPort: 40000 })).toThrow(/address already in use/);
    expect(() => net.a.connect(IP_B, 0, {})).toThrow(RangeError);
  });

  it('chooses distinct ephemeral ports', () => {
    const net = new TestNet();
    net.b.listen(80, () => ({}));
    const ports = new Set<number>();
    for (let i = 0; i < 50; i++) ports.add(net.a.connect(IP_B, 80, {}).localPort);
    expect(ports.size).toBe(50);
    for (const p of ports) expect(p >= 32768 && p <= 60999).toBe(true);
  });

  it('lists listeners and connections for netstat', () => {
    const net = new TestNet();
    connectPair(net, 443);
    net.runFor(MS);
    expect(net.b.sockets().map((s) => `${s.state} ${s.localPort} ${s.remotePort > 0 ? 'peer' : '-'}`)).toEqual(['LISTEN 443 -', 'ESTABLISHED 443 peer']);
    expect(net.a.stats.activeOpens).toBe(1);
    expect(net.b.stats.passiveOpens).toBe(1);
  });
});

function fillTestChecksum(seg: Uint8Array): void {
  // Pseudo-header 10.0.0.1 → 10.0.0.2, protocol 6.
  let sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + seg.length;
  for (let i = 0; i < seg.length; i += 2) sum += (seg[i] << 8) | (seg[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  seg[16] = c >>> 8;
  seg[17] = c & 0xff;
}
