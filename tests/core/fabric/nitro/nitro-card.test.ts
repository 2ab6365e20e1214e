import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC, type Ipv4, type Mac, parseIpv4, readIpv4, readMac, writeIpv4 } from '../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import { writeEthernet, writeIpv4Header, writeUdpHeader } from '../../../../core/fabric/guest/frames.ts';
import { VPC_ROUTER_MAC } from '../../../../core/fabric/substrate/underlay-macs.ts';
import type { FabricDropEvent } from '../../../../core/fabric/verdict.ts';
import { Fabric } from '../../../../core/fabric/world.ts';
import type { SimPacket } from '../../../../core/sim/packet.ts';
import { loadTopology } from '../../../../core/topology/index.ts';

/**
 * The Nitro card's pipelines, driven with hand-made frames sent straight into an instance's ENI
 * link (as a misbehaving guest would) and observed where they die or arrive: each stage's verdict,
 * reason and deciding rule.
 */

const TOPOLOGY = `
version: 1
racks: { r1: {}, r2: {} }
hosts:
  h1: { rack: r1 }
  h2: { rack: r2 }
vpcs:
  lab: { cidr: 10.0.0.0/16 }
subnets:
  a: { cidr: 10.0.1.0/24 }
  b: { cidr: 10.0.2.0/24 }
routeTables:
  isolated:
    vpc: lab
    subnets: [b]
    routes: []
networkAcls:
  no-udp:
    vpc: lab
    subnets: [b]
    ingress:
      - { rule: 50, action: deny, protocol: udp, cidr: 0.0.0.0/0 }
      - { rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0 }
    egress:
      - { rule: 100, action: allow, protocol: all, cidr: 0.0.0.0/0 }
securityGroups:
  closed: { vpc: lab, outbound: [] }
instances:
  web: { host: h1, subnet: a, ip: 10.0.1.10 }
  db: { host: h2, subnet: a, ip: 10.0.1.20, mtu: 1500 }
  mute: { host: h1, subnet: a, ip: 10.0.1.30, securityGroups: [closed] }
  island: { host: h2, subnet: b, ip: 10.0.2.10 }
`;

function build() {
  const loaded = loadTopology(TOPOLOGY);
  if (!loaded.topology) throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const fabric = new Fabric(loaded.topology);
  const drops: { point: string; reason: string; rule: string | null }[] = [];
  const delivered = new Map<string, Uint8Array[]>();
  for (const [name, h] of fabric.instances) {
    h.eni.port.onDidDrop.subscribe((e) => drops.push({ point: h.eni.port.name, reason: e.reason, rule: (e as FabricDropEvent).rule?.text ?? null }));
    // Replace the guest: record what reaches the instance instead of answering it.
    h.link.a.attach({
      receive(p: SimPacket) {
        delivered.set(name, [...(delivered.get(name) ?? []), p.bytes.slice()]);
        p.release();
      },
    });
  }
  for (const a of fabric.substrate.hosts.values()) a.port.onDidDrop.subscribe((e) => drops.push({ point: a.port.name, reason: e.reason, rule: (e as FabricDropEvent).rule?.text ?? null }));
  const send = (from: string, frame: Uint8Array) => {
    const h = fabric.instances.get(from)!;
    const p = fabric.pool.alloc(frame.length);
    p.bytes.set(frame);
    h.link.a.send(p);
  };
  return { fabric, drops, delivered, send, run: () => fabric.sim.run(fabric.sim.now() + 1_000_000) };
}

const ip = (s: string): Ipv4 => parseIpv4(s)!;
const WEB_MAC: Mac = 0x02_00_00_00_00_01;

function udpFrame(src: string, dst: string, opts: { dstMac?: Mac; length?: number; flagsFrag?: number; ident?: number } = {}): Uint8Array {
  const payload = opts.length ?? 32;
  const b = new Uint8Array(14 + 20 + 8 + payload);
  writeEthernet(b, opts.dstMac ?? VPC_ROUTER_MAC, WEB_MAC, 0x0800);
  writeIpv4Header(b, 14, 20 + 8 + payload, opts.ident ?? 1, opts.flagsFrag ?? 0, 64, 17, ip(src), ip(dst));
  writeUdpHeader(b, 34, 40000, 9, 8 + payload, ip(src), ip(dst));
  return b;
}

function arpRequest(sender: string, target: string): Uint8Array {
  const b = new Uint8Array(42);
  writeEthernet(b, BROADCAST_MAC, WEB_MAC, 0x0806);
  b.set([0, 1, 8, 0, 6, 4, 0, 1], 14);
  b.set([2, 0, 0, 0, 0, 1], 22);
  writeIpv4(b, 28, ip(sender));
  writeIpv4(b, 38, ip(target));
  return b;
}

