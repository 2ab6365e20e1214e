import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../../../core/fabric/capture/capture-store.ts';
import { recordPacket, tapPort } from '../../../../core/fabric/capture/tap.ts';
import { DropReason, type FabricDropEvent, ruleRef } from '../../../../core/fabric/verdict.ts';
import { LinkDropReason } from '../../../../core/sim/drop.ts';
import { Link, type LinkOptions } from '../../../../core/sim/link.ts';
import { PacketPool } from '../../../../core/sim/packet-pool.ts';
import type { SimPacket } from '../../../../core/sim/packet.ts';
import type { PortReceiver } from '../../../../core/sim/port.ts';
import { Simulator } from '../../../../core/sim/simulator.ts';
import { udpFrame } from './frames.ts';

/** A device that takes what arrives and releases it. */
const swallow: PortReceiver = { receive: (p: SimPacket) => p.release() };

/** A link between a guest and its card, each end tapped as one capture point. */
function world(options: Partial<LinkOptions> = {}) {
  const sim = new Simulator({ seed: 3 });
  const pool = new PacketPool();
  const link = new Link(sim, { name: 'web-1/eni', config: { rateBps: 10e9, latencyNs: 1000 }, ...options });
  link.a.attach(swallow);
  link.b.attach(swallow);
  const store = new CaptureStore();
  const guest = store.addPoint({ name: 'web-1/guest', kind: 'eni' });
  const card = store.addPoint({ name: 'web-1/eni', kind: 'eni' });
  const taps = [tapPort(store, guest, link.a, { clock: sim }), tapPort(store, card, link.b, { clock: sim, deliverOnTransmit: true })];
  let traceId = 100;
  const packet = (bytes: Uint8Array) => {
    const p = pool.alloc(bytes.length);
    p.bytes.set(bytes);
    p.traceId = ++traceId;
    return p;
  };
  const rows = () =>
    Array.from({ length: store.available }, (_, i) => store.frame(store.firstAvailable + i)!).map((f) =>
      `${f.timeNs} ${store.point(f.pointId).name} ${f.direction} #${f.traceId} hop=${f.hop} ${f.verdict}${f.reason ? ` ${f.reason}` : ''}${f.rule ? ` [${f.rule.text}]` : ''}`,
    );
  return { sim, pool, link, store, guest, card, taps, packet, rows };
}

