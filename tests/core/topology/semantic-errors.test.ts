// Every semantic error kind, each at its exact line and column («), and several at once.
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../../core/topology/index.ts';
import { errorsOf, expectErrors, marked } from './helpers.ts';

const VPC = `version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 }
`;

describe('addressing', () => {
  it('refuses a CIDR with host bits set', () => {
    const [e] = expectErrors(`version: 1\nvpcs:\n  lab: { cidr: «10.0.0.5/16 }\n`, ['cidr-host-bits']);
    expect(e.message).toBe('10.0.0.5/16 has host bits set; the block is 10.0.0.0/16');
    expect(e.path).toEqual(['vpcs', 'lab', 'cidr']);
  });

  it('refuses VPC CIDR blocks outside /16../28', () => {
    expectErrors(`version: 1\nvpcs:\n  big: { cidr: «10.0.0.0/15 }\n  tiny: { cidr: «10.1.0.0/29 }\n  ok: { cidr: 10.2.0.0/28 }\n`,
      ['vpc-cidr-size', 'vpc-cidr-size']);
  });

  it('refuses subnets outside /16../28, outside the VPC, or overlapping a sibling', () => {
    const errors = expectErrors(`${VPC}subnets:
  a: { cidr: «10.0.0.0/29 }
  b: { cidr: «10.1.0.0/24 }
  c: { cidr: 10.0.1.0/24 }
  d: { cidr: «10.0.1.128/25 }
  e: { cidr: 10.0.2.0/24 }
`, ['subnet-cidr-size', 'subnet-outside-vpc', 'subnet-overlap']);
    expect(errors[1].message).toBe('10.1.0.0/24 is not inside VPC "lab" (10.0.0.0/16)');
    expect(errors[2].message).toBe('10.0.1.128/25 overlaps subnet "c" (10.0.1.0/24)');
  });

  it('refuses each of the five reserved addresses', () => {
    const errors = expectErrors(`${VPC}subnets:
  s: { cidr: 10.0.1.0/24 }
instances:
  i0: { ip: «10.0.1.0 }
  i1: { ip: «10.0.1.1 }
  i2: { ip: «10.0.1.2 }
  i3: { ip: «10.0.1.3 }
  i255: { ip: «10.0.1.255 }
  ok: { ip: 10.0.1.4 }
`, ['reserved-address', 'reserved-address', 'reserved-address', 'reserved-address', 'reserved-address']);
    expect(errors.map((e) => e.message)).toEqual([
      '10.0.1.0 is reserved in subnet "s": it is the network address',
      '10.0.1.1 is reserved in subnet "s": it is the VPC router',
      '10.0.1.2 is reserved in subnet "s": it is the DNS resolver',
      '10.0.1.3 is reserved in subnet "s": it is reserved by AWS for future use',
      '10.0.1.255 is reserved in subnet "s": it is the broadcast address',
    ]);
  });

  it('refuses an address outside the subnet and a duplicate address', () => {
    const errors = expectErrors(`${VPC}subnets:
  s: { cidr: 10.0.1.0/24 }
  t: { cidr: 10.0.2.0/24 }
instances:
  a: { subnet: s, ip: «10.0.2.10 }
  b: { subnet: s, ip: 10.0.1.10 }
  c: { subnet: s, ip: «10.0.1.10 }
`, ['address-outside-subnet', 'duplicate-address']);
    expect(errors[1].message).toBe('10.0.1.10 is already the address of instance "b"');
  });

  it('reports a full subnet on the instance that does not fit', () => {
    // A /28 has 16 addresses, 5 reserved: 11 instances fit.
    const names = Array.from({ length: 12 }, (_, i) => `i${i + 1}`);
    const src = `${VPC}subnets:\n  s: { cidr: 10.0.1.0/28 }\ninstances:\n${names.map((n) => `  ${n === 'i12' ? '«' : ''}${n}: {}`).join('\n')}\n`;
    const [e] = expectErrors(src, ['subnet-full']);
    expect(e.message).toBe('subnet "s" (10.0.1.0/28) has no free address left');
  });
});

