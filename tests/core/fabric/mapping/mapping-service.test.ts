import { describe, expect, it } from 'vitest';
import { MappingService, type MappingAlarm, type MappingPush } from '../../../../core/fabric/mapping/index.ts';
import { DropReason } from '../../../../core/fabric/verdict.ts';
import { Simulator } from '../../../../core/sim/simulator.ts';
import { fixture, ip, SECOND } from './helpers.ts';

const snapshot = (s: MappingService) => ({ ...s.counters });
const delta = (a: ReturnType<typeof snapshot>, b: ReturnType<typeof snapshot>) => ({
  pushes: b.pushes - a.pushes, slotsCopied: b.slotsCopied - a.slotsCopied, applied: b.applied - a.applied, missed: b.missed - a.missed, changes: b.changes - a.changes,
});

describe('MappingService: constant work', () => {
  it('does the same push work in a period with no change and a period where every entry changes', () => {
    const f = fixture();
    const { sim, service, topology } = f;
    const hosts = topology.hosts.map((h) => h.underlayIp);
    service.start();
    sim.run(SECOND);

    const quietStart = snapshot(service);
    sim.run(2 * SECOND);
    const quiet = delta(quietStart, snapshot(service));

    const stormStart = snapshot(service);
    sim.call(SECOND / 2, () => {
      // Every instance moves to another host, and the peering flips.
      topology.instances.forEach((inst, i) => service.moveInstance(f.vpcOf(inst.name), inst.ip, hosts[(i + 1) % hosts.length]));
      service.setPeering('app-shared', 1, 2, false);
    });
    sim.run(3 * SECOND);
    const storm = delta(stormStart, snapshot(service));

    expect(quiet.changes).toBe(0);
    expect(storm.changes).toBe(topology.instances.length + 1);
    const { changes: _q, ...quietWork } = quiet;
    const { changes: _s, ...stormWork } = storm;
    expect(stormWork).toEqual(quietWork);
    expect(quietWork).toEqual({ pushes: 1, slotsCopied: 64 * hosts.length, applied: hosts.length, missed: 0 });
  });

  it('copies every slot whether the table is empty or full', () => {
    const runFor = (entries: number) => {
      const sim = new Simulator();
      const s = new MappingService(sim, { capacity: 16 });
      for (let n = 0; n < entries; n++) s.upsert({ vpc: 1, ip: ip('10.0.0.1') + n, host: ip('100.64.1.10'), eni: n + 1, mac: n, instance: `vm${n}`, vpcName: 'v' });
      s.register(ip('100.64.1.10'), 'h1');
      s.register(ip('100.64.1.11'), 'h2');
      s.start();
      sim.run(5 * SECOND);
      return { pushes: s.counters.pushes, slotsCopied: s.counters.slotsCopied };
    };
    expect(runFor(0)).toEqual(runFor(16));
    expect(runFor(0)).toEqual({ pushes: 6, slotsCopied: 16 * 2 * 7 }); // 6 rounds + the load at registration
  });
});

