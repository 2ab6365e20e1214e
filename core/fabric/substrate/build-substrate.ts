/**
 * Builds the physical network of a resolved topology: per zone, racks with a ToR each and a spine
 * layer every ToR of the zone connects to; spines of different zones connected index to index.
 * Hosts get one uplink to their rack's ToR. Returns the switches, the links and, per host, the
 * port its Nitro card attaches to.
 *
 *   host ── ToR ══ spine-<zone>-<i> ══ ToR ── host        (══: one link to every spine of the zone)
 *                      ║ (spine i of each zone to spine i of every other zone)
 */
import type { Ipv4, Mac } from '../../base/addr.ts';
import { Link } from '../../sim/link.ts';
import type { LinkDirectionConfig } from '../../sim/link-config.ts';
import type { Port } from '../../sim/port.ts';
import type { Simulator } from '../../sim/simulator.ts';
import type { ResolvedTopology } from '../../topology/resolved.ts';
import { cardMac, switchPortMac } from './underlay-macs.ts';
import { type NextHopGroup, UnderlaySwitch } from './underlay-switch.ts';

export interface SubstrateOptions {
  /** Spines per availability zone (≥ 1). */
  readonly spinesPerZone: number;
  /** Host ↔ ToR links. */
  readonly hostLink: Partial<LinkDirectionConfig>;
  /** ToR ↔ spine links. */
  readonly fabricLink: Partial<LinkDirectionConfig>;
  /** Spine ↔ spine links between zones (AZs are kilometres apart: more latency). */
  readonly interZoneLink: Partial<LinkDirectionConfig>;
}

/** The underlay's L3 MTU: jumbo frames big enough for a 9001-byte VPC packet plus 82 bytes of encapsulation. */
export const UNDERLAY_MTU = 9216;

export const DEFAULT_SUBSTRATE: SubstrateOptions = {
  spinesPerZone: 2,
  hostLink: { rateBps: 25_000_000_000, latencyNs: 1_000, mtu: UNDERLAY_MTU },
  fabricLink: { rateBps: 100_000_000_000, latencyNs: 1_000, mtu: UNDERLAY_MTU },
  interZoneLink: { rateBps: 100_000_000_000, latencyNs: 250_000, mtu: UNDERLAY_MTU },
};

export interface HostAttachment {
  readonly host: string;
  readonly ip: Ipv4;
  /** The host end of its uplink, for the Nitro card. */
  readonly port: Port;
  /** The ToR port's MAC: the next hop of everything the card sends. */
  readonly torMac: Mac;
  readonly link: Link;
}

export interface Substrate {
  readonly tors: readonly UnderlaySwitch[];
  readonly spines: readonly UnderlaySwitch[];
  /** Every physical link: host–ToR, ToR–spine, spine–spine. */
  readonly links: readonly Link[];
  readonly hosts: ReadonlyMap<string, HostAttachment>;
}

