// Valid documents resolve to exact values: addresses, placement, VPC numbers, underlay, defaults.
import { describe, expect, it } from 'vitest';
import { formatCidr, formatIpv4, formatMac, parseCidr, parseIpv4 } from '../../../core/base/addr.ts';
import { normalize, topologySchema } from '../../../core/topology/index.ts';
import { resolved } from './helpers.ts';

const ip = (s: string) => parseIpv4(s)!;
const cidr = (s: string) => parseCidr(s)!;

describe('a ten-line document', () => {
  const t = resolved(`version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 }
subnets:
  app: { cidr: 10.0.1.0/24 }
instances:
  web: {}
  db: {}
`);

  it('creates one zone, one rack and one host per instance', () => {
    expect(t.zones.map((z) => [z.name, z.index, z.origin])).toEqual([['az1', 0, null]]);
    expect(t.racks.map((r) => [r.name, r.zone, formatCidr(r.underlay), r.tor.name, formatIpv4(r.tor.ip)]))
      .toEqual([['az1-rack1', 'az1', '100.64.1.0/24', 'az1-rack1-tor', '100.64.1.1']]);
    expect(t.hosts.map((h) => [h.name, h.rack, formatIpv4(h.underlayIp), h.capacity, h.instances]))
      .toEqual([['az1-host1', 'az1-rack1', '100.64.1.10', 16, ['web']], ['az1-host2', 'az1-rack1', '100.64.1.11', 16, ['db']]]);
  });

  it('assigns addresses from base+4, ENIs and MACs in document order', () => {
    expect(t.instances.map((i) => [i.name, formatIpv4(i.ip), i.eni, formatMac(i.mac), i.host, i.zone, i.vpc, i.subnet]))
      .toEqual([
        ['web', '10.0.1.4', 1, '02:00:00:00:00:01', 'az1-host1', 'az1', 'lab', 'app'],
        ['db', '10.0.1.5', 2, '02:00:00:00:00:02', 'az1-host2', 'az1', 'lab', 'app'],
      ]);
    expect(t.instances.every((i) => i.sourceDestCheck && i.mtu === 9001)).toBe(true);
    expect(t.instances[0].securityGroups).toEqual(['lab/default']);
  });

  it('gives the VPC number 1, its router, DNS and reserved addresses', () => {
    expect(t.vpcs).toEqual([{
      name: 'lab', cidr: cidr('10.0.0.0/16'), number: 1, mainRouteTable: 'lab/main', defaultSecurityGroup: 'lab/default',
      defaultNetworkAcl: 'lab/default', dns: ip('10.0.0.2'), origin: ['vpcs', 'lab'],
    }]);
    expect(t.subnets[0].reserved.map(formatIpv4)).toEqual(['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255']);
    expect([formatIpv4(t.subnets[0].router), t.subnets[0].routeTable, t.subnets[0].networkAcl]).toEqual(['10.0.1.1', 'lab/main', 'lab/default']);
  });

  it('creates the AWS defaults: main route table, default security group and default ACL', () => {
    expect(t.routeTables).toEqual([{ name: 'lab/main', vpc: 'lab', main: true, subnets: ['app'], origin: null,
      routes: [{ destination: cidr('10.0.0.0/16'), target: { kind: 'local' }, origin: null }] }]);
    const all = { protocol: 'all', fromPort: 0, toPort: 65535, icmpType: -1, icmpCode: -1, origin: null };
    expect(t.securityGroups).toEqual([{ name: 'lab/default', vpc: 'lab', isDefault: true, origin: null,
      inbound: [{ ...all, peer: { kind: 'group', group: 'lab/default' } }],
      outbound: [{ ...all, peer: { kind: 'cidr', cidr: cidr('0.0.0.0/0') } }] }]);
    expect(t.networkAcls).toEqual([{ name: 'lab/default', vpc: 'lab', isDefault: true, subnets: ['app'], origin: null,
      ingress: [{ ...all, rule: 100, action: 'allow', cidr: cidr('0.0.0.0/0') }, { ...all, rule: 32767, action: 'deny', cidr: cidr('0.0.0.0/0') }],
      egress: [{ ...all, rule: 100, action: 'allow', cidr: cidr('0.0.0.0/0') }, { ...all, rule: 32767, action: 'deny', cidr: cidr('0.0.0.0/0') }] }]);
  });
});