describe('tapPort', () => {
  it('records a frame at transmit and at receive, at the simulator times, with trace id and hops', () => {
    const w = world();
    const bytes = udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 958); // 1000 bytes on the wire
    expect(bytes.length).toBe(1000);
    w.sim.callAt(500, () => w.link.a.send(w.packet(bytes)));
    w.sim.callAt(10_000, () => w.link.b.send(w.packet(bytes)));
    w.sim.run();
    expect(w.rows()).toEqual([
      '500 web-1/guest out #101 hop=0 forward',
      '2300 web-1/eni in #101 hop=1 forward', // 800 ns serialization + 1000 ns latency
      '10000 web-1/eni out #102 hop=0 deliver', // the card's side towards the guest delivers
      '11800 web-1/guest in #102 hop=1 forward',
    ]);
    expect([...w.store.frame(1)!.bytes]).toEqual([...bytes]);
    expect([...w.store.frame(2)!.bytes]).toEqual([...bytes]);
  });

  it('shares the bytes of a frame seen at both ends of a link, and copies them when corrupted in flight', () => {
    const clean = world();
    const bytes = udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 958);
    clean.sim.callAt(0, () => clean.link.a.send(clean.packet(bytes)));
    clean.sim.run();
    const [sent, received] = [clean.store.frame(1)!.bytes, clean.store.frame(2)!.bytes];
    expect(received.buffer).toBe(sent.buffer);
    expect(received.byteOffset).toBe(sent.byteOffset);
    expect([...received]).toEqual([...bytes]);

    const noisy = world({ aToB: { corruptRate: 1 } });
    noisy.sim.callAt(0, () => noisy.link.a.send(noisy.packet(bytes)));
    noisy.sim.run();
    const [out, got] = [noisy.store.frame(1)!.bytes, noisy.store.frame(2)!.bytes];
    expect(got.byteOffset).not.toBe(out.byteOffset);
    expect([...out]).toEqual([...bytes]);
    expect(got.filter((b, i) => b !== bytes[i])).toHaveLength(1); // one flipped bit, one byte differs
  });

  it('records link drops with their reason and a direction that fits it', () => {
    const w = world({ aToB: { queuePackets: 0, mtu: 1500 }, bToA: { lossRate: 1 } });
    const small = udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 100);
    const jumbo = udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 3000);
    w.sim.callAt(0, () => {
      w.link.a.send(w.packet(small)); // on the wire
      w.link.a.send(w.packet(small)); // the line is busy and there is no queue
      w.link.a.send(w.packet(jumbo)); // too big for the MTU
    });
    w.sim.callAt(5000, () => w.link.b.send(w.packet(small))); // lost on the way back
    w.sim.run();
    expect(w.rows()).toEqual([
      '0 web-1/guest out #101 hop=0 forward',
      `0 web-1/guest out #102 hop=0 drop ${LinkDropReason.QueueFull}`,
      `0 web-1/guest out #103 hop=0 drop ${LinkDropReason.MtuExceeded}`,
      '1114 web-1/eni in #101 hop=1 forward',
      '5000 web-1/eni out #104 hop=0 deliver',
      `6114 web-1/guest in #104 hop=0 drop ${LinkDropReason.Loss}`, // seen leaving, never arrived
    ]);
    expect(w.store.frame(3)!.bytes.length).toBe(jumbo.length);
  });

  it('records a failed link as out at the sender, in for frames in flight when it failed', () => {
    const w = world();
    const bytes = udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 100);
    w.sim.callAt(0, () => w.link.a.send(w.packet(bytes)));
    w.sim.callAt(10, () => w.link.aToB.setUp(false)); // the frame is in flight
    w.sim.callAt(5000, () => w.link.a.send(w.packet(bytes)));
    w.sim.run();
    expect(w.rows()).toEqual([
      '0 web-1/guest out #101 hop=0 forward',
      `1114 web-1/eni in #101 hop=0 drop ${LinkDropReason.LinkDown}`,
      `5000 web-1/guest out #102 hop=0 drop ${LinkDropReason.LinkDown}`,
    ]);
  });

  it('records a fabric drop fired on a port with its reason and rule', () => {
    const w = world();
    const rule = ruleRef('security-group', 'sg-web', -1, 'no rule allows udp 53 from 10.0.1.10');
    w.sim.callAt(42, () => {
      const p = w.packet(udpFrame('10.0.1.10', '10.0.2.20', 40000, 53, 100));
      p.hops = 4;
      const event: FabricDropEvent = { packet: p, reason: DropReason.SgIngressDeny, detail: 'denied', rule };
      w.link.b.onDidDrop.fire(event);
      p.release();
    });
    w.sim.run();
    expect(w.rows()).toEqual([`42 web-1/eni in #101 hop=4 drop SG_INGRESS_DENY [${rule.text}]`]);
    expect(w.store.frame(1)!.rule).toBe(rule);
  });

  it('stops recording when disposed', () => {
    const w = world();
    for (const t of w.taps) t.dispose();
    w.sim.callAt(0, () => w.link.a.send(w.packet(udpFrame('10.0.1.10', '10.0.2.20', 1, 2))));
    w.sim.run();
    expect(w.store.count).toBe(0);
    expect(w.link.a.onDidTransmit.active).toBe(false);
  });

  it('refuses an unknown capture point at once', () => {
    const w = world();
    expect(() => tapPort(w.store, 9, w.link.a, { clock: w.sim })).toThrow(RangeError);
  });
});

describe('recordPacket', () => {
  it('records a frame a component made or decided itself', () => {
    const w = world();
    w.sim.callAt(77, () => {
      const p = w.packet(udpFrame('10.0.1.10', '10.0.2.20', 1, 2));
      p.hops = 2;
      recordPacket(w.store, w.card, w.sim, p, 'rewrite', 'out');
      p.release();
    });
    w.sim.run();
    expect(w.rows()).toEqual(['77 web-1/eni out #101 hop=2 rewrite']);
  });
});