describe('MappingService: push period', () => {
  it('pushes at start and then every period, with one pending event and no closure', () => {
    const { sim, service } = fixture(undefined, { pushPeriodNs: 250_000_000 });
    const pushes: MappingPush[] = [];
    service.onDidPush.subscribe((p) => pushes.push(p));
    service.start();
    service.start(); // idempotent
    expect(service.running).toBe(true);
    expect(sim.pendingEvents).toBe(1);
    sim.run(SECOND);
    expect(pushes.map((p) => p.time)).toEqual([0, 250_000_000, 500_000_000, 750_000_000, SECOND]);
    expect(pushes.every((p) => p.hosts === 4 && p.applied === 4)).toBe(true);
    service.stop();
    expect(service.running).toBe(false);
    sim.run(3 * SECOND);
    expect(pushes).toHaveLength(5);
  });

  it('makes a change visible in the caches exactly at the next push, not before', () => {
    const { sim, service, topology } = fixture();
    service.start();
    const newcomer = { vpc: 1, ip: ip('10.1.1.77'), host: topology.hosts[0].underlayIp, eni: 77, mac: 77, instance: 'late', vpcName: 'app' };
    sim.call(300_000_000, () => service.upsert(newcomer));
    sim.run(300_000_000);
    expect(service.table.find(1, newcomer.ip)).toBeGreaterThanOrEqual(0); // authoritative: at once
    const version = service.version;
    for (const cache of service.caches()) {
      expect(cache.lookup(1, newcomer.ip)).toBe(-1);
      expect(cache.version).toBeLessThan(version);
    }
    sim.run(SECOND - 1);
    for (const cache of service.caches()) expect(cache.lookup(1, newcomer.ip)).toBe(-1);
    sim.run(SECOND);
    for (const cache of service.caches()) {
      const slot = cache.lookup(1, newcomer.ip);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(cache.instance(slot)).toBe('late');
      expect(cache.version).toBe(version);
    }
  });

  it('loads a cache in full at registration, and pushNow pushes out of cadence', () => {
    const sim = new Simulator();
    const s = new MappingService(sim, { capacity: 8 });
    s.upsert({ vpc: 5, ip: ip('10.0.0.5'), host: ip('100.64.1.10'), eni: 1, mac: 1, instance: 'a', vpcName: 'v' });
    const cache = s.register(ip('100.64.1.10'), 'h1');
    expect(cache.lookup(5, ip('10.0.0.5'))).toBeGreaterThanOrEqual(0);
    expect(cache.version).toBe(1);
    expect(cache.hostName).toBe('h1');
    expect(s.cache(ip('100.64.1.10'))).toBe(cache);
    expect(() => s.register(ip('100.64.1.10'), 'again')).toThrow(/already registered/);
    s.remove(5, ip('10.0.0.5'));
    expect(cache.size).toBe(1);
    s.pushNow();
    expect(cache.size).toBe(0);
    expect(cache.version).toBe(2);
  });

  it('rejects a bad period', () => {
    expect(() => new MappingService(new Simulator(), { capacity: 8, pushPeriodNs: 0 })).toThrow(RangeError);
    expect(() => new MappingService(new Simulator(), { capacity: 8, pushPeriodNs: 1.5 })).toThrow(RangeError);
  });
});

