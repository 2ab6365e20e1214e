import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../../core/base/checksum.ts';
import type { DropEvent } from '../../../core/sim/drop.ts';
import { serializationNs } from '../../../core/sim/link-config.ts';
import { Link, type LinkOptions } from '../../../core/sim/link.ts';
import { PacketPool } from '../../../core/sim/packet-pool.ts';
import type { SimPacket } from '../../../core/sim/packet.ts';
import type { Port, PortReceiver } from '../../../core/sim/port.ts';
import { Simulator } from '../../../core/sim/simulator.ts';

/** A device that records what it receives (time, trace id, bytes) and releases it. */
class Sink implements PortReceiver {
  readonly got: { t: number; id: number; hops: number; bytes: Uint8Array }[] = [];
  constructor(private readonly sim: Simulator) {}
  receive(p: SimPacket): void {
    this.got.push({ t: this.sim.now(), id: p.traceId, hops: p.hops, bytes: p.bytes.slice() });
    p.release();
  }
}

function world(options: Partial<LinkOptions> = {}, seed = 1) {
  const sim = new Simulator({ seed });
  const pool = new PacketPool();
  const link = new Link(sim, { name: 'l1', ...options });
  const atA = new Sink(sim);
  const atB = new Sink(sim);
  link.a.attach(atA);
  link.b.attach(atB);
  const events: string[] = [];
  // The packet in a DropEvent is lent: it is released (and may be recycled) right after the
  // callback, so record its trace id now rather than keeping the packet.
  const drops: (Omit<DropEvent, 'packet'> & { id: number; t: number; port: string })[] = [];
  for (const port of [link.a, link.b]) {
    port.onDidTransmit.subscribe((p) => events.push(`tx ${port.name} #${p.traceId} @${sim.now()}`));
    port.onDidReceive.subscribe((p) => events.push(`rx ${port.name} #${p.traceId} @${sim.now()}`));
    port.onDidDrop.subscribe((d) => drops.push({ reason: d.reason, detail: d.detail, id: d.packet.traceId, t: sim.now(), port: port.name }));
  }
  let nextId = 1;
  const frame = (size: number) => {
    const p = pool.alloc(size);
    p.traceId = nextId++;
    for (let i = 0; i < size; i++) p.bytes[i] = (i * 7 + p.traceId) & 0xff;
    return p;
  };
  const sendAt = (t: number, from: Port, size: number) => sim.callAt(t, () => from.send(frame(size)));
  return { sim, pool, link, atA, atB, events, drops, frame, sendAt };
}

describe('serializationNs', () => {
  it('is bits / rate rounded up to whole ns, exactly', () => {
    expect(serializationNs(1000, 10e9)).toBe(800);
    expect(serializationNs(1000, 3e9)).toBe(2667); // 2666.67 → 2667
    expect(serializationNs(64, 10e9)).toBe(52); // 51.2 → 52
    expect(serializationNs(1500, 1e9)).toBe(12_000);
    expect(serializationNs(9015, 100e9)).toBe(722); // 721.2 → 722
    expect(serializationNs(125, 1e9)).toBe(1000); // exact: no spurious +1
    expect(serializationNs(1, 1)).toBe(8e9);
    expect(serializationNs(1000, Infinity)).toBe(0);
  });
});

describe('Link timing', () => {
  it('delivers after serialization + latency, and queues back-to-back frames behind each other', () => {
    const w = world({ config: { rateBps: 10e9, latencyNs: 1000 } });
    w.sendAt(0, w.link.a, 1000);
    w.sendAt(0, w.link.a, 1000);
    w.sendAt(0, w.link.a, 500);
    w.sendAt(5000, w.link.a, 1000); // the line is idle again by then
    w.sim.run();
    expect(w.atB.got.map((g) => [g.id, g.t])).toEqual([
      [1, 1800], // 800 ns serialization + 1000 ns latency
      [2, 2600], // waits 800 ns for #1 to leave the line
      [3, 3000], // starts at 1600, 400 ns serialization
      [4, 6800],
    ]);
    expect(w.events).toEqual([
      'tx l1/a #1 @0',
      'tx l1/a #2 @800',
      'tx l1/a #3 @1600',
      'rx l1/b #1 @1800',
      'rx l1/b #2 @2600',
      'rx l1/b #3 @3000',
      'tx l1/a #4 @5000',
      'rx l1/b #4 @6800',
    ]);
    expect(w.atB.got.every((g) => g.hops === 1)).toBe(true);
    expect(w.link.aToB.counters).toMatchObject({ txPackets: 4, txBytes: 3500, rxPackets: 4, rxBytes: 3500, drops: 0 });
    expect(w.pool.liveCount).toBe(0);
  });

  it('runs both directions independently, each with its own settings', () => {
    const w = world({ aToB: { rateBps: 1e9, latencyNs: 50 }, bToA: { rateBps: 3e9, latencyNs: 7 } });
    w.sendAt(0, w.link.a, 1000);
    w.sendAt(0, w.link.b, 1000);
    w.sim.run();
    expect(w.atB.got.map((g) => g.t)).toEqual([8050]);
    expect(w.atA.got.map((g) => g.t)).toEqual([2674]); // 2667 + 7
  });

  it('changes the rate for frames that start after the change', () => {
    const w = world({ config: { rateBps: 10e9, latencyNs: 0 } });
    w.sendAt(0, w.link.a, 1000);
    w.sendAt(0, w.link.a, 1000);
    w.sim.callAt(100, () => w.link.aToB.configure({ rateBps: 1e9 }));
    w.sim.run();
    expect(w.atB.got.map((g) => g.t)).toEqual([800, 800 + 8000]);
  });
});

