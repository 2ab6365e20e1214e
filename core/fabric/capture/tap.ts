/**
 * Taps: a capture point attached to a kernel port's trace sources. A tap records what the port
 * transmits (`out`), receives (`in`) and drops (with the drop's reason and rule), stamped with the
 * simulator's clock and the packet's trace id and hop count. Models never know about captures:
 * a port with no tap costs nothing (its trace sources have no sinks).
 */
import type { Disposable } from '../../base/event.ts';
import { type DropEvent, LinkDropReason } from '../../sim/drop.ts';
import type { SimPacket } from '../../sim/packet.ts';
import type { Port } from '../../sim/port.ts';
import type { FabricDropEvent, RuleRef, VerdictKind } from '../verdict.ts';
import { type CaptureDirection, DIRECTION_CODE, verdictCode } from './capture-point.ts';
import type { CaptureStore } from './capture-store.ts';

/** Where taps read the time: the Simulator (anything with its `now()` in integer ns). */
export interface CaptureClock {
  now(): number;
}

export interface TapOptions {
  readonly clock: CaptureClock;
  /**
   * Frames this port transmits are deliveries to their final receiver (the card's ENI port,
   * towards the guest): recorded with verdict `deliver` instead of `forward`.
   */
  readonly deliverOnTransmit?: boolean;
}

/** Subscribes a capture point to `port`'s transmit, receive and drop sources; dispose to detach. */
export function tapPort(store: CaptureStore, pointId: number, port: Port, options: TapOptions): Disposable {
  store.point(pointId); // fail now, not on the first frame
  const clock = options.clock;
  // Codes fixed per tap, so a frame costs no string lookups.
  const txVerdict = verdictCode(options.deliverOnTransmit ? 'deliver' : 'forward');
  const forward = verdictCode('forward');
  const dropped = verdictCode('drop');
  const out = DIRECTION_CODE.out;
  const inbound = DIRECTION_CODE.in;
  const subs = [
    port.onDidTransmit.subscribe((p: SimPacket) => {
      const bytes = p.bytes;
      const hops = p.hops;
      let n = 0;
      // The device declared what it changed since the frame arrived, and a tap recorded it on
      // arrival (at this hop): store only the changed bytes.
      if (p.editPrefix >= 0 && p.captureHop === hops) {
        n = store.recordEditedCoded(p.captureFrame, p.editPrefix, p.editGrow, pointId, clock.now(), bytes, p.traceId, hops, txVerdict, 0, out, 0);
      }
      if (n === 0) n = store.recordCoded(pointId, clock.now(), bytes, p.traceId, hops, txVerdict, 0, out, 0);
      p.captureFrame = n;
      p.captureHop = hops;
      p.captureView = bytes;
      p.capturePort = port;
    }),
    port.onDidReceive.subscribe((p: SimPacket) => {
      // What the far end transmitted arrives unchanged (corruption swaps the view): share its bytes.
      if (p.captureFrame !== 0 && p.captureView === p.bytes && p.capturePort === port.peer) {
        const n = store.recordSharedCoded(p.captureFrame, pointId, clock.now(), p.traceId, p.hops, forward, 0, inbound, 0);
        if (n !== 0) {
          p.captureFrame = n;
          p.captureHop = p.hops;
          return;
        }
      }
      p.captureFrame = store.recordCoded(pointId, clock.now(), p.bytes, p.traceId, p.hops, forward, 0, inbound, 0);
      p.captureHop = p.hops;
      p.captureView = null;
    }),
    port.onDidDrop.subscribe((e: DropEvent) => {
      const p = e.packet;
      const rule = (e as FabricDropEvent).rule ?? null;
      store.recordCoded(pointId, clock.now(), p.bytes, p.traceId, p.hops, dropped, store.reasonCode(e.reason), DIRECTION_CODE[dropDirection(port, e.reason)], store.ruleCode(rule));
    }),
  ];
  return {
    dispose() {
      for (const s of subs) s.dispose();
    },
  };
}

/**
 * Which way a dropped frame was going at `port`. The event does not say, so it follows from the
 * reason: MTU and a full queue refuse a frame on its way out; loss and a missing device hit it on
 * arrival; a fabric component drops what it received on that port. `LINK_DOWN` happens both ways
 * (sent into a failed direction, or in flight when the far direction failed): it is `out` when the
 * port's own transmit direction is down, else `in`.
 */
export function dropDirection(port: Port, reason: string): CaptureDirection {
  switch (reason) {
    case LinkDropReason.MtuExceeded:
    case LinkDropReason.QueueFull:
      return 'out';
    case LinkDropReason.LinkDown:
      return port.egress !== undefined && !port.egress.isUp ? 'out' : 'in';
    default:
      return 'in';
  }
}

/**
 * Records a packet directly at a capture point, for components that make or decide frames outside
 * a port's sources (a synthesized ICMP error, a NAT rewrite): the packet is lent, as to any sink.
 */
export function recordPacket(
  store: CaptureStore,
  pointId: number,
  clock: CaptureClock,
  packet: SimPacket,
  verdict: VerdictKind,
  direction: CaptureDirection,
  reason: string | null = null,
  rule: RuleRef | null = null,
): number {
  return store.record(pointId, clock.now(), packet.bytes, packet.traceId, packet.hops, verdict, reason, direction, rule);
}
