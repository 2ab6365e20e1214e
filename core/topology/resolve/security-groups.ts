/**
 * Security groups. Every VPC has a default group ("<vpc>/default", written `default` in the
 * document) with AWS's rules: inbound from members of the same group, all outbound. A declared
 * group with no `outbound` list allows all outbound traffic, as a new AWS group does; `inbound`
 * omitted allows nothing in. Rules may refer to groups of the same VPC or of a peered VPC.
 */
import { parseCidr } from '../../base/addr.ts';
import type { DocPath } from '../diagnostics.ts';
import { DEFAULT_SG_REF, defaultSecurityGroupName } from '../names.ts';
import type { ResolvedSecurityGroup, ResolvedSecurityGroupRule, RulePeer } from '../resolved.ts';
import type { SecurityGroupRuleDoc } from '../schema/rules.ts';
import { checkCidr } from './addressing.ts';
import { entries, type ResolveContext } from './context.ts';
import { vpcsConnected } from './peerings.ts';
import { resolveTraffic } from './traffic.ts';

const ANYWHERE = parseCidr('0.0.0.0/0')!;
const ALL_TRAFFIC = { protocol: 'all', fromPort: 0, toPort: 65535, icmpType: -1, icmpCode: -1 } as const;

/** Register every group's name and VPC first: rules may refer to groups declared after them. */
export function registerSecurityGroups(ctx: ResolveContext): void {
  for (const vpc of ctx.vpcs.values()) ctx.securityGroups.set(defaultSecurityGroupName(vpc.name), vpc.name);
  for (const [name, sg] of entries(ctx.doc.securityGroups)) {
    if (name === DEFAULT_SG_REF) {
      ctx.report.error('reserved-name', ['securityGroups', name], '"default" names each VPC\'s default security group; choose another name', true);
      continue;
    }
    const vpc = ctx.ref('vpc', ctx.vpcs, sg.vpc, ['securityGroups', name, 'vpc'], `security group "${name}"`);
    if (vpc) ctx.securityGroups.set(name, vpc.name);
  }
}

export function resolveSecurityGroups(ctx: ResolveContext): ResolvedSecurityGroup[] {
  const out: ResolvedSecurityGroup[] = [];
  for (const vpc of ctx.vpcs.values()) {
    const name = defaultSecurityGroupName(vpc.name);
    out.push({
      name, vpc: vpc.name, isDefault: true, origin: null,
      inbound: [{ ...ALL_TRAFFIC, peer: { kind: 'group', group: name }, origin: null }],
      outbound: [{ ...ALL_TRAFFIC, peer: { kind: 'cidr', cidr: ANYWHERE }, origin: null }],
    });
  }
  for (const [name, sg] of entries(ctx.doc.securityGroups)) {
    const vpc = ctx.securityGroups.get(name);
    if (vpc === undefined || name === DEFAULT_SG_REF) continue;
    const path = ['securityGroups', name];
    const inbound = rules(ctx, vpc, sg.inbound ?? [], [...path, 'inbound']);
    const outbound = sg.outbound === undefined
      ? [{ ...ALL_TRAFFIC, peer: { kind: 'cidr', cidr: ANYWHERE } as const, origin: null }]
      : rules(ctx, vpc, sg.outbound, [...path, 'outbound']);
    out.push({ name, vpc, isDefault: false, inbound, outbound, origin: path });
  }
  return out;
}

function rules(ctx: ResolveContext, vpc: string, list: readonly SecurityGroupRuleDoc[], path: DocPath): ResolvedSecurityGroupRule[] {
  const out: ResolvedSecurityGroupRule[] = [];
  list.forEach((rule, i) => {
    const at = [...path, i];
    const traffic = resolveTraffic(ctx, rule, at);
    const peer = resolvePeer(ctx, vpc, rule, at);
    if (traffic && peer) out.push({ ...traffic, peer, origin: at });
  });
  return out;
}

function resolvePeer(ctx: ResolveContext, vpc: string, rule: SecurityGroupRuleDoc, path: DocPath): RulePeer | null {
  if ((rule.cidr === undefined) === (rule.group === undefined)) {
    ctx.report.error('rule-fields', path, rule.cidr === undefined
      ? 'a security group rule needs a peer: cidr or group'
      : 'a security group rule has one peer: give cidr or group, not both');
    return null;
  }
  if (rule.cidr !== undefined) {
    const cidr = checkCidr(ctx, rule.cidr, [...path, 'cidr']);
    return cidr && { kind: 'cidr', cidr };
  }
  const group = referenceGroup(ctx, vpc, rule.group!, [...path, 'group'], true);
  return group === null ? null : { kind: 'group', group };
}

/**
 * Resolve a security-group reference made from `vpc`: "default" is that VPC's default group.
 * `peeredOk` allows groups of peered VPCs (rules may; an instance's own groups may not).
 */
export function referenceGroup(ctx: ResolveContext, vpc: string, ref: string, path: DocPath, peeredOk: boolean): string | null {
  const name = ref === DEFAULT_SG_REF ? defaultSecurityGroupName(vpc) : ref;
  const groupVpc = ctx.securityGroups.get(name);
  if (groupVpc === undefined) {
    if (!ctx.declared['security group'].has(name)) {
      ctx.unknown('security group', ref, path, [...ctx.declared['security group'], DEFAULT_SG_REF]);
    }
    return null;
  }
  if (peeredOk ? !vpcsConnected(ctx, vpc, groupVpc) : groupVpc !== vpc) {
    ctx.report.error('wrong-vpc', path, peeredOk
      ? `security group "${ref}" is in VPC "${groupVpc}", which is not VPC "${vpc}" or peered with it`
      : `security group "${ref}" is in VPC "${groupVpc}", not in the instance's VPC "${vpc}"`);
    return null;
  }
  return name;
}