describe('MappingService: stale caches', () => {
  it('a frozen cache keeps its stale copy until unfrozen', () => {
    const { sim, service, hostOf } = fixture();
    const h1 = service.cache(hostOf('web'))!;
    const h2 = service.cache(hostOf('api'))!;
    service.start();
    service.freezeCache(h2.underlayIp, true);
    const target = ip('10.1.1.88');
    service.upsert({ vpc: 1, ip: target, host: h1.underlayIp, eni: 88, mac: 88, instance: 'x', vpcName: 'app' });
    sim.run(3 * SECOND);
    expect(h1.lookup(1, target)).toBeGreaterThanOrEqual(0);
    expect(h2.lookup(1, target)).toBe(-1);
    expect(h2.version).toBeLessThan(service.version);
    expect(service.counters.missed).toBe(3);
    service.freezeCache(h2.underlayIp, false);
    sim.run(4 * SECOND);
    expect(h2.lookup(1, target)).toBeGreaterThanOrEqual(0);
    expect(() => service.freezeCache(ip('1.2.3.4'), true)).toThrow(/not registered/);
  });

  it('dropNextPushes loses whole rounds for every host, and the service still does the work', () => {
    const { sim, service } = fixture();
    service.start(); // round at t=0 applied
    service.dropNextPushes(2);
    service.upsert({ vpc: 1, ip: ip('10.1.1.99'), host: ip('100.64.1.10'), eni: 99, mac: 99, instance: 'y', vpcName: 'app' });
    sim.run(2 * SECOND);
    for (const c of service.caches()) expect(c.lookup(1, ip('10.1.1.99'))).toBe(-1);
    expect(service.counters.missed).toBe(8);
    expect(service.counters.slotsCopied).toBe(64 * 4 * 4); // registration + 3 rounds
    sim.run(3 * SECOND);
    for (const c of service.caches()) expect(c.lookup(1, ip('10.1.1.99'))).toBeGreaterThanOrEqual(0);
    expect(() => service.dropNextPushes(-1)).toThrow(RangeError);
  });

  it('an instance move: the table changes at once, caches at the next push; a stale sender hits the old host', () => {
    const { sim, service, hostOf, entryOf } = fixture();
    const web = entryOf('web');
    const oldHost = hostOf('web');
    const newHost = hostOf('api');
    const sender = service.cache(hostOf('shared-vm'))!;
    const stale = service.cache(hostOf('legacy-vm'))!;
    service.start();
    service.freezeCache(stale.underlayIp, true); // a host that will miss the news
    sim.call(SECOND / 2, () => service.moveInstance(web.vpc, web.ip, newHost));
    sim.run(SECOND / 2);
    expect(service.table.entry(service.table.find(web.vpc, web.ip))!.host).toBe(newHost);

    // The window: every cache still sends to the old host.
    expect(sender.verifyDestination(2, 1, web.ip)).toBeNull();
    expect(sender.hostIp(sender.verifiedSlot)).toBe(oldHost);

    sim.run(SECOND);
    expect(sender.verifyDestination(2, 1, web.ip)).toBeNull();
    expect(sender.hostIp(sender.verifiedSlot)).toBe(newHost);
    // The frozen host still sends to the old one, whose (fresh) cache rejects the destination…
    const slot = stale.lookup(web.vpc, web.ip);
    expect(stale.hostIp(slot)).toBe(oldHost);
    expect(service.cache(oldHost)!.verifyLocalDestination(web.vpc, web.vpc, web.ip, web.eni)).toBe(DropReason.MappingStaleDestination);
    // …and the new host accepts it.
    expect(service.cache(newHost)!.verifyLocalDestination(web.vpc, web.vpc, web.ip, web.eni)).toBeNull();
    expect(() => service.moveInstance(1, ip('10.1.1.250'), newHost)).toThrow(/no mapping/);
  });
});

describe('MappingService: alarms', () => {
  const alarm = (n: number): MappingAlarm => ({ time: n, host: 'az1-host1', reason: DropReason.MappingSpoofedSource, detail: `alarm ${n}`, traceId: n });

  it('fires and records alarms', () => {
    const { service } = fixture();
    const seen: MappingAlarm[] = [];
    service.onDidAlarm.subscribe((a) => seen.push(a));
    service.raiseAlarm(alarm(1));
    service.raiseAlarm({ ...alarm(2), reason: DropReason.MappingStaleDestination });
    expect(seen.map((a) => a.traceId)).toEqual([1, 2]);
    expect(service.alarms().map((a) => a.reason)).toEqual([DropReason.MappingSpoofedSource, DropReason.MappingStaleDestination]);
    expect(service.counters.alarms).toBe(2);
    expect(service.traceSources().map((s) => s.name)).toEqual(['alarm', 'push']);
  });

  it('keeps only the most recent alarms, oldest first', () => {
    const s = new MappingService(new Simulator(), { capacity: 4, alarmHistory: 3 });
    for (let n = 1; n <= 7; n++) s.raiseAlarm(alarm(n));
    expect(s.alarms().map((a) => a.traceId)).toEqual([5, 6, 7]);
    expect(s.counters.alarms).toBe(7);
    const none = new MappingService(new Simulator(), { capacity: 4, alarmHistory: 0 });
    none.raiseAlarm(alarm(1));
    expect(none.alarms()).toEqual([]);
  });
});