describe('Nitro card', () => {
  it('answers ARP for instances and the router, and stays silent for unused addresses', () => {
    const w = build();
    w.send('web', arpRequest('10.0.1.10', '10.0.1.20'));
    w.send('web', arpRequest('10.0.1.10', '10.0.1.1'));
    w.send('web', arpRequest('10.0.1.10', '10.0.1.99'));
    w.run();
    const replies = w.delivered.get('web')!;
    expect(replies.map((r) => [readIpv4(r, 28), readMac(r, 22)])).toEqual([
      [ip('10.0.1.20'), 0x02_00_00_00_00_02],
      [ip('10.0.1.1'), VPC_ROUTER_MAC],
    ]);
    expect(replies.every((r) => readMac(r, 0) === WEB_MAC && r[21] === 2)).toBe(true);
    expect(w.fabric.packetHops()).toBe(0);
    expect(w.drops).toEqual([]);
  });

  it('drops broadcast and non-IP frames, and spoofed sources, with their reasons', () => {
    const w = build();
    w.send('web', udpFrame('10.0.1.10', '10.0.1.255', { dstMac: BROADCAST_MAC }));
    const ipv6 = udpFrame('10.0.1.10', '10.0.1.20');
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    w.send('web', ipv6);
    w.send('web', udpFrame('10.0.1.77', '10.0.1.20'));
    w.send('web', new Uint8Array(10));
    w.run();
    expect(w.drops.map((d) => d.reason)).toEqual(['UNSUPPORTED_TRAFFIC', 'UNSUPPORTED_TRAFFIC', 'SRC_DST_CHECK', 'MALFORMED_PACKET']);
    expect(w.drops.every((d) => d.point === 'web:eni')).toBe(true);
  });

  it('applies the security group on egress and names the group', () => {
    const w = build();
    w.send('mute', udpFrame('10.0.1.30', '10.0.1.20'));
    w.run();
    expect(w.drops).toEqual([{ point: 'mute:eni', reason: 'SG_EGRESS_DENY', rule: expect.stringMatching(/closed/) }]);
  });

  it('needs a route: a subnet whose table has only the local route cannot reach outside the VPC', () => {
    const w = build();
    const b = udpFrame('10.0.2.10', '10.9.9.9');
    w.send('island', b);
    w.run();
    expect(w.drops.map((d) => [d.point, d.reason])).toEqual([['island:eni', 'NO_ROUTE']]);
  });

  it('filters at the destination subnet\'s NACL with the rule number, not within a subnet', () => {
    const w = build();
    w.send('web', udpFrame('10.0.1.10', '10.0.2.10'));
    w.run();
    expect(w.drops).toEqual([{ point: 'island:eni', reason: 'NACL_INGRESS_DENY', rule: expect.stringMatching(/^rule 50 deny udp/) }]);
    expect(w.delivered.get('island')).toBeUndefined();
  });

  it('drops what the mapping cache does not know: there is no miss path', () => {
    const w = build();
    w.send('web', udpFrame('10.0.1.10', '10.0.1.99'));
    w.run();
    expect(w.drops.map((d) => [d.point, d.reason])).toEqual([['web:eni', 'MAPPING_NOT_FOUND']]);
    expect(w.fabric.mapping.alarms().map((a) => [a.host, a.reason])).toEqual([['h1', 'MAPPING_NOT_FOUND']]);
  });

  it('delivers across racks with the inner frame rewritten as the receiver expects it', () => {
    const w = build();
    w.send('web', udpFrame('10.0.1.10', '10.0.1.20', { dstMac: 0x02_00_00_00_00_02 }));
    w.run();
    const [got] = w.delivered.get('db')!;
    expect(readMac(got, 0)).toBe(0x02_00_00_00_00_02);
    expect(readMac(got, 6)).toBe(WEB_MAC);
    expect(internetChecksum(got, 14, 34)).toBe(0);
    expect(w.fabric.packetHops()).toBe(4);
  });

  it('routes between subnets with the router as the inner source MAC', () => {
    const w = build();
    const f = udpFrame('10.0.1.10', '10.0.2.10');
    f[23] = 1; // ICMP instead of UDP: the NACL denies UDP only
    f[24] = 0;
    f[25] = 0;
    const c = internetChecksum(f, 14, 34);
    f[24] = c >>> 8;
    f[25] = c & 0xff;
    f.set([8, 0, 0, 0, 0, 1, 0, 1], 34);
    const ic = internetChecksum(f, 34, f.length);
    f[36] = ic >>> 8;
    f[37] = ic & 0xff;
    w.send('web', f);
    w.run();
    const [got] = w.delivered.get('island')!;
    expect(readMac(got, 6)).toBe(VPC_ROUTER_MAC);
  });

  it('reassembles fragments before the security group, then fragments again for a 1500-byte ENI', () => {
    const w = build();
    const whole = udpFrame('10.0.1.10', '10.0.1.20', { dstMac: 0x02_00_00_00_00_02, length: 4000, ident: 77 });
    // Split by hand into two fragments at 2000 payload bytes (a multiple of 8).
    const payload = whole.subarray(34);
    const first = new Uint8Array(34 + 2000);
    first.set(whole.subarray(0, 34));
    first.set(payload.subarray(0, 2000), 34);
    writeIpv4Header(first, 14, 20 + 2000, 77, 0x2000, 64, 17, ip('10.0.1.10'), ip('10.0.1.20'));
    const second = new Uint8Array(34 + payload.length - 2000);
    second.set(whole.subarray(0, 34));
    second.set(payload.subarray(2000), 34);
    writeIpv4Header(second, 14, 20 + payload.length - 2000, 77, 2000 / 8, 64, 17, ip('10.0.1.10'), ip('10.0.1.20'));
    w.send('web', second);
    w.send('web', first);
    w.run();
    const got = w.delivered.get('db')!;
    // 4008 bytes of UDP through a 1500 MTU: 1480 + 1480 + 1048 bytes of payload
    expect(got.map((g) => (g[14 + 2] << 8) | g[14 + 3])).toEqual([1500, 1500, 1068]);
    const rebuilt = new Uint8Array(4008);
    for (const g of got) rebuilt.set(g.subarray(34), (((g[20] & 0x1f) << 8) | g[21]) * 8);
    expect(rebuilt).toEqual(payload);
    expect(w.drops).toEqual([]);
  });

  it('answers DNS queries for instance names at the VPC resolver', () => {
    const w = build();
    const q = new Uint8Array([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 100, 98, 0, 0, 1, 0, 1]); // "db" A IN
    const b = new Uint8Array(42 + q.length);
    writeEthernet(b, VPC_ROUTER_MAC, WEB_MAC, 0x0800);
    writeIpv4Header(b, 14, 28 + q.length, 9, 0, 64, 17, ip('10.0.1.10'), ip('10.0.0.2'));
    b.set(q, 42);
    writeUdpHeader(b, 34, 5353, 53, 8 + q.length, ip('10.0.1.10'), ip('10.0.0.2'));
    w.send('web', b);
    w.run();
    const [answer] = w.delivered.get('web')!;
    expect(readIpv4(answer, 26)).toBe(ip('10.0.0.2'));
    expect(readIpv4(answer, answer.length - 4)).toBe(ip('10.0.1.20'));
    expect(w.fabric.packetHops()).toBe(0);
  });

  it('drops at the old host while caches are stale after a move, then delivers at the new one', () => {
    const w = build();
    w.fabric.sim.run(10_000_000); // the first push is done
    w.fabric.moveInstance('db', 'h1');
    w.send('web', udpFrame('10.0.1.10', '10.0.1.20', { dstMac: 0x02_00_00_00_00_02 }));
    w.run();
    expect(w.drops.map((d) => [d.point, d.reason])).toEqual([['h2:eth0', 'MAPPING_STALE_DESTINATION']]);
    expect(w.fabric.mapping.alarms().map((a) => a.reason)).toEqual(['MAPPING_STALE_DESTINATION']);
    w.fabric.sim.run(1_100_000_000); // past the next full-table push
    w.send('web', udpFrame('10.0.1.10', '10.0.1.20', { dstMac: 0x02_00_00_00_00_02 }));
    w.run();
    expect(w.delivered.get('db')).toHaveLength(1);
    expect(w.drops).toHaveLength(1);
  });

  it('survives anything a guest or a rogue underlay device sends, and leaks no packet', () => {
    // Frames that look like Ethernet/IPv4 from web's address, with random bytes after the headers
    // a card reads first, so the fuzzer gets past the cheap checks into the pipelines.
    const plausible = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.integer({ min: 0, max: 3 })).map(([tail, kind]) => {
      const f = udpFrame('10.0.1.10', kind === 0 ? '10.0.1.20' : kind === 1 ? '10.0.0.2' : '10.0.2.10', { length: 8 });
      const out = new Uint8Array(14 + 20 + tail.length);
      out.set(f.subarray(0, 34));
      out.set(tail, 34);
      if (kind === 3) out[23] = tail[0] ?? 6; // any protocol
      return out;
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(plausible, fc.uint8Array({ minLength: 0, maxLength: 300 })), { maxLength: 20 }), fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 10 }), (fromGuest, fromUnderlay) => {
        const w = build();
        for (const f of fromGuest) w.send('web', f);
        const uplink = w.fabric.substrate.hosts.get('h2')!;
        for (const f of fromUnderlay) {
          const p = w.fabric.pool.alloc(f.length);
          p.bytes.set(f);
          uplink.link.b.send(p); // as if the ToR sent it
        }
        w.fabric.sim.run(40_000_000_000); // past every reassembly timer
        expect(w.fabric.pool.liveCount).toBe(0);
      }),
      { numRuns: 60, seed: 20261122 },
    );
  });
});
