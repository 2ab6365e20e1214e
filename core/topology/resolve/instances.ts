/**
 * Instances: subnet, security groups and private address. Addresses given in the document are
 * checked (inside the subnet, not one of the five reserved, unique in the VPC) and claimed first;
 * then instances without one get, in document order, the lowest free address of their subnet
 * from base+4 up. Claiming explicit addresses first means adding an address to a later instance
 * never shifts the ones assigned to earlier instances.
 */
import { cidrContains, parseIpv4, type Ipv4 } from '../../base/addr.ts';
import { VPC_MTU } from '../defaults.ts';
import { DEFAULT_SG_REF } from '../names.ts';
import { describeCidr, lastAddress, reservedAddresses } from './addressing.ts';
import { entries, type HostState, type ResolveContext, type SubnetState } from './context.ts';
import { referenceGroup } from './security-groups.ts';

export interface InstanceDraft {
  readonly name: string;
  readonly subnet: SubnetState;
  ip: Ipv4 | null;
  /** The host the document names, already resolved; undefined when placement is left to us. */
  readonly host: HostState | undefined;
  readonly securityGroups: string[];
  readonly sourceDestCheck: boolean;
  readonly mtu: number;
}

export function resolveInstances(ctx: ResolveContext): InstanceDraft[] {
  const drafts: InstanceDraft[] = [];
  const taken = new Map<string, Map<Ipv4, string>>(); // vpc → ip → instance
  for (const [name, inst] of entries(ctx.doc.instances)) {
    const path = ['instances', name];
    const subnet = ctx.ref('subnet', ctx.subnets, inst.subnet, [...path, 'subnet'], `instance "${name}"`);
    if (!subnet) continue;
    const groups = resolveGroups(ctx, subnet.vpc, inst.securityGroups, [...path, 'securityGroups']);
    const host = inst.host === undefined ? undefined : ctx.ref('host', ctx.hosts, inst.host, [...path, 'host'], `instance "${name}"`);
    let ip: Ipv4 | null = null;
    if (inst.ip !== undefined) {
      const claimed = claimExplicit(ctx, subnet, inst.ip, name, taken, [...path, 'ip']);
      if (claimed === null) continue;
      ip = claimed;
    }
    if (!groups || host === null) continue;
    drafts.push({ name, subnet, ip, host, securityGroups: groups, sourceDestCheck: inst.sourceDestCheck ?? true, mtu: inst.mtu ?? VPC_MTU });
  }
  const cursors = new Map<string, number>(); // subnet → lowest address that may still be free
  for (const d of drafts) {
    if (d.ip !== null) continue;
    const ip = firstFree(d.subnet, taken.get(d.subnet.vpc), cursors);
    if (ip === null) {
      ctx.report.error('subnet-full', ['instances', d.name], `subnet "${d.subnet.name}" (${describeCidr(d.subnet.cidr)}) has no free address left`, true);
      continue;
    }
    d.ip = ip;
    vpcTaken(taken, d.subnet.vpc).set(ip, d.name);
  }
  return drafts.filter((d) => d.ip !== null);
}

function resolveGroups(ctx: ResolveContext, vpc: string, refs: readonly string[] | undefined, path: (string | number)[]): string[] | null {
  const out: string[] = [];
  let ok = true;
  (refs ?? [DEFAULT_SG_REF]).forEach((ref, i) => {
    const name = referenceGroup(ctx, vpc, ref, refs ? [...path, i] : path.slice(0, -1), false);
    if (name === null) ok = false;
    else if (out.includes(name)) {
      ctx.report.error('duplicate-list-item', [...path, i], `security group "${ref}" is listed twice`);
      ok = false;
    } else out.push(name);
  });
  return ok ? out : null;
}

function claimExplicit(ctx: ResolveContext, subnet: SubnetState, text: string, name: string, taken: Map<string, Map<Ipv4, string>>, path: (string | number)[]): Ipv4 | null {
  const ip = parseIpv4(text);
  if (ip === null) {
    ctx.report.error('ip-syntax', path, `"${text}" is not an IPv4 address`);
    return null;
  }
  if (!cidrContains(subnet.cidr, ip)) {
    ctx.report.error('address-outside-subnet', path, `${text} is not in subnet "${subnet.name}" (${describeCidr(subnet.cidr)})`);
    return null;
  }
  const reserved = reservedAddresses(subnet.cidr).find((r) => r.ip === ip);
  if (reserved) {
    ctx.report.error('reserved-address', path, `${text} is reserved in subnet "${subnet.name}": it is ${reserved.role}`);
    return null;
  }
  const owner = taken.get(subnet.vpc)?.get(ip);
  if (owner !== undefined) {
    ctx.report.error('duplicate-address', path, `${text} is already the address of instance "${owner}"`);
    return null;
  }
  vpcTaken(taken, subnet.vpc).set(ip, name);
  return ip;
}

/** Assignment runs in increasing order per subnet, so each search resumes where the last ended. */
function firstFree(subnet: SubnetState, taken: Map<Ipv4, string> | undefined, cursors: Map<string, number>): Ipv4 | null {
  const end = lastAddress(subnet.cidr);
  for (let ip = cursors.get(subnet.name) ?? subnet.cidr.base + 4; ip < end; ip++) {
    if (!taken?.has(ip)) {
      cursors.set(subnet.name, ip + 1);
      return ip;
    }
  }
  cursors.set(subnet.name, end);
  return null;
}

function vpcTaken(taken: Map<string, Map<Ipv4, string>>, vpc: string): Map<Ipv4, string> {
  let m = taken.get(vpc);
  if (!m) taken.set(vpc, (m = new Map()));
  return m;
}
