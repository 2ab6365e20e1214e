/**
 * VPC peering connections. AWS refuses to peer VPCs whose CIDR blocks overlap (a route could not
 * tell the two apart), peering a VPC with itself, and a second connection between the same pair.
 */
import { VPC_MTU } from '../defaults.ts';
import { cidrsOverlap, describeCidr } from './addressing.ts';
import { entries, type ResolveContext } from './context.ts';

export function resolvePeerings(ctx: ResolveContext): void {
  const pairs = new Map<string, string>();
  for (const [name, peering] of entries(ctx.doc.peerings)) {
    const path = ['peerings', name];
    const [a, b] = peering.vpcs.map((v, i) => ctx.ref('vpc', ctx.vpcs, v, [...path, 'vpcs', i], `peering "${name}"`));
    if (peering.vpcs[0] === peering.vpcs[1]) {
      ctx.report.error('peering-self', [...path, 'vpcs'], `a VPC cannot be peered with itself ("${peering.vpcs[0]}")`);
      continue;
    }
    if (!a || !b) continue;
    if (cidrsOverlap(a.cidr, b.cidr)) {
      ctx.report.error('peering-overlap', [...path, 'vpcs'],
        `VPCs "${a.name}" (${describeCidr(a.cidr)}) and "${b.name}" (${describeCidr(b.cidr)}) overlap and cannot be peered`);
      continue;
    }
    const key = [a.name, b.name].sort().join('\u0000');
    const existing = pairs.get(key);
    if (existing !== undefined) {
      ctx.report.error('duplicate-peering', [...path, 'vpcs'], `VPCs "${a.name}" and "${b.name}" are already peered by "${existing}"`);
      continue;
    }
    pairs.set(key, name);
    ctx.peerings.set(name, { name, requester: a.name, accepter: b.name, mtu: peering.mtu ?? VPC_MTU, origin: path });
  }
}

/** Whether two VPCs may refer to each other's security groups: the same VPC or peered. */
export function vpcsConnected(ctx: ResolveContext, a: string, b: string): boolean {
  if (a === b) return true;
  for (const p of ctx.peerings.values()) {
    if ((p.requester === a && p.accepter === b) || (p.requester === b && p.accepter === a)) return true;
  }
  return false;
}
