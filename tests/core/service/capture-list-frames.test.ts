/**
 * The binary page of the packet list (captureFrames) and the rows the renderer builds from it
 * (FrameRowBuilder): over real fabric captures — ICMP and ARP, UDP, TCP with HTTP, and IPv4
 * fragments (mtu-path: a 3000-byte ping over a 1500-byte path) — every row drawn from a binary
 * page equals the worker's row for the same entry: built from the frame's bytes when its columns
 * need no other frame, the worker's own row (captureRows) otherwise.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureView } from '../../../core/service/capture-view.ts';
import type { ListQuery, ListRow } from '../../../core/service/capture-list.ts';
import { FramePageReader, RECORD_BYTES, type FramePage } from '../../../core/service/frame-page.ts';
import { FrameRowBuilder } from '../../../core/service/frame-rows.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const S = 1_000_000_000;
const text = (f: string) => readFileSync(new URL(`../../../resources/topologies/${f}`, import.meta.url), 'utf8');

function world(topology: string, commands: readonly [string, string][], untilNs: number) {
  const r = SimulationService.load(text(topology), { seed: 1 });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  for (const [instance, command] of commands) {
    const e = r.service.exec(instance, command);
    if (!e.ok) throw new Error(e.error);
  }
  r.service.run(untilNs);
  return { service: r.service, view: new CaptureView(r.service.query) };
}

/** What the renderer draws for every entry of a list: its own row, or the worker's (with the page's delta). */
function drawn(view: CaptureView, q: Omit<ListQuery, 'offset' | 'count'>, builder = new FrameRowBuilder()) {
  const rows: ListRow[] = [];
  const deferred: number[] = [];
  let offset = 0;
  let page: FramePage;
  do {
    page = view.frames({ ...q, offset, count: 500 });
    const reader = new FramePageReader(page);
    const need: { at: number; frame: number; delta: number }[] = [];
    for (let k = 0; k < reader.entries; k++) {
      const e = reader.entry(k);
      const row = builder.build(e, page.originNs);
      if (row) rows.push(row);
      else {
        need.push({ at: rows.length, frame: e.number, delta: e.deltaDisplayedNs });
        rows.push(null as unknown as ListRow); // filled in from the worker's rows below
        deferred.push(e.number);
      }
    }
    const worker = view.rows(need.map((n) => n.frame));
    need.forEach((n, i) => (rows[n.at] = { ...worker[i], deltaDisplayedNs: n.delta }));
    offset += page.covered;
  } while (page.covered > 0 && offset < page.total);
  return { rows, deferred, builder };
}

function expectSameAsWorker(view: CaptureView, q: Omit<ListQuery, 'offset' | 'count'> = {}) {
  const worker = view.page({ ...q, offset: 0, count: 10_000 });
  const mine = drawn(view, q);
  expect(mine.rows.length).toBe(worker.rows.length);
  expect(mine.rows).toEqual(worker.rows);
  return { ...mine, worker: worker.rows };
}

describe('captureFrames: the binary page', () => {
  it('holds each entry with its time, delta, point, trace, verdict and bytes, in list order, in one whole buffer', () => {
    const { service, view } = world('two-racks.yaml', [['client', 'ping -c 2 server']], 3 * S);
    const page = view.frames({ offset: 0, count: 10_000 });
    expect(page.total).toBe(service.captures.count);
    expect(page.entries).toBe(page.total);
    expect(page.covered).toBe(page.total);
    expect(page.data.byteOffset).toBe(0);
    expect(page.data.byteLength).toBe(page.data.buffer.byteLength); // transferable as it is
    const reader = new FramePageReader(page);
    let bytes = 0;
    for (let k = 0; k < reader.entries; k++) {
      const e = reader.entry(k);
      const f = service.captures.frame(e.number)!;
      expect(e.index).toBe(k);
      expect(e.number).toBe(k + 1);
      expect(e.timeNs).toBe(f.timeNs);
      expect(e.deltaDisplayedNs).toBe(k === 0 ? 0 : f.timeNs - service.captures.timeOf(k));
      expect([e.pointId, e.point, e.traceId, e.hop, e.verdict, e.reason, e.direction, e.rule, e.originalLength]).toEqual([
        f.pointId, service.captures.point(f.pointId).name, f.traceId, f.hop, f.verdict, f.reason, f.direction, f.rule?.text ?? null, f.originalLength,
      ]);
      expect(e.bytes).toEqual(f.bytes);
      bytes += f.bytes.length;
    }
    expect(page.data.byteLength).toBe(reader.entries * RECORD_BYTES + bytes);
    expect(page.originNs).toBe(service.captures.timeOf(1));
  });

  it('stops at its byte bound and says how far it got; the next page goes on from there', () => {
    const { view } = world('two-racks.yaml', [['client', 'ping -c 3 server']], 3 * S);
    const all = view.frames({ offset: 0, count: 10_000, filter: 'icmp' });
    const numbers: number[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const p = view.list.frames({ offset, count: 10_000, filter: 'icmp' }, 300);
      if (p.covered === 0) break;
      pages++;
      expect(p.entries).toBeGreaterThan(0);
      const r = new FramePageReader(p);
      for (let k = 0; k < r.entries; k++) {
        expect(r.indexAt(k)).toBe(offset + k);
        numbers.push(r.numberAt(k));
      }
      offset += p.covered;
    }
    expect(pages).toBeGreaterThan(1);
    const whole = new FramePageReader(all);
    expect(numbers).toEqual(Array.from({ length: whole.entries }, (_, k) => whole.numberAt(k)));
  });

  it('passes on the filter error and the sort error', () => {
    const { view } = world('two-racks.yaml', [['client', 'ping -c 1 server']], 2 * S);
    const bad = view.frames({ offset: 0, count: 10, filter: 'ip.src ==' });
    expect(bad.error?.message).toBeTruthy();
    expect(bad.entries).toBe(0);
  });
});

