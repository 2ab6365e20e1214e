/**
 * CIDR arithmetic the resolver needs on top of core/base/addr.ts. Sizes are computed with
 * ordinary arithmetic, not 32-bit shifts, so /0 and the top of the address space stay exact.
 */
import { cidrContains, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr, type Ipv4 } from '../../base/addr.ts';
import type { DocPath } from '../diagnostics.ts';
import type { ResolveContext } from './context.ts';

export const cidrSize = (c: Cidr): number => 2 ** (32 - c.prefix);
export const lastAddress = (c: Cidr): Ipv4 => c.base + cidrSize(c) - 1;

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

/** `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
}

/** The five addresses AWS reserves in every subnet, with what each is for. */
export function reservedAddresses(c: Cidr): { ip: Ipv4; role: string }[] {
  return [
    { ip: c.base, role: 'the network address' },
    { ip: c.base + 1, role: 'the VPC router' },
    { ip: c.base + 2, role: 'the DNS resolver' },
    { ip: c.base + 3, role: 'reserved by AWS for future use' },
    { ip: lastAddress(c), role: 'the broadcast address' },
  ];
}

/**
 * Parse a CIDR the schema has already checked for shape, refusing host bits: "10.0.1.5/24" is
 * almost always a typo for an address or for 10.0.1.0/24, and AWS rejects it too.
 */
export function checkCidr(ctx: ResolveContext, text: string, path: DocPath): Cidr | null {
  const c = parseCidr(text);
  if (c === null) {
    ctx.report.error('cidr-syntax', path, `"${text}" is not an IPv4 CIDR block`);
    return null;
  }
  const given = parseIpv4(text.slice(0, text.indexOf('/')));
  if (given !== c.base) {
    ctx.report.error('cidr-host-bits', path, `${text} has host bits set; the block is ${formatCidr(c)}`);
    return null;
  }
  return c;
}

export const describeCidr = (c: Cidr): string => formatCidr(c);
export const describeIp = (a: Ipv4): string => formatIpv4(a);
