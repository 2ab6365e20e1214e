/**
 * The simulation mode's event list (Packet Tracer's Event List, with the fabric's verdicts): every
 * packet event in order — a port transmitting, a port receiving, a drop with its reason and rule —
 * and every Nitro card pipeline decision, each stamped with virtual time, the component (node name
 * as in the topology: instance, host, ToR, spine), a one-line label of the packet and the capture
 * frame it produced, so selecting an event can select its frame.
 *
 * It subscribes to the fabric's trace sources like captures do; it must be created after the
 * taps (SimulationService creates those in its constructor), so that when a tapped port fires,
 * the frame it just recorded is the store's newest.
 *
 * Bounded: the newest `maxEvents` are kept (the sequence numbers of older ones stay counted in
 * `firstAvailable`). Pages are bounded by the caller.
 */
import type { Disposable } from '../base/event.ts';
import type { CaptureStore } from '../fabric/capture/capture-store.ts';
import type { FabricDropEvent, VerdictKind } from '../fabric/verdict.ts';
import type { Fabric } from '../fabric/world.ts';
import { serializationNs } from '../sim/link-config.ts';
import type { Port } from '../sim/port.ts';
import { packetLabel } from './packet-label.ts';

export type LoggedEventKind = 'transmit' | 'receive' | 'drop' | 'decide';

export interface LoggedEvent {
  /** Position in the whole log since load, from 0. */
  readonly seq: number;
  readonly time: number;
  readonly kind: LoggedEventKind;
  /** The tenant packet's trace id; 0 for frames that have none (substrate-only traffic). */
  readonly traceId: number;
  /** Links crossed so far. */
  readonly hop: number;
  /** The port where it happened (`web:eth0`, `web:eni`, `host-a:eth0`, `tor-a:spine-a-1`). */
  readonly port: string;
  /** The node that port belongs to: an instance, a host (its Nitro card), a ToR or a spine. */
  readonly component: string;
  /** For transmits: the node at the far end of the link. */
  readonly peer: string | null;
  /** For decisions: the card's pipeline stage (`sg-egress`, `route`, `encapsulate`, …). */
  readonly stage: string | null;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly rule: string | null;
  readonly detail: string;
  /** What the packet is, in one line. */
  readonly label: string;
  /** The capture frame this event recorded (or, for a decision, the frame it decided about). */
  readonly frame: number | null;
  /** For transmits: when its last bit reaches the far port (serialization + latency). */
  readonly arrives: number | null;
}

export interface EventLogPage {
  readonly offset: number;
  /** Events logged since load (including those no longer held). */
  readonly total: number;
  /** Sequence number of the oldest event still held. */
  readonly firstAvailable: number;
  /** Packet events (transmit, receive, drop) since load. */
  readonly packets: number;
  readonly rows: readonly LoggedEvent[];
}

export interface PacketInFlightRecord {
  readonly traceId: number;
  readonly fromPort: string;
  readonly toPort: string;
  readonly from: string;
  readonly to: string;
  readonly sent: number;
  readonly arrives: number;
  readonly label: string;
}

export interface TapCount {
  readonly port: string;
  readonly node: string;
  readonly peer: string;
  readonly frames: number;
}

export interface EventLogOptions {
  readonly maxEvents?: number;
}

/** In-flight packets reported at most (a flood could have thousands on the wire). */
export const MAX_IN_FLIGHT = 500;

export class EventLog implements Disposable {
  private rows: LoggedEvent[] = [];
  private first = 0;
  private packetCount = 0;
  private readonly maxEvents: number;
  private readonly subscriptions: Disposable[] = [];
  /** Transmits that may still be on their link, oldest first. */
  private open: LoggedEvent[] = [];
  /** Frames recorded per tapped port name (only tapped ports have an entry). */
  private readonly tapFrames = new Map<string, number>();
  private readonly peers = new Map<string, string>();
  private lastFrameTrace = 0;
  private lastFrame: number | null = null;

  constructor(
    private readonly fabric: Fabric,
    private readonly captures: CaptureStore | null,
    options: EventLogOptions = {},
  ) {
    this.maxEvents = Math.max(1, options.maxEvents ?? 50_000);
    if (captures) for (const p of captures.points) this.tapFrames.set(p.name, 0);
    for (const link of fabric.substrate.links) for (const port of [link.a, link.b]) this.watch(port);
    for (const { link } of fabric.instances.values()) for (const port of [link.a, link.b]) this.watch(port);
    for (const card of fabric.cards.values()) {
      this.subscriptions.push(
        card.onDidDecide.subscribe((d) => {
          // A drop is logged once, from the port's drop source (which also sees link-level drops).
          if (d.verdict === 'drop' && d.reason !== null) return;
          const frame = d.packet.traceId !== 0 && d.packet.traceId === this.lastFrameTrace ? this.lastFrame : null;
          this.add('decide', d.packet.traceId, d.packet.hops, d.point, null, d.stage, d.verdict, d.reason, d.rule?.text ?? null, d.detail, d.packet.bytes, frame, null);
        }),
      );
    }
  }

