/**
 * Does a packet's flow key fall under a rule's traffic description (protocol, port range, ICMP
 * type/code)? Security groups and network ACLs share this test; only the peer (CIDR or group) and
 * what a match means differ between them.
 *
 * The port range is always compared with the packet's *destination* port, in both directions and
 * for both filters, as in AWS: an inbound rule "tcp 443" admits packets to local port 443, an ACL
 * egress rule "tcp 1024-65535" lets out responses to the client's ephemeral ports.
 *
 * Non-first fragments (`fragment === 'later'`) carry no transport header, so their ports and ICMP
 * type are unknown. They match only rules that would match whatever those fields were: protocol
 * `all`, a TCP/UDP rule covering the full range 0–65535, or an ICMP rule for any type. A rule
 * naming specific ports never admits a fragment whose ports it cannot see. (The Nitro card
 * reassembles before filtering, so this only matters for callers that filter fragments directly.)
 */
import type { TrafficMatch } from '../../topology/resolved.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, type FlowKey } from '../flow.ts';

export function matchesTraffic(rule: TrafficMatch, flow: FlowKey): boolean {
  switch (rule.protocol) {
    case 'all':
      return true;
    case 'tcp':
      return flow.protocol === PROTO_TCP && portsMatch(rule, flow);
    case 'udp':
      return flow.protocol === PROTO_UDP && portsMatch(rule, flow);
    case 'icmp':
      // A non-first fragment has icmpType -1, which only an any-type rule (-1) accepts.
      return flow.protocol === PROTO_ICMP
        && (rule.icmpType === -1 || rule.icmpType === flow.icmpType)
        && (rule.icmpCode === -1 || rule.icmpCode === flow.icmpCode);
  }
}

function portsMatch(rule: TrafficMatch, flow: FlowKey): boolean {
  if (flow.fragment === 'later') return coversAllPorts(rule);
  return flow.dstPort >= rule.fromPort && flow.dstPort <= rule.toPort;
}

/** True for a rule that matches every port of its protocol (0–65535); `all` counts too. */
export function coversAllPorts(rule: TrafficMatch): boolean {
  return rule.protocol === 'all' || (rule.fromPort === 0 && rule.toPort === 65535);
}

/**
 * The rule's traffic in words, as the console would show it: `all`, `tcp 22`, `udp 1024-65535`,
 * `tcp all ports`, `icmp`, `icmp type 8`, `icmp type 3 code 4`.
 */
export function describeTraffic(rule: TrafficMatch): string {
  switch (rule.protocol) {
    case 'all':
      return 'all';
    case 'tcp':
    case 'udp':
      if (rule.fromPort === 0 && rule.toPort === 65535) return `${rule.protocol} all ports`;
      return rule.fromPort === rule.toPort ? `${rule.protocol} ${rule.fromPort}` : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
    case 'icmp':
      if (rule.icmpType === -1) return 'icmp';
      return rule.icmpCode === -1 ? `icmp type ${rule.icmpType}` : `icmp type ${rule.icmpType} code ${rule.icmpCode}`;
  }
}

/**
 * A packet's traffic in the same words (for deny explanations): `tcp 22`, `udp 53`,
 * `icmp type 8 code 0`, `protocol 47`, `tcp (non-first fragment)`.
 */
export function describeFlowTraffic(flow: FlowKey): string {
  const later = flow.fragment === 'later';
  switch (flow.protocol) {
    case PROTO_TCP:
    case PROTO_UDP: {
      const name = flow.protocol === PROTO_TCP ? 'tcp' : 'udp';
      return later ? `${name} (non-first fragment)` : `${name} ${flow.dstPort}`;
    }
    case PROTO_ICMP:
      return later || flow.icmpType < 0 ? 'icmp (non-first fragment)' : `icmp type ${flow.icmpType} code ${flow.icmpCode}`;
    default:
      return `protocol ${flow.protocol}`;
  }
}
