/**
 * Loads the mapping service from a resolved topology: one mapping per instance (at the host it was
 * placed on) and one active peering per peering connection.
 */
import type { ResolvedTopology } from '../../topology/resolved.ts';
import type { MappingService } from './mapping-service.ts';
import { MAX_MAPPING_CAPACITY } from './mapping-slots.ts';

/**
 * A capacity for this topology: room for twice its instances (instances added at run time, moves
 * never need more), rounded up to a power of two, at least 64, at most MAX_MAPPING_CAPACITY.
 */
export function mappingCapacityFor(topology: ResolvedTopology): number {
  let capacity = 64;
  while (capacity < 2 * topology.instances.length && capacity < MAX_MAPPING_CAPACITY) capacity *= 2;
  return capacity;
}

export function populateFromTopology(service: MappingService, topology: ResolvedTopology): void {
  const vpcs = new Map(topology.vpcs.map((v) => [v.name, v]));
  const hosts = new Map(topology.hosts.map((h) => [h.name, h]));
  for (const inst of topology.instances) {
    const vpc = vpcs.get(inst.vpc);
    const host = hosts.get(inst.host);
    if (vpc === undefined || host === undefined) throw new Error(`instance ${inst.name}: unknown VPC ${inst.vpc} or host ${inst.host}`);
    service.upsert({ vpc: vpc.number, ip: inst.ip, host: host.underlayIp, eni: inst.eni, mac: inst.mac, instance: inst.name, vpcName: vpc.name });
  }
  for (const p of topology.peerings) {
    const a = vpcs.get(p.requester);
    const b = vpcs.get(p.accepter);
    if (a === undefined || b === undefined) throw new Error(`peering ${p.name}: unknown VPC ${p.requester} or ${p.accepter}`);
    service.setPeering(p.name, a.number, b.number, true);
  }
}