describe('rows built from the binary page equal the worker\'s', () => {
  it('ICMP echo and ARP, decapsulated and on the underlay: echo rows (request/reply matching) come from the worker', () => {
    const { view } = world('two-racks.yaml', [['client', 'ping -c 3 server']], 3 * S);
    const r = expectSameAsWorker(view);
    const echo = view.page({ offset: 0, count: 10_000, filter: 'icmp.type == 8 || icmp.type == 0' }).rows.map((x) => x.number);
    expect(echo.length).toBeGreaterThan(0);
    for (const n of echo) expect(r.deferred).toContain(n);
  });

  it('a UDP flow: every row is built from its bytes, none asked of the worker', () => {
    const { view } = world('two-racks.yaml', [['client', 'bulk -u -n 200 -s 100 -i 1000 10.0.1.20 9000']], 1 * S);
    const r = expectSameAsWorker(view);
    const udp = view.page({ offset: 0, count: 10_000, filter: 'udp.dstport == 9000' }).rows.map((x) => x.number);
    expect(udp.length).toBeGreaterThan(1000);
    for (const n of udp) expect(r.deferred).not.toContain(n);
    expect(r.builder.built).toBeGreaterThan(1000);
  });

  it('TCP and HTTP (sequence analysis, request/response): filtered, sorted and by capture point too', () => {
    const { view } = world('two-racks.yaml', [['client', 'curl -s http://10.0.1.20/bytes/20000']], 3 * S);
    const r = expectSameAsWorker(view);
    const tcp = view.page({ offset: 0, count: 10_000, filter: 'tcp' }).rows.map((x) => x.number);
    expect(tcp.length).toBeGreaterThan(10);
    for (const n of tcp) expect(r.deferred).toContain(n);
    const eni = view.info().points.filter((p) => p.kind === 'eni' && p.frames > 0).map((p) => p.id);
    expectSameAsWorker(view, { filter: 'ip', points: eni });
    expectSameAsWorker(view, { sort: { column: 'length', descending: true } });
  });

  it('IPv4 fragments (a fragment\'s Info, the reassembled datagram): their rows come from the worker', () => {
    const { view } = world('mtu-path.yaml', [['big', 'ping -c 2 -s 3000 remote']], 3 * S);
    const r = expectSameAsWorker(view);
    const fragments = view.page({ offset: 0, count: 10_000, filter: 'ip.flags.mf == 1 || ip.frag_offset > 0' }).rows;
    expect(fragments.length).toBeGreaterThan(2);
    expect(fragments.some((f) => /Fragmented IP protocol|Reassembled in/.test(f.info))).toBe(true);
    for (const f of fragments) expect(r.deferred).toContain(f.number);
  });
});

describe('one builder over rows in any order', () => {
  it('builds the same rows backwards and interleaved as in frame order (what one frame leaves cannot reach another)', () => {
    const { view } = world(
      'two-racks.yaml',
      [
        ['client', 'curl -s http://10.0.1.20/bytes/5000'],
        ['client', 'bulk -u -n 100 -s 64 -i 2000 10.0.1.20 9000'],
      ],
      2 * S,
    );
    const worker = view.page({ offset: 0, count: 10_000 }).rows;
    const page = view.frames({ offset: 0, count: 10_000 });
    const reader = new FramePageReader(page);
    const builder = new FrameRowBuilder();
    const order = Array.from({ length: reader.entries }, (_, k) => k);
    const shuffled = [...order.reverse().filter((k) => k % 2 === 0), ...order.filter((k) => k % 2 === 1)];
    let built = 0;
    for (const k of shuffled) {
      const row = builder.build(reader.entry(k), page.originNs);
      if (row === null) continue;
      built++;
      expect(row).toEqual(worker[k]);
    }
    expect(built).toBeGreaterThan(100);
    expect(builder.deferred).toBeGreaterThan(10);
  });
});
