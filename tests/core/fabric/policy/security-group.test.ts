import { describe, expect, it } from 'vitest';
import type { Ipv4 } from '../../../../core/base/addr.ts';
import {
  SecurityGroupFirewall, TRACKED_PACKET_TEXT, TRACKED_RESPONSE_TEXT, type GroupMembership,
} from '../../../../core/fabric/policy/index.ts';
import { DropReason } from '../../../../core/fabric/verdict.ts';
import { SECOND } from '../../../../core/sim/time.ts';
import type { ResolvedTopology } from '../../../../core/topology/resolved.ts';
import { TcpFlag } from '../../../../core/wire/tcp.ts';
import {
  cidrPeer, echoPacket, flowOf, group, groupPeer, icmp, ip, otherProtocol, reversed, resolvedTopology, rule, tcp, tcpFlagsOf,
  tcpPacket, traffic, udp,
} from './helpers.ts';

// resources/topologies/security.yaml, with fixed addresses.
const topology = resolvedTopology(`
version: 1
name: Security groups
vpcs:
  prod: { cidr: 10.0.0.0/16 }
subnets:
  public:  { cidr: 10.0.1.0/24 }
  private: { cidr: 10.0.2.0/24 }
securityGroups:
  web:
    inbound:
      - { protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }
      - { protocol: tcp, ports: 22, group: bastion }
      - { protocol: icmp, icmpType: 8, icmpCode: 0, cidr: 10.0.0.0/16 }
  db:
    inbound:
      - { protocol: tcp, ports: 5432, group: web }
      - { protocol: icmp, cidr: 10.0.1.0/24 }
    outbound:
      - { protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }
  bastion:
    inbound:
      - { protocol: tcp, ports: 22, cidr: 203.0.113.0/24 }
instances:
  web:  { subnet: public, securityGroups: [web], ip: 10.0.1.10 }
  jump: { subnet: public, securityGroups: [bastion], ip: 10.0.1.20 }
  db:   { subnet: private, securityGroups: [db], ip: 10.0.2.10 }
  app:  { subnet: private, ip: 10.0.2.20 }
  app2: { subnet: private, ip: 10.0.2.21 }
`);

function membership(t: ResolvedTopology): GroupMembership {
  const members = new Map<string, Set<Ipv4>>();
  for (const inst of t.instances) for (const g of inst.securityGroups) members.set(g, (members.get(g) ?? new Set()).add(inst.ip));
  return { isMember: (g, a) => members.get(g)?.has(a) ?? false };
}

function firewallOf(instance: string, options = {}): SecurityGroupFirewall {
  const inst = topology.instances.find((i) => i.name === instance)!;
  const groups = inst.securityGroups.map((g) => topology.securityGroups.find((sg) => sg.name === g)!);
  return new SecurityGroupFirewall(inst.ip, groups, membership(topology), options);
}

const sgByName = (name: string) => topology.securityGroups.find((g) => g.name === name)!;
const noMembers: GroupMembership = { isMember: () => false };
const { syn, ack, fin } = TcpFlag;

