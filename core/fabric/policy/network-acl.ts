/**
 * A subnet's network ACL: stateless, numbered rules evaluated lowest number first, the first
 * matching rule decides, and the final `*` rule (32767) denies whatever no rule matched. Being
 * stateless, every packet is judged on its own: responses need their own rule (AWS's ephemeral
 * ports advice). Ingress rules match their CIDR against the packet's source, egress rules against
 * its destination; ports are always the destination port (see traffic-match.ts).
 *
 * The resolver already sorted the rules and appended the final deny; the evaluator still ends
 * every scan with its own final deny so a hand-built ACL without one fails closed, as AWS's does.
 * Rule explanations are built once, so a decision allocates nothing: `lastRule` just points at one.
 */
import { formatCidr, prefixMask } from '../../base/addr.ts';
import { NACL_FINAL_RULE, type ResolvedNetworkAcl, type ResolvedNetworkAclRule } from '../../topology/resolved.ts';
import type { FlowKey } from '../flow.ts';
import { ruleRef, type RuleRef } from '../verdict.ts';
import { describeTraffic, matchesTraffic } from './traffic-match.ts';

/** One direction's rules with their CIDRs as int32 base/mask pairs and their explanations. */
interface AclRules {
  readonly rules: readonly ResolvedNetworkAclRule[];
  readonly bases: Int32Array;
  readonly masks: Int32Array;
  readonly refs: readonly RuleRef[];
  /** The deny used when no listed rule matched (only possible without a final rule). */
  readonly finalDeny: RuleRef;
}

export class NetworkAclEvaluator {
  readonly name: string;
  /** The rule that decided the last `ingress`/`egress` call. */
  lastRule: RuleRef;
  private readonly inbound: AclRules;
  private readonly outbound: AclRules;

  constructor(acl: ResolvedNetworkAcl) {
    this.name = acl.name;
    this.inbound = compile(acl.name, acl.ingress);
    this.outbound = compile(acl.name, acl.egress);
    this.lastRule = this.inbound.finalDeny;
  }

  /** A packet entering the subnet: rule CIDRs match its source. */
  ingress(flow: FlowKey): boolean {
    return this.evaluate(this.inbound, flow, flow.src);
  }

  /** A packet leaving the subnet: rule CIDRs match its destination. */
  egress(flow: FlowKey): boolean {
    return this.evaluate(this.outbound, flow, flow.dst);
  }

  private evaluate(list: AclRules, flow: FlowKey, peer: number): boolean {
    const { rules, bases, masks } = list;
    for (let i = 0; i < rules.length; i++) {
      if ((peer & masks[i]) === bases[i] && matchesTraffic(rules[i], flow)) {
        this.lastRule = list.refs[i];
        return rules[i].action === 'allow';
      }
    }
    this.lastRule = list.finalDeny;
    return false;
  }
}

function compile(name: string, rules: readonly ResolvedNetworkAclRule[]): AclRules {
  return {
    rules,
    bases: Int32Array.from(rules, (r) => r.cidr.base | 0),
    masks: Int32Array.from(rules, (r) => prefixMask(r.cidr.prefix) | 0),
    refs: rules.map((r) => ruleRef('network-acl', name, r.rule, describeAclRule(r), r.origin)),
    finalDeny: ruleRef('network-acl', name, NACL_FINAL_RULE, 'rule * deny all 0.0.0.0/0'),
  };
}

/** `rule 100 allow all 0.0.0.0/0`, `rule 120 allow tcp 1024-65535 10.0.0.0/16`, `rule * deny all 0.0.0.0/0`. */
export function describeAclRule(rule: ResolvedNetworkAclRule): string {
  const number = rule.rule === NACL_FINAL_RULE ? '*' : String(rule.rule);
  return `rule ${number} ${rule.action} ${describeTraffic(rule)} ${formatCidr(rule.cidr)}`;
}