describe('references', () => {
  it('reports dangling references everywhere they can occur, with a suggestion', () => {
    const errors = expectErrors(`version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 }
  other: { cidr: 10.1.0.0/16 }
subnets:
  s: { vpc: «labb, cidr: 10.0.1.0/24 }
  t: { vpc: lab, cidr: 10.0.2.0/24, zone: «az9 }
  u: { vpc: lab, cidr: 10.0.3.0/24 }
routeTables:
  rt: { vpc: lab, subnets: [«nope], routes: [{ destination: 10.9.0.0/16, target: peering, peering: «pcx }] }
securityGroups:
  web: { vpc: lab, inbound: [{ protocol: tcp, group: «webb }] }
networkAcls:
  acl: { vpc: lab, subnets: [«uu] }
peerings:
  p: { vpcs: [lab, «ghost] }
instances:
  a: { subnet: «ss }
  b: { subnet: u, host: «h1, securityGroups: [«nosuch] }
`, ['unknown-reference', 'unknown-reference', 'unknown-reference', 'unknown-reference', 'unknown-reference',
      'unknown-reference', 'unknown-reference', 'unknown-reference', 'unknown-reference', 'unknown-reference']);
    expect(errors.map((e) => e.message)).toEqual([
      'unknown VPC "labb" (did you mean "lab"?)',
      'unknown availability zone "az9" (did you mean "az1"?)',
      'unknown subnet "nope"',
      'unknown peering "pcx"',
      'unknown security group "webb" (did you mean "web"?)',
      'unknown subnet "uu" (did you mean "u"?)',
      'unknown VPC "ghost"',
      'unknown subnet "ss" (did you mean "s"?)',
      'unknown host "h1"',
      'unknown security group "nosuch"',
    ]);
  });

  it('asks for the name when a reference is omitted and several candidates exist', () => {
    const [e] = expectErrors(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
subnets:
  «s: { cidr: 10.0.1.0/24 }
`, ['ambiguous-reference']);
    expect(e.message).toBe('subnet "s" must name its VPC: the document has 2 VPCs');
  });

  it('does not report references to an object that has errors of its own', () => {
    // Only the VPC's CIDR is wrong: its subnet and instance are not reported again.
    expectErrors(`version: 1
vpcs:
  lab: { cidr: «10.0.0.0/8 }
subnets:
  s: { vpc: lab, cidr: 10.0.1.0/24 }
instances:
  a: { subnet: s }
`, ['vpc-cidr-size']);
  });

  it('keeps groups, associations and security-group rules inside their VPC', () => {
    const errors = expectErrors(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
subnets:
  sa: { vpc: a, cidr: 10.0.1.0/24 }
  sb: { vpc: b, cidr: 10.1.1.0/24 }
securityGroups:
  ga: { vpc: a, inbound: [{ protocol: all, group: «gb }] }
  gb: { vpc: b }
networkAcls:
  acl: { vpc: a, subnets: [«sb] }
instances:
  i: { subnet: sa, securityGroups: [«gb] }
`, ['wrong-vpc', 'wrong-vpc', 'wrong-vpc']);
    expect(errors.map((e) => e.message)).toEqual([
      'security group "gb" is in VPC "b", which is not VPC "a" or peered with it',
      'subnet "sb" is in VPC "b", but network ACL "acl" is in VPC "a"',
      'security group "gb" is in VPC "b", not in the instance\'s VPC "a"',
    ]);
  });

  it('allows a rule to refer to a group of a peered VPC', () => {
    const r = loadTopology(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
peerings:
  ab: { vpcs: [a, b] }
securityGroups:
  ga: { vpc: a, inbound: [{ protocol: all, group: gb }] }
  gb: { vpc: b }
`);
    expect(errorsOf(r)).toEqual([]);
    expect(r.topology!.securityGroups.find((g) => g.name === 'ga')!.inbound[0].peer).toEqual({ kind: 'group', group: 'gb' });
  });
});

describe('names and lists', () => {
  it('reserves "default" for the VPC default security group', () => {
    expectErrors(`${VPC}securityGroups:\n  «default: {}\n`, ['reserved-name']);
  });

  it('refuses duplicate names (duplicate map keys)', () => {
    const [e] = expectErrors(`${VPC}subnets:\n  s: { cidr: 10.0.1.0/24 }\ninstances:\n  web: {}\n  «web: {}\n`, ['duplicate-name']);
    expect(e.message).toBe('"web" is already defined in this mapping; names must be unique');
    expect([e.endLine, e.endColumn]).toEqual([e.line, e.column + 3]);
  });

  it('refuses the same item twice in a list', () => {
    expectErrors(`${VPC}subnets:
  s: { cidr: 10.0.1.0/24 }
securityGroups:
  web: {}
networkAcls:
  acl: { subnets: [s, «s] }
instances:
  a: { securityGroups: [web, «web] }
`, ['duplicate-list-item', 'duplicate-list-item']);
  });

  it('needs at least one security group on an instance, as AWS does', () => {
    const [e] = expectErrors(`${VPC}subnets:\n  s: { cidr: 10.0.1.0/24 }\ninstances:\n  a: { securityGroups: «[] }\n`, ['out-of-range']);
    expect(e.message).toBe('must be at least 1 item, got 0 items');
  });

  it('refuses a VPC number used twice', () => {
    expectErrors(`version: 1\nvpcs:\n  a: { cidr: 10.0.0.0/16, number: 7 }\n  b: { cidr: 10.1.0.0/16, number: «7 }\n`, ['duplicate-vpc-number']);
  });
});

describe('network ACLs', () => {
  it('checks rule numbers: 1..32766 and unique per direction', () => {
    const errors = expectErrors(`${VPC}networkAcls:
  acl:
    ingress:
      - { rule: «0, action: allow, protocol: all }
      - { rule: 100, action: allow, protocol: all }
      - { rule: «100, action: deny, protocol: tcp }
      - { rule: «32767, action: deny, protocol: all }
    egress:
      - { rule: 100, action: allow, protocol: all }
`, ['nacl-rule-range', 'duplicate-nacl-rule', 'nacl-rule-range']);
    expect(errors[1].message).toBe('rule 100 is already used by entry 1 of this list');
  });

  it('refuses a subnet associated with two ACLs', () => {
    const [e] = expectErrors(`${VPC}subnets:
  s: { cidr: 10.0.1.0/24 }
networkAcls:
  one: { subnets: [s] }
  two: { subnets: [«s] }
`, ['duplicate-association']);
    expect(e.message).toBe('subnet "s" is already associated with network ACL "one"');
  });
});

describe('rules', () => {
  it('checks port ranges and fields that do not fit the protocol', () => {
    const errors = expectErrors(`${VPC}securityGroups:
  g:
    inbound:
      - { protocol: tcp, ports: «90-80, cidr: 0.0.0.0/0 }
      - { protocol: tcp, ports: «80-70000, cidr: 0.0.0.0/0 }
      - { protocol: icmp, ports: «22, cidr: 0.0.0.0/0 }
      - { protocol: tcp, icmpType: «8, cidr: 0.0.0.0/0 }
      - { protocol: icmp, icmpCode: «4, cidr: 0.0.0.0/0 }
      - «{ protocol: udp }
      - «{ protocol: udp, cidr: 0.0.0.0/0, group: g }
`, ['port-range', 'port-range', 'rule-fields', 'rule-fields', 'rule-fields', 'rule-fields', 'rule-fields']);
    expect(errors.map((e) => e.message)).toEqual([
      '"90-80" is not a port range: ports are 0-65535 and from ≤ to',
      '"80-70000" is not a port range: ports are 0-65535 and from ≤ to',
      'ports applies only to tcp and udp, not to protocol icmp',
      'icmpType applies only to protocol icmp, not to protocol tcp',
      'an ICMP code needs an ICMP type',
      'a security group rule needs a peer: cidr or group',
      'a security group rule has one peer: give cidr or group, not both',
    ]);
  });
});

describe('route tables', () => {
  it('checks main tables, associations, duplicate and local routes, and peering attachment', () => {
    const errors = expectErrors(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
  c: { cidr: 10.2.0.0/16 }
subnets:
  s: { vpc: a, cidr: 10.0.1.0/24 }
peerings:
  bc: { vpcs: [b, c] }
  ab: { vpcs: [a, b] }
routeTables:
  one: { vpc: a, main: true, subnets: [s] }
  two:
    vpc: a
    main: «true
    subnets: [«s]
    routes:
      - { destination: «10.0.0.0/24, target: local }
      - { destination: 10.1.0.0/16, target: peering, peering: ab }
      - { destination: «10.1.0.0/16, target: peering, peering: ab }
      - { destination: 10.2.0.0/16, target: peering, peering: «bc }
      - { destination: «10.0.0.0/16, target: peering, peering: ab }
`, ['duplicate-main-route-table', 'duplicate-association', 'local-route-mismatch', 'duplicate-route', 'peering-not-attached', 'duplicate-route']);
    expect(errors.map((e) => e.message)).toEqual([
      'VPC "a" already has main route table "one"',
      'subnet "s" is already associated with route table "one"',
      'the local route\'s destination is the VPC CIDR 10.0.0.0/16, not 10.0.0.0/24',
      '10.1.0.0/16 already has a route (entry 1)',
      'peering "bc" connects "b" and "c", not VPC "a"',
      '10.0.0.0/16 already has a route (the local route)',
    ]);
  });
});

