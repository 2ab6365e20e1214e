/**
 * Records each tenant packet's path through the fabric, hop by hop: every link it crosses, every
 * pipeline stage of the Nitro cards with its verdict and deciding rule, and where and why it died.
 * Keyed by trace id, so the inner frame at an ENI and the outer frames on the underlay read as one
 * story — what `underlay run` prints and what the simulation view steps through.
 *
 * Bounded: beyond `maxEvents` the oldest traces are forgotten (their count is kept).
 */
import type { Disposable } from '../base/event.ts';
import type { Fabric } from '../fabric/world.ts';
import type { FabricDropEvent, VerdictKind } from '../fabric/verdict.ts';
import type { Port } from '../sim/port.ts';

export interface PathEvent {
  readonly time: number;
  readonly traceId: number;
  /** Links crossed before this event. */
  readonly hop: number;
  /** Where: a port name (`web:eni`, `host-1:eth0`, `tor-az1-1:spine-az1-1`). */
  readonly point: string;
  /**
   * `send` (a guest put it on its ENI), `link` (it left `point` over a physical link toward `to`),
   * a card stage (`sg-egress`, …), `deliver` (the card handed it to its guest) or `drop`.
   */
  readonly stage: string;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly rule: string | null;
  readonly detail: string;
  /** For `link` events: the port at the far end. */
  readonly to: string | null;
  /** The frame's bytes at the first event of a trace (for a summary line); null otherwise. */
  readonly firstFrame: Uint8Array | null;
}

export interface PathRecorderOptions {
  readonly maxEvents?: number;
}

export class PathRecorder implements Disposable {
  private readonly byTrace = new Map<number, PathEvent[]>();
  /**
   * Trace ids in order of their first event; the oldest still kept is at `head`. Forgetting reads
   * it from here: the Map's own first key is found by skipping every entry deleted before it,
   * which made each forget cost more the longer a run went on.
   */
  private order: number[] = [];
  private head = 0;
  private readonly subscriptions: Disposable[] = [];
  private total = 0;
  private readonly maxEvents: number;
  forgottenTraces = 0;

  constructor(private readonly fabric: Fabric, options: PathRecorderOptions = {}) {
    this.maxEvents = options.maxEvents ?? 200_000;
    for (const link of fabric.substrate.links) for (const port of [link.a, link.b]) this.watchPort(port, 'link');
    for (const { link } of fabric.instances.values()) {
      this.watchPort(link.a, 'send'); // the guest's NIC: where a tenant packet starts
      this.watchPort(link.b, 'deliver'); // the card's ENI port: where it reaches its guest
    }
    for (const card of fabric.cards.values()) {
      this.subscriptions.push(
        card.onDidDecide.subscribe((d) => {
          // Drops are recorded from the port's drop source, which also sees link-level drops.
          if (d.verdict === 'drop' && d.reason !== null) return;
          this.add(d.packet.traceId, d.packet.hops, d.point, d.stage, d.verdict, d.reason, d.rule?.text ?? null, d.detail, null, d.packet.bytes);
        }),
      );
    }
  }

  /** Trace ids in order of their first event. */
  traces(): number[] {
    return [...this.byTrace.keys()];
  }

  events(traceId: number): readonly PathEvent[] {
    return this.byTrace.get(traceId) ?? [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }

  private watchPort(port: Port, stage: 'link' | 'send' | 'deliver'): void {
    const verdict: VerdictKind = stage === 'deliver' ? 'deliver' : 'forward';
    this.subscriptions.push(
      port.onDidTransmit.subscribe((p) => {
        this.add(p.traceId, p.hops, port.name, stage, verdict, null, null, '', port.peer.name, p.bytes);
      }),
      port.onDidDrop.subscribe((e) => {
        const d = e as FabricDropEvent;
        this.add(d.packet.traceId, d.packet.hops, port.name, 'drop', 'drop', d.reason, d.rule?.text ?? null, d.detail, null, d.packet.bytes);
      }),
    );
  }

  private add(traceId: number, hop: number, point: string, stage: string, verdict: VerdictKind, reason: string | null, rule: string | null, detail: string, to: string | null, bytes: Uint8Array): void {
    if (traceId === 0) return;
    let list = this.byTrace.get(traceId);
    const first = list === undefined;
    if (list === undefined) {
      list = [];
      this.byTrace.set(traceId, list);
      this.order.push(traceId);
    }
    list.push({ time: this.fabric.sim.now(), traceId, hop, point, stage, verdict, reason, rule, detail, to, firstFrame: first ? bytes.slice() : null });
    if (++this.total > this.maxEvents) this.forgetOldest();
  }

  private forgetOldest(): void {
    if (this.head >= this.order.length) return;
    const oldest = this.order[this.head++];
    this.total -= this.byTrace.get(oldest)!.length;
    this.byTrace.delete(oldest);
    this.forgottenTraces++;
    // Drop the forgotten front now and then, so the array stays about the size of the Map.
    if (this.head >= 4096 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
