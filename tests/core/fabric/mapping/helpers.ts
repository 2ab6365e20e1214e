// Shared fixtures for the mapping tests: small topologies and a service built from them.
import { parseIpv4 } from '../../../../core/base/addr.ts';
import { MappingService, populateFromTopology, type MappingEntry } from '../../../../core/fabric/mapping/index.ts';
import { Simulator } from '../../../../core/sim/simulator.ts';
import { loadTopology, type ResolvedTopology } from '../../../../core/topology/index.ts';

export const SECOND = 1_000_000_000;

export function load(yaml: string): ResolvedTopology {
  const r = loadTopology(yaml);
  if (!r.topology) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return r.topology;
}

export const ip = (text: string): number => {
  const a = parseIpv4(text);
  if (a === null) throw new Error(`bad IP ${text}`);
  return a;
};

/** Two peered VPCs (app, shared) and a third (legacy) reusing app's range, peered with nobody. */
export const PEERING_YAML = `
version: 1
vpcs:
  app:    { cidr: 10.1.0.0/16 }
  shared: { cidr: 10.2.0.0/16 }
  legacy: { cidr: 10.1.0.0/16 }
subnets:
  app-1:    { vpc: app,    cidr: 10.1.1.0/24 }
  shared-1: { vpc: shared, cidr: 10.2.1.0/24 }
  legacy-1: { vpc: legacy, cidr: 10.1.1.0/24 }
peerings:
  app-shared: { vpcs: [app, shared] }
instances:
  web:       { subnet: app-1 }
  api:       { subnet: app-1 }
  shared-vm: { subnet: shared-1 }
  legacy-vm: { subnet: legacy-1, ip: 10.1.1.4 }
`;

export interface Fixture {
  readonly sim: Simulator;
  readonly topology: ResolvedTopology;
  readonly service: MappingService;
  /** Underlay IP of the host an instance was placed on. */
  hostOf(instance: string): number;
  vpcOf(instance: string): number;
  entryOf(instance: string): MappingEntry;
}

export function fixture(yaml = PEERING_YAML, options: { pushPeriodNs?: number; capacity?: number } = {}): Fixture {
  const sim = new Simulator();
  const topology = load(yaml);
  const service = new MappingService(sim, { pushPeriodNs: options.pushPeriodNs ?? SECOND, capacity: options.capacity ?? 64 });
  populateFromTopology(service, topology);
  for (const h of topology.hosts) service.register(h.underlayIp, h.name);
  const inst = (name: string) => {
    const i = topology.instances.find((x) => x.name === name);
    if (!i) throw new Error(`no instance ${name}`);
    return i;
  };
  const hostOf = (name: string) => topology.hosts.find((h) => h.name === inst(name).host)!.underlayIp;
  const vpcOf = (name: string) => topology.vpcs.find((v) => v.name === inst(name).vpc)!.number;
  return {
    sim, topology, service, hostOf, vpcOf,
    entryOf: (name) => {
      const i = inst(name);
      return { vpc: vpcOf(name), ip: i.ip, host: hostOf(name), eni: i.eni, mac: i.mac, instance: i.name, vpcName: i.vpc };
    },
  };
}
