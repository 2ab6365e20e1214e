/**
 * Placement of instances on hosts, and the underlay addresses that follow from it.
 *
 * - An instance that names its host runs there; the host must be in its subnet's zone and have
 *   room (capacity, default 16).
 * - The others, in document order, go to their subnet's zone:
 *   - if the zone has declared hosts: round-robin over them, skipping full ones;
 *   - if it has none: each instance gets a new host of its own ("<zone>-host1", …), spread
 *     round-robin over the zone's racks, so traffic between any two instances crosses the
 *     underlay and the encapsulation can be seen.
 */
import type { Ipv4 } from '../../base/addr.ts';
import { DEFAULT_HOST_CAPACITY, FIRST_HOST_PART, hostBase, TOR_HOST_PART, UNDERLAY } from '../defaults.ts';
import { freshName } from '../names.ts';
import type { ResolvedHost, ResolvedRack } from '../resolved.ts';
import type { HostState, ResolveContext, RackState } from './context.ts';
import type { InstanceDraft } from './instances.ts';
import { addHost, racksOf } from './substrate.ts';

/** Returns instance → host for every instance placed; reports those that cannot be. */
export function placeInstances(ctx: ResolveContext, drafts: readonly InstanceDraft[]): Map<string, string> {
  const placed = new Map<string, string>();
  const pools = new Map<string, HostState[]>(); // zone → its declared hosts
  for (const h of ctx.hosts.values()) {
    if (!pools.has(h.zone)) pools.set(h.zone, []);
    pools.get(h.zone)!.push(h);
  }
  for (const d of drafts) {
    const host = d.host;
    if (host === undefined) continue;
    const path = ['instances', d.name, 'host'];
    if (host.zone !== d.subnet.zone) {
      ctx.report.error('host-zone-mismatch', path, `host "${host.name}" is in zone "${host.zone}", but subnet "${d.subnet.name}" is in zone "${d.subnet.zone}"`);
    } else if (host.instances.length >= host.capacity) {
      ctx.report.error('host-capacity', path, `host "${host.name}" is full: its capacity is ${host.capacity}`);
    } else {
      host.instances.push(d.name);
      placed.set(d.name, host.name);
    }
  }
  const cursor = new Map<string, number>(); // zone → next index into its host or rack list
  for (const d of drafts) {
    if (d.host !== undefined) continue;
    const zone = ctx.zones.get(d.subnet.zone)!;
    const pool = pools.get(zone.name) ?? [];
    const start = cursor.get(zone.name) ?? 0;
    if (pool.length > 0) {
      let k = -1;
      for (let i = 0; i < pool.length && k < 0; i++) {
        const j = (start + i) % pool.length;
        if (pool[j].instances.length < pool[j].capacity) k = j;
      }
      if (k < 0) {
        ctx.report.error('host-capacity', ['instances', d.name], `no host in zone "${zone.name}" has room left (${pool.length === 1 ? 'its only host is' : `all ${pool.length} hosts are`} full)`, true);
        continue;
      }
      pool[k].instances.push(d.name);
      placed.set(d.name, pool[k].name);
      cursor.set(zone.name, k + 1);
    } else {
      const racks = racksOf(ctx, zone);
      if (racks.length === 0) continue; // the zone could not get a rack; already reported
      const rack = racks[start % racks.length];
      const name = freshName(hostBase(zone.name), new Set([...ctx.declared.host, ...ctx.hosts.keys()]));
      if (!addHost(ctx, name, rack, DEFAULT_HOST_CAPACITY, null)) continue;
      ctx.hosts.get(name)!.instances.push(d.name);
      placed.set(d.name, name);
      cursor.set(zone.name, start + 1);
    }
  }
  return placed;
}

/** Racks and hosts with their underlay addresses (see defaults.ts for the plan). */
export function buildSubstrate(ctx: ResolveContext): { racks: ResolvedRack[]; hosts: ResolvedHost[] } {
  const racks: ResolvedRack[] = [];
  const hosts: ResolvedHost[] = [];
  for (const zone of ctx.zones.values()) {
    for (const rackName of zone.racks) {
      const rack = ctx.racks.get(rackName)!;
      const base = rackPrefix(zone.index, rack);
      racks.push({ name: rack.name, zone: zone.name, underlay: { base, prefix: 24 }, tor: { name: `${rack.name}-tor`, ip: base + TOR_HOST_PART }, origin: rack.origin });
      rack.hosts.forEach((h, j) => {
        const host = ctx.hosts.get(h)!;
        hosts.push({ name: h, rack: rack.name, zone: zone.name, capacity: host.capacity, underlayIp: base + FIRST_HOST_PART + j, instances: host.instances, origin: host.origin });
      });
    }
  }
  return { racks, hosts };
}

const rackPrefix = (zoneIndex: number, rack: RackState): Ipv4 => UNDERLAY.base + zoneIndex * 65536 + (rack.indexInZone + 1) * 256;
