/**
 * The security groups of one ENI: a stateful, allow-only firewall on the Nitro card.
 *
 * A packet is allowed when (a) it belongs to a tracked connection — a later packet or a response
 * of a flow allowed earlier in either direction; responses pass whatever the rules of their own
 * direction say — or (b) a rule of its direction allows it. The rules are the union of all the
 * ENI's groups; there are no deny rules. A rule's peer is a CIDR or another group, which matches
 * the addresses of the ENIs in that group (asked of a membership oracle, so it follows the world).
 *
 * A flow allowed by a rule is tracked, except TCP/UDP flows AWS leaves untracked: the flow is
 * allowed from/to 0.0.0.0/0 and the opposite direction has a rule allowing all traffic (protocol
 * all, or the flow's protocol on ports 0–65535) to/from 0.0.0.0/0. An untracked flow is judged by
 * the rules packet by packet, in both directions — so when its rule is removed it is cut at once,
 * while tracked flows survive rule changes until they idle out (both as the EC2 docs say).
 * ICMP and other protocols are always tracked.
 *
 * After every call `lastRule` says why (the allowing rule, the tracked connection, or the deny)
 * and, after a `false`, `lastDenyReason` tells a rule deny (SG_EGRESS_DENY / SG_INGRESS_DENY)
 * from a full connection-tracking table (CONNTRACK_ALLOWANCE_EXCEEDED). Allowing allocates
 * nothing: every explanation of an allow is built when the rules are set; only a deny builds its
 * text (drops are rare and want the packet's own numbers in the message).
 */
import { formatCidr, formatIpv4, prefixMask, type Ipv4 } from '../../base/addr.ts';
import type { SimTime } from '../../sim/time.ts';
import type { ResolvedSecurityGroup, ResolvedSecurityGroupRule } from '../../topology/resolved.ts';
import { PROTO_TCP, PROTO_UDP, type FlowKey } from '../flow.ts';
import { DropReason, ruleRef, type RuleRef } from '../verdict.ts';
import { ConnectionTable, TCP_FLAGS_UNKNOWN, type ConntrackOptions } from './conntrack.ts';
import { coversAllPorts, describeFlowTraffic, describeTraffic, matchesTraffic } from './traffic-match.ts';

/** Which ENI addresses belong to a group: how group-referencing rules find their peers. */
export interface GroupMembership {
  isMember(group: string, ip: Ipv4): boolean;
}

export type SecurityGroupFirewallOptions = ConntrackOptions;

/** Text of the explanation when a tracked connection, not a rule, let a response through. */
export const TRACKED_RESPONSE_TEXT = 'response of a tracked connection';
/** … and when it let through a later packet in the direction that opened the connection. */
export const TRACKED_PACKET_TEXT = 'packet of a tracked connection';

interface CompiledRule {
  readonly rule: ResolvedSecurityGroupRule;
  /** The peer group, or null for a CIDR peer (then `base`/`mask` as int32). */
  readonly group: string | null;
  readonly base: number;
  readonly mask: number;
  /** A CIDR peer of 0.0.0.0/0: what the untracked-flow condition looks for. */
  readonly anywhere: boolean;
  readonly ref: RuleRef;
}

interface DirectionRules {
  readonly rules: readonly CompiledRule[];
  /** The rules whose peer is 0.0.0.0/0. */
  readonly anywhere: readonly CompiledRule[];
  /** Whether a rule allows all TCP (resp. UDP) traffic to/from 0.0.0.0/0 on every port. */
  readonly openTcp: boolean;
  readonly openUdp: boolean;
}

