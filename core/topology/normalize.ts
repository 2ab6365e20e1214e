/**
 * normalize(document) → the resolved topology, or every problem found. The steps run in
 * dependency order and each reports what it finds and carries on, so one pass yields all the
 * errors; nothing is returned when any of them is an error (warnings alone do not block).
 */
import { ENI_MAC_BASE } from './defaults.ts';
import type { PathDiagnostic } from './diagnostics.ts';
import type { ResolvedInstance, ResolvedTopology } from './resolved.ts';
import type { TopologyDocument } from './schema/document.ts';
import type { Unchecked } from './schema/prune.ts';
import { ResolveContext } from './resolve/context.ts';
import { resolveInstances } from './resolve/instances.ts';
import { resolveNetworkAcls } from './resolve/network-acls.ts';
import { resolvePeerings } from './resolve/peerings.ts';
import { buildSubstrate, placeInstances } from './resolve/placement.ts';
import { resolveRouteTables } from './resolve/route-tables.ts';
import { registerSecurityGroups, resolveSecurityGroups } from './resolve/security-groups.ts';
import { resolveDeclaredHosts, resolveRacks, resolveZones } from './resolve/substrate.ts';
import { resolveSubnets, resolveVpcs } from './resolve/vpcs.ts';
import { reservedAddresses } from './resolve/addressing.ts';
import { defaultNetworkAclName, defaultSecurityGroupName } from './names.ts';

export type NormalizeResult =
  | { readonly ok: true; readonly topology: ResolvedTopology; readonly diagnostics: readonly PathDiagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly PathDiagnostic[] };

/**
 * `doc` must already satisfy the schema (loadTopology or topologySchema.parse sees to that).
 * `unchecked` names objects the schema refused and validateDocument removed (schema/prune.ts).
 */
export function normalize(doc: TopologyDocument, unchecked?: Unchecked): NormalizeResult {
  const ctx = new ResolveContext(doc, unchecked);
  resolveZones(ctx);
  resolveRacks(ctx);
  resolveDeclaredHosts(ctx);
  resolveVpcs(ctx);
  resolveSubnets(ctx);
  resolvePeerings(ctx);
  registerSecurityGroups(ctx);
  const securityGroups = resolveSecurityGroups(ctx);
  const nacls = resolveNetworkAcls(ctx);
  const routes = resolveRouteTables(ctx);
  const drafts = resolveInstances(ctx);
  const placed = placeInstances(ctx, drafts);
  const substrate = buildSubstrate(ctx);
  if (ctx.report.hasErrors) return { ok: false, diagnostics: ctx.report.items };

  const instances = drafts.map((d, i): ResolvedInstance => ({
    name: d.name, vpc: d.subnet.vpc, subnet: d.subnet.name, zone: d.subnet.zone, host: placed.get(d.name)!,
    ip: d.ip!, eni: i + 1, mac: ENI_MAC_BASE + i + 1, securityGroups: d.securityGroups,
    sourceDestCheck: d.sourceDestCheck, mtu: d.mtu, origin: ['instances', d.name],
  }));
  const topology: ResolvedTopology = {
    version: doc.version,
    name: doc.name ?? '',
    zones: [...ctx.zones.values()].map((z) => ({ name: z.name, index: z.index, origin: z.origin })),
    racks: substrate.racks,
    hosts: substrate.hosts,
    vpcs: [...ctx.vpcs.values()].map((v) => ({
      name: v.name, cidr: v.cidr, number: v.number, mainRouteTable: routes.mainByVpc.get(v.name)!,
      defaultSecurityGroup: defaultSecurityGroupName(v.name), defaultNetworkAcl: defaultNetworkAclName(v.name),
      dns: v.cidr.base + 2, origin: v.origin,
    })),
    subnets: [...ctx.subnets.values()].map((s) => ({
      name: s.name, vpc: s.vpc, zone: s.zone, cidr: s.cidr, router: s.cidr.base + 1,
      reserved: reservedAddresses(s.cidr).map((r) => r.ip),
      routeTable: routes.bySubnet.get(s.name)!, networkAcl: nacls.bySubnet.get(s.name)!, origin: s.origin,
    })),
    routeTables: routes.tables,
    securityGroups,
    networkAcls: nacls.acls,
    instances,
    peerings: [...ctx.peerings.values()],
  };
  return { ok: true, topology, diagnostics: ctx.report.items };
}