describe('SecurityGroupFirewall: rules', () => {
  it('allows by an inbound rule and reports that rule', () => {
    const fw = firewallOf('web');
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:80'), 0)).toBe(true);
    expect(fw.lastRule).toEqual({ kind: 'security-group', name: 'web', index: 0, text: 'inbound tcp 80 from 0.0.0.0/0', origin: ['securityGroups', 'web', 'inbound', 0] });
    expect(fw.ingress(icmp('10.0.2.10', '10.0.1.10', 8, 0, 5), 0)).toBe(true);
    expect(fw.lastRule).toMatchObject({ index: 2, text: 'inbound icmp type 8 code 0 from 10.0.0.0/16' });
  });

  it('denies what no rule allows, saying which groups and which packet', () => {
    const fw = firewallOf('web');
    expect(fw.ingress(tcp('10.0.2.10:40000', '10.0.1.10:22'), 0)).toBe(false);
    expect(fw.lastDenyReason).toBe(DropReason.SgIngressDeny);
    expect(fw.lastRule).toEqual({ kind: 'security-group', name: 'web', index: -1, text: 'no inbound rule of web allows tcp 22 from 10.0.2.10', origin: ['securityGroups', 'web'] });
    // Ping from outside the VPC: the ICMP rule's CIDR does not cover it.
    expect(fw.ingress(icmp('198.51.100.7', '10.0.1.10', 8, 0, 5), 0)).toBe(false);
    expect(fw.lastRule.text).toBe('no inbound rule of web allows icmp type 8 code 0 from 198.51.100.7');
    // db may only open HTTPS connections.
    const db = firewallOf('db');
    expect(db.egress(udp('10.0.2.10:5353', '10.0.0.2:53'), 0)).toBe(false);
    expect(db.lastDenyReason).toBe(DropReason.SgEgressDeny);
    expect(db.lastRule.text).toBe('no outbound rule of db allows udp 53 to 10.0.0.2');
  });

  it('matches group-referencing rules against the members of the group', () => {
    const fw = firewallOf('web');
    expect(fw.ingress(tcp('10.0.1.20:50000', '10.0.1.10:22'), 0)).toBe(true); // jump is in bastion
    expect(fw.lastRule).toMatchObject({ name: 'web', index: 1, text: 'inbound tcp 22 from group bastion', origin: ['securityGroups', 'web', 'inbound', 1] });
    expect(fw.ingress(tcp('10.0.1.21:50000', '10.0.1.10:22'), 0)).toBe(false); // a neighbour address, not a member
    const db = firewallOf('db');
    expect(db.ingress(tcp('10.0.1.10:40000', '10.0.2.10:5432'), 0)).toBe(true); // web is in group web
    expect(db.ingress(tcp('10.0.1.20:40000', '10.0.2.10:5432'), 0)).toBe(false);
  });

  it('asks the membership oracle about the remote address: the source inbound, the destination outbound', () => {
    const asked: string[] = [];
    const oracle: GroupMembership = { isMember: (g, a) => (asked.push(`${g} ${a === ip('10.0.2.10') ? 'db' : a}`), a === ip('10.0.2.10')) };
    const g = group('app', [rule(traffic('tcp', 9000), groupPeer('db'))], [rule(traffic('tcp', 5432), groupPeer('db'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [g], oracle);
    expect(fw.egress(tcp('10.0.1.10:40000', '10.0.2.10:5432'), 0)).toBe(true);
    expect(fw.lastRule.text).toBe('outbound tcp 5432 to group db');
    expect(fw.ingress(tcp('10.0.2.10:40000', '10.0.1.10:9000'), 0)).toBe(true);
    // A port no rule names never reaches the oracle.
    expect(fw.ingress(tcp('10.0.2.10:40000', '10.0.1.10:9001'), 0)).toBe(false);
    expect(asked).toEqual(['db db', 'db db']);
  });

  it('the default group admits its own members only, and lets every connection out', () => {
    const app = firewallOf('app');
    expect(app.ingress(udp('10.0.2.21:5000', '10.0.2.20:6000'), 0)).toBe(true);
    expect(app.lastRule).toMatchObject({ name: 'prod/default', index: 0, text: 'inbound all from group prod/default', origin: null });
    expect(app.ingress(udp('10.0.2.10:5000', '10.0.2.20:6000'), 0)).toBe(false);
    expect(app.egress(tcp('10.0.2.20:40000', '93.184.216.34:443'), 0)).toBe(true);
    expect(app.lastRule.text).toBe('outbound all to 0.0.0.0/0');
  });

  it('takes the union of all the ENI\'s groups and names them all in a deny', () => {
    const both = new SecurityGroupFirewall(ip('10.0.1.30'), [sgByName('bastion'), sgByName('db')], membership(topology));
    expect(both.ingress(tcp('203.0.113.9:1000', '10.0.1.30:22'), 0)).toBe(true);
    expect(both.lastRule).toMatchObject({ name: 'bastion', index: 0 });
    expect(both.ingress(tcp('10.0.1.10:1000', '10.0.1.30:5432'), 0)).toBe(true);
    expect(both.lastRule).toMatchObject({ name: 'db', index: 0 });
    expect(both.ingress(tcp('10.0.1.10:1000', '10.0.1.30:80'), 0)).toBe(false);
    expect(both.lastRule).toMatchObject({ name: 'bastion', index: -1, text: 'no inbound rule of bastion, db allows tcp 80 from 10.0.1.10', origin: null });
  });

  it('an ENI without groups allows nothing', () => {
    const none = new SecurityGroupFirewall(ip('10.0.1.40'), [], noMembers);
    expect(none.egress(tcp('10.0.1.40:1', '10.0.1.10:80'), 0)).toBe(false);
    expect(none.lastRule).toMatchObject({ name: '', text: 'no security group allows tcp 80 to 10.0.1.10: the ENI has none' });
  });
});

describe('SecurityGroupFirewall: connection tracking', () => {
  it('lets the response of an inbound connection out without an outbound rule', () => {
    const db = firewallOf('db');
    const request = tcp('10.0.1.10:40000', '10.0.2.10:5432');
    expect(db.ingress(request, 0, syn)).toBe(true);
    expect(db.connections.size).toBe(1);
    expect(db.egress(reversed(request), 1, syn | ack)).toBe(true);
    expect(db.lastRule).toEqual({ kind: 'security-group', name: 'db', index: -1, text: TRACKED_RESPONSE_TEXT, origin: null });
    expect(db.ingress(request, 2, ack)).toBe(true);
    expect(db.lastRule.text).toBe(TRACKED_PACKET_TEXT);
    expect(db.connections.entries()[0]).toMatchObject({ state: 'ESTABLISHED', direction: 'inbound' });
    // Without the inbound request, the same outbound packet has no rule.
    expect(firewallOf('db').egress(reversed(request), 1, syn | ack)).toBe(false);
  });

  it('lets the response of an outbound connection in without an inbound rule', () => {
    const db = firewallOf('db');
    const request = tcp('10.0.2.10:41000', '198.51.100.7:443');
    expect(db.ingress(reversed(request), 0, syn | ack)).toBe(false); // not asked for: denied
    expect(db.egress(request, 1, syn)).toBe(true);
    expect(db.lastRule).toMatchObject({ name: 'db', index: 0, text: 'outbound tcp 443 to 0.0.0.0/0' });
    expect(db.ingress(reversed(request), 2, syn | ack)).toBe(true);
    expect(db.lastRule.text).toBe(TRACKED_RESPONSE_TEXT);
  });

  it('allows by tracking without allocating a new explanation per packet', () => {
    const db = firewallOf('db');
    const request = tcp('10.0.2.10:41000', '198.51.100.7:443');
    db.egress(request, 0);
    const response = reversed(request);
    db.ingress(response, 1);
    const first = db.lastRule;
    db.ingress(response, 2);
    expect(db.lastRule).toBe(first);
    db.egress(request, 3);
    const byRule = firewallOf('web');
    byRule.ingress(tcp('198.51.100.7:40000', '10.0.1.10:80'), 0);
    const ruleRef = byRule.lastRule;
    byRule.ingress(tcp('198.51.100.8:40001', '10.0.1.10:80'), 0);
    expect(byRule.lastRule).toBe(ruleRef);
  });

  it('follows TCP state from real packet bytes and forgets a closed connection', () => {
    const db = firewallOf('db');
    const send = (src: string, dst: string, flags: number, now: number, inbound: boolean) => {
      const bytes = tcpPacket(src, dst, flags);
      return inbound ? db.ingress(flowOf(bytes), now, tcpFlagsOf(bytes)) : db.egress(flowOf(bytes), now, tcpFlagsOf(bytes));
    };
    const client = '10.0.1.10:40000';
    const server = '10.0.2.10:5432';
    expect(send(client, server, syn, 0, true)).toBe(true);
    expect(send(server, client, syn | ack, 1, false)).toBe(true);
    expect(send(client, server, ack, 2, true)).toBe(true);
    expect(db.connections.entries()[0].state).toBe('ESTABLISHED');
    expect(send(client, server, fin | ack, 3, true)).toBe(true);
    expect(send(server, client, fin | ack, 4, false)).toBe(true);
    expect(db.connections.entries()[0].state).toBe('TIME_WAIT');
    // After TIME_WAIT (120 s) the server's packets to the client have no connection and no rule.
    expect(send(server, client, ack, 4 + 120 * SECOND, false)).toBe(false);
    expect(db.lastDenyReason).toBe(DropReason.SgEgressDeny);
  });

  it('lets responses through until the idle timeout, then judges by the rules again', () => {
    const db = firewallOf('db');
    const request = udp('10.0.2.10:5000', '198.51.100.7:443'); // tcp-only outbound rule: UDP is denied
    expect(db.egress(request, 0)).toBe(false);
    const ping = icmp('10.0.1.10', '10.0.2.10', 8, 0, 9);
    expect(db.ingress(ping, 0)).toBe(true);
    expect(db.egress(reversed(ping), 30 * SECOND - 1)).toBe(true); // echo reply: tracked, 30 s idle timeout
    expect(db.egress(reversed(ping), 60 * SECOND - 2)).toBe(true); // refreshed by the previous packet: alive until 60 s − 1
    expect(db.egress(reversed(ping), 90 * SECOND - 2)).toBe(false); // idle exactly 30 s: gone, and no outbound ICMP rule
    expect(db.lastRule.text).toBe('no outbound rule of db allows icmp type 0 code 0 to 10.0.1.10');
  });
});

describe('SecurityGroupFirewall: untracked flows and rule changes', () => {
  const open = (name: string) => group(name, [rule(traffic('tcp', 80), cidrPeer('0.0.0.0/0')), rule(traffic('tcp', 22), cidrPeer('10.0.0.0/16'))]);

  it('does not track TCP allowed from 0.0.0.0/0 when all outbound traffic is allowed, in either direction', () => {
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [open('web')], noMembers);
    const request = tcp('198.51.100.7:40000', '10.0.1.10:80');
    expect(fw.ingress(request, 0, syn)).toBe(true);
    expect(fw.egress(reversed(request), 1, syn | ack)).toBe(true);
    expect(fw.lastRule).toMatchObject({ index: 0, text: 'outbound all to 0.0.0.0/0' }); // a rule, not tracking
    expect(fw.ingress(request, 2, ack)).toBe(true);
    expect(fw.lastRule).toMatchObject({ index: 0, text: 'inbound tcp 80 from 0.0.0.0/0' });
    expect(fw.connections.size).toBe(0);
  });

  it('cuts an untracked flow at once when its rule goes, but a tracked one survives until it idles out', () => {
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [open('web')], noMembers);
    const web = tcp('198.51.100.7:40000', '10.0.1.10:80'); // from 0.0.0.0/0: untracked
    const ssh = tcp('10.0.3.3:50000', '10.0.1.10:22'); // from 10.0.0.0/16: tracked
    expect(fw.ingress(web, 0)).toBe(true);
    expect(fw.ingress(ssh, 0)).toBe(true);
    expect(fw.connections.entries()).toMatchObject([{ localPort: 22, direction: 'inbound' }]);

    fw.setGroups([group('web', [])]); // every inbound rule removed
    expect(fw.ingress(web, 1)).toBe(false);
    expect(fw.lastRule.text).toBe('no inbound rule of web allows tcp 80 from 198.51.100.7');
    expect(fw.ingress(ssh, 1)).toBe(true);
    expect(fw.lastRule.text).toBe(TRACKED_PACKET_TEXT);
    expect(fw.egress(reversed(ssh), 2)).toBe(true);
    // TCP established idles out after 432,000 s; then the SSH session is cut too.
    expect(fw.ingress(ssh, 2 + 432_000 * SECOND - 1)).toBe(true);
    expect(fw.ingress(ssh, 2 * (432_000 * SECOND) + 1)).toBe(false);
  });

  it('tracks the flow when the opposite direction is not fully open', () => {
    const restricted = group('web', [rule(traffic('tcp', 80), cidrPeer('0.0.0.0/0'))], [rule(traffic('tcp', 0, 1023), cidrPeer('0.0.0.0/0'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [restricted], noMembers);
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:80'), 0)).toBe(true);
    expect(fw.connections.size).toBe(1);
    // … and the response to port 40000 is allowed only because of that tracking.
    expect(fw.egress(tcp('10.0.1.10:80', '198.51.100.7:40000'), 1)).toBe(true);
    expect(fw.lastRule.text).toBe(TRACKED_RESPONSE_TEXT);
  });

  it('tracks outbound connections when only some inbound ports are open to the world', () => {
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [open('web')], noMembers);
    const out = tcp('10.0.1.10:41000', '93.184.216.34:443');
    expect(fw.egress(out, 0)).toBe(true);
    expect(fw.connections.size).toBe(1);
    expect(fw.ingress(reversed(out), 1)).toBe(true);
    expect(fw.lastRule.text).toBe(TRACKED_RESPONSE_TEXT);
  });

  it('a narrower allowing rule does not make a flow tracked when a 0.0.0.0/0 rule allows it too', () => {
    const both = group('web', [rule(traffic('tcp', 80), cidrPeer('198.51.100.0/24')), rule(traffic('tcp', 80), cidrPeer('0.0.0.0/0'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [both], noMembers);
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:80'), 0)).toBe(true);
    expect(fw.lastRule.index).toBe(0);
    expect(fw.connections.size).toBe(0);
  });

  it('counts an all-ports rule of the flow\'s own protocol as "all traffic", per protocol', () => {
    const tcpOpen = group('g', [rule(traffic('all'), cidrPeer('0.0.0.0/0'))], [rule(traffic('tcp', 0, 65535), cidrPeer('0.0.0.0/0')), rule(traffic('udp', 53), cidrPeer('0.0.0.0/0'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [tcpOpen], noMembers);
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:8080'), 0)).toBe(true);
    expect(fw.connections.size).toBe(0);
    expect(fw.ingress(udp('198.51.100.7:40000', '10.0.1.10:8080'), 0)).toBe(true);
    expect(fw.connections.entries()).toMatchObject([{ protocol: 17 }]);
  });

  it('always tracks ICMP and other protocols, even with everything open', () => {
    const allOpen = group('g', [rule(traffic('all'), cidrPeer('0.0.0.0/0'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [allOpen], noMembers);
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:8080'), 0)).toBe(true);
    expect(fw.egress(udp('10.0.1.10:5000', '198.51.100.7:53'), 0)).toBe(true);
    expect(fw.connections.size).toBe(0);
    expect(fw.ingress(flowOf(echoPacket('198.51.100.7', '10.0.1.10', 'echoRequest', 4)), 0)).toBe(true);
    expect(fw.egress(otherProtocol(47, '10.0.1.10', '198.51.100.7'), 0)).toBe(true);
    expect(fw.connections.entries().map((e) => e.protocol).sort()).toEqual([1, 47]);
    // So removing every rule still lets the echo reply out (until 30 s idle).
    fw.setGroups([group('g', [], [])]);
    expect(fw.egress(flowOf(echoPacket('10.0.1.10', '198.51.100.7', 'echoReply', 4)), 1)).toBe(true);
    expect(fw.egress(udp('10.0.1.10:5000', '198.51.100.7:53'), 1)).toBe(false);
  });

  it('renames its tracking explanations after the first group', () => {
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [open('web')], noMembers);
    fw.egress(tcp('10.0.1.10:41000', '93.184.216.34:443'), 0);
    fw.setGroups([open('renamed')]);
    fw.ingress(tcp('93.184.216.34:443', '10.0.1.10:41000'), 1);
    expect(fw.lastRule).toMatchObject({ name: 'renamed', text: TRACKED_RESPONSE_TEXT });
    expect(fw.groups.map((g) => g.name)).toEqual(['renamed']);
  });
});

describe('SecurityGroupFirewall: connection tracking allowance', () => {
  it('drops a new tracked flow with CONNTRACK_ALLOWANCE_EXCEEDED when the table is full', () => {
    const fw = firewallOf('db', { maxEntries: 2 });
    const a = tcp('10.0.1.10:40000', '10.0.2.10:5432');
    const b = tcp('10.0.1.10:40001', '10.0.2.10:5432');
    const c = tcp('10.0.1.10:40002', '10.0.2.10:5432');
    expect(fw.ingress(a, 0)).toBe(true);
    expect(fw.ingress(b, 0)).toBe(true);
    expect(fw.ingress(c, 0)).toBe(false);
    expect(fw.lastDenyReason).toBe(DropReason.ConntrackAllowanceExceeded);
    expect(fw.lastRule).toEqual({ kind: 'security-group', name: 'db', index: -1, text: 'connection tracking table full (2 connections)', origin: null });
    // Tracked connections carry on.
    expect(fw.egress(reversed(a), 1)).toBe(true);
    // A plain deny still says deny, not "full".
    expect(fw.ingress(tcp('10.0.1.10:40003', '10.0.2.10:22'), 1)).toBe(false);
    expect(fw.lastDenyReason).toBe(DropReason.SgIngressDeny);
  });

  it('still passes untracked flows when the table is full: they need no entry', () => {
    const g = group('g', [rule(traffic('tcp', 80), cidrPeer('0.0.0.0/0')), rule(traffic('tcp', 22), cidrPeer('10.0.0.0/8'))]);
    const fw = new SecurityGroupFirewall(ip('10.0.1.10'), [g], noMembers, { maxEntries: 1 });
    expect(fw.ingress(tcp('10.0.5.5:1', '10.0.1.10:22'), 0)).toBe(true);
    expect(fw.ingress(tcp('10.0.5.5:2', '10.0.1.10:22'), 0)).toBe(false);
    expect(fw.lastDenyReason).toBe(DropReason.ConntrackAllowanceExceeded);
    expect(fw.ingress(tcp('198.51.100.7:40000', '10.0.1.10:80'), 0)).toBe(true);
  });

  it('passes the timeouts option through to its table', () => {
    const fw = firewallOf('db', { timeouts: { tcpEstablished: 350 * SECOND } });
    const a = tcp('10.0.1.10:40000', '10.0.2.10:5432');
    fw.ingress(a, 0);
    expect(fw.egress(reversed(a), 350 * SECOND - 1)).toBe(true);
    expect(fw.egress(reversed(a), 700 * SECOND - 1)).toBe(false);
  });
});