export class SecurityGroupFirewall {
  readonly ip: Ipv4;
  readonly connections: ConnectionTable;
  /** Why the last `egress`/`ingress` call decided as it did. */
  lastRule: RuleRef;
  /** After a call returned false: the drop reason to report. */
  lastDenyReason: DropReason = DropReason.SgIngressDeny;
  private readonly membership: GroupMembership;
  private groupList: readonly ResolvedSecurityGroup[] = [];
  private inbound!: DirectionRules;
  private outbound!: DirectionRules;
  private responseRef!: RuleRef;
  private trackedRef!: RuleRef;
  private tableFullRef!: RuleRef;

  constructor(ip: Ipv4, groups: readonly ResolvedSecurityGroup[], membership: GroupMembership, options: SecurityGroupFirewallOptions = {}) {
    this.ip = ip;
    this.membership = membership;
    this.connections = new ConnectionTable(options);
    this.setGroups(groups);
    this.lastRule = ruleRef('security-group', this.firstGroupName(), -1, 'no packet judged yet');
  }

  get groups(): readonly ResolvedSecurityGroup[] {
    return this.groupList;
  }

  /**
   * Replaces the ENI's groups (or their rules) at run time. Tracked connections keep their
   * entries until they time out; untracked flows meet the new rules with their next packet.
   */
  setGroups(groups: readonly ResolvedSecurityGroup[]): void {
    this.groupList = [...groups];
    this.inbound = compileDirection(groups, 'inbound');
    this.outbound = compileDirection(groups, 'outbound');
    const name = this.firstGroupName();
    this.responseRef = ruleRef('security-group', name, -1, TRACKED_RESPONSE_TEXT);
    this.trackedRef = ruleRef('security-group', name, -1, TRACKED_PACKET_TEXT);
    this.tableFullRef = ruleRef('security-group', name, -1, `connection tracking table full (${this.connections.maxEntries} connections)`);
  }

  /** A packet the ENI sends. `tcpFlags` (TcpFlag bits) lets connection tracking follow TCP state. */
  egress(flow: FlowKey, now: SimTime, tcpFlags: number = TCP_FLAGS_UNKNOWN): boolean {
    return this.decide(flow, true, now, tcpFlags);
  }

  /** A packet for the ENI. */
  ingress(flow: FlowKey, now: SimTime, tcpFlags: number = TCP_FLAGS_UNKNOWN): boolean {
    return this.decide(flow, false, now, tcpFlags);
  }

  private decide(flow: FlowKey, outbound: boolean, now: SimTime, tcpFlags: number): boolean {
    const table = this.connections;
    if (table.observe(flow, outbound, now, tcpFlags)) {
      this.lastRule = table.lastWasReply ? this.responseRef : this.trackedRef;
      return true;
    }
    const here = outbound ? this.outbound : this.inbound;
    const remote = outbound ? flow.dst : flow.src;
    const rule = this.firstAllowing(here, flow, remote);
    if (rule === null) {
      this.lastDenyReason = outbound ? DropReason.SgEgressDeny : DropReason.SgIngressDeny;
      this.lastRule = this.denyRef(flow, outbound);
      return false;
    }
    this.lastRule = rule.ref;
    if (isUntracked(flow, rule, here, outbound ? this.inbound : this.outbound)) return true;
    if (table.track(flow, outbound, now, tcpFlags)) return true;
    this.lastDenyReason = DropReason.ConntrackAllowanceExceeded;
    this.lastRule = this.tableFullRef;
    return false;
  }

  private firstAllowing(list: DirectionRules, flow: FlowKey, remote: Ipv4): CompiledRule | null {
    const rules = list.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!matchesTraffic(r.rule, flow)) continue;
      if (r.group === null ? (remote & r.mask) === r.base : this.membership.isMember(r.group, remote)) return r;
    }
    return null;
  }

  private denyRef(flow: FlowKey, outbound: boolean): RuleRef {
    const peer = outbound ? `to ${formatIpv4(flow.dst)}` : `from ${formatIpv4(flow.src)}`;
    const traffic = describeFlowTraffic(flow);
    const names = this.groupList.map((g) => g.name).join(', ');
    const text = this.groupList.length === 0
      ? `no security group allows ${traffic} ${peer}: the ENI has none`
      : `no ${outbound ? 'outbound' : 'inbound'} rule of ${names} allows ${traffic} ${peer}`;
    return ruleRef('security-group', this.firstGroupName(), -1, text, this.groupList.length === 1 ? this.groupList[0].origin : null);
  }

  private firstGroupName(): string {
    return this.groupList.length > 0 ? this.groupList[0].name : '';
  }
}

