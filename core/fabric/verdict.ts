/**
 * Verdicts: what the fabric decided about a packet at one point, and why. Every drop carries
 * exactly one reason code from `DropReason`, a single enumeration modelled on VPC Reachability
 * Analyzer's explanation codes, plus the rule or entry that decided it (`RuleRef`), so a learner
 * can go from a dropped frame straight to the line of the topology that dropped it.
 *
 * The link-level codes of the kernel (`LINK_DOWN`, `LINK_QUEUE_FULL`, …, see sim/drop.ts) belong to
 * the same vocabulary; `FabricReason` is their union.
 */
import type { DropEvent, LinkDropReason } from '../sim/drop.ts';
import type { DocPath } from '../topology/diagnostics.ts';

export const DropReason = {
  // ENI / Nitro egress
  /** The guest sent a frame the card cannot parse (bad Ethernet/IPv4 header, bad lengths). */
  MalformedPacket: 'MALFORMED_PACKET',
  /** Broadcast or multicast IPv4, or an EtherType other than IPv4/ARP: a VPC carries neither. */
  UnsupportedTraffic: 'UNSUPPORTED_TRAFFIC',
  /** Source/destination check: the instance is neither the source nor the destination. */
  SrcDstCheck: 'SRC_DST_CHECK',
  /** The security group of the sending ENI has no outbound rule allowing the packet. */
  SgEgressDeny: 'SG_EGRESS_DENY',
  /** The security group of the receiving ENI has no inbound rule allowing the packet. */
  SgIngressDeny: 'SG_INGRESS_DENY',
  /** The per-ENI connection-tracking table is full (AWS: conntrack_allowance_exceeded). */
  ConntrackAllowanceExceeded: 'CONNTRACK_ALLOWANCE_EXCEEDED',
  /** The source subnet's network ACL denies the packet leaving it (rule number in the RuleRef). */
  NaclEgressDeny: 'NACL_EGRESS_DENY',
  /** The destination subnet's network ACL denies the packet entering it. */
  NaclIngressDeny: 'NACL_INGRESS_DENY',
  /** No route in the subnet's route table matches the destination. */
  NoRoute: 'NO_ROUTE',
  /** The packet is larger than the path MTU and has DF set; ICMP fragmentation-needed is sent back. */
  MtuExceededDf: 'MTU_EXCEEDED_DF',
  /** Fragments that never completed a datagram before the reassembly timer fired. */
  FragmentReassemblyTimeout: 'FRAGMENT_REASSEMBLY_TIMEOUT',
  /** TTL reached zero at a router. */
  TtlExceeded: 'TTL_EXCEEDED',
  // Mapping service: sender and receiver verification
  /** Sender verification: the host cache has no mapping for the destination (a miss is a drop). */
  MappingNotFound: 'MAPPING_NOT_FOUND',
  /** Sender or receiver verification: the two VPCs are not (or no longer) peered. */
  MappingVpcNotPeered: 'MAPPING_VPC_NOT_PEERED',
  /** Receiver verification: the outer source is not where the inner source lives. */
  MappingSpoofedSource: 'MAPPING_SPOOFED_SOURCE',
  /** Receiver verification: the destination ENI is not (or no longer) on this host — a stale cache. */
  MappingStaleDestination: 'MAPPING_STALE_DESTINATION',
  /** Receiver verification: the Geneve header is not a valid Underlay encapsulation. */
  MappingBadEncapsulation: 'MAPPING_BAD_ENCAPSULATION',
  // Substrate
  /** A switch has no underlay route for the outer destination. */
  UnderlayNoRoute: 'UNDERLAY_NO_ROUTE',
  /** The instance is stopped or being moved and cannot receive. */
  InstanceUnavailable: 'INSTANCE_UNAVAILABLE',
} as const;

export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** Every reason a packet can die with: the fabric's and the kernel's link-level ones. */
export type FabricReason = DropReason | LinkDropReason;

/** What happened to a packet at a point; the `verdict=` of a capture comment. */
export type VerdictKind = 'forward' | 'drop' | 'rewrite' | 'deliver';

/** The rule or entry that decided a verdict, pointing back to the topology where it can. */
export interface RuleRef {
  readonly kind: 'security-group' | 'network-acl' | 'route-table' | 'mapping' | 'peering' | 'instance' | 'subnet' | 'substrate';
  /** The named object: group, ACL, route table, peering, instance, subnet or device name. */
  readonly name: string;
  /** NACL rule number, or the index of a security-group rule/route within its list; -1 when none. */
  readonly index: number;
  /** Human words for the rule, e.g. `rule 90 deny tcp 0.0.0.0/0 ports 22` or `no rule allows it`. */
  readonly text: string;
  /** Where the rule is in the topology document, when it came from the document. */
  readonly origin: DocPath | null;
}

export interface Verdict {
  readonly kind: VerdictKind;
  /** Present for drops; null otherwise. */
  readonly reason: FabricReason | null;
  readonly rule: RuleRef | null;
  readonly detail: string;
}

export function ruleRef(kind: RuleRef['kind'], name: string, index: number, text: string, origin: DocPath | null = null): RuleRef {
  return { kind, name, index, text, origin };
}

/**
 * A drop fired by a fabric component on a port's `drop` trace source: the kernel's `DropEvent`
 * (packet, reason, detail) plus the rule that decided it. Link-level drops have no `rule`.
 */
export interface FabricDropEvent extends DropEvent {
  readonly rule?: RuleRef | null;
}