describe('peerings', () => {
  it('refuses self-peering, overlapping VPCs and a second peering of the same pair', () => {
    const errors = expectErrors(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
  c: { cidr: 10.0.0.0/20 }
peerings:
  self: { vpcs: «[a, a] }
  ac: { vpcs: «[a, c] }
  ab: { vpcs: [a, b] }
  ba: { vpcs: «[b, a] }
`, ['peering-self', 'peering-overlap', 'duplicate-peering']);
    expect(errors[1].message).toBe('VPCs "a" (10.0.0.0/16) and "c" (10.0.0.0/20) overlap and cannot be peered');
  });

  it('warns about a peering that no route uses, without failing', () => {
    const { text, positions } = marked(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
peerings:
  «ab: { vpcs: [a, b] }
`);
    const r = loadTopology(text);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([['warning', 'peering-unrouted', positions[0].line, positions[0].column]]);
    expect(r.diagnostics[0].message).toBe('no route table sends traffic over peering "ab": add a route with target peering in each VPC');
  });

  it('warns when only one side of a peering has a route back', () => {
    const r = loadTopology(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16 }
  b: { cidr: 10.1.0.0/16 }
peerings:
  ab: { vpcs: [a, b] }
routeTables:
  rt: { vpc: a, routes: [{ destination: 10.1.0.0/16, target: peering, peering: ab }] }
`);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['peering-unrouted', 6, 'VPC "b" has no route over peering "ab", so it cannot answer traffic that arrives over it'],
    ]);
  });
});

describe('placement', () => {
  it('checks host capacity and zone for explicit and default placement', () => {
    const errors = expectErrors(`version: 1
zones:
  z1:
  z2:
racks:
  r1: { zone: z1 }
  r2: { zone: z2 }
hosts:
  h1: { rack: r1, capacity: 1 }
  h2: { rack: r2, capacity: 1 }
vpcs:
  lab: { cidr: 10.0.0.0/16 }
subnets:
  s1: { cidr: 10.0.1.0/24, zone: z1 }
  s2: { cidr: 10.0.2.0/24, zone: z2 }
instances:
  a: { subnet: s1, host: h1 }
  b: { subnet: s1, host: «h1 }
  c: { subnet: s1, host: «h2 }
  «d: { subnet: s1 }
`, ['host-capacity', 'host-zone-mismatch', 'host-capacity']);
    expect(errors.map((e) => e.message)).toEqual([
      'host "h1" is full: its capacity is 1',
      'host "h2" is in zone "z2", but subnet "s1" is in zone "z1"',
      'no host in zone "z1" has room left (its only host is full)',
    ]);
  });

  it('limits the substrate to what the underlay plan can address', () => {
    const zones = Array.from({ length: 65 }, (_, i) => `  z${i + 1}:${i === 64 ? '' : ''}`);
    zones[64] = '  «z65:';
    expectErrors(`version: 1\nzones:\n${zones.join('\n')}\n`, ['substrate-limit']);
  });
});

describe('many errors at once', () => {
  it('reports schema and semantic errors of one document together, in source order', () => {
    const errors = expectErrors(`version: 1
vpcs:
  a: { cidr: «10.0.0.0/12, «colour: red }
  b: { cidr: 10.1.0.0/16, «nubmer: 3 }
subnets:
  s: { vpc: b, cidr: «10.2.0.0/24 }
  t: { vpc: b, cidr: 10.1.0.0/24 }
instances:
  x: { subnet: t, ip: «10.1.0.1 }
  y: { subnet: t, securityGroups: [«nope] }
  z: { subnet: t, mtu: «100000 }
`, ['vpc-cidr-size', 'unknown-key', 'unknown-key', 'subnet-outside-vpc', 'reserved-address', 'unknown-reference', 'out-of-range']);
    expect(errors.map((e) => e.message)).toEqual([
      'a VPC CIDR block must be /16 to /28, not /12',
      'unknown key "colour"',
      'unknown key "nubmer" (did you mean "number"?)',
      '10.2.0.0/24 is not inside VPC "b" (10.1.0.0/16)',
      '10.1.0.1 is reserved in subnet "t": it is the VPC router',
      'unknown security group "nope"',
      'must be at most 9001, got 100000',
    ]);
    expect(errors[0].path).toEqual(['vpcs', 'a', 'cidr']);
  });
});
