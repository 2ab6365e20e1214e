/**
 * VPCs and subnets: CIDR sizes, subnets inside their VPC and disjoint from its other subnets,
 * and VPC numbers (the VNI). Explicit numbers are honoured first; the others take the lowest
 * unused number from 1 upwards in document order (0 is left to GWLB traffic).
 */
import { MAX_PREFIX, MIN_PREFIX } from '../defaults.ts';
import { checkCidr, cidrWithin, cidrsOverlap, describeCidr } from './addressing.ts';
import { entries, type ResolveContext, type SubnetState, type VpcState } from './context.ts';

export function resolveVpcs(ctx: ResolveContext): void {
  const used = new Map<number, string>();
  const pending: VpcState[] = [];
  for (const [name, vpc] of entries(ctx.doc.vpcs)) {
    const path = ['vpcs', name];
    const cidr = checkCidr(ctx, vpc.cidr, [...path, 'cidr']);
    if (cidr && (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX)) {
      ctx.report.error('vpc-cidr-size', [...path, 'cidr'], `a VPC CIDR block must be /${MIN_PREFIX} to /${MAX_PREFIX}, not /${cidr.prefix}`);
      continue;
    }
    let ok = cidr !== null;
    if (vpc.number !== undefined) {
      const other = used.get(vpc.number);
      if (other !== undefined) {
        ctx.report.error('duplicate-vpc-number', [...path, 'number'], `VPC number ${vpc.number} is already used by VPC "${other}"`);
        ok = false;
      } else {
        used.set(vpc.number, name);
      }
    }
    if (!ok || !cidr) continue;
    const state: VpcState = { name, cidr, number: vpc.number ?? 0, origin: path };
    ctx.vpcs.set(name, state);
    if (vpc.number === undefined) pending.push(state);
  }
  let next = 1;
  for (const vpc of pending) {
    while (used.has(next)) next++;
    vpc.number = next;
    used.set(next, vpc.name);
  }
}

export function resolveSubnets(ctx: ResolveContext): void {
  const byVpc = new Map<string, SubnetState[]>();
  for (const [name, subnet] of entries(ctx.doc.subnets)) {
    const path = ['subnets', name];
    const owner = `subnet "${name}"`;
    const vpc = ctx.ref('vpc', ctx.vpcs, subnet.vpc, [...path, 'vpc'], owner);
    const zone = ctx.ref('zone', ctx.zones, subnet.zone, [...path, 'zone'], owner);
    const cidr = checkCidr(ctx, subnet.cidr, [...path, 'cidr']);
    if (!cidr) continue;
    if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) {
      ctx.report.error('subnet-cidr-size', [...path, 'cidr'], `a subnet must be /${MIN_PREFIX} to /${MAX_PREFIX}, not /${cidr.prefix}`);
      continue;
    }
    if (!vpc || !zone) continue;
    if (!cidrWithin(cidr, vpc.cidr)) {
      ctx.report.error('subnet-outside-vpc', [...path, 'cidr'], `${describeCidr(cidr)} is not inside VPC "${vpc.name}" (${describeCidr(vpc.cidr)})`);
      continue;
    }
    const siblings = byVpc.get(vpc.name) ?? [];
    const clash = siblings.find((s) => cidrsOverlap(s.cidr, cidr));
    if (clash) {
      ctx.report.error('subnet-overlap', [...path, 'cidr'], `${describeCidr(cidr)} overlaps subnet "${clash.name}" (${describeCidr(clash.cidr)})`);
      continue;
    }
    const state: SubnetState = { name, vpc: vpc.name, zone: zone.name, cidr, origin: path };
    siblings.push(state);
    byVpc.set(vpc.name, siblings);
    ctx.subnets.set(name, state);
  }
}