/**
 * AWS's untracked-flow condition, seen from one packet with no tracked connection: either this
 * packet opens such a flow (allowed from/to anywhere here, the other direction fully open), or it
 * answers one opened from the other side (this direction fully open, and the opening packets —
 * this one reversed — allowed from/to anywhere there). Only TCP and UDP can be untracked.
 */
function isUntracked(flow: FlowKey, rule: CompiledRule, here: DirectionRules, there: DirectionRules): boolean {
  const protocol = flow.protocol;
  if (protocol !== PROTO_TCP && protocol !== PROTO_UDP) return false;
  const tcp = protocol === PROTO_TCP;
  if ((tcp ? there.openTcp : there.openUdp) && (rule.anywhere || anywhereAllows(here, flow))) return true;
  return (tcp ? here.openTcp : here.openUdp) && anywhereAllowsReverse(there, flow);
}

function anywhereAllows(list: DirectionRules, flow: FlowKey): boolean {
  const rules = list.anywhere;
  for (let i = 0; i < rules.length; i++) if (matchesTraffic(rules[i].rule, flow)) return true;
  return false;
}

/** Whether a 0.0.0.0/0 rule would allow the packet going the other way (its destination port is our source port). */
function anywhereAllowsReverse(list: DirectionRules, flow: FlowKey): boolean {
  const rules = list.anywhere;
  const name = flow.protocol === PROTO_TCP ? 'tcp' : 'udp';
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i].rule;
    if (r.protocol === 'all') return true;
    if (r.protocol !== name) continue;
    if (flow.fragment === 'later' ? coversAllPorts(r) : flow.srcPort >= r.fromPort && flow.srcPort <= r.toPort) return true;
  }
  return false;
}

function compileDirection(groups: readonly ResolvedSecurityGroup[], direction: 'inbound' | 'outbound'): DirectionRules {
  const rules: CompiledRule[] = [];
  for (const group of groups) {
    group[direction].forEach((rule, index) => {
      const cidr = rule.peer.kind === 'cidr' ? rule.peer.cidr : null;
      rules.push({
        rule,
        group: rule.peer.kind === 'group' ? rule.peer.group : null,
        base: cidr === null ? 0 : cidr.base | 0,
        mask: cidr === null ? 0 : prefixMask(cidr.prefix) | 0,
        anywhere: cidr !== null && cidr.prefix === 0,
        ref: ruleRef('security-group', group.name, index, describeSecurityGroupRule(rule, direction), rule.origin),
      });
    });
  }
  const anywhere = rules.filter((r) => r.anywhere);
  const open = (protocol: 'tcp' | 'udp'): boolean =>
    anywhere.some((r) => r.rule.protocol === 'all' || (r.rule.protocol === protocol && coversAllPorts(r.rule)));
  return { rules, anywhere, openTcp: open('tcp'), openUdp: open('udp') };
}

/** `inbound tcp 443 from 10.1.0.0/16`, `outbound all to 0.0.0.0/0`, `inbound tcp 22 from group bastion`. */
export function describeSecurityGroupRule(rule: ResolvedSecurityGroupRule, direction: 'inbound' | 'outbound'): string {
  const peer = rule.peer.kind === 'cidr' ? formatCidr(rule.peer.cidr) : `group ${rule.peer.group}`;
  return `${direction} ${describeTraffic(rule)} ${direction === 'inbound' ? 'from' : 'to'} ${peer}`;
}