describe('addresses', () => {
  it('claims explicit addresses before assigning free ones, per VPC', () => {
    const t = resolved(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.0.0.0/16 }
subnets:
  sa: { vpc: a, cidr: 10.0.1.0/24 }
  sb: { vpc: b, cidr: 10.0.1.0/24 }
instances:
  first: { subnet: sa }
  second: { subnet: sa }
  pinned: { subnet: sa, ip: 10.0.1.5 }
  other: { subnet: sb }
`);
    expect(t.instances.map((i) => [i.name, formatIpv4(i.ip)])).toEqual([
      ['first', '10.0.1.4'], ['second', '10.0.1.6'], ['pinned', '10.0.1.5'], ['other', '10.0.1.4'],
    ]);
  });

  it('numbers VPCs: explicit numbers first, then the lowest unused in document order', () => {
    const t = resolved(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16, number: 1 }
  c: { cidr: 10.2.0.0/16 }
  d: { cidr: 10.3.0.0/28, number: 16777215 }
`);
    expect(t.vpcs.map((v) => [v.name, v.number])).toEqual([['a', 2], ['b', 1], ['c', 3], ['d', 16777215]]);
  });
});

describe('placement', () => {
  it('round-robins over declared hosts of the zone, skipping full ones, after explicit placements', () => {
    const t = resolved(`version: 1
zones: { z1: , z2: }
racks:
  r1: { zone: z1 }
  r2: { zone: z1 }
  r3: { zone: z2 }
hosts:
  h1: { rack: r1, capacity: 2 }
  h2: { rack: r2 }
  h3: { rack: r1 }
vpcs:
  v: { cidr: 10.0.0.0/16 }
subnets:
  s1: { cidr: 10.0.1.0/24, zone: z1 }
  s2: { cidr: 10.0.2.0/24, zone: z2 }
instances:
  a: {subnet: s1}
  b: {subnet: s1}
  c: {subnet: s1}
  d: {subnet: s1}
  e: {subnet: s1, host: h1}
  f: {subnet: s2}
  g: {subnet: s2}
`);
    // e is placed first (explicit) and fills h1 with a; round-robin then skips h1.
    expect(t.instances.map((i) => [i.name, i.host])).toEqual([
      ['a', 'h1'], ['b', 'h2'], ['c', 'h3'], ['d', 'h2'], ['e', 'h1'], ['f', 'z2-host1'], ['g', 'z2-host2'],
    ]);
    // Hosts are listed zone by zone, rack by rack; each rack numbers its hosts from .10.
    expect(t.hosts.map((h) => [h.name, h.rack, formatIpv4(h.underlayIp), h.instances])).toEqual([
      ['h1', 'r1', '100.64.1.10', ['e', 'a']], ['h3', 'r1', '100.64.1.11', ['c']],
      ['h2', 'r2', '100.64.2.10', ['b', 'd']],
      ['z2-host1', 'r3', '100.65.1.10', ['f']], ['z2-host2', 'r3', '100.65.1.11', ['g']],
    ]);
  });

  it('spreads default hosts round-robin over the zone racks and only creates racks where needed', () => {
    const t = resolved(`version: 1
zones: { z1: , z2: , z3: }
racks: { ra: { zone: z1 }, rb: { zone: z1 } }
vpcs: { v: { cidr: 10.0.0.0/16 } }
subnets:
  s1: { cidr: 10.0.1.0/24, zone: z1 }
  s2: { cidr: 10.0.2.0/24, zone: z2 }
instances: { a: { subnet: s1 }, b: { subnet: s1 }, c: { subnet: s1 }, d: { subnet: s2 } }
`);
    expect(t.racks.map((r) => [r.name, r.zone, formatCidr(r.underlay)])).toEqual([
      ['ra', 'z1', '100.64.1.0/24'], ['rb', 'z1', '100.64.2.0/24'], ['z2-rack1', 'z2', '100.65.1.0/24'],
    ]);
    expect(t.hosts.map((h) => [h.name, h.rack, h.instances])).toEqual([
      ['z1-host1', 'ra', ['a']], ['z1-host3', 'ra', ['c']], ['z1-host2', 'rb', ['b']], ['z2-host1', 'z2-rack1', ['d']],
    ]);
  });

  it('puts hosts without a rack into the default rack of the only zone', () => {
    const t = resolved(`version: 1\nhosts: { h1: , h2: { capacity: 3 } }\n`);
    expect(t.hosts.map((h) => [h.name, h.rack, h.capacity, formatIpv4(h.underlayIp)])).toEqual([
      ['h1', 'az1-rack1', 16, '100.64.1.10'], ['h2', 'az1-rack1', 3, '100.64.1.11'],
    ]);
  });
});

