/**
 * Route tables. Every table starts with the VPC's local route (AWS adds it and it cannot be
 * removed; writing it is allowed but it must name the VPC CIDR). Each VPC has one main table: the
 * declared table marked `main: true`, or "<vpc>/main" holding only the local route. Subnets without
 * an association use the main table. Peering routes must use a peering of the table's VPC; they
 * are never added automatically, as in AWS, and a peering no route uses gets a warning.
 */
import { formatCidr } from '../../base/addr.ts';
import type { DocPath } from '../diagnostics.ts';
import { mainRouteTableName } from '../names.ts';
import type { ResolvedRoute, ResolvedRouteTable } from '../resolved.ts';
import type { RouteDoc } from '../schema/routes.ts';
import { checkCidr } from './addressing.ts';
import { Associations } from './associations.ts';
import { entries, type ResolveContext, type VpcState } from './context.ts';

export function resolveRouteTables(ctx: ResolveContext): { tables: ResolvedRouteTable[]; bySubnet: Map<string, string>; mainByVpc: Map<string, string> } {
  const assoc = new Associations('route table');
  const mainByVpc = new Map<string, string>();
  const declared: { name: string; vpc: VpcState; main: boolean; subnets: string[]; routes: ResolvedRoute[]; path: DocPath }[] = [];
  const usedPeerings = new Set<string>();
  for (const [name, table] of entries(ctx.doc.routeTables)) {
    const path = ['routeTables', name];
    const vpc = ctx.ref('vpc', ctx.vpcs, table.vpc, [...path, 'vpc'], `route table "${name}"`);
    const subnets = assoc.claim(ctx, name, vpc?.name ?? null, table.subnets, [...path, 'subnets']);
    if (!vpc) continue;
    let main = table.main === true;
    if (main && mainByVpc.has(vpc.name)) {
      ctx.report.error('duplicate-main-route-table', [...path, 'main'], `VPC "${vpc.name}" already has main route table "${mainByVpc.get(vpc.name)}"`);
      main = false;
    } else if (main) {
      mainByVpc.set(vpc.name, name);
    }
    const routes = resolveRoutes(ctx, vpc, table.routes ?? [], [...path, 'routes'], usedPeerings);
    declared.push({ name, vpc, main, subnets, routes, path });
  }
  const tables: ResolvedRouteTable[] = [];
  for (const vpc of ctx.vpcs.values()) {
    if (mainByVpc.has(vpc.name)) continue;
    const name = mainRouteTableName(vpc.name);
    mainByVpc.set(vpc.name, name);
    tables.push({ name, vpc: vpc.name, main: true, subnets: assoc.unclaimed(ctx, vpc.name), routes: [localRoute(vpc, null)], origin: null });
  }
  for (const t of declared) {
    const subnets = t.main ? [...t.subnets, ...assoc.unclaimed(ctx, t.vpc.name)] : t.subnets;
    tables.push({ name: t.name, vpc: t.vpc.name, main: t.main, subnets, routes: t.routes, origin: t.path });
  }
  for (const p of ctx.peerings.values()) {
    const path = p.origin ?? ['peerings', p.name];
    const unrouted = [p.requester, p.accepter].filter((v) => !usedPeerings.has(`${p.name}\u0000${v}`));
    if (unrouted.length === 2) {
      ctx.report.warn('peering-unrouted', path, `no route table sends traffic over peering "${p.name}": add a route with target peering in each VPC`, true);
    } else if (unrouted.length === 1) {
      ctx.report.warn('peering-unrouted', path, `VPC "${unrouted[0]}" has no route over peering "${p.name}", so it cannot answer traffic that arrives over it`, true);
    }
  }
  const bySubnet = new Map<string, string>();
  for (const t of tables) for (const s of t.subnets) bySubnet.set(s, t.name);
  return { tables, bySubnet, mainByVpc };
}

const localRoute = (vpc: VpcState, origin: DocPath | null): ResolvedRoute => ({ destination: vpc.cidr, target: { kind: 'local' }, origin });

function resolveRoutes(ctx: ResolveContext, vpc: VpcState, list: readonly RouteDoc[], path: DocPath, usedPeerings: Set<string>): ResolvedRoute[] {
  const routes: ResolvedRoute[] = [localRoute(vpc, null)];
  const destinations = new Map<string, string>([[formatCidr(vpc.cidr), 'the local route']]);
  list.forEach((route, i) => {
    const at = [...path, i];
    const destination = checkCidr(ctx, route.destination, [...at, 'destination']);
    if (!destination) return;
    const key = formatCidr(destination);
    if (route.target === 'local') {
      if (key !== formatCidr(vpc.cidr)) {
        ctx.report.error('local-route-mismatch', [...at, 'destination'], `the local route's destination is the VPC CIDR ${formatCidr(vpc.cidr)}, not ${key}`);
      } else if (routes[0].origin === null) {
        routes[0] = localRoute(vpc, at);
      } else {
        ctx.report.error('duplicate-route', [...at, 'destination'], `the local route is written twice`);
      }
      return;
    }
    const other = destinations.get(key);
    if (other !== undefined) {
      ctx.report.error('duplicate-route', [...at, 'destination'], `${key} already has a route (${other})`);
      return;
    }
    const target = resolveTarget(ctx, vpc, route, at, usedPeerings);
    if (!target) return;
    destinations.set(key, `entry ${i}`);
    routes.push({ destination, target, origin: at });
  });
  return routes;
}

/** One case per route target kind; new kinds (igw, nat, tgw, endpoint) add a case here. `usedPeerings` collects "peering\0vpc" pairs that have a route. */
function resolveTarget(ctx: ResolveContext, vpc: VpcState, route: RouteDoc, path: DocPath, usedPeerings: Set<string>): ResolvedRoute['target'] | null {
  switch (route.target) {
    case 'local':
      return { kind: 'local' };
    case 'peering': {
      const peering = ctx.ref('peering', ctx.peerings, route.peering, [...path, 'peering'], 'route');
      if (!peering) return null;
      if (peering.requester !== vpc.name && peering.accepter !== vpc.name) {
        ctx.report.error('peering-not-attached', [...path, 'peering'],
          `peering "${peering.name}" connects "${peering.requester}" and "${peering.accepter}", not VPC "${vpc.name}"`);
        return null;
      }
      usedPeerings.add(`${peering.name}\u0000${vpc.name}`);
      return { kind: 'peering', peering: peering.name };
    }
  }
}
