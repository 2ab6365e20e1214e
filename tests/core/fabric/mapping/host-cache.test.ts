import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MappingService, type MappingEntry } from '../../../../core/fabric/mapping/index.ts';
import { DropReason } from '../../../../core/fabric/verdict.ts';
import { Simulator } from '../../../../core/sim/simulator.ts';
import { fixture, ip, SECOND } from './helpers.ts';

// In the fixture: VPC app = 1 (web, api), shared = 2 (shared-vm), legacy = 3 (legacy-vm, same IP
// as web); app and shared are peered. Each instance is on its own host.
const APP = 1;
const SHARED = 2;
const LEGACY = 3;

describe('HostMappingCache: lookups', () => {
  it('returns slots with the mapping fields, and −1 on a miss', () => {
    const { service, hostOf, entryOf } = fixture();
    const cache = service.cache(hostOf('api'))!;
    const web = entryOf('web');
    const slot = cache.lookup(APP, web.ip);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect([cache.hostIp(slot), cache.eni(slot), cache.mac(slot), cache.instance(slot), cache.vpcName(slot)]).toEqual([web.host, web.eni, web.mac, 'web', 'app']);
    // Same address in another VPC is another mapping.
    const legacy = cache.lookup(LEGACY, web.ip);
    expect(cache.instance(legacy)).toBe('legacy-vm');
    expect(cache.lookup(SHARED, web.ip)).toBe(-1);
    expect(cache.lookup(APP, ip('10.1.1.200'))).toBe(-1);
    expect(cache.size).toBe(4);
    expect(cache.capacity).toBe(64);
  });
});

describe('HostMappingCache: sender verification', () => {
  const { service, hostOf, entryOf } = fixture();
  const cache = service.cache(hostOf('web'))!;

  it('passes a mapped destination in the same VPC and exposes its slot', () => {
    expect(cache.verifyDestination(APP, APP, entryOf('api').ip)).toBeNull();
    expect(cache.instance(cache.verifiedSlot)).toBe('api');
  });

  it('passes a destination in a peered VPC', () => {
    expect(cache.verifyDestination(APP, SHARED, entryOf('shared-vm').ip)).toBeNull();
    expect(cache.hostIp(cache.verifiedSlot)).toBe(hostOf('shared-vm'));
  });

  it('drops an unmapped destination: a miss is a drop', () => {
    expect(cache.verifyDestination(APP, APP, ip('10.1.1.99'))).toBe(DropReason.MappingNotFound);
    expect(cache.verifiedSlot).toBe(-1);
  });

  it('drops a destination in a VPC that is not peered', () => {
    expect(cache.verifyDestination(APP, LEGACY, entryOf('legacy-vm').ip)).toBe(DropReason.MappingVpcNotPeered);
    expect(cache.verifyDestination(SHARED, LEGACY, entryOf('legacy-vm').ip)).toBe(DropReason.MappingVpcNotPeered);
  });
});

describe('HostMappingCache: receiver verification', () => {
  const { service, hostOf, entryOf } = fixture();
  const cache = service.cache(hostOf('web'))!;
  const api = entryOf('api');
  const web = entryOf('web');
  const shared = entryOf('shared-vm');

  it('accepts a source that lives at the outer source host with that ENI', () => {
    expect(cache.verifySource(APP, api.ip, api.host, api.eni)).toBeNull();
    expect(cache.verifySource(SHARED, shared.ip, shared.host, shared.eni)).toBeNull();
  });

  it('flags a spoofed source: wrong host, wrong ENI, wrong VPC or unknown address', () => {
    expect(cache.verifySource(APP, api.ip, hostOf('shared-vm'), api.eni)).toBe(DropReason.MappingSpoofedSource);
    expect(cache.verifySource(APP, api.ip, api.host, api.eni + 1)).toBe(DropReason.MappingSpoofedSource);
    expect(cache.verifySource(APP, ip('10.1.1.66'), api.host, api.eni)).toBe(DropReason.MappingSpoofedSource);
    // web's address claimed in legacy's VNI from web's host: legacy-vm lives elsewhere.
    expect(cache.verifySource(LEGACY, web.ip, web.host, web.eni)).toBe(DropReason.MappingSpoofedSource);
  });

  it('accepts a destination that lives here, from its own or a peered VPC', () => {
    expect(cache.verifyLocalDestination(APP, APP, web.ip, web.eni)).toBeNull();
    expect(cache.verifyLocalDestination(SHARED, APP, web.ip, web.eni)).toBeNull();
  });

  it('flags a destination that is not here as stale', () => {
    expect(cache.verifyLocalDestination(APP, APP, api.ip, api.eni)).toBe(DropReason.MappingStaleDestination);
    expect(cache.verifyLocalDestination(APP, APP, web.ip, web.eni + 1)).toBe(DropReason.MappingStaleDestination);
    expect(cache.verifyLocalDestination(APP, APP, ip('10.1.1.9'), web.eni)).toBe(DropReason.MappingStaleDestination);
  });

  it('flags traffic from a VPC that is not peered with the destination', () => {
    expect(cache.verifyLocalDestination(LEGACY, APP, web.ip, web.eni)).toBe(DropReason.MappingVpcNotPeered);
  });
});

