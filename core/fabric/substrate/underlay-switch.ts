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
import { decrementTtl, isIpv4Frame, outerDst, outerFlowHash, setMacs } from './outer-header.ts';

/** A set of equal-cost next hops: the ports and the MAC of the device at the far end of each. */
export interface NextHopGroup {
  readonly ports: readonly Port[];
  readonly macs: readonly Mac[];
}

export interface SwitchPortInfo {
  readonly port: Port;
  /** This port's own MAC (the source MAC of frames it sends). */
  readonly mac: Mac;
}

export class UnderlaySwitch implements PortReceiver {
  readonly ports: SwitchPortInfo[] = [];
  private readonly portMac = new Map<Port, Mac>();
  private readonly hostRoutes = new Map<Ipv4, NextHopGroup>();
  private readonly rackRoutes = new Map<number, NextHopGroup>();
  private defaultGroup: NextHopGroup | null = null;
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
    this.hostRoutes.set(ip >>> 0, group);
  }

  /** Frames for the /24 starting at `base` leave through `group`. */
  addRackRoute(base: Ipv4, group: NextHopGroup): void {
    this.rackRoutes.set((base >>> 8) >>> 0, group);
  }

  setDefaultRoute(group: NextHopGroup): void {
    this.defaultGroup = group;
  }

  receive(packet: SimPacket, inPort: Port): void {
    const b = packet.bytes;
    if (!isIpv4Frame(b)) return this.drop(packet, inPort, DropReason.MalformedPacket, 'not an IPv4 frame');
    const dst = outerDst(b);
    const group = this.hostRoutes.get(dst) ?? this.rackRoutes.get(dst >>> 8) ?? this.defaultGroup;
    if (group === null || group.ports.length === 0) return this.drop(packet, inPort, DropReason.UnderlayNoRoute, 'no underlay route');
    if (decrementTtl(b) === 0) return this.drop(packet, inPort, DropReason.TtlExceeded, 'outer TTL reached 0');
    const i = group.ports.length === 1 ? 0 : outerFlowHash(b, this.hashSeed) % group.ports.length;
    const out = group.ports[i];
    setMacs(b, group.macs[i], this.portMac.get(out)!);
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
