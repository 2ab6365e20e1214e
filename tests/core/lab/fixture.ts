// A small lab in memory: two instances on two hosts; tests replace files to break it.
export const TOPOLOGY = `version: 1
racks: { rack-a: {}, rack-b: {} }
hosts:
  host-a: { rack: rack-a }
  host-b: { rack: rack-b }
vpcs:
  lab: { cidr: 10.{{net}}.0.0/16 }
subnets:
  app: { cidr: 10.{{net}}.1.0/24 }
securityGroups:
  web-sg:
    inbound:
      - { protocol: tcp, ports: 80, cidr: 10.{{net}}.0.0/16 }
instances:
  {{client}}: { host: host-a }
  web: { host: host-b, securityGroups: [web-sg] }
`;

export const LAB = `version: 1
id: demo
title: Demo lab
level: beginner
minutes: 5
objectives: [See a ping]
topology: topology.yaml
variables:
  net: { int: [16, 250] }
  client: { pick: [alpha, bravo, charlie, delta] }
steps:
  - { title: Ping, file: steps/01.md }
checks:
  - id: reply
    title: A reply came back
    capture: { at: "{{client}}:eni", filter: "icmp.type == 0" }
`;

export const files = (over: Record<string, string> = {}): Record<string, string> => ({
  'lab.yaml': LAB,
  'topology.yaml': TOPOLOGY,
  'steps/01.md': 'Ping web from {{client}} (10.{{net}}.1.4).\n',
  ...over,
});
