/**
 * Zones, racks and declared hosts. A document that names no zone gets one ("az1"); a zone gets a
 * rack only when something must be placed in it and it has none (see placement.ts), so a
 * multi-zone document does not sprout racks it never uses.
 */
import { DEFAULT_HOST_CAPACITY, DEFAULT_ZONE_BASE, MAX_HOSTS_PER_RACK, MAX_RACKS_PER_ZONE, MAX_ZONES, rackBase } from '../defaults.ts';
import { freshName } from '../names.ts';
import { entries, type RackState, type ResolveContext, type ZoneState } from './context.ts';

export function resolveZones(ctx: ResolveContext): void {
  const declared = entries(ctx.doc.zones);
  if (declared.length === 0) {
    const name = freshName(DEFAULT_ZONE_BASE, new Set());
    ctx.zones.set(name, { name, index: 0, origin: null, racks: [] });
    return;
  }
  for (const [name] of declared) {
    if (ctx.zones.size >= MAX_ZONES) {
      ctx.report.error('substrate-limit', ['zones', name], `at most ${MAX_ZONES} availability zones`, true);
      continue;
    }
    ctx.zones.set(name, { name, index: ctx.zones.size, origin: ['zones', name], racks: [] });
  }
}

export function resolveRacks(ctx: ResolveContext): void {
  for (const [name, rack] of entries(ctx.doc.racks)) {
    const zone = ctx.ref('zone', ctx.zones, rack.zone, ['racks', name, 'zone'], `rack "${name}"`);
    if (zone) addRack(ctx, name, zone, ['racks', name]);
  }
}

/** The zone's racks, creating its default rack if it has none. */
export function racksOf(ctx: ResolveContext, zone: ZoneState): RackState[] {
  if (zone.racks.length === 0) {
    const taken = new Set([...ctx.declared.rack, ...ctx.racks.keys()]);
    addRack(ctx, freshName(rackBase(zone.name), taken), zone, null);
  }
  return zone.racks.map((r) => ctx.racks.get(r)!);
}

function addRack(ctx: ResolveContext, name: string, zone: ZoneState, origin: RackState['origin']): void {
  if (zone.racks.length >= MAX_RACKS_PER_ZONE) {
    ctx.report.error('substrate-limit', origin ?? ['zones', zone.name], `at most ${MAX_RACKS_PER_ZONE} racks per zone`, true);
    return;
  }
  ctx.racks.set(name, { name, zone: zone.name, indexInZone: zone.racks.length, origin, hosts: [] });
  zone.racks.push(name);
}

export function resolveDeclaredHosts(ctx: ResolveContext): void {
  for (const [name, host] of entries(ctx.doc.hosts)) {
    const path = ['hosts', name, 'rack'];
    let rack: RackState | null;
    if (host.rack === undefined && ctx.declared.rack.size === 0 && ctx.zones.size === 1) {
      // No racks anywhere and one zone: the host goes into that zone's default rack.
      rack = racksOf(ctx, ctx.zones.values().next().value!)[0] ?? null;
    } else {
      rack = ctx.ref('rack', ctx.racks, host.rack, path, `host "${name}"`);
    }
    if (!rack) continue;
    addHost(ctx, name, rack, host.capacity ?? DEFAULT_HOST_CAPACITY, ['hosts', name]);
  }
}

export function addHost(ctx: ResolveContext, name: string, rack: RackState, capacity: number, origin: RackState['origin']): boolean {
  if (rack.hosts.length >= MAX_HOSTS_PER_RACK) {
    ctx.report.error('substrate-limit', origin ?? ['racks', rack.name], `at most ${MAX_HOSTS_PER_RACK} hosts per rack ("${rack.name}" is full)`, true);
    return false;
  }
  ctx.hosts.set(name, { name, rack: rack.name, zone: rack.zone, capacity, origin, instances: [] });
  rack.hosts.push(name);
  return true;
}
