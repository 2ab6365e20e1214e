/**
 * The neighbour (ARP) cache of the guest's one interface, after Linux's neighbour state machine:
 *
 *   (none) ──send──▶ INCOMPLETE ──reply──▶ REACHABLE ──30 s──▶ STALE ──send──▶ PROBE ──reply──▶ REACHABLE
 *                       │ 3 requests, 1 s apart, unanswered            3 unicast requests unanswered │
 *                       ▼                                                                          ▼
 *                     FAILED (held frames dropped; "host unreachable" to their senders)         FAILED
 *
 * - INCOMPLETE holds the frames waiting for the answer (up to `ARP_QUEUE_BYTES`, oldest dropped
 *   first) and broadcasts a request every `ARP_RETRANS_NS`, `ARP_MAX_PROBES` times.
 * - A STALE entry is still used; its first use re-confirms it with unicast requests (Linux passes
 *   through DELAY for 5 s first, waiting for TCP to confirm reachability; the guest's TCP gives no
 *   such hints, so the lab goes to PROBE at once).
 * - A send to a FAILED entry starts resolution again, as in Linux.
 * - `set` makes a PERMANENT entry (`ip neigh replace … nud permanent`), never re-resolved.
 * - A request for our address from a host creates (or refreshes) a STALE entry for it, and frames
 *   waiting for that host leave at once (Linux's `neigh_event_ns`). Unsolicited replies and
 *   gratuitous ARP do not create entries (arp_accept = 0) and are ignored.
 *
 * Timers are closure-free: one pending simulator event per entry at most, the entry as payload.
 */
import { BROADCAST_MAC, type Ipv4, type Mac } from '../../base/addr.ts';
import type { SimPacket } from '../../sim/packet.ts';
import type { EventId, Simulator } from '../../sim/simulator.ts';
import { ARP_MAX_PROBES, ARP_QUEUE_BYTES, ARP_REACHABLE_NS, ARP_RETRANS_NS } from './constants.ts';

export type NeighState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'PROBE' | 'FAILED' | 'PERMANENT';

/** One row of `ip neigh`. */
export interface NeighInfo {
  readonly ip: Ipv4;
  /** -1 while unknown (INCOMPLETE, FAILED). */
  readonly mac: Mac;
  readonly state: NeighState;
}

/** What the cache needs from the interface it serves. */
export interface ArpHost {
  /** Sends an ARP request for `ip`: broadcast when `unicastMac` is -1, else to that MAC. */
  sendArpRequest(ip: Ipv4, unicastMac: Mac): void;
  /** Sends a held or new frame now that its destination MAC is known (ownership passes). */
  transmitResolved(p: SimPacket, mac: Mac): void;
  /** A held frame is given up (ownership passes): `failed` resolution, or queue `overflow`. */
  unresolved(p: SimPacket, ip: Ipv4, why: 'failed' | 'overflow'): void;
}

/** Entries kept at most (Linux gc_thresh3): further hosts asking for us are not remembered. */
export const ARP_MAX_ENTRIES = 1024;

const EV_TIMER = 1;
const NO_TIMER = -1;

class NeighEntry {
  mac: Mac = -1;
  state: NeighState = 'INCOMPLETE';
  confirmedAt = 0;
  probes = 0;
  timer: EventId = NO_TIMER;
  queue: SimPacket[] = [];
  queueBytes = 0;
  constructor(readonly ip: Ipv4) {}
}

export class ArpCache {
  private readonly entries = new Map<Ipv4, NeighEntry>();
  /** Requests sent, replies that confirmed an entry, resolutions that failed. */
  readonly stats = { requests: 0, confirmations: 0, failures: 0, queueOverflows: 0 };

  constructor(
    private readonly sim: Simulator,
    private readonly host: ArpHost,
  ) {}

  /** A static entry: `ip` is at `mac` for good. Frames waiting for `ip` leave at once. */
  set(ip: Ipv4, mac: Mac): void {
    const e = this.entry(ip, true)!;
    this.stopTimer(e);
    e.mac = mac;
    e.state = 'PERMANENT';
    this.flush(e);
  }

  /** Forgets `ip` (`ip neigh del`); frames waiting for it are dropped as unresolved. */
  delete(ip: Ipv4): boolean {
    const e = this.entries.get(ip);
    if (e === undefined) return false;
    this.stopTimer(e);
    this.entries.delete(ip);
    this.fail(e);
    return true;
  }

  /** The MAC to use for `ip` now, or -1; no side effects (for display and tests). */
  lookup(ip: Ipv4): Mac {
    const e = this.entries.get(ip);
    return e === undefined || e.mac < 0 ? -1 : e.mac;
  }

  /** The state `ip neigh` shows for `ip`, or null without an entry. */
  state(ip: Ipv4): NeighState | null {
    const e = this.entries.get(ip);
    return e === undefined ? null : this.shownState(e);
  }

  /** Every entry, in the order they were created. */
  list(): NeighInfo[] {
    const out: NeighInfo[] = [];
    for (const e of this.entries.values()) out.push({ ip: e.ip, mac: e.mac, state: this.shownState(e) });
    return out;
  }

  /** Sends `p` (an Ethernet frame whose destination MAC is still to be written) to neighbour `ip`. */
  send(ip: Ipv4, p: SimPacket): void {
    const e = this.entries.get(ip);
    if (e !== undefined) {
      switch (e.state) {
        case 'PERMANENT':
        case 'PROBE':
          this.host.transmitResolved(p, e.mac);
          return;
        case 'REACHABLE':
          if (this.sim.now() - e.confirmedAt < ARP_REACHABLE_NS) {
            this.host.transmitResolved(p, e.mac);
            return;
          }
          this.probe(e);
          this.host.transmitResolved(p, e.mac);
          return;
        case 'STALE':
          this.probe(e);
          this.host.transmitResolved(p, e.mac);
          return;
        case 'INCOMPLETE':
          this.hold(e, p);
          return;
        case 'FAILED':
          this.resolve(e);
          this.hold(e, p);
          return;
      }
    }
    const fresh = this.entry(ip, true)!;
    this.resolve(fresh);
    this.hold(fresh, p);
  }

