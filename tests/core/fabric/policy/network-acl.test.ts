import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../../../core/base/addr.ts';
import { NetworkAclEvaluator } from '../../../../core/fabric/policy/index.ts';
import { NACL_FINAL_RULE, type ResolvedNetworkAcl, type ResolvedNetworkAclRule } from '../../../../core/topology/resolved.ts';
import { flowOf, icmp, laterFragment, resolvedTopology, tcp, tcpPacket, traffic, udp } from './helpers.ts';

// The ACL of resources/topologies/security.yaml's private subnet, plus a quarantined source.
const topology = resolvedTopology(`
version: 1
name: acl
vpcs:
  prod: { cidr: 10.0.0.0/16 }
subnets:
  public:  { cidr: 10.0.1.0/24 }
  private: { cidr: 10.0.2.0/24 }
networkAcls:
  private-acl:
    subnets: [private]
    ingress:
      - { rule: 120, action: allow, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16 }
      - { rule: 90,  action: deny,  protocol: all, cidr: 10.0.66.0/24 }
      - { rule: 100, action: allow, protocol: tcp, ports: 5432, cidr: 10.0.1.0/24 }
      - { rule: 110, action: allow, protocol: icmp, cidr: 10.0.0.0/16 }
    egress:
      - { rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16 }
      - { rule: 110, action: allow, protocol: icmp, icmpType: 0, cidr: 10.0.0.0/16 }
`);
const privateAcl = topology.networkAcls.find((a) => a.name === 'private-acl')!;
const defaultAcl = topology.networkAcls.find((a) => a.isDefault)!;

