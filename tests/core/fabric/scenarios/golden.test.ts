import { describe, expect, it } from 'vitest';
import { breather, type ScenarioResult, expectTsharkAgrees, MS, runScenario, S, sha256 } from './support.ts';

/**
 * The fabric's golden scenarios (issue "Step 2"): each runs a topology and commands in virtual
 * time, then checks what happened (command output, where and why packets died), that the same seed
 * gives a byte-identical pcapng, and that tshark reads the capture with no malformed frame and the
 * same field values as ours.
 */

async function twice(make: () => ScenarioResult): Promise<ScenarioResult> {
  const a = make();
  await breather();
  const b = make();
  await breather();
  expect(sha256(b.pcapng)).toBe(sha256(a.pcapng));
  return a;
}

function reasons(r: ScenarioResult): string[] {
  return [...new Set(r.drops().map((d) => d.reason ?? '-'))];
}

describe('golden scenarios', { timeout: 180_000 }, () => {
  it('ping between two instances on the same host never touches the underlay', async () => {
    const r = await twice(() => runScenario({ topology: 'same-host.yaml', actions: [{ at: 0, instance: 'web', command: 'ping -c 3 db' }], until: 4 * S }));
    const out = r.output('web');
    expect(out[0]).toMatch(/^PING db \(10\.0\.1\.5\) 56\(84\) bytes of data\.$/);
    expect(out.filter((l) => /^64 bytes from db \(10\.0\.1\.5\): icmp_seq=\d ttl=64 time=/.test(l))).toHaveLength(3);
    expect(out).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2000ms');
    expect(r.service.fabric.cards.get('host-1')!.counters.encapsulated).toBe(0);
    expect(r.service.fabric.packetHops()).toBe(0);
    expect(r.drops()).toEqual([]);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('ping across racks is Geneve-encapsulated over ToR, spine, ToR', async () => {
    const r = await twice(() => runScenario({ topology: 'two-racks.yaml', actions: [{ at: 0, instance: 'client', command: 'ping -c 2 10.0.1.20' }], until: 3 * S }));
    expect(r.output('client')).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    // 2 requests + 2 replies, 4 physical links each
    expect(r.service.fabric.packetHops()).toBe(16);
    const n = await expectTsharkAgrees(r.pcapng, r.service);
    expect(n).toBeGreaterThan(16);
  });

  it('ping across availability zones crosses the inter-zone spine link', async () => {
    const r = await twice(() => runScenario({ topology: 'multi-az.yaml', actions: [{ at: 0, instance: 'web1', command: 'ping -c 2 web2' }], until: 3 * S }));
    const out = r.output('web1');
    expect(out).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    // 5 links per direction: host–ToR, ToR–spine, spine–spine, spine–ToR, ToR–host
    expect(r.service.fabric.packetHops()).toBe(20);
    // Round trip of at least 2 × 250 µs of inter-zone latency
    const rtt = Number(/time=([0-9.]+) ms/.exec(out.find((l) => l.startsWith('64 bytes'))!)![1]);
    expect(rtt).toBeGreaterThan(0.5);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('HTTP over TCP: a 100 kB page is segmented at the MSS and arrives whole', async () => {
    const r = await twice(() => runScenario({ topology: 'two-racks.yaml', actions: [{ at: 0, instance: 'client', command: 'curl -s -o /dev/null -w "%{http_code} %{size_download}" http://server/bytes/100000' }], until: 5 * S }));
    expect(r.output('client')).toEqual(['200 100000']);
    expect(r.exitCodes('client')).toEqual([0]);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('security group deny: the rule set that refused it is named', async () => {
    const r = await twice(() => runScenario({ topology: 'security.yaml', actions: [{ at: 0, instance: 'web', command: 'ping -c 1 -W 1 jump' }], until: 3 * S }));
    expect(r.output('web')).toContain('1 packets transmitted, 0 received, 100% packet loss, time 0ms');
    const drops = r.drops();
    expect(drops.map((d) => [d.point, d.reason])).toEqual([['jump:eni', 'SG_INGRESS_DENY']]);
    expect(drops[0].rule).toMatch(/bastion/);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('network ACL ingress deny names its rule number', async () => {
    const r = await twice(() => runScenario({ topology: 'security.yaml', actions: [{ at: 0, instance: 'intruder', command: 'ping -c 1 -W 1 10.0.2.10' }], until: 3 * S }));
    const drops = r.drops();
    expect(drops.map((d) => [d.point, d.reason])).toEqual([['db:eni', 'NACL_INGRESS_DENY']]);
    expect(drops[0].rule).toMatch(/rule 90 deny/);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('TCP recovers from loss on a link by retransmission', async () => {
    const r = await twice(() =>
      runScenario({
        topology: 'two-racks.yaml',
        setup: (s) => s.configureLink('host-a-rack-a-tor', { lossRate: 0.05 }),
        actions: [{ at: 0, instance: 'client', command: 'curl -s -o /dev/null -w "%{http_code} %{size_download}" http://server/bytes/200000' }],
        until: 20 * S,
      }),
    );
    expect(r.output('client')).toEqual(['200 200000']);
    expect(reasons(r)).toEqual(['LINK_LOSS']);
    expect(r.service.fabric.instances.get('client')!.guest.tcp.stats.retransmissions + r.service.fabric.instances.get('server')!.guest.tcp.stats.retransmissions).toBeGreaterThan(0);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('path MTU: DF across a 1500-byte peering gets fragmentation-needed, and the next attempt fits', async () => {
    const r = await twice(() => runScenario({ topology: 'mtu-path.yaml', actions: [{ at: 0, instance: 'big', command: 'ping -c 2 -s 3000 remote' }], until: 3 * S }));
    const out = r.output('big');
    expect(out).toContain('From 10.20.1.1 (10.20.1.1) icmp_seq=1 Frag needed and DF set (mtu = 1500)');
    expect(out.some((l) => /^3008 bytes from remote \(10\.30\.1\.4\): icmp_seq=2/.test(l))).toBe(true);
    expect(reasons(r)).toEqual(['MTU_EXCEEDED_DF']);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('VPC peering: a peered VPC answers; when the peering goes inactive the sender refuses', async () => {
    const r = await twice(() =>
      runScenario({
        topology: 'peering.yaml',
        actions: [
          { at: 0, instance: 'app-vm', command: 'ping -c 1 10.2.1.4' },
          { at: 1 * S, run: (s) => s.fabric.mapping.setPeering('app-shared', s.fabric.vpcs.get('app')!.number, s.fabric.vpcs.get('shared')!.number, false) },
          { at: 3 * S, instance: 'app-vm', command: 'ping -c 1 -W 1 10.2.1.4' },
        ],
        until: 5 * S,
      }),
    );
    const out = r.output('app-vm');
    expect(out).toContain('1 packets transmitted, 1 received, 0% packet loss, time 0ms');
    expect(out).toContain('1 packets transmitted, 0 received, 100% packet loss, time 0ms');
    expect(r.drops().map((d) => [d.point, d.reason])).toEqual([['app-vm:eni', 'MAPPING_VPC_NOT_PEERED']]);
    expect(r.service.fabric.mapping.alarms().map((a) => [a.host, a.reason])).toEqual([['az1-host1', 'MAPPING_VPC_NOT_PEERED']]);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('a spoofed source is dropped by the sender\'s source/destination check', async () => {
    const r = await twice(() => runScenario({ topology: 'two-racks.yaml', actions: [{ at: 0, instance: 'client', command: 'hping -1 -c 1 -a 10.0.1.99 10.0.1.20' }], until: 2 * S }));
    expect(r.drops().map((d) => [d.point, d.reason])).toEqual([['client:eni', 'SRC_DST_CHECK']]);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('forged encapsulation from a compromised host is dropped by the receiver, with an alarm', async () => {
    const r = await twice(() =>
      runScenario({
        topology: 'two-racks.yaml',
        setup: (s) => {
          s.fabric.cards.get('host-a')!.faults.forgeVni = 77;
        },
        actions: [{ at: 0, instance: 'client', command: 'ping -c 1 -W 1 10.0.1.20' }],
        until: 2 * S,
      }),
    );
    expect(r.drops().map((d) => [d.point, d.reason])).toEqual([['host-b:eth0', 'MAPPING_SPOOFED_SOURCE']]);
    expect(r.service.fabric.mapping.alarms().map((a) => [a.host, a.reason])).toEqual([['host-b', 'MAPPING_SPOOFED_SOURCE']]);
    await expectTsharkAgrees(r.pcapng, r.service);
  });

  it('a stale mapping cache during an instance move drops until the next push, then traffic flows', async () => {
    const r = await twice(() =>
      runScenario({
        topology: 'two-racks.yaml',
        actions: [
          { at: 0, instance: 'client', command: 'ping -c 20 -i 0.1 -W 1 10.0.1.20' },
          { at: 1050 * MS, run: (s) => s.fabric.moveInstance('server', 'host-a') },
        ],
        until: 4 * S,
      }),
    );
    const out = r.output('client');
    const summary = out.find((l) => l.includes('packets transmitted'))!;
    const received = Number(/(\d+) received/.exec(summary)![1]);
    expect(received).toBeGreaterThanOrEqual(10);
    expect(received).toBeLessThan(20);
    expect(reasons(r)).toEqual(['MAPPING_STALE_DESTINATION']);
    await expectTsharkAgrees(r.pcapng, r.service);
  });
});