  get total(): number {
    return this.first + this.rows.length;
  }

  get packets(): number {
    return this.packetCount;
  }

  /** Up to `count` events from sequence number `offset` (clamped to what is held). */
  page(offset: number, count: number): EventLogPage {
    const from = Math.max(offset, this.first) - this.first;
    const rows = this.rows.slice(from, from + Math.max(0, count));
    return { offset: this.first + from, total: this.total, firstAvailable: this.first, packets: this.packetCount, rows };
  }

  /** Packets on a link at virtual time `now`, oldest first, at most MAX_IN_FLIGHT. */
  inFlight(now: number): PacketInFlightRecord[] {
    this.open = this.open.filter((e) => e.arrives! > now);
    const out: PacketInFlightRecord[] = [];
    for (const e of this.open) {
      if (e.time > now) break;
      out.push({ traceId: e.traceId, fromPort: e.port, toPort: this.peers.get(e.port) ?? '', from: e.component, to: e.peer ?? '', sent: e.time, arrives: e.arrives!, label: e.label });
      if (out.length >= MAX_IN_FLIGHT) break;
    }
    return out;
  }

  /** Every tapped port with the frames its capture point recorded since load. */
  taps(): TapCount[] {
    return [...this.tapFrames].map(([port, frames]) => ({ port, node: this.nodeOf(port), peer: this.nodeOf(this.peers.get(port) ?? ''), frames }));
  }

  /**
   * The node a port belongs to. Ports are named `<device>:<far side>`, except the card's end of an
   * instance's ENI link, `<instance>:eni`, which belongs to the host whose card holds the ENI now.
   */
  nodeOf(portName: string): string {
    const colon = portName.indexOf(':');
    if (colon < 0) return portName;
    const device = portName.slice(0, colon);
    if (portName.endsWith(':eni')) return this.fabric.instances.get(device)?.host ?? device;
    return device;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }

  private watch(port: Port): void {
    this.peers.set(port.name, port.peer.name);
    const tapped = this.tapFrames.has(port.name);
    // The card's end of an ENI link hands packets to their guest: a delivery, as captures say.
    const txVerdict: VerdictKind = port.name.endsWith(':eni') ? 'deliver' : 'forward';
    // The tap fired first (subscribed earlier): its frame is the newest in the store.
    const frame = () => {
      if (!tapped || !this.captures) return null;
      this.tapFrames.set(port.name, this.tapFrames.get(port.name)! + 1);
      return this.captures.count;
    };
    this.subscriptions.push(
      port.onDidTransmit.subscribe((p) => {
        const cfg = port.egress.config;
        const arrives = this.fabric.sim.now() + serializationNs(p.length, cfg.rateBps) + cfg.latencyNs;
        const e = this.add('transmit', p.traceId, p.hops, port.name, this.nodeOf(port.peer.name), null, txVerdict, null, null, '', p.bytes, frame(), arrives);
        this.open.push(e);
        if (this.open.length > 4 * MAX_IN_FLIGHT) this.open = this.open.filter((o) => o.arrives! > this.fabric.sim.now());
      }),
      port.onDidReceive.subscribe((p) => {
        this.add('receive', p.traceId, p.hops, port.name, null, null, 'forward', null, null, '', p.bytes, frame(), null);
      }),
      port.onDidDrop.subscribe((ev) => {
        const d = ev as FabricDropEvent;
        this.add('drop', d.packet.traceId, d.packet.hops, port.name, null, null, 'drop', d.reason, d.rule?.text ?? null, d.detail, d.packet.bytes, frame(), null);
      }),
    );
  }

  private add(kind: LoggedEventKind, traceId: number, hop: number, port: string, peer: string | null, stage: string | null, verdict: VerdictKind, reason: string | null, rule: string | null, detail: string, bytes: Uint8Array, frame: number | null, arrives: number | null): LoggedEvent {
    const e: LoggedEvent = { seq: this.total, time: this.fabric.sim.now(), kind, traceId, hop, port, component: this.nodeOf(port), peer, stage, verdict, reason, rule, detail, label: packetLabel(bytes), frame, arrives };
    if (kind !== 'decide') {
      this.packetCount++;
      if (frame !== null) {
        this.lastFrameTrace = traceId;
        this.lastFrame = frame;
      }
    }
    this.rows.push(e);
    // Forget in blocks of a tenth, so trimming costs O(1) per event on average.
    if (this.rows.length > this.maxEvents) {
      const cut = Math.max(1, Math.ceil(this.maxEvents / 10));
      this.rows = this.rows.slice(cut);
      this.first += cut;
    }
    return e;
  }
}
