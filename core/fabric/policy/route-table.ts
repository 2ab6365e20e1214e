/**
 * The VPC router's decision for one subnet: which route of its route table a destination takes.
 * Longest prefix wins, as in AWS. Route tables are short (the local route plus a handful), so a
 * linear scan over routes pre-sorted longest prefix first beats any trie: the first route whose
 * masked base equals the masked destination is the answer. Bases and masks live in typed arrays
 * so a lookup touches no objects and allocates nothing.
 */
import { formatCidr, prefixMask, type Ipv4 } from '../../base/addr.ts';
import type { ResolvedRoute, ResolvedRouteTable, RouteTarget } from '../../topology/resolved.ts';
import { ruleRef, type RuleRef } from '../verdict.ts';

export class RouteTableLookup {
  readonly name: string;
  /** The explanation of a NO_ROUTE drop: no route of this table covers the destination. */
  readonly noRoute: RuleRef;
  private readonly routes: readonly ResolvedRoute[];
  private readonly refs: readonly RuleRef[];
  /** Route indices, longest prefix first (document order among equal prefixes). */
  private readonly order: Int32Array;
  /** Base and mask of `routes[order[k]]` at position k, as int32 so `dst & mask` compares directly. */
  private readonly bases: Int32Array;
  private readonly masks: Int32Array;

  constructor(table: ResolvedRouteTable) {
    this.name = table.name;
    this.routes = table.routes;
    this.refs = table.routes.map((r, i) => ruleRef('route-table', table.name, i, describeRoute(r), r.origin));
    this.noRoute = ruleRef('route-table', table.name, -1, 'no route matches the destination', table.origin);
    const indices = table.routes.map((_, i) => i);
    // Array.prototype.sort is stable, so equal prefixes keep document order.
    indices.sort((a, b) => table.routes[b].destination.prefix - table.routes[a].destination.prefix);
    this.order = Int32Array.from(indices);
    this.bases = Int32Array.from(indices, (i) => table.routes[i].destination.base | 0);
    this.masks = Int32Array.from(indices, (i) => prefixMask(table.routes[i].destination.prefix) | 0);
  }

  /** Number of routes. */
  get size(): number {
    return this.routes.length;
  }

  /** The index (in the table's route list) of the longest-prefix route covering `dst`, or -1. */
  lookup(dst: Ipv4): number {
    const { bases, masks, order } = this;
    for (let k = 0; k < order.length; k++) {
      if ((dst & masks[k]) === bases[k]) return order[k];
    }
    return -1;
  }

  route(index: number): ResolvedRoute {
    return this.routes[index];
  }

  /** The precomputed explanation of route `index`, e.g. `10.30.0.0/16 → peering cross-region`. */
  ruleRef(index: number): RuleRef {
    return this.refs[index];
  }
}

export function describeRoute(route: ResolvedRoute): string {
  return `${formatCidr(route.destination)} → ${describeTarget(route.target)}`;
}

function describeTarget(target: RouteTarget): string {
  switch (target.kind) {
    case 'local':
      return 'local';
    case 'peering':
      return `peering ${target.peering}`;
  }
}