export function buildSubstrate(sim: Simulator, topology: ResolvedTopology, options: SubstrateOptions = DEFAULT_SUBSTRATE): Substrate {
  if (!(options.spinesPerZone >= 1)) throw new RangeError('substrate: spinesPerZone must be at least 1');
  const links: Link[] = [];
  const switches: UnderlaySwitch[] = [];
  const newSwitch = (name: string, kind: 'tor' | 'spine') => {
    const s = new UnderlaySwitch(name, kind, 0x9e3779b9 ^ switches.length);
    switches.push(s);
    return s;
  };
  const portMacOf = (s: UnderlaySwitch) => switchPortMac(switches.indexOf(s), s.ports.length);
  const connect = (name: string, aName: string, bName: string, config: Partial<LinkDirectionConfig>) => {
    const link = new Link(sim, { name, portNames: [aName, bName], config });
    links.push(link);
    return link;
  };

  const spinesByZone = new Map<string, UnderlaySwitch[]>();
  for (const zone of topology.zones) {
    const spines: UnderlaySwitch[] = [];
    for (let i = 0; i < options.spinesPerZone; i++) spines.push(newSwitch(`spine-${zone.name}-${i + 1}`, 'spine'));
    spinesByZone.set(zone.name, spines);
  }

  const tors: UnderlaySwitch[] = [];
  const hosts = new Map<string, HostAttachment>();
  const torOfRack = new Map<string, UnderlaySwitch>();
  // Per spine: the port and far MAC toward each ToR of its zone.
  const spineDown = new Map<UnderlaySwitch, Map<string, { port: Port; mac: Mac }>>();
  for (const rack of topology.racks) {
    const tor = newSwitch(rack.tor.name, 'tor');
    tors.push(tor);
    torOfRack.set(rack.name, tor);
    for (const host of topology.hosts.filter((h) => h.rack === rack.name)) {
      const link = connect(`${host.name}-${tor.name}`, `${host.name}:eth0`, `${tor.name}:${host.name}`, options.hostLink);
      const torMac = portMacOf(tor);
      tor.addPort(link.b, torMac);
      tor.addHostRoute(host.underlayIp, { ports: [link.b], macs: [cardMac(host.underlayIp)] });
      hosts.set(host.name, { host: host.name, ip: host.underlayIp, port: link.a, torMac, link });
    }
    const up: NextHopGroup = { ports: [], macs: [] };
    for (const spine of spinesByZone.get(rack.zone) ?? []) {
      const link = connect(`${tor.name}-${spine.name}`, `${tor.name}:${spine.name}`, `${spine.name}:${tor.name}`, options.fabricLink);
      const torPortMac = portMacOf(tor);
      tor.addPort(link.a, torPortMac);
      const spinePortMac = portMacOf(spine);
      spine.addPort(link.b, spinePortMac);
      (up.ports as Port[]).push(link.a);
      (up.macs as Mac[]).push(spinePortMac);
      if (!spineDown.has(spine)) spineDown.set(spine, new Map());
      spineDown.get(spine)!.set(rack.name, { port: link.b, mac: torPortMac });
    }
    tor.setDefaultRoute(up);
  }

  // Spines: their own zone's racks directly; other zones' racks through the same-index spine there.
  const zones = topology.zones.map((z) => z.name);
  const crossPort = new Map<string, { port: Port; mac: Mac }>(); // `${from}>${to}` spine names
  for (let a = 0; a < zones.length; a++) {
    for (let b = a + 1; b < zones.length; b++) {
      const sa = spinesByZone.get(zones[a])!;
      const sb = spinesByZone.get(zones[b])!;
      for (let i = 0; i < sa.length; i++) {
        const link = connect(`${sa[i].name}-${sb[i].name}`, `${sa[i].name}:${sb[i].name}`, `${sb[i].name}:${sa[i].name}`, options.interZoneLink);
        const macA = portMacOf(sa[i]);
        sa[i].addPort(link.a, macA);
        const macB = portMacOf(sb[i]);
        sb[i].addPort(link.b, macB);
        crossPort.set(`${sa[i].name}>${sb[i].name}`, { port: link.a, mac: macB });
        crossPort.set(`${sb[i].name}>${sa[i].name}`, { port: link.b, mac: macA });
      }
    }
  }
  for (const zone of zones) {
    const spines = spinesByZone.get(zone)!;
    spines.forEach((spine, i) => {
      for (const rack of topology.racks) {
        if (rack.zone === zone) {
          const down = spineDown.get(spine)?.get(rack.name);
          if (down) spine.addRackRoute(rack.underlay.base, { ports: [down.port], macs: [down.mac] });
        } else {
          const peer = spinesByZone.get(rack.zone)![i];
          const cross = crossPort.get(`${spine.name}>${peer.name}`)!;
          spine.addRackRoute(rack.underlay.base, { ports: [cross.port], macs: [cross.mac] });
        }
      }
    });
  }
  return { tors, spines: [...spinesByZone.values()].flat(), links, hosts };
}