describe('Link drops', () => {
  it('drops frames over the MTU (+ L2 header) with a reason, and passes the largest legal frame', () => {
    const w = world({ config: { mtu: 9001 } });
    w.sim.callAt(0, () => {
      expect(w.link.a.send(w.frame(9015))).toBe(true);
      expect(w.link.a.send(w.frame(9016))).toBe(false);
    });
    w.sim.run();
    expect(w.atB.got.map((g) => g.bytes.length)).toEqual([9015]);
    expect(w.drops).toHaveLength(1);
    expect(w.drops[0]).toMatchObject({ reason: 'LINK_MTU_EXCEEDED', port: 'l1/a', t: 0 });
    expect(w.drops[0].detail).toBe('frame 9016 B > MTU 9001 B + 14 B L2 header on l1/a → l1/b');
    expect(w.pool.liveCount).toBe(0);
  });

  it('drops at the tail when the DropTail queue is full (the frame on the wire does not count)', () => {
    const w = world({ config: { queuePackets: 2 } });
    w.sim.callAt(0, () => {
      const accepted = [1, 2, 3, 4, 5].map(() => w.link.a.send(w.frame(1000)));
      expect(accepted).toEqual([true, true, true, false, false]);
      expect(w.link.aToB.queueLength).toBe(2);
      expect(w.link.aToB.isBusy).toBe(true);
    });
    w.sim.run();
    expect(w.atB.got.map((g) => g.id)).toEqual([1, 2, 3]);
    expect(w.drops.map((d) => `${d.reason} #${d.id}`)).toEqual(['LINK_QUEUE_FULL #4', 'LINK_QUEUE_FULL #5']);
    expect(w.drops[0].detail).toBe('transmit queue full (2 packets) on l1/a → l1/b');
    expect(w.link.aToB.counters.drops).toBe(2);
    expect(w.pool.liveCount).toBe(0);
  });

  it('with a zero-length queue, drops whatever finds the line busy', () => {
    const w = world({ config: { queuePackets: 0 } });
    w.sendAt(0, w.link.a, 1000);
    w.sendAt(799, w.link.a, 1000); // still serializing #1
    w.sendAt(800, w.link.a, 1000); // line free again
    w.sim.run();
    expect(w.atB.got.map((g) => g.id)).toEqual([1, 3]);
    expect(w.drops.map((d) => d.reason)).toEqual(['LINK_QUEUE_FULL']);
  });

  it('loses frames at the configured rate, deterministically for a seed, reported at arrival on the receiver', () => {
    const n = 10_000;
    const run = (seed: number) => {
      const w = world({ config: { lossRate: 0.1 } }, seed);
      for (let i = 0; i < n; i++) w.sendAt(i * 1000, w.link.a, 100);
      w.sim.run();
      return w;
    };
    const w = run(1);
    const lost = w.drops.length;
    // Binomial(10000, 0.1): mean 1000, sd 30; a correct model lands within 4 sd for any seed…
    expect(Math.abs(lost - 1000)).toBeLessThan(120);
    // …and this seed's exact count is part of the determinism contract.
    expect(lost).toBe(952);
    expect(w.atB.got.length + lost).toBe(n);
    expect(w.drops.every((d) => d.reason === 'LINK_LOSS' && d.port === 'l1/b')).toBe(true);
    // Transmitted (a tap at the sender sees it), dropped at its would-be arrival time.
    const first = w.drops[0];
    const sentAt = (first.id - 1) * 1000;
    expect(first.t).toBe(sentAt + 80 + 1000);
    expect(w.link.aToB.counters.txPackets).toBe(n);
    expect(run(1).drops.map((d) => d.id)).toEqual(w.drops.map((d) => d.id));
    expect(run(2).drops.length).not.toBe(lost);
    expect(w.pool.liveCount).toBe(0);
  });

  it('corrupts one seeded bit of a private copy: the receiver sees a bad checksum, the sender keeps the original', () => {
    const w = world({ config: { corruptRate: 1 } });
    const originals: Uint8Array[] = [];
    w.sim.callAt(0, () => {
      for (let k = 0; k < 20; k++) {
        const p = w.frame(64);
        // Make the whole frame sum to a valid Internet checksum (last two bytes are the checksum).
        p.bytes[62] = 0;
        p.bytes[63] = 0;
        const c = internetChecksum(p.bytes);
        p.bytes[62] = c >> 8;
        p.bytes[63] = c & 0xff;
        expect(internetChecksum(p.bytes)).toBe(0);
        originals.push(p.bytes); // keep the sender's view of the bytes
        w.link.a.send(p);
      }
    });
    w.sim.run();
    expect(w.atB.got).toHaveLength(20);
    const flipped: number[] = [];
    w.atB.got.forEach((g, k) => {
      expect(internetChecksum(originals[k])).toBe(0); // untouched
      expect(internetChecksum(g.bytes)).not.toBe(0); // a single-bit error is always detected
      let bits = 0;
      for (let i = 0; i < 64; i++) {
        const x = g.bytes[i] ^ originals[k][i];
        for (let b = 0; b < 8; b++) if (x & (1 << b)) bits++;
        if (x) flipped.push(i * 8 + Math.clz32(x) - 24);
      }
      expect(bits).toBe(1);
    });
    expect(new Set(flipped).size).toBeGreaterThan(10); // spread over the frame
    expect(flipped.slice(0, 5)).toEqual([175, 346, 329, 179, 508]); // seeded positions
    expect(w.link.aToB.counters.corrupted).toBe(20);
    expect(w.pool.liveCount).toBe(0);
  });

  it('fails one way only: the down direction drops, the other keeps delivering', () => {
    const w = world();
    w.link.aToB.setUp(false);
    w.sim.callAt(0, () => {
      expect(w.link.a.send(w.frame(100))).toBe(false);
      expect(w.link.b.send(w.frame(100))).toBe(true);
    });
    w.sim.run();
    expect(w.atB.got).toHaveLength(0);
    expect(w.atA.got.map((g) => g.id)).toEqual([2]);
    expect(w.drops.map((d) => `${d.reason} ${d.port}`)).toEqual(['LINK_DOWN l1/a']);
    expect(w.drops[0].detail).toBe('direction l1/a → l1/b is down');
    expect(w.link.aToB.isUp).toBe(false);
    expect(w.link.bToA.isUp).toBe(true);
  });

  it('going down flushes the queue and kills frames in flight; coming back up restores delivery', () => {
    const w = world({ config: { latencyNs: 10_000 } });
    w.sendAt(0, w.link.a, 1000); // on the wire until 800, arrives 10 800
    w.sendAt(0, w.link.a, 1000); // queued
    w.sim.callAt(500, () => w.link.aToB.setUp(false));
    w.sim.callAt(20_000, () => w.link.aToB.setUp(true));
    w.sendAt(20_000, w.link.a, 1000);
    w.sim.run();
    expect(w.drops.map((d) => `${d.reason} ${d.port} #${d.id} @${d.t}`)).toEqual([
      'LINK_DOWN l1/a #2 @500', // flushed from the queue
      'LINK_DOWN l1/b #1 @10800', // in flight when the fibre was cut
    ]);
    expect(w.atB.got.map((g) => [g.id, g.t])).toEqual([[3, 30_800]]);
    expect(w.pool.liveCount).toBe(0);
  });

  it('drops frames arriving at a port with no device', () => {
    const w = world();
    w.link.b.attach(null);
    w.sendAt(0, w.link.a, 100);
    w.sim.run();
    expect(w.drops.map((d) => `${d.reason} ${d.port}`)).toEqual(['PORT_NO_DEVICE l1/b']);
    expect(w.pool.liveCount).toBe(0);
  });

  it('rejects invalid settings', () => {
    const sim = new Simulator();
    expect(() => new Link(sim, { name: 'x', config: { rateBps: 0 } })).toThrow(/rateBps/);
    expect(() => new Link(sim, { name: 'x', config: { latencyNs: 1.5 } })).toThrow(/latencyNs/);
    expect(() => new Link(sim, { name: 'x', aToB: { lossRate: 2 } })).toThrow(/lossRate/);
    const l = new Link(sim, { name: 'y' });
    expect(() => l.bToA.configure({ queuePackets: -1 })).toThrow(/queuePackets/);
    expect(l.directionFrom(l.b)).toBe(l.bToA);
    expect(l.a.peer).toBe(l.b);
  });
});

describe('Link hops', () => {
  it('counts one hop per link crossed', () => {
    const sim = new Simulator();
    const pool = new PacketPool();
    const l1 = new Link(sim, { name: 'l1' });
    const l2 = new Link(sim, { name: 'l2' });
    l1.b.attach({ receive: (p) => l2.a.send(p) });
    const sink = new Sink(sim);
    l2.b.attach(sink);
    sim.callAt(0, () => l1.a.send(pool.alloc(100)));
    sim.run();
    expect(sink.got.map((g) => [g.hops, g.t])).toEqual([[2, 2 * (80 + 1000)]]);
  });
});
