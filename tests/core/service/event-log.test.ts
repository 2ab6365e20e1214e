/** The simulation mode's event log against real fabric runs. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../core/service/event-log.ts';
import { packetLabel } from '../../../core/service/packet-label.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';
import { tracePath } from '../../../core/service/trace-path.ts';

const text = (f: string) => readFileSync(new URL(`../../../resources/topologies/${f}`, import.meta.url), 'utf8');

function load(f: string, maxEvents?: number) {
  const r = SimulationService.load(text(f));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { service: r.service, log: new EventLog(r.service.fabric, r.service.captures, { maxEvents }) };
}

describe('EventLog', () => {
  it("logs a ping's packet events and decisions in order, with nodes, verdicts and frames", () => {
    const { service, log } = load('two-racks.yaml');
    service.exec('client', 'ping -c 1 server');
    service.run(1_000_000_000);
    const rows = log.page(0, 10_000).rows;
    expect(rows.length).toBe(log.total);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    for (let i = 1; i < rows.length; i++) expect(rows[i].time).toBeGreaterThanOrEqual(rows[i - 1].time);

    const request = rows.find((r) => r.label.startsWith('ICMP') && r.label.endsWith('echo request'))!;
    const trace = rows.filter((r) => r.traceId === request.traceId);
    // Leaves the client, crosses its card (decisions, encapsulation), the underlay, the server's card.
    expect(trace[0]).toMatchObject({ kind: 'transmit', port: 'client:eth0', component: 'client', verdict: 'forward' });
    const host = service.fabric.instances.get('client')!.host;
    expect(trace[0].peer).toBe(host);
    expect(trace.some((r) => r.kind === 'decide' && r.stage === 'sg-egress' && r.verdict === 'forward')).toBe(true);
    expect(trace.some((r) => r.label.startsWith('Geneve vni') && r.label.includes('[ICMP'))).toBe(true);
    expect(trace.some((r) => r.component.startsWith('spine') || r.component.includes('tor'))).toBe(true);
    expect(trace.at(-2)).toMatchObject({ kind: 'transmit', port: 'server:eni', peer: 'server', verdict: 'deliver' });
    expect(trace.at(-1)).toMatchObject({ kind: 'receive', port: 'server:eth0', component: 'server' });
    expect(trace.every((r) => r.verdict !== 'drop')).toBe(true);

    // A tapped port's event names the frame it recorded: same trace, same capture point.
    const tapped = trace.filter((r) => r.frame !== null && r.kind !== 'decide');
    expect(tapped.length).toBeGreaterThan(4);
    for (const r of tapped) {
      expect(service.captures.traceOf(r.frame!)).toBe(r.traceId);
      expect(service.captures.points[service.captures.pointOf(r.frame!)].name).toBe(r.port);
      expect(service.captures.timeOf(r.frame!)).toBe(r.time);
    }
    // The untapped guest NIC records no frame.
    expect(trace[0].frame).toBeNull();

    // The path recorder's hops for the same trace, named by node.
    const path = tracePath(service.paths, (p) => log.nodeOf(p), request.traceId, 100);
    expect(path.hops[0]).toMatchObject({ stage: 'send', node: 'client', toNode: host });
    expect(path.hops.at(-1)).toMatchObject({ stage: 'deliver', node: service.fabric.instances.get('server')!.host, toNode: 'server' });
  });

  it('shows a security-group deny with its reason and rule', () => {
    const { service, log } = load('security.yaml');
    service.exec('jump', 'nc -z -w 1 db 5432');
    service.run(3_000_000_000);
    const drops = log.page(0, 10_000).rows.filter((r) => r.kind === 'drop');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops[0]).toMatchObject({ verdict: 'drop', reason: 'SG_INGRESS_DENY', port: 'db:eni' });
    expect(drops[0].rule).toMatch(/no rule allows it|db/);
    expect(drops[0].label).toMatch(/^TCP 10\.0\.1\.\d+:\d+ → 10\.0\.2\.10:5432 SYN/);
    expect(drops[0].frame).not.toBeNull();
  });

  it('pages within bounds and forgets the oldest beyond maxEvents', () => {
    const { service, log } = load('minimal.yaml', 100);
    service.exec('web', 'ping -c 5 -i 0.1 db');
    service.run(2_000_000_000);
    expect(log.total).toBeGreaterThan(100);
    const page = log.page(0, 10);
    expect(page.firstAvailable).toBeGreaterThan(0);
    expect(page.offset).toBe(page.firstAvailable);
    expect(page.rows.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => page.firstAvailable + i));
    expect(log.page(log.total - 3, 10).rows).toHaveLength(3);
    expect(log.page(log.total + 5, 10).rows).toEqual([]);
    expect(log.page(0, 0).rows).toEqual([]);
    expect(page.packets).toBeLessThanOrEqual(page.total);
  });

  it('reports packets on a link while they cross it, and tap frame counts', () => {
    const { service, log } = load('minimal.yaml');
    service.exec('web', 'ping -c 1 db');
    let seen = 0;
    while (service.step(1) > 0 && service.now() < 1_000_000_000) {
      for (const p of log.inFlight(service.now())) {
        seen++;
        expect(p.sent).toBeLessThanOrEqual(service.now());
        expect(p.arrives).toBeGreaterThan(service.now());
        expect(p.from).not.toBe('');
        expect(p.to).not.toBe('');
      }
    }
    expect(seen).toBeGreaterThan(0);
    const taps = log.taps();
    expect(taps.length).toBe(service.captures.points.length);
    expect(taps.reduce((n, t) => n + t.frames, 0)).toBe(service.captures.count);
    expect(taps.find((t) => t.port === 'web:eni')).toMatchObject({ node: service.fabric.instances.get('web')!.host, peer: 'web' });
  });

  it('labels frames it cannot read without throwing', () => {
    expect(packetLabel(new Uint8Array(3))).toBe('truncated frame');
    const f = new Uint8Array(20);
    f[12] = 0x86;
    f[13] = 0xdd;
    expect(packetLabel(f)).toBe('EtherType 0x86dd');
  });
});
