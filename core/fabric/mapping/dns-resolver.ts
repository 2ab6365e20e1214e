/**
 * The VPC's Route 53 Resolver ("AmazonProvidedDNS") as the Nitro card answers it, at the VPC base
 * plus two and at 169.254.169.253 (fabric-facts §4.1). Queries never cross the network: the card
 * answers from names it already knows. A records are answered for three name forms, looked up
 * case-insensitively:
 *
 *   web                          the instance name as it appears in the topology
 *   web.<vpc>.internal           the instance name in its VPC's zone — an Underlay convenience
 *                                standing in for a Route 53 private hosted zone; AWS has no such default
 *   ip-10-0-1-5.ec2.internal     EC2's private DNS name (us-east-1 style), for an address an instance holds
 *
 * A query from a VPC sees the instances of that VPC first, then those of VPCs peered with it in the
 * topology (as AWS does with "DNS resolution from the peer VPC" enabled). Peerings switched at run
 * time through the mapping service do not change what the resolver sees.
 *
 * Answers: TTL 60, flags QR RD(copied) RA. Unknown name ⇒ NXDOMAIN with the question echoed; a
 * known name asked for another type ⇒ NOERROR without answers. Bad input never throws: fewer than
 * 12 bytes, or a response, ⇒ null (nothing to answer); another opcode ⇒ NOTIMP; not exactly one
 * question or an unreadable one ⇒ FORMERR; a class other than IN ⇒ REFUSED.
 */
import { formatIpv4, type Ipv4, parseIpv4 } from '../../base/addr.ts';
import type { ResolvedTopology } from '../../topology/resolved.ts';
import {
  decodeDnsName, DNS_HEADER_LEN, DnsClass, DnsOpcode, type DnsQuestion, DnsRcode, type DnsRecord, DnsRepr, DnsType, DnsView, DnsViewMut,
} from '../../wire/dns.ts';

export const DNS_ANSWER_TTL = 60;
/** The private DNS domain of us-east-1 instances (other regions use `<region>.compute.internal`). */
export const EC2_INTERNAL_DOMAIN = 'ec2.internal';

/** What queries from one VPC can resolve in it. */
export interface DnsVpcNames {
  readonly number: number;
  /** The VPC name, lower-cased. */
  readonly name: string;
  /** Lower-cased instance name → private IP. */
  readonly instances: ReadonlyMap<string, Ipv4>;
  /** Addresses held by the VPC's instances (for EC2 private DNS names). */
  readonly addresses: ReadonlySet<Ipv4>;
  /** Numbers of the VPCs peered with this one, in topology order. */
  readonly peers: readonly number[];
}

/** Every VPC's names, by VPC number. Plain data: it crosses structured clone. */
export interface DnsNames {
  readonly vpcs: ReadonlyMap<number, DnsVpcNames>;
}

export function dnsNamesFromTopology(topology: ResolvedTopology): DnsNames {
  const byName = new Map<string, { number: number; name: string; instances: Map<string, Ipv4>; addresses: Set<Ipv4>; peers: number[] }>();
  for (const v of topology.vpcs) byName.set(v.name, { number: v.number, name: v.name.toLowerCase(), instances: new Map(), addresses: new Set(), peers: [] });
  for (const inst of topology.instances) {
    const vpc = byName.get(inst.vpc);
    if (vpc === undefined) continue;
    vpc.instances.set(inst.name.toLowerCase(), inst.ip);
    vpc.addresses.add(inst.ip);
  }
  for (const p of topology.peerings) {
    const a = byName.get(p.requester);
    const b = byName.get(p.accepter);
    if (a === undefined || b === undefined) continue;
    a.peers.push(b.number);
    b.peers.push(a.number);
  }
  const vpcs = new Map<number, DnsVpcNames>();
  for (const v of byName.values()) vpcs.set(v.number, v);
  return { vpcs };
}

/** `ip-10-0-1-5.ec2.internal` for 10.0.1.5. */
export function ec2PrivateDnsName(ip: Ipv4): string {
  return `ip-${formatIpv4(ip).replaceAll('.', '-')}.${EC2_INTERNAL_DOMAIN}`;
}

const EC2_NAME = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.ec2\.internal$/;

