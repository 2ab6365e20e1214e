import { describe, expect, it } from 'vitest';
import { mappingCapacityFor } from '../../../../core/fabric/mapping/index.ts';
import { fixture, load } from './helpers.ts';

describe('populateFromTopology', () => {
  it('maps every instance to its host, ENI and MAC, and loads the peerings as active', () => {
    const { service, topology, entryOf } = fixture();
    expect(service.table.size).toBe(topology.instances.length);
    for (const inst of topology.instances) {
      const e = entryOf(inst.name);
      expect(service.table.entry(service.table.find(e.vpc, e.ip))).toEqual(e);
    }
    expect(service.table.peeringList()).toEqual([{ name: 'app-shared', vpcA: 1, vpcB: 2, active: true }]);
    expect(service.table.arePeered(1, 3)).toBe(false);
    expect(service.counters.changes).toBe(topology.instances.length + 1);
  });

  it('sizes a table for a topology: twice the instances, a power of two, at least 64', () => {
    const small = load('version: 1\nvpcs: { lab: { cidr: 10.0.0.0/16 } }\nsubnets: { app: { cidr: 10.0.1.0/24 } }\ninstances: { web: {}, db: {} }\n');
    expect(mappingCapacityFor(small)).toBe(64);
    expect(mappingCapacityFor({ ...small, instances: Array(100).fill(small.instances[0]) })).toBe(256);
  });
});