  /**
   * An ARP packet arrived (already checked to be Ethernet/IPv4 request or reply). Returns true
   * when it is a request for `ownIp` that the caller should answer.
   */
  input(op: number, senderIp: Ipv4, senderMac: Mac, targetIp: Ipv4, ownIp: Ipv4): boolean {
    if (senderIp === ownIp || senderIp === 0 || senderIp === targetIp) return false; // conflict, probe or gratuitous
    if (senderMac === BROADCAST_MAC || senderMac === 0 || (Math.floor(senderMac / 0x10000000000) & 1) === 1) return false; // group MAC
    if (targetIp !== ownIp) return false;
    const e = this.entries.get(senderIp);
    if (op === 2) {
      if (e === undefined || e.state === 'PERMANENT') return false;
      this.confirm(e, senderMac);
      return false;
    }
    // A request for us: Linux's neigh_event_ns records the asker as STALE (unless it already has it).
    if (e === undefined) {
      const created = this.entry(senderIp, false);
      if (created !== null) {
        created.mac = senderMac;
        created.state = 'STALE';
      }
    } else if (e.state !== 'PERMANENT' && (e.mac !== senderMac || e.state === 'INCOMPLETE' || e.state === 'FAILED')) {
      this.stopTimer(e);
      e.mac = senderMac;
      e.state = 'STALE';
      this.flush(e);
    }
    return true;
  }

  /** Simulator callback for an entry's retransmission timer. */
  handleEvent(_kind: number, e: NeighEntry): void {
    e.timer = NO_TIMER;
    if (this.entries.get(e.ip) !== e) return;
    if (e.state !== 'INCOMPLETE' && e.state !== 'PROBE') return;
    if (e.probes < ARP_MAX_PROBES) {
      e.probes++;
      this.request(e.ip, e.state === 'PROBE' ? e.mac : -1);
      e.timer = this.sim.schedule(ARP_RETRANS_NS, this, EV_TIMER, e);
      return;
    }
    this.stats.failures++;
    e.state = 'FAILED';
    e.mac = -1;
    this.fail(e);
  }

  /** Cancels every timer and drops every held frame (the guest is going away). */
  dispose(): void {
    for (const e of this.entries.values()) {
      this.stopTimer(e);
      for (const p of e.queue) p.release();
      e.queue = [];
    }
    this.entries.clear();
  }

  // ---- internals ----

  private shownState(e: NeighEntry): NeighState {
    if (e.state === 'REACHABLE' && this.sim.now() - e.confirmedAt >= ARP_REACHABLE_NS) return 'STALE';
    return e.state;
  }

  /** The entry for `ip`, created when missing if there is room (evicting an idle one when `force`). */
  private entry(ip: Ipv4, force: boolean): NeighEntry | null {
    let e = this.entries.get(ip);
    if (e !== undefined) return e;
    if (this.entries.size >= ARP_MAX_ENTRIES) {
      if (!force) return null;
      for (const old of this.entries.values()) {
        if (old.state !== 'PERMANENT' && old.queue.length === 0) {
          this.stopTimer(old);
          this.entries.delete(old.ip);
          break;
        }
      }
    }
    e = new NeighEntry(ip);
    this.entries.set(ip, e);
    return e;
  }

  private resolve(e: NeighEntry): void {
    this.stopTimer(e);
    e.state = 'INCOMPLETE';
    e.mac = -1;
    e.probes = 1;
    this.request(e.ip, -1);
    e.timer = this.sim.schedule(ARP_RETRANS_NS, this, EV_TIMER, e);
  }

  private probe(e: NeighEntry): void {
    this.stopTimer(e);
    e.state = 'PROBE';
    e.probes = 1;
    this.request(e.ip, e.mac);
    e.timer = this.sim.schedule(ARP_RETRANS_NS, this, EV_TIMER, e);
  }

  private confirm(e: NeighEntry, mac: Mac): void {
    this.stopTimer(e);
    this.stats.confirmations++;
    e.mac = mac;
    e.state = 'REACHABLE';
    e.confirmedAt = this.sim.now();
    e.probes = 0;
    this.flush(e);
  }

  private request(ip: Ipv4, unicastMac: Mac): void {
    this.stats.requests++;
    this.host.sendArpRequest(ip, unicastMac);
  }

  private hold(e: NeighEntry, p: SimPacket): void {
    e.queue.push(p);
    e.queueBytes += p.length;
    while (e.queueBytes > ARP_QUEUE_BYTES && e.queue.length > 1) {
      const old = e.queue.shift()!;
      e.queueBytes -= old.length;
      this.stats.queueOverflows++;
      this.host.unresolved(old, e.ip, 'overflow');
    }
  }

  private flush(e: NeighEntry): void {
    if (e.queue.length === 0) return;
    const q = e.queue;
    e.queue = [];
    e.queueBytes = 0;
    for (const p of q) this.host.transmitResolved(p, e.mac);
  }

  private fail(e: NeighEntry): void {
    if (e.queue.length === 0) return;
    const q = e.queue;
    e.queue = [];
    e.queueBytes = 0;
    for (const p of q) this.host.unresolved(p, e.ip, 'failed');
  }

  private stopTimer(e: NeighEntry): void {
    if (e.timer !== NO_TIMER) this.sim.cancel(e.timer);
    e.timer = NO_TIMER;
  }
}
