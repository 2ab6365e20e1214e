import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../../../../../core/base/checksum.ts';
import type { TcpState } from '../../../../../core/fabric/guest/tcp/index.ts';
import { IP_A, IP_B, MS, S, TestNet, connectPair, recorder } from './net.ts';
import { buildSegment } from './raw.ts';

const STATES: readonly TcpState[] = ['LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT', 'CLOSED'];

function fixChecksum(seg: Uint8Array, src: number, dst: number): void {
  if (seg.length < 18) return;
  seg[16] = 0;
  seg[17] = 0;
  const c = finishChecksum(sumWords(seg, 0, seg.length, pseudoHeaderSum(src, dst, 6, seg.length)));
  seg[16] = c >>> 8;
  seg[17] = c & 0xff;
}

/** Bytes that look enough like TCP to go deep: ports, numbers near the connection's, random flags and options. */
function hostileSegment(ports: number[], seqs: number[]) {
  return fc
    .record({
      srcPort: fc.constantFrom(...ports, 1, 65535),
      dstPort: fc.constantFrom(80, 1, 65535),
      seq: fc.oneof(fc.constantFrom(...seqs), fc.integer({ min: 0, max: 0xffffffff })),
      seqDelta: fc.integer({ min: -70_000, max: 70_000 }),
      ack: fc.oneof(fc.constantFrom(...seqs), fc.integer({ min: 0, max: 0xffffffff })),
      ackDelta: fc.integer({ min: -70_000, max: 70_000 }),
      dataOffset: fc.integer({ min: 0, max: 15 }),
      flags: fc.integer({ min: 0, max: 0xfff }),
      window: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
      options: fc.uint8Array({ maxLength: 40 }),
      payload: fc.uint8Array({ maxLength: 3000 }),
      goodChecksum: fc.boolean(),
    })
    .map((r) => {
      const seg = new Uint8Array(20 + r.options.length + r.payload.length);
      const dv = new DataView(seg.buffer);
      dv.setUint16(0, r.srcPort);
      dv.setUint16(2, r.dstPort);
      dv.setUint32(4, (r.seq + r.seqDelta) >>> 0);
      dv.setUint32(8, (r.ack + r.ackDelta) >>> 0);
      dv.setUint16(12, (r.dataOffset << 12) | r.flags);
      dv.setUint16(14, r.window);
      seg.set(r.options, 20);
      seg.set(r.payload, 20 + r.options.length);
      if (r.goodChecksum) fixChecksum(seg, IP_A, IP_B);
      return seg;
    });
}