describe('HostMappingCache: peering', () => {
  it('follows activation and deactivation at the next push', () => {
    const { sim, service, hostOf, entryOf } = fixture();
    const cache = service.cache(hostOf('web'))!;
    const shared = entryOf('shared-vm');
    service.start();
    expect(cache.arePeered(APP, SHARED)).toBe(true);
    expect(cache.arePeered(SHARED, APP)).toBe(true);
    expect(cache.arePeered(LEGACY, LEGACY)).toBe(true);

    service.setPeering('app-shared', APP, SHARED, false);
    expect(service.table.arePeered(APP, SHARED)).toBe(false);
    expect(cache.arePeered(APP, SHARED)).toBe(true); // stale until the push
    sim.run(SECOND);
    expect(cache.arePeered(APP, SHARED)).toBe(false);
    expect(cache.verifyDestination(APP, SHARED, shared.ip)).toBe(DropReason.MappingVpcNotPeered);

    service.setPeering('app-shared', APP, SHARED, true);
    service.setPeering('app-legacy', LEGACY, APP, true);
    sim.run(2 * SECOND);
    expect(cache.verifyDestination(APP, SHARED, shared.ip)).toBeNull();
    expect(cache.arePeered(APP, LEGACY)).toBe(true);
    expect(cache.arePeered(SHARED, LEGACY)).toBe(false);

    service.removePeering('app-legacy');
    sim.run(3 * SECOND);
    expect(cache.arePeered(APP, LEGACY)).toBe(false);
  });
});

describe('HostMappingCache: against a Map model', () => {
  const key = (vpc: number, a: number) => `${vpc}/${a}`;
  const op = fc.oneof(
    fc.record({ kind: fc.constant('upsert' as const), vpc: fc.integer({ min: 1, max: 3 }), ip: fc.integer({ min: 0, max: 9 }), host: fc.integer({ min: 1, max: 4 }), eni: fc.integer({ min: 1, max: 1000 }) }),
    fc.record({ kind: fc.constant('remove' as const), vpc: fc.integer({ min: 1, max: 3 }), ip: fc.integer({ min: 0, max: 9 }) }),
    fc.record({ kind: fc.constant('push' as const) }),
  );

  it('agrees with the model after any upserts and removes, once pushed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 4, max: 40 }), (ops, capacity) => {
        const service = new MappingService(new Simulator(), { capacity });
        const cache = service.register(ip('100.64.1.10'), 'h');
        const model = new Map<string, MappingEntry>();
        let pushed = new Map(model);
        for (const o of ops) {
          if (o.kind === 'push') {
            service.pushNow();
            pushed = new Map(model);
            continue;
          }
          const addr = ip('10.0.0.0') + o.ip * 7919; // spread the addresses
          if (o.kind === 'remove') {
            expect(service.remove(o.vpc, addr)).toBe(model.delete(key(o.vpc, addr)));
            continue;
          }
          const entry = { vpc: o.vpc, ip: addr, host: ip('100.64.1.0') + o.host, eni: o.eni, mac: o.eni * 3, instance: `i${o.eni}`, vpcName: `v${o.vpc}` };
          if (!model.has(key(o.vpc, addr)) && model.size === capacity) {
            expect(() => service.upsert(entry)).toThrow(/mapping table full/);
            continue;
          }
          service.upsert(entry);
          model.set(key(o.vpc, addr), entry);
        }
        const check = (m: Map<string, MappingEntry>) => {
          expect(cache.size).toBe(m.size);
          for (let vpc = 0; vpc <= 4; vpc++) {
            for (let n = 0; n <= 10; n++) {
              const addr = ip('10.0.0.0') + n * 7919;
              const want = m.get(key(vpc, addr));
              const slot = cache.lookup(vpc, addr);
              if (want === undefined) expect(slot).toBe(-1);
              else expect([cache.hostIp(slot), cache.eni(slot), cache.mac(slot), cache.instance(slot), cache.vpcName(slot)]).toEqual([want.host, want.eni, want.mac, want.instance, want.vpcName]);
            }
          }
        };
        check(pushed); // unpushed changes are invisible
        service.pushNow();
        check(model);
        expect(cache.version).toBe(service.version);
      }),
      { numRuns: 300 },
    );
  });
});

describe('HostMappingCache: a full table', () => {
  it('finds every entry when all slots are used (probing through collisions)', () => {
    const capacity = 1024;
    const service = new MappingService(new Simulator(), { capacity });
    for (let n = 0; n < capacity; n++) {
      service.upsert({ vpc: (n % 3) + 1, ip: ip('10.0.0.0') + Math.floor(n / 3), host: n, eni: n, mac: n, instance: '', vpcName: '' });
    }
    const cache = service.register(ip('100.64.1.10'), 'h');
    for (let n = 0; n < capacity; n++) expect(cache.eni(cache.lookup((n % 3) + 1, ip('10.0.0.0') + Math.floor(n / 3)))).toBe(n);
    expect(cache.lookup(4, ip('10.0.0.0'))).toBe(-1);
  });
});
