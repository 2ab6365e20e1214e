/**
 * Network ACLs: numbered rules 1-32766, unique per direction, evaluated lowest first, and a final
 * deny-all (rule 32767, "*" in the console) that cannot be removed. Every VPC has a default ACL
 * ("<vpc>/default") that allows everything both ways (rule 100) and takes every subnet no
 * declared ACL claims.
 */
import { parseCidr } from '../../base/addr.ts';
import { DEFAULT_NACL_RULE } from '../defaults.ts';
import type { DocPath } from '../diagnostics.ts';
import { defaultNetworkAclName } from '../names.ts';
import { NACL_FINAL_RULE, type ResolvedNetworkAcl, type ResolvedNetworkAclRule } from '../resolved.ts';
import type { NetworkAclRuleDoc } from '../schema/rules.ts';
import { checkCidr } from './addressing.ts';
import { Associations } from './associations.ts';
import { entries, type ResolveContext } from './context.ts';
import { resolveTraffic } from './traffic.ts';

const ANYWHERE = parseCidr('0.0.0.0/0')!;
const allTraffic = (rule: number, action: 'allow' | 'deny'): ResolvedNetworkAclRule =>
  ({ rule, action, protocol: 'all', fromPort: 0, toPort: 65535, icmpType: -1, icmpCode: -1, cidr: ANYWHERE, origin: null });

export const MAX_NACL_RULE = 32766;

export function resolveNetworkAcls(ctx: ResolveContext): { acls: ResolvedNetworkAcl[]; bySubnet: Map<string, string> } {
  const assoc = new Associations('network ACL');
  const declared: ResolvedNetworkAcl[] = [];
  for (const [name, acl] of entries(ctx.doc.networkAcls)) {
    const path = ['networkAcls', name];
    const vpc = ctx.ref('vpc', ctx.vpcs, acl.vpc, [...path, 'vpc'], `network ACL "${name}"`);
    const subnets = assoc.claim(ctx, name, vpc?.name ?? null, acl.subnets, [...path, 'subnets']);
    const ingress = rules(ctx, acl.ingress ?? [], [...path, 'ingress']);
    const egress = rules(ctx, acl.egress ?? [], [...path, 'egress']);
    if (vpc) declared.push({ name, vpc: vpc.name, isDefault: false, subnets, ingress, egress, origin: path });
  }
  const defaults = [...ctx.vpcs.values()].map((vpc): ResolvedNetworkAcl => ({
    name: defaultNetworkAclName(vpc.name), vpc: vpc.name, isDefault: true, origin: null,
    subnets: assoc.unclaimed(ctx, vpc.name),
    ingress: [allTraffic(DEFAULT_NACL_RULE, 'allow'), allTraffic(NACL_FINAL_RULE, 'deny')],
    egress: [allTraffic(DEFAULT_NACL_RULE, 'allow'), allTraffic(NACL_FINAL_RULE, 'deny')],
  }));
  const acls = [...defaults, ...declared];
  const bySubnet = new Map<string, string>();
  for (const acl of acls) for (const s of acl.subnets) bySubnet.set(s, acl.name);
  return { acls, bySubnet };
}

function rules(ctx: ResolveContext, list: readonly NetworkAclRuleDoc[], path: DocPath): ResolvedNetworkAclRule[] {
  const out: ResolvedNetworkAclRule[] = [];
  const numbers = new Map<number, number>();
  list.forEach((rule, i) => {
    const at = [...path, i];
    let ok = true;
    if (rule.rule < 1 || rule.rule > MAX_NACL_RULE) {
      ctx.report.error('nacl-rule-range', [...at, 'rule'], `rule numbers are 1 to ${MAX_NACL_RULE}, not ${rule.rule}`);
      ok = false;
    } else if (numbers.has(rule.rule)) {
      ctx.report.error('duplicate-nacl-rule', [...at, 'rule'], `rule ${rule.rule} is already used by entry ${numbers.get(rule.rule)} of this list`);
      ok = false;
    } else {
      numbers.set(rule.rule, i);
    }
    const traffic = resolveTraffic(ctx, rule, at);
    const cidr = rule.cidr === undefined ? ANYWHERE : checkCidr(ctx, rule.cidr, [...at, 'cidr']);
    if (ok && traffic && cidr) out.push({ rule: rule.rule, action: rule.action, ...traffic, cidr, origin: at });
  });
  out.sort((a, b) => a.rule - b.rule);
  out.push(allTraffic(NACL_FINAL_RULE, 'deny'));
  return out;
}