describe('TCP robustness', () => {
  it('nothing a peer sends throws out of input, and timers keep working afterwards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const net = new TestNet({ seed });
        const { socket, server } = connectPair(net, 80, { data: (s, b) => s.send(b.subarray(0, 10)) });
        net.runFor(MS);
        socket.send(new Uint8Array(20_000));
        net.runFor(MS);
        const syn = net.trace[0];
        const synAck = net.trace[1];
        const ports = [syn.srcPort];
        const seqs = [syn.seq, (syn.seq + 1) >>> 0, synAck.seq, (synAck.seq + 1) >>> 0, net.trace.at(-1)!.seq, net.trace.at(-1)!.ack];
        const segs = fc.sample(hostileSegment(ports, seqs), { numRuns: 300, seed });
        for (const seg of segs) {
          net.b.input(IP_A, IP_B, seg);
          net.runFor(1000);
        }
        net.runFor(2000 * S);
        for (const s of [...net.a.sockets(), ...net.b.sockets()]) expect(STATES).toContain(s.state);
        expect(STATES).toContain(server.socket!.state);
      }),
      { numRuns: 25 },
    );
  });

  it('drops segments with a bad checksum or a bad data offset and counts them', () => {
    const net = new TestNet();
    net.b.listen(80, () => ({}));
    const good = buildSegment(IP_A, IP_B, { srcPort: 1000, dstPort: 80, seq: 1, ack: 0, flags: 'S' });
    const badSum = good.slice();
    badSum[16] ^= 0xff;
    net.b.input(IP_A, IP_B, badSum);
    const badOffset = good.slice();
    badOffset[12] = 0x40; // 16 bytes
    net.b.input(IP_A, IP_B, badOffset);
    const tooLong = good.slice();
    tooLong[12] = 0xf0; // 60 bytes, only 20 there
    net.b.input(IP_A, IP_B, tooLong);
    net.b.input(IP_A, IP_B, good.subarray(0, 19));
    net.b.input(IP_A, parseInt('0a000003', 16), good); // not our address
    expect(net.b.stats.badChecksum).toBe(1);
    expect(net.b.stats.malformed).toBe(4);
    expect(net.trace).toHaveLength(0);
    net.b.input(IP_A, IP_B, good);
    expect(net.trace.map((c) => c.tag)).toEqual(['SA']);
  });

  it('survives options that run past the header or have silly lengths', () => {
    const net = new TestNet();
    net.b.listen(80, () => ({}));
    const seg = buildSegment(IP_A, IP_B, { srcPort: 1000, dstPort: 80, seq: 1, ack: 0, flags: 'S', options: [{ kind: 'mss', value: 1400 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] });
    // Turn the NOPs into a window-scale option whose length (200) runs past the header.
    seg[24] = 3;
    seg[25] = 200;
    fixChecksum(seg, IP_A, IP_B);
    net.b.input(IP_A, IP_B, seg);
    expect(net.trace.map((c) => c.tag)).toEqual(['SA']);
    expect(net.b.sockets()[1].mss).toBe(1400);
    // Zero-length option: scanning stops, the segment still counts.
    const seg2 = buildSegment(IP_A, IP_B, { srcPort: 1001, dstPort: 80, seq: 1, ack: 0, flags: 'S', options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] });
    seg2[20] = 2;
    seg2[21] = 0;
    fixChecksum(seg2, IP_A, IP_B);
    net.b.input(IP_A, IP_B, seg2);
    expect(net.b.sockets()[2].mss).toBe(536);
    // MSS 0 and window scale 200 from a hostile SYN are clamped.
    const seg3 = buildSegment(IP_A, IP_B, { srcPort: 1002, dstPort: 80, seq: 1, ack: 0, flags: 'S', options: [{ kind: 'mss', value: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 200 }] });
    net.b.input(IP_A, IP_B, seg3);
    expect(net.b.sockets()[3].mss).toBe(88);
  });

  it('answers an ACK for data never sent with an ACK and ignores it', () => {
    const net = new TestNet();
    const { server } = connectPair(net);
    net.runFor(MS);
    const [syn, synAck] = net.trace;
    const n = net.trace.length;
    net.b.input(IP_A, IP_B, buildSegment(IP_A, IP_B, { srcPort: syn.srcPort, dstPort: 80, seq: syn.seq + 1, ack: synAck.seq + 100_000, flags: 'A' }));
    expect(net.trace.slice(n).map((c) => c.tag)).toEqual(['A']);
    expect(server.socket?.state).toBe('ESTABLISHED');
  });

  it('probes a zero window with backoff and resumes when it opens', () => {
    const net = new TestNet();
    net.drop = () => true; // we play B by hand
    const client = recorder(net.sim);
    const s = net.a.connect(IP_B, 80, client);
    const syn = net.trace[0];
    const port = syn.srcPort;
    net.a.input(IP_B, IP_A, buildSegment(IP_B, IP_A, { srcPort: 80, dstPort: port, seq: 1000, ack: syn.seq + 1, flags: 'SA', window: 0, options: [{ kind: 'mss', value: 1460 }] }));
    expect(s.state).toBe('ESTABLISHED');
    const n = net.trace.length;
    s.send(new Uint8Array(5000).fill(1));
    net.runFor(1500 * MS);
    const probes = net.trace.slice(n);
    expect(probes.every((c) => c.payload.length === 0 && c.seq === syn.seq)).toBe(true); // SND.UNA − 1
    expect(probes.map((c) => c.t / MS)).toEqual([200, 600, 1400]);
    // The peer answers a probe: window still zero; then opens it.
    net.a.input(IP_B, IP_A, buildSegment(IP_B, IP_A, { srcPort: 80, dstPort: port, seq: 1001, ack: syn.seq + 1, flags: 'A', window: 0 }));
    net.a.input(IP_B, IP_A, buildSegment(IP_B, IP_A, { srcPort: 80, dstPort: port, seq: 1001, ack: syn.seq + 1, flags: 'A', window: 3000 }));
    const data = net.trace.filter((c) => c.payload.length > 0);
    expect(data.map((c) => c.payload.length)).toEqual([1460, 1460]);
    expect(s.state).toBe('ESTABLISHED');
  });
});
