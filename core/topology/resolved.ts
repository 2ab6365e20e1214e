/**
 * The resolved topology: the document with every default filled in, every reference checked and
 * every number assigned. The fabric builder consumes this and never the document, so it needs no
 * defaulting logic of its own. It is plain data (numbers, strings, arrays), so it crosses worker
 * and RPC boundaries by structured clone. Arrays keep document order, except racks and hosts,
 * which are listed zone by zone and rack by rack (the order of their underlay addresses), and the
 * default route tables, groups and ACLs, which come before the declared ones. Objects the resolver
 * made have `origin: null`, the others carry the document path they came from, so a verdict can
 * point back to the line that caused it.
 */
import type { Cidr, Ipv4, Mac } from '../base/addr.ts';
import type { DocPath } from './diagnostics.ts';

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'all';

/** IANA protocol numbers; `all` is -1 as in the EC2 API. */
export const PROTOCOL_NUMBERS: Readonly<Record<Protocol, number>> = { tcp: 6, udp: 17, icmp: 1, all: -1 };

export interface ResolvedZone {
  readonly name: string;
  readonly index: number;
  readonly origin: DocPath | null;
}

export interface ResolvedRack {
  readonly name: string;
  readonly zone: string;
  /** The rack's underlay /24; the ToR owns .1 of it. */
  readonly underlay: Cidr;
  readonly tor: { readonly name: string; readonly ip: Ipv4 };
  readonly origin: DocPath | null;
}

export interface ResolvedHost {
  readonly name: string;
  readonly rack: string;
  readonly zone: string;
  readonly capacity: number;
  /** Underlay address of the host's Nitro card: the outer IPv4 of its Geneve packets. */
  readonly underlayIp: Ipv4;
  /** Instances placed on the host, in document order. */
  readonly instances: readonly string[];
  readonly origin: DocPath | null;
}

export interface ResolvedVpc {
  readonly name: string;
  readonly cidr: Cidr;
  /** 24-bit VPC number: the Geneve VNI of its traffic. */
  readonly number: number;
  readonly mainRouteTable: string;
  readonly defaultSecurityGroup: string;
  readonly defaultNetworkAcl: string;
  /** Route 53 Resolver address: the VPC base plus two. */
  readonly dns: Ipv4;
  readonly origin: DocPath | null;
}

export interface ResolvedSubnet {
  readonly name: string;
  readonly vpc: string;
  readonly zone: string;
  readonly cidr: Cidr;
  /** The VPC router's address (.1). */
  readonly router: Ipv4;
  /** The five addresses no instance may have: network, router, DNS, future use, broadcast. */
  readonly reserved: readonly Ipv4[];
  readonly routeTable: string;
  readonly networkAcl: string;
  readonly origin: DocPath | null;
}

/** Route targets: a discriminated union; igw, nat, tgw and endpoint targets join it later. */
export type RouteTarget = { readonly kind: 'local' } | { readonly kind: 'peering'; readonly peering: string };

export interface ResolvedRoute {
  readonly destination: Cidr;
  readonly target: RouteTarget;
  readonly origin: DocPath | null;
}

export interface ResolvedRouteTable {
  readonly name: string;
  readonly vpc: string;
  readonly main: boolean;
  readonly subnets: readonly string[];
  /** The local route first, then the document's routes in order. */
  readonly routes: readonly ResolvedRoute[];
  readonly origin: DocPath | null;
}

/** A port range (inclusive) and ICMP type/code (-1 = any), normalised for every protocol. */
export interface TrafficMatch {
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly icmpType: number;
  readonly icmpCode: number;
}

export type RulePeer = { readonly kind: 'cidr'; readonly cidr: Cidr } | { readonly kind: 'group'; readonly group: string };

export interface ResolvedSecurityGroupRule extends TrafficMatch {
  readonly peer: RulePeer;
  readonly origin: DocPath | null;
}

export interface ResolvedSecurityGroup {
  readonly name: string;
  readonly vpc: string;
  readonly isDefault: boolean;
  readonly inbound: readonly ResolvedSecurityGroupRule[];
  readonly outbound: readonly ResolvedSecurityGroupRule[];
  readonly origin: DocPath | null;
}

/** The rule number of the final deny-all entry ("*" in the console). */
export const NACL_FINAL_RULE = 32767;

export interface ResolvedNetworkAclRule extends TrafficMatch {
  readonly rule: number;
  readonly action: 'allow' | 'deny';
  readonly cidr: Cidr;
  readonly origin: DocPath | null;
}

export interface ResolvedNetworkAcl {
  readonly name: string;
  readonly vpc: string;
  readonly isDefault: boolean;
  readonly subnets: readonly string[];
  /** Sorted by rule number, ending with the final deny (rule 32767). */
  readonly ingress: readonly ResolvedNetworkAclRule[];
  readonly egress: readonly ResolvedNetworkAclRule[];
  readonly origin: DocPath | null;
}

export interface ResolvedInstance {
  readonly name: string;
  readonly vpc: string;
  readonly subnet: string;
  readonly zone: string;
  readonly host: string;
  readonly ip: Ipv4;
  /** ENI number (1-based, document order) and its MAC 02:00:00:xx:xx:xx. */
  readonly eni: number;
  readonly mac: Mac;
  readonly securityGroups: readonly string[];
  readonly sourceDestCheck: boolean;
  readonly mtu: number;
  readonly origin: DocPath | null;
}

export interface ResolvedPeering {
  readonly name: string;
  readonly requester: string;
  readonly accepter: string;
  readonly mtu: number;
  readonly origin: DocPath | null;
}

export interface ResolvedTopology {
  readonly version: number;
  readonly name: string;
  readonly zones: readonly ResolvedZone[];
  readonly racks: readonly ResolvedRack[];
  readonly hosts: readonly ResolvedHost[];
  readonly vpcs: readonly ResolvedVpc[];
  readonly subnets: readonly ResolvedSubnet[];
  readonly routeTables: readonly ResolvedRouteTable[];
  readonly securityGroups: readonly ResolvedSecurityGroup[];
  readonly networkAcls: readonly ResolvedNetworkAcl[];
  readonly instances: readonly ResolvedInstance[];
  readonly peerings: readonly ResolvedPeering[];
}
