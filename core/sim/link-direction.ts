/**
 * One direction of a point-to-point link: a DropTail transmit queue, a transmitter that serializes
 * one frame at a time at line rate, a propagation delay, and seeded impairments — loss, single-bit
 * corruption and one-way failure. ns-3's PointToPointNetDevice + PointToPointChannel, folded into
 * one small state machine.
 *
 * Timeline of a frame sent at t into an idle direction, with serialization time s = ⌈8·len/rate⌉ ns
 * and latency L: `transmit` fires at t, the line is busy until t+s, `receive` fires at the far port
 * at t+s+L. A frame sent while the line is busy waits in the queue and starts when the line frees.
 *
 * Events: an idle line costs one event per frame (the arrival). Only while frames are queued does
 * the direction also schedule a "transmitter free" event to start the next one.
 *
 * Impairment draws come from two streams named after the link and direction, one for loss and one
 * for corruption, so changing one rate never shifts the other's decisions. The loss draw happens on
 * arrival, in event order; a lost frame was transmitted (a tap on the sender sees it) but never
 * received, and is reported as a `LINK_LOSS` drop on the receiving port at its would-be arrival time.
 */
import type { Rng } from '../base/rng.ts';
import { LinkDropReason } from './drop.ts';
import { type LinkDirectionConfig, resolveLinkConfig, serializationNs } from './link-config.ts';
import { PacketFifo } from './packet-fifo.ts';
import type { SimPacket } from './packet.ts';
import type { Port } from './port.ts';
import type { EventHandler, Simulator } from './simulator.ts';

const TX_FREE = 0;
const ARRIVE = 1;

/** Running totals of one direction, for counters and lab checks. */
export class LinkDirectionCounters {
  /** Frames that started serializing, and their bytes. */
  txPackets = 0;
  txBytes = 0;
  /** Frames delivered to the far port (corrupted ones included), and their bytes. */
  rxPackets = 0;
  rxBytes = 0;
  /** Frames dropped for any reason (egress or in flight). */
  drops = 0;
  /** Delivered frames that had a bit flipped. */
  corrupted = 0;
}

export class LinkDirection implements EventHandler<SimPacket | undefined> {
  readonly counters = new LinkDirectionCounters();
  private cfg: LinkDirectionConfig;
  private readonly queue = new PacketFifo();
  /** Instant the transmitter finishes the frame it is serializing (≤ now when idle). */
  private busyUntil = 0;
  /** A TX_FREE event is pending (exactly when the queue is non-empty). */
  private txFreePending = false;
  /** Serialization time of the last frame size seen: traffic is mostly runs of equal sizes. */
  private lastLen = -1;
  private lastTxNs = 0;

  /** @internal Made by `Link`. */
  constructor(
    private readonly sim: Simulator,
    readonly from: Port,
    readonly to: Port,
    config: LinkDirectionConfig,
    private readonly lossRng: Rng,
    private readonly corruptRng: Rng,
  ) {
    this.cfg = resolveLinkConfig(config);
  }

  /** The current settings (a frozen snapshot). */
  get config(): LinkDirectionConfig {
    return this.cfg;
  }

  get isUp(): boolean {
    return this.cfg.up;
  }

  /** Frames waiting behind the one being serialized. */
  get queueLength(): number {
    return this.queue.length;
  }

  /** True while a frame is being serialized. */
  get isBusy(): boolean {
    return this.sim.now() < this.busyUntil;
  }

  /** Serialization time of a frame of `bytes` on this direction now. */
  txTimeNs(bytes: number): number {
    return serializationNs(bytes, this.cfg.rateBps);
  }

  /**
   * Changes settings from now on: a new rate applies to frames that start later; a frame already
   * on the wire keeps its timing. Setting `up: false` drops every queued frame (`LINK_DOWN`).
   */
  configure(patch: Partial<LinkDirectionConfig>): void {
    const wasUp = this.cfg.up;
    this.cfg = resolveLinkConfig(this.cfg, patch);
    this.lastLen = -1; // the rate may have changed
    if (wasUp && !this.cfg.up) this.flush();
  }

  /** One-way failure (false) or repair (true) of this direction. */
  setUp(up: boolean): void {
    this.configure({ up });
  }