/** The address named by a canonical EC2 private DNS name (lower-cased), or null. */
export function parseEc2PrivateDnsName(lowerName: string): Ipv4 | null {
  const m = EC2_NAME.exec(lowerName);
  if (m === null) return null;
  const ip = parseIpv4(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`);
  // Canonical only: ip-010-0-1-5 is not a name EC2 would ever hand out.
  return ip !== null && ec2PrivateDnsName(ip) === lowerName ? ip : null;
}

/** The address `name` resolves to for a query from VPC `vpcNumber`, or null (NXDOMAIN). */
export function resolveName(name: string, vpcNumber: number, names: DnsNames): Ipv4 | null {
  const own = names.vpcs.get(vpcNumber);
  if (own === undefined) return null;
  const lower = name.toLowerCase();
  const ec2Ip = parseEc2PrivateDnsName(lower);
  const visible = [own];
  for (const peer of own.peers) {
    const v = names.vpcs.get(peer);
    if (v !== undefined) visible.push(v);
  }
  for (const vpc of visible) {
    const direct = vpc.instances.get(lower);
    if (direct !== undefined) return direct;
    const zone = `.${vpc.name}.internal`;
    if (lower.endsWith(zone)) {
      const inZone = vpc.instances.get(lower.slice(0, -zone.length));
      if (inZone !== undefined) return inZone;
    }
    if (ec2Ip !== null && vpc.addresses.has(ec2Ip)) return ec2Ip;
  }
  return null;
}

/**
 * The resolver's reply (a whole DNS message) to `query` (the UDP payload) sent from VPC
 * `vpcNumber`, or null when there is nothing to answer. Never throws.
 */
export function answerDnsQuery(query: Uint8Array, vpcNumber: number, names: DnsNames): Uint8Array | null {
  const view = DnsView.checked(query);
  if (!view.ok) return null;
  const header = view.value;
  // Never answer a response: two resolvers must not be able to ping-pong.
  if (header.response) return null;
  const rd = header.recursionDesired;
  if (header.opcode !== DnsOpcode.query) return reply(header.id, header.opcode, rd, DnsRcode.notImp, [], []);
  if (header.questionCount !== 1) return reply(header.id, DnsOpcode.query, rd, DnsRcode.formErr, [], []);
  const qname = decodeDnsName(query, DNS_HEADER_LEN);
  if (!qname.ok) return reply(header.id, DnsOpcode.query, rd, DnsRcode.formErr, [], []);
  const at = DNS_HEADER_LEN + qname.value.wireLength;
  if (at + 4 > query.length) return reply(header.id, DnsOpcode.query, rd, DnsRcode.formErr, [], []);
  const question: DnsQuestion = { name: qname.value.text, type: (query[at] << 8) | query[at + 1], class: (query[at + 2] << 8) | query[at + 3] };
  if (question.class !== DnsClass.in) return reply(header.id, DnsOpcode.query, rd, DnsRcode.refused, [question], []);
  const address = resolveName(question.name, vpcNumber, names);
  if (address === null) return reply(header.id, DnsOpcode.query, rd, DnsRcode.nxDomain, [question], []);
  if (question.type !== DnsType.a) return reply(header.id, DnsOpcode.query, rd, DnsRcode.noError, [question], []);
  const answer: DnsRecord = { name: question.name, class: DnsClass.in, ttl: DNS_ANSWER_TTL, data: { kind: 'a', address } };
  return reply(header.id, DnsOpcode.query, rd, DnsRcode.noError, [question], [answer]);
}

function reply(id: number, opcode: number, rd: boolean, rcode: number, questions: DnsQuestion[], answers: DnsRecord[]): Uint8Array {
  const repr: DnsRepr = {
    id,
    response: true,
    opcode,
    authoritative: false,
    truncated: false,
    recursionDesired: rd,
    recursionAvailable: true,
    authenticData: false,
    checkingDisabled: false,
    rcode,
    questions,
    answers,
    authorities: [],
    additionals: [],
  };
  const bytes = new Uint8Array(DnsRepr.bufferLen(repr));
  DnsRepr.emit(repr, DnsViewMut.over(bytes));
  return bytes;
}