describe('routes, groups and ACLs', () => {
  const t = resolved(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
subnets:
  s1: { vpc: a, cidr: 10.0.1.0/24 }
  s2: { vpc: a, cidr: 10.0.2.0/24 }
  s3: { vpc: b, cidr: 10.1.1.0/24 }
peerings:
  ab: { vpcs: [a, b], mtu: 1500 }
routeTables:
  rt-a: { vpc: a, subnets: [s2], routes: [{ destination: 10.1.0.0/16, target: peering, peering: ab }] }
  rt-b: { vpc: b, main: true, routes: [{ destination: 10.1.0.0/16, target: local }, { destination: 10.0.0.0/16, target: peering, peering: ab }] }
securityGroups:
  web:
    vpc: a
    inbound:
      - { protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }
      - { protocol: udp, ports: 5000-5100, group: default }
      - { protocol: icmp, icmpType: 8, cidr: 10.0.0.0/8 }
networkAcls:
  acl:
    vpc: a
    subnets: [s1]
    ingress:
      - { rule: 200, action: allow, protocol: all }
      - { rule: 50, action: deny, protocol: tcp, ports: 22, cidr: 192.0.2.0/24 }
instances:
  i: { subnet: s1, securityGroups: [web, default], sourceDestCheck: false, mtu: 1500 }
`);

  it('resolves route tables: local route first, main table takes unassociated subnets', () => {
    expect(t.routeTables.map((r) => [r.name, r.vpc, r.main, r.subnets, r.routes.map((x) => [formatCidr(x.destination), x.target])])).toEqual([
      ['a/main', 'a', true, ['s1'], [['10.0.0.0/16', { kind: 'local' }]]],
      ['rt-a', 'a', false, ['s2'], [['10.0.0.0/16', { kind: 'local' }], ['10.1.0.0/16', { kind: 'peering', peering: 'ab' }]]],
      ['rt-b', 'b', true, ['s3'], [['10.1.0.0/16', { kind: 'local' }], ['10.0.0.0/16', { kind: 'peering', peering: 'ab' }]]],
    ]);
    expect(t.subnets.map((s) => [s.name, s.routeTable, s.networkAcl])).toEqual([['s1', 'a/main', 'acl'], ['s2', 'rt-a', 'a/default'], ['s3', 'rt-b', 'b/default']]);
    expect(t.vpcs.map((v) => v.mainRouteTable)).toEqual(['a/main', 'rt-b']);
    // A written local route is accepted and remembered; the implicit one has no origin.
    expect(t.routeTables.map((r) => r.routes[0].origin)).toEqual([null, null, ['routeTables', 'rt-b', 'routes', 0]]);
    expect(t.peerings).toEqual([{ name: 'ab', requester: 'a', accepter: 'b', mtu: 1500, origin: ['peerings', 'ab'] }]);
  });

  it('normalises security-group rules and keeps where each came from', () => {
    const web = t.securityGroups.find((g) => g.name === 'web')!;
    expect(web.inbound.map((r) => [r.protocol, r.fromPort, r.toPort, r.icmpType, r.icmpCode, r.peer, r.origin])).toEqual([
      ['tcp', 80, 80, -1, -1, { kind: 'cidr', cidr: cidr('0.0.0.0/0') }, ['securityGroups', 'web', 'inbound', 0]],
      ['udp', 5000, 5100, -1, -1, { kind: 'group', group: 'a/default' }, ['securityGroups', 'web', 'inbound', 1]],
      ['icmp', 0, 65535, 8, -1, { kind: 'cidr', cidr: cidr('10.0.0.0/8') }, ['securityGroups', 'web', 'inbound', 2]],
    ]);
    // outbound omitted: allow all, as AWS creates a group.
    expect(web.outbound.map((r) => [r.protocol, r.peer])).toEqual([['all', { kind: 'cidr', cidr: cidr('0.0.0.0/0') }]]);
    expect(t.instances[0]).toMatchObject({ securityGroups: ['web', 'a/default'], sourceDestCheck: false, mtu: 1500 });
  });

  it('sorts ACL rules by number and ends each direction with the final deny', () => {
    const acl = t.networkAcls.find((a) => a.name === 'acl')!;
    expect(acl.ingress.map((r) => [r.rule, r.action, r.protocol, r.fromPort, r.toPort, formatCidr(r.cidr)])).toEqual([
      [50, 'deny', 'tcp', 22, 22, '192.0.2.0/24'], [200, 'allow', 'all', 0, 65535, '0.0.0.0/0'], [32767, 'deny', 'all', 0, 65535, '0.0.0.0/0'],
    ]);
    expect(acl.egress.map((r) => r.rule)).toEqual([32767]);
    expect(t.networkAcls.map((a) => [a.name, a.subnets])).toEqual([['a/default', ['s2']], ['b/default', ['s3']], ['acl', ['s1']]]);
  });
});

describe('normalize on an in-memory document', () => {
  it('works without any source text (the visual editor path)', () => {
    const doc = topologySchema.parse({ version: 1, vpcs: { v: { cidr: '172.16.0.0/16' } }, subnets: { s: { cidr: '172.16.5.0/28' } }, instances: { x: null } });
    const r = normalize(doc);
    expect(r.ok && r.topology.instances.map((i) => formatIpv4(i.ip))).toEqual(['172.16.5.4']);
  });

  it('is deterministic: the same document resolves to equal values', () => {
    const text = `version: 1\nvpcs: { v: { cidr: 10.0.0.0/16 } }\nsubnets: { s: { cidr: 10.0.0.0/24 } }\ninstances: { a: , b: , c: }\n`;
    expect(resolved(text)).toEqual(resolved(text));
  });
});
