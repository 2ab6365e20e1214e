/**
 * The capture view's service over real fabric captures (two-racks: client and server on different
 * hosts, so every packet is seen at the ENIs decapsulated and on the underlay Geneve-encapsulated).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../../core/pcap/capture-reader.ts';
import { CaptureView } from '../../../core/service/capture-view.ts';
import { DEFAULT_COLORING_RULES } from '../../../core/service/coloring-rules.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const text = (f: string) => readFileSync(new URL(`../../../resources/topologies/${f}`, import.meta.url), 'utf8');

function world(commands: readonly [string, string][], untilNs: number) {
  const r = SimulationService.load(text('two-racks.yaml'));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  for (const [instance, command] of commands) {
    const e = r.service.exec(instance, command);
    if (!e.ok) throw new Error(e.error);
  }
  r.service.run(untilNs);
  return { service: r.service, view: new CaptureView(r.service.query) };
}

const pinged = () => world([['client', 'ping -c 2 server']], 3_000_000_000);

describe('CaptureView.page', () => {
  it('lists every frame with absolute time, displayed delta and Wireshark coloring', () => {
    const { service, view } = pinged();
    const page = view.page({ offset: 0, count: 10_000 });
    expect(page.total).toBe(service.captures.count);
    expect(page.rows.length).toBe(page.total);
    const icmp = DEFAULT_COLORING_RULES.findIndex((r) => r.name === 'ICMP');
    const udp = DEFAULT_COLORING_RULES.findIndex((r) => r.name === 'UDP');
    const arp = DEFAULT_COLORING_RULES.findIndex((r) => r.name === 'ARP');
    // The ENI sees ICMP; the underlay sees it inside Geneve over UDP, and the first matching rule
    // (ICMP before UDP, the inner packet is dissected too) colours both, as tshark --color does.
    for (const r of page.rows) {
      if (r.protocol === 'ICMP') expect(r.coloring).toBe(icmp);
      if (r.protocol === 'ARP') expect(r.coloring).toBe(arp);
      expect(r.coloring === -1 || r.coloring === udp || r.coloring === icmp || r.coloring === arp).toBe(true);
      expect(r.timeNs).toBe(service.captures.timeOf(r.number));
    }
    for (let i = 1; i < page.rows.length; i++) expect(page.rows[i].deltaDisplayedNs).toBe(page.rows[i].timeNs - page.rows[i - 1].timeNs);
    const info = view.info();
    // frames per capture point: what a scan of the held frames counts
    const perPoint = info.points.map(() => 0);
    for (let n = service.captures.firstAvailable; n <= service.captures.count; n++) perPoint[service.captures.pointOf(n)]++;
    expect(info.points.map((p) => p.frames)).toEqual(perPoint);
    expect(perPoint.filter((c) => c > 0).length).toBeGreaterThan(2);
    expect(info.coloring.every((c) => c.enabled)).toBe(true);
    // No ICMPv6 dissector here: the name is read as absent, so the rule still colours ICMP.
    expect(info.coloring.find((c) => c.name === 'ICMP')?.absent).toEqual(['icmpv6']);
  });

  it('filters, keeps chosen capture points, and the displayed delta is to the previous entry shown', () => {
    const { view } = pinged();
    const info = view.info();
    const eni = info.points.filter((p) => p.kind === 'eni' && p.frames > 0).map((p) => p.id);
    expect(eni.length).toBeGreaterThan(0);
    const page = view.page({ offset: 0, count: 100, filter: 'icmp', points: eni });
    expect(page.rows.length).toBeGreaterThan(0);
    for (const r of page.rows) {
      expect(r.protocol).toBe('ICMP');
      expect(eni).toContain(r.pointId);
    }
    for (let i = 1; i < page.rows.length; i++) expect(page.rows[i].deltaDisplayedNs).toBe(page.rows[i].timeNs - page.rows[i - 1].timeNs);
    const bad = view.page({ offset: 0, count: 10, filter: 'ip.src ==' });
    expect(bad.error?.message).toBeTruthy();
    expect(bad.rows).toEqual([]);
  });

  it('sorts by a column, both ways, stable on frame number', () => {
    const { view } = pinged();
    const byLength = view.page({ offset: 0, count: 1000, sort: { column: 'length', descending: false } }).rows;
    for (let i = 1; i < byLength.length; i++) {
      const [a, b] = [byLength[i - 1], byLength[i]];
      expect(a.length < b.length || (a.length === b.length && a.number < b.number)).toBe(true);
    }
    const byProtocolDown = view.page({ offset: 0, count: 1000, sort: { column: 'protocol', descending: true } }).rows;
    for (let i = 1; i < byProtocolDown.length; i++) expect(byProtocolDown[i - 1].protocol >= byProtocolDown[i].protocol).toBe(true);
    const geneveFirst = view.page({ offset: 0, count: 3, filter: 'geneve', sort: { column: 'number', descending: true } }).rows;
    expect(geneveFirst[0].number).toBeGreaterThan(geneveFirst[1].number);
  });
});

describe('the encapsulation lens', () => {
  it('lists the frame at every capture point of its trace, decapsulated at the ENIs and Geneve on the underlay', () => {
    const { view } = pinged();
    const request = view.page({ offset: 0, count: 1, filter: 'geneve && icmp.type == 8' }).rows[0];
    const lens = view.lens(request.number)!;
    expect(lens.traceId).toBe(request.traceId);
    expect(lens.frames.map((f) => f.number)).toContain(request.number);
    const atEni = lens.frames.filter((f) => !f.encapsulated);
    const underlay = lens.frames.filter((f) => f.encapsulated);
    expect(atEni.length).toBeGreaterThanOrEqual(2); // leaving the client, arriving at the server
    expect(underlay.length).toBeGreaterThanOrEqual(2); // card uplinks, ToR and spine ports
    for (const f of lens.frames) expect(f.traceId).toBe(request.traceId);
    expect(view.page({ offset: 0, count: 1, filter: `frame.number == ${atEni[0].number} && !geneve && icmp` }).rows).toHaveLength(1);
  });
});

describe('Follow TCP Stream', () => {
  it('gives the HTTP request and response as text, client and server apart, at one capture point', () => {
    const { view } = world([['client', 'curl -s http://10.0.1.20/']], 3_000_000_000);
    const get = view.page({ offset: 0, count: 1, filter: 'tcp.len > 0 && !geneve' }).rows[0];
    const followed = view.follow(get.number)!;
    expect(followed.client).toMatch(/^10\.0\.1\.10:\d+$/);
    expect(followed.server).toBe('10.0.1.20:80');
    const client = followed.segments.filter((s) => s.fromClient).map((s) => s.text).join('');
    const server = followed.segments.filter((s) => !s.fromClient).map((s) => s.text).join('');
    expect(client).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    expect(server).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(followed.clientBytes).toBe(client.length);
    // Each segment once: only the point it was asked from.
    expect(followed.point).toBe(get.point);
    const arp = view.page({ offset: 0, count: 1, filter: 'arp' }).rows[0];
    if (arp) expect(view.follow(arp.number)).toBeNull();
  });
});

describe('expert summary and export of a selection', () => {
  it('counts expert items by severity with their frames', () => {
    const { view } = world([['client', 'curl -s http://10.0.1.20/']], 3_000_000_000);
    const s = view.expertSummary();
    const total = s.entries.reduce((a, e) => a + e.count, 0);
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(total);
    expect(total).toBeGreaterThan(0);
    const chat = s.entries.find((e) => e.severity === 'Chat');
    expect(chat?.frames.length).toBeGreaterThan(0);
    // Incremental: asking again without new frames gives the same.
    expect(view.expertSummary()).toEqual(s);
  });

  it('exports the displayed frames of chosen points as pcapng', () => {
    const { view } = pinged();
    const shown = view.page({ offset: 0, count: 1000, filter: 'icmp' }).rows;
    const r = view.export({ filter: 'icmp' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.frames).toBe(shown.length);
    const file = readCapture(r.bytes);
    expect(file.records.length).toBe(shown.length);
    const bad = view.export({ filter: 'icmp ==' });
    expect(bad.ok).toBe(false);
  });

  it('completes field names from the registry', () => {
    const { view } = pinged();
    const c = view.complete('gene', 4);
    expect(c.items.map((i) => i.label)).toContain('geneve');
  });
});

describe('CaptureView column cache', () => {
  it('re-pages from the cache with the rows a fresh list builds, and rebuilds a row once the first pass has gone further', () => {
    const reference = pinged();
    const total = reference.service.captures.count;
    const fresh = reference.view.page({ offset: 0, count: total }).rows;
    // An echo request whose reply comes later: its Info names the reply only once the first pass has seen it.
    const request = fresh.find((r) => r.info.includes('Echo (ping) request') && r.info.includes('reply in'));
    expect(request).toBeDefined();
    const { view } = pinged();
    const early = view.page({ offset: request!.number - 1, count: 1 }).rows[0];
    expect(early.number).toBe(request!.number);
    expect(early.info).toContain('no response found');
    // Paging further moves the first pass on: the row cached above must not be served any more.
    const all = view.page({ offset: 0, count: total }).rows;
    const again = view.page({ offset: 0, count: total }).rows;
    expect(all).toEqual(fresh);
    expect(again).toEqual(fresh);
    // Served rows are fresh objects each time (callers may keep them).
    expect(again[0]).not.toBe(all[0]);
  });
});
