/**
 * Free address blocks for new VPCs (a /16 from 10.0.0.0/8) and subnets (a /24 inside the VPC),
 * so an object added on the canvas is valid as soon as it lands.
 */
import { formatCidr, parseCidr, prefixMask, type Cidr } from '../../../../core/base/addr.ts';
import { resolveRef, type DocValue } from './doc-value.ts';

function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & prefixMask(p)) >>> 0) === ((b.base & prefixMask(p)) >>> 0);
}

function taken(value: DocValue, collection: string, vpc: string | null): Cidr[] {
  const out: Cidr[] = [];
  for (const fields of Object.values(value[collection] ?? {})) {
    if (collection === 'subnets' && resolveRef(value, fields, 'vpc', 'vpcs') !== vpc) continue;
    const c = typeof fields.cidr === 'string' ? parseCidr(fields.cidr) : null;
    if (c) out.push(c);
  }
  return out;
}

/** The lowest free block: a /16 for a VPC, a /24 (or the VPC itself if smaller) for a subnet. */
export function freeCidr(value: DocValue, collection: 'vpcs' | 'subnets', vpc: string | null): string {
  if (collection === 'vpcs') {
    const used = taken(value, 'vpcs', null);
    for (let n = 0; n < 256; n++) {
      const c = { base: ((10 << 24) | (n << 16)) >>> 0, prefix: 16 };
      if (!used.some((u) => overlaps(u, c))) return formatCidr(c);
    }
    return '10.0.0.0/16';
  }
  const vpcFields = vpc ? value.vpcs?.[vpc] : undefined;
  const outer = (typeof vpcFields?.cidr === 'string' ? parseCidr(vpcFields.cidr) : null) ?? { base: 10 << 24, prefix: 16 };
  const prefix = Math.max(outer.prefix, 24);
  const used = taken(value, 'subnets', vpc);
  const count = 2 ** (prefix - outer.prefix);
  for (let n = 0; n < count; n++) {
    // Start at .1.0/24 as the examples do, wrapping to .0.0 last.
    const i = (n + 1) % count;
    const c = { base: (outer.base + i * 2 ** (32 - prefix)) >>> 0, prefix };
    if (!used.some((u) => overlaps(u, c))) return formatCidr(c);
  }
  return formatCidr({ base: outer.base, prefix });
}