describe('NetworkAclEvaluator', () => {
  it('evaluates lowest rule number first: deny 90 wins over allow 120 for a quarantined source', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    expect(acl.ingress(tcp('10.0.66.5:40000', '10.0.2.10:5000'))).toBe(false);
    expect(acl.lastRule).toEqual({ kind: 'network-acl', name: 'private-acl', index: 90, text: 'rule 90 deny all 10.0.66.0/24', origin: ['networkAcls', 'private-acl', 'ingress', 1] });
    // The same packet from elsewhere in the VPC falls through to rule 120.
    expect(acl.ingress(tcp('10.0.3.5:40000', '10.0.2.10:5000'))).toBe(true);
    expect(acl.lastRule).toMatchObject({ index: 120, text: 'rule 120 allow tcp 1024-65535 10.0.0.0/16' });
  });

  it('first match wins: 5432 from the public subnet is decided by rule 100, not 120', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    expect(acl.ingress(tcp('10.0.1.7:40000', '10.0.2.10:5432'))).toBe(true);
    expect(acl.lastRule.index).toBe(100);
    expect(acl.ingress(tcp('10.0.3.7:40000', '10.0.2.10:5432'))).toBe(true);
    expect(acl.lastRule.index).toBe(120);
  });

  it('ends with the final deny, reported as rule *', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    expect(acl.ingress(tcp('10.0.1.7:40000', '10.0.2.10:22'))).toBe(false);
    expect(acl.lastRule).toEqual({ kind: 'network-acl', name: 'private-acl', index: NACL_FINAL_RULE, text: 'rule * deny all 0.0.0.0/0', origin: null });
    expect(acl.ingress(udp('10.0.1.7:40000', '10.0.2.10:5432'))).toBe(false);
    expect(acl.lastRule.index).toBe(NACL_FINAL_RULE);
    expect(acl.ingress(tcp('192.0.2.1:40000', '10.0.2.10:5432'))).toBe(false);
    expect(acl.lastRule.index).toBe(NACL_FINAL_RULE);
  });

  it('is stateless: an allowed request does not let its response out without an egress rule', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    const ping = icmp('10.0.1.7', '10.0.2.10', 8, 0, 33);
    expect(acl.ingress(ping)).toBe(true);
    expect(acl.lastRule.text).toBe('rule 110 allow icmp 10.0.0.0/16');
    // The reply is type 0: allowed by egress rule 110 …
    expect(acl.egress(icmp('10.0.2.10', '10.0.1.7', 0, 0, 33))).toBe(true);
    expect(acl.lastRule.text).toBe('rule 110 allow icmp type 0 10.0.0.0/16');
    // … but the ACL's own ping out (type 8) is not: nothing remembers the inbound one.
    expect(acl.egress(icmp('10.0.2.10', '10.0.1.7', 8, 0, 33))).toBe(false);
    expect(acl.lastRule.index).toBe(NACL_FINAL_RULE);
  });

  it('matches ingress CIDRs against the source and egress CIDRs against the destination', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    // Egress rule 100 is "tcp 1024-65535 to 10.0.0.0/16": the response to a client in the VPC passes …
    expect(acl.egress(tcp('10.0.2.10:5432', '10.0.1.7:40000'))).toBe(true);
    expect(acl.lastRule.index).toBe(100);
    // … the same ports to the internet do not (destination outside the CIDR), even though the source is inside.
    expect(acl.egress(tcp('10.0.2.10:5432', '198.51.100.9:40000'))).toBe(false);
    // Ingress from an internet source to an in-VPC destination: the source decides.
    expect(acl.ingress(tcp('198.51.100.9:40000', '10.0.2.10:2000'))).toBe(false);
  });

  it('the default ACL allows everything with rule 100', () => {
    const acl = new NetworkAclEvaluator(defaultAcl);
    expect(acl.name).toBe('prod/default');
    expect(acl.ingress(udp('203.0.113.1:1', '10.0.1.5:2'))).toBe(true);
    expect(acl.lastRule).toMatchObject({ kind: 'network-acl', name: 'prod/default', index: 100, text: 'rule 100 allow all 0.0.0.0/0' });
    expect(acl.egress(icmp('10.0.1.5', '203.0.113.1', 3, 4))).toBe(true);
  });

  it('denies non-first fragments unless a rule covers every port', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    const fragment = laterFragment(tcp('10.0.1.7:40000', '10.0.2.10:5432'));
    // Rule 100 (port 5432) cannot see the fragment's ports; rule 120 (1024-65535) does not cover 0-1023 either.
    expect(acl.ingress(fragment)).toBe(false);
    expect(acl.lastRule.index).toBe(NACL_FINAL_RULE);
    const open = new NetworkAclEvaluator(handAcl([{ rule: 10, action: 'allow', ...traffic('tcp'), cidr: parseCidr('10.0.0.0/16')!, origin: null }], []));
    expect(open.ingress(fragment)).toBe(true);
    expect(open.lastRule.index).toBe(10);
  });

  it('fails closed when a hand-built rule list has no final deny', () => {
    const acl = new NetworkAclEvaluator(handAcl([], []));
    expect(acl.egress(tcp('10.0.2.10:1', '10.0.1.7:2'))).toBe(false);
    expect(acl.lastRule).toMatchObject({ index: NACL_FINAL_RULE, text: 'rule * deny all 0.0.0.0/0' });
  });

  it('decides the same on keys read from packet bytes', () => {
    const acl = new NetworkAclEvaluator(privateAcl);
    expect(acl.ingress(flowOf(tcpPacket('10.0.1.7:40000', '10.0.2.10:5432', 0x02)))).toBe(true);
    expect(acl.lastRule.index).toBe(100);
    expect(acl.ingress(flowOf(tcpPacket('10.0.66.7:40000', '10.0.2.10:5432', 0x02)))).toBe(false);
    expect(acl.lastRule.index).toBe(90);
  });
});

function handAcl(ingress: ResolvedNetworkAclRule[], egress: ResolvedNetworkAclRule[]): ResolvedNetworkAcl {
  return { name: 'hand', vpc: 'prod', isDefault: false, subnets: [], ingress, egress, origin: null };
}