  /** @internal Use `Port.send`. Returns false when the frame was dropped at once. */
  send(p: SimPacket): boolean {
    const cfg = this.cfg;
    if (!cfg.up) return this.drop(this.from, p, LinkDropReason.LinkDown);
    if (p.bytes.length - cfg.l2HeaderBytes > cfg.mtu) return this.drop(this.from, p, LinkDropReason.MtuExceeded);
    const now = this.sim.now();
    if (this.queue.length === 0 && now >= this.busyUntil) {
      this.startTransmit(p, now);
      return true;
    }
    if (this.queue.length >= cfg.queuePackets) return this.drop(this.from, p, LinkDropReason.QueueFull);
    this.queue.push(p);
    if (!this.txFreePending) {
      this.txFreePending = true;
      this.sim.postAt(this.busyUntil, this, TX_FREE);
    }
    return true;
  }

  handleEvent(kind: number, p: SimPacket | undefined): void {
    if (kind === ARRIVE) this.arrive(p!);
    else this.transmitterFree();
  }

  private startTransmit(p: SimPacket, now: number): void {
    const cfg = this.cfg;
    const len = p.bytes.length;
    if (len !== this.lastLen) {
      this.lastLen = len;
      this.lastTxNs = serializationNs(len, cfg.rateBps);
    }
    const done = now + this.lastTxNs;
    this.busyUntil = done;
    this.counters.txPackets++;
    this.counters.txBytes += len;
    this.from.onDidTransmit.fire(p);
    this.sim.postAt(done + cfg.latencyNs, this, ARRIVE, p);
  }

  private transmitterFree(): void {
    this.txFreePending = false;
    const p = this.queue.shift();
    if (p === undefined) return; // the queue was flushed by a failure
    this.startTransmit(p, this.sim.now());
    if (this.queue.length > 0) {
      this.txFreePending = true;
      this.sim.postAt(this.busyUntil, this, TX_FREE);
    }
  }

  private arrive(p: SimPacket): void {
    const cfg = this.cfg;
    const to = this.to;
    if (!cfg.up) {
      this.drop(to, p, LinkDropReason.LinkDown);
      return;
    }
    if (cfg.lossRate > 0 && this.lossRng.bernoulli(cfg.lossRate)) {
      this.drop(to, p, LinkDropReason.Loss);
      return;
    }
    if (cfg.corruptRate > 0 && this.corruptRng.bernoulli(cfg.corruptRate)) this.corrupt(p);
    p.hops++;
    p.editPrefix = -1; // a new device holds it: nothing is declared about its edits yet
    this.counters.rxPackets++;
    this.counters.rxBytes += p.bytes.length;
    to.onDidReceive.fire(p);
    const receiver = to.receiver;
    if (receiver === null) this.drop(to, p, LinkDropReason.NoDevice);
    else receiver.receive(p, to);
  }

  /**
   * Flips one seeded bit in a private copy of the frame: the original buffer is abandoned, not
   * recycled, so anything still holding the sent bytes keeps the uncorrupted original.
   */
  private corrupt(p: SimPacket): void {
    const len = p.bytes.length;
    if (len === 0) return;
    p.pool.move(p, p.start, len, false);
    const bit = this.corruptRng.int(0, len * 8);
    p.bytes[bit >>> 3] ^= 0x80 >>> (bit & 7);
    this.counters.corrupted++;
  }

  private flush(): void {
    for (let p = this.queue.shift(); p !== undefined; p = this.queue.shift()) this.drop(this.from, p, LinkDropReason.LinkDown);
  }

  /** Reports and releases a dropped frame; returns false for `send`'s convenience. */
  private drop(at: Port, p: SimPacket, reason: LinkDropReason): false {
    this.counters.drops++;
    if (at.onDidDrop.active) at.onDidDrop.fire({ packet: p, reason, detail: this.detail(reason, p) });
    p.release();
    return false;
  }

  private detail(reason: LinkDropReason, p: SimPacket): string {
    const c = this.cfg;
    const where = `${this.from.name} → ${this.to.name}`;
    switch (reason) {
      case LinkDropReason.MtuExceeded:
        return `frame ${p.bytes.length} B > MTU ${c.mtu} B + ${c.l2HeaderBytes} B L2 header on ${where}`;
      case LinkDropReason.QueueFull:
        return `transmit queue full (${c.queuePackets} packets) on ${where}`;
      case LinkDropReason.LinkDown:
        return `direction ${where} is down`;
      case LinkDropReason.Loss:
        return `lost in flight on ${where} (loss rate ${c.lossRate})`;
      case LinkDropReason.NoDevice:
        return `no device attached to ${this.to.name}`;
    }
  }
}
