import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIpv4, readMac } from '../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import { buildSubstrate, DEFAULT_SUBSTRATE } from '../../../../core/fabric/substrate/build-substrate.ts';
import { cardMac } from '../../../../core/fabric/substrate/underlay-macs.ts';
import { PacketPool } from '../../../../core/sim/packet-pool.ts';
import type { SimPacket } from '../../../../core/sim/packet.ts';
import { Simulator } from '../../../../core/sim/simulator.ts';
import { loadTopology } from '../../../../core/topology/index.ts';
import type { FabricDropEvent } from '../../../../core/fabric/verdict.ts';

function topology(file: string) {
  const r = loadTopology(readFileSync(new URL(`../../../../resources/topologies/${file}`, import.meta.url), 'utf8'));
  if (!r.topology) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.topology;
}

/** An outer IPv4/UDP frame from `src` to `dst` with the given UDP source port (the ECMP entropy). */
function outerFrame(pool: PacketPool, src: number, dst: number, sport: number): SimPacket {
  const p = pool.alloc(14 + 28);
  const b = p.bytes;
  b[12] = 0x08;
  b.set([0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0], 14);
  for (let i = 0; i < 4; i++) {
    b[26 + i] = (src >>> (24 - 8 * i)) & 0xff;
    b[30 + i] = (dst >>> (24 - 8 * i)) & 0xff;
  }
  b.set([sport >>> 8, sport & 0xff, 0x17, 0xc1, 0, 8, 0, 0], 34);
  const c = internetChecksum(b, 14, 34);
  b[24] = c >>> 8;
  b[25] = c & 0xff;
  return p;
}

function world(file: string, options = DEFAULT_SUBSTRATE) {
  const sim = new Simulator();
  const pool = new PacketPool();
  const topo = topology(file);
  const substrate = buildSubstrate(sim, topo, options);
  const arrivals: { host: string; t: number; ttl: number; dstMac: number; srcMac: number; checksumOk: boolean }[] = [];
  for (const [name, h] of substrate.hosts) {
    h.port.attach({
      receive(p) {
        arrivals.push({ host: name, t: sim.now(), ttl: p.bytes[22], dstMac: readMac(p.bytes, 0), srcMac: readMac(p.bytes, 6), checksumOk: internetChecksum(p.bytes, 14, 34) === 0 });
        p.release();
      },
    });
  }
  return { sim, pool, topo, substrate, arrivals };
}

describe('substrate', () => {
  it('builds a ToR per rack, the zone spines and a link per host, ToR–spine pair and cross-zone spine pair', () => {
    const { substrate, topo } = world('multi-az.yaml');
    expect(substrate.tors.map((t) => t.name)).toEqual(topo.racks.map((r) => r.tor.name));
    expect(substrate.spines.map((s) => s.name)).toEqual(['spine-use1-az1-1', 'spine-use1-az1-2', 'spine-use1-az2-1', 'spine-use1-az2-2']);
    // 4 hosts + 4 ToRs × 2 spines + 2 cross-zone spine pairs
    expect(substrate.links).toHaveLength(4 + 8 + 2);
  });

  it('routes across racks through a spine, rewriting MACs and decrementing the outer TTL at each switch', () => {
    const { sim, pool, topo, substrate, arrivals } = world('two-racks.yaml');
    const a = topo.hosts.find((h) => h.name === 'host-a')!;
    const b = topo.hosts.find((h) => h.name === 'host-b')!;
    substrate.hosts.get('host-a')!.port.send(outerFrame(pool, a.underlayIp, b.underlayIp, 50000));
    sim.run();
    expect(arrivals).toHaveLength(1);
    const got = arrivals[0];
    expect(got.host).toBe('host-b');
    expect(got.ttl).toBe(64 - 3); // ToR, spine, ToR
    expect(got.checksumOk).toBe(true);
    expect(got.dstMac).toBe(cardMac(b.underlayIp));
    // 4 links of 25/100 Gb/s with 1 µs latency each: about 4 µs plus serialization
    expect(got.t).toBeGreaterThan(4_000);
    expect(got.t).toBeLessThan(4_100);
  });

  it('spreads flows over both spines by the outer 5-tuple and keeps each flow on one path', () => {
    const { sim, pool, topo, substrate } = world('two-racks.yaml');
    const a = topo.hosts.find((h) => h.name === 'host-a')!;
    const b = topo.hosts.find((h) => h.name === 'host-b')!;
    const perSpine = new Map<string, number[]>();
    for (const spine of substrate.spines) {
      spine.onDidForward.subscribe((p) => {
        const sport = (p.bytes[34] << 8) | p.bytes[35];
        perSpine.set(spine.name, [...(perSpine.get(spine.name) ?? []), sport]);
      });
    }
    // Two frames of each of 100 flows, 1 µs apart (the host link's queue holds 100 frames).
    for (let i = 0; i < 200; i++) sim.call(i * 1000, () => substrate.hosts.get('host-a')!.port.send(outerFrame(pool, a.underlayIp, b.underlayIp, 49152 + (i % 100))));
    sim.run();
    const counts = [...perSpine.values()].map((v) => v.length);
    expect(counts).toHaveLength(2);
    expect(counts[0] + counts[1]).toBe(200);
    for (const c of counts) expect(c).toBeGreaterThan(60);
    const [s1, s2] = [...perSpine.values()].map((v) => new Set(v));
    for (const port of s1) expect(s2.has(port)).toBe(false);
  });

  it('crosses zones through the same-index spine of the other zone', () => {
    const { sim, pool, topo, substrate, arrivals } = world('multi-az.yaml');
    const from = topo.hosts.find((h) => h.name === 'az1-h1')!;
    const to = topo.hosts.find((h) => h.name === 'az2-h2')!;
    substrate.hosts.get('az1-h1')!.port.send(outerFrame(pool, from.underlayIp, to.underlayIp, 50001));
    sim.run();
    expect(arrivals.map((a) => [a.host, a.ttl])).toEqual([['az2-h2', 64 - 4]]);
    expect(arrivals[0].t).toBeGreaterThan(250_000);
  });

  it('drops a frame for an address no switch routes, with the reason and the switch', () => {
    const { sim, pool, topo, substrate, arrivals } = world('two-racks.yaml');
    const a = topo.hosts.find((h) => h.name === 'host-a')!;
    const drops: FabricDropEvent[] = [];
    for (const spine of substrate.spines) for (const { port } of spine.ports) port.onDidDrop.subscribe((e) => drops.push({ ...e, packet: e.packet }));
    substrate.hosts.get('host-a')!.port.send(outerFrame(pool, a.underlayIp, 0xc0a80001, 50000));
    sim.run();
    expect(arrivals).toHaveLength(0);
    expect(drops.map((d) => [d.reason, d.rule?.kind])).toEqual([['UNDERLAY_NO_ROUTE', 'substrate']]);
    expect(drops[0].detail).toMatch(/^spine-/);
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
    expect(pool.liveCount).toBe(0);
  });
});
