/**
 * A ToR or spine switch: an IPv4 router on the underlay. It forwards on the outer destination
 * address only (the tenant packet inside the Geneve tunnel is opaque to it), rewrites the outer
 * MACs, decrements the outer TTL, and spreads flows over equal-cost next hops by a hash of the
 * outer 5-tuple — ECMP, with the Geneve UDP source port (a hash of the inner flow) as the entropy.
 *
 * Routes are host routes (/32, a ToR's own hosts), rack routes (/24, at spines) and one default
 * group (a ToR's uplinks, a spine's links to other zones). A lookup is two map probes, no scan.
 */
import type { Ipv4, Mac } from '../../base/addr.ts';
import type { Port, PortReceiver } from '../../sim/port.ts';
import type { SimPacket } from '../../sim/packet.ts';
import { TraceSource } from '../../sim/trace.ts';
import { DropReason, type FabricDropEvent, ruleRef } from '../verdict.ts';
import { RouteIndex } from './route-index.ts';
import { decrementTtl, isIpv4Frame, outerFlowHash, setMacs } from './outer-header.ts';

/** A set of equal-cost next hops: the ports and the MAC of the device at the far end of each. */
export interface NextHopGroup {
  readonly ports: readonly Port[];
  readonly macs: readonly Mac[];
}

/**
 * A group as the switch keeps it: for each next hop, the 12 bytes a frame's MACs become there
 * (the next hop's MAC, then this switch's own on that port), so the per-hop rewrite copies bytes
 * and never handles a 48-bit MAC as a number (which would be boxed on each call).
 */
interface InstalledGroup extends NextHopGroup {
  readonly rewrites: readonly Uint8Array[];
}

export interface SwitchPortInfo {
  readonly port: Port;
  /** This port's own MAC (the source MAC of frames it sends). */
  readonly mac: Mac;
}

export class UnderlaySwitch implements PortReceiver {
  readonly ports: SwitchPortInfo[] = [];
  private readonly portMac = new Map<Port, Mac>();
  private readonly hostRoutes = new RouteIndex<InstalledGroup>();
  private readonly rackRoutes = new RouteIndex<InstalledGroup>();
  private defaultGroup: InstalledGroup | null = null;
  /** Forwarded frames and drops, for counters and lab checks. */
  forwarded = 0;
  dropped = 0;
  readonly onDidForward = new TraceSource<SimPacket>('forward', 'A frame was routed to its next hop');

  constructor(
    readonly name: string,
    readonly kind: 'tor' | 'spine',
    /** Seeds the ECMP hash so consecutive switches choose independently. */
    private readonly hashSeed: number,
  ) {}

  addPort(port: Port, mac: Mac): void {
    this.ports.push({ port, mac });
    this.portMac.set(port, mac);
    port.attach(this);
  }

  /** Frames for `ip` (a host in this rack) leave through `group`. */
  addHostRoute(ip: Ipv4, group: NextHopGroup): void {
    this.hostRoutes.set(ip >>> 0, this.install(group));
  }

  /** Frames for the /24 starting at `base` leave through `group`. */
  addRackRoute(base: Ipv4, group: NextHopGroup): void {
    this.rackRoutes.set((base >>> 8) >>> 0, this.install(group));
  }

  setDefaultRoute(group: NextHopGroup): void {
    this.defaultGroup = this.install(group);
  }

  /** Resolves the group's source MACs now (ports are added before routes), not per frame. */
  private install(group: NextHopGroup): InstalledGroup {
    const rewrites = group.ports.map((port, i) => {
      const mac = this.portMac.get(port);
      if (mac === undefined) throw new Error(`${this.name}: route through ${port.name}, which is not a port of this switch`);
      const bytes = new Uint8Array(12);
      setMacs(bytes, group.macs[i], mac);
      return bytes;
    });
    return { ports: group.ports, macs: group.macs, rewrites };
  }

  receive(packet: SimPacket, inPort: Port): void {
    const b = packet.bytes;
    if (!isIpv4Frame(b)) return this.drop(packet, inPort, DropReason.MalformedPacket, 'not an IPv4 frame');
    // The outer destination in pieces that are small integers (see RouteIndex.getHalves).
    const dstHigh = (b[30] << 8) | b[31];
    const dstLow = (b[32] << 8) | b[33];
    const group = this.hostRoutes.getHalves(dstHigh, dstLow) ?? this.rackRoutes.get((dstHigh << 8) | b[32]) ?? this.defaultGroup;
    if (group === null || group.ports.length === 0) return this.drop(packet, inPort, DropReason.UnderlayNoRoute, 'no underlay route');
    if (decrementTtl(b) === 0) return this.drop(packet, inPort, DropReason.TtlExceeded, 'outer TTL reached 0');
    const i = group.ports.length === 1 ? 0 : outerFlowHash(b, this.hashSeed) % group.ports.length;
    const out = group.ports[i];
    const macs = group.rewrites[i];
    for (let k = 0; k < 12; k++) b[k] = macs[k];
    packet.declareEdit(26, 0); // MACs (0–11), TTL (22) and header checksum (24–25): nothing else
    this.forwarded++;
    if (this.onDidForward.active) this.onDidForward.fire(packet);
    out.send(packet);
  }

  private drop(packet: SimPacket, at: Port, reason: DropReason, detail: string): void {
    this.dropped++;
    if (at.onDidDrop.active) {
      const event: FabricDropEvent = { packet, reason, detail: `${this.name}: ${detail}`, rule: ruleRef('substrate', this.name, -1, detail) };
      at.onDidDrop.fire(event);
    }
    packet.release();
  }
}
