/**
 * The Nitro card's filters as pure decision logic: route tables (longest prefix), network ACLs
 * (stateless, numbered), security groups (stateful, with per-ENI connection tracking). No I/O,
 * no clock: virtual time comes in as an argument.
 */
export { matchesTraffic, coversAllPorts, describeTraffic, describeFlowTraffic } from './traffic-match.ts';
export { RouteTableLookup, describeRoute } from './route-table.ts';
export { NetworkAclEvaluator, describeAclRule } from './network-acl.ts';
export {
  ConnectionTable, TCP_FLAGS_UNKNOWN, DEFAULT_CONNTRACK_TIMEOUTS, DEFAULT_MAX_CONNTRACK_ENTRIES, MAX_CONNTRACK_ENTRIES,
  type ConntrackOptions, type ConntrackTimeouts, type ConnectionEntry, type ConnectionState,
} from './conntrack.ts';
export {
  SecurityGroupFirewall, describeSecurityGroupRule, TRACKED_RESPONSE_TEXT, TRACKED_PACKET_TEXT,
  type GroupMembership, type SecurityGroupFirewallOptions,
} from './security-group.ts';
