/**
 * A filter answered before it has tested every frame: CaptureQuery.advanceFilter tests frames in
 * slices, and the binary packet list (CaptureList.frames) answers a filtered page once it can be
 * filled, marked `partial`, each later ask moving the filter on by FILTER_STEP_FRAMES, over a real
 * capture larger than that (a UDP flow across two-racks, each datagram at every port it crosses).
 * The entries and the final total must be exactly those of the whole filter.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILTER_STEP_FRAMES } from '../../../core/service/capture-list.ts';
import { CaptureQuery } from '../../../core/service/capture-query.ts';
import { CaptureView } from '../../../core/service/capture-view.ts';
import { FramePageReader } from '../../../core/service/frame-page.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const FILTER = 'ip.src == 10.0.1.10 && !geneve';

/** About 4000 datagrams × ~20 capture points: more frames than one filter step. */
function bulkCapture() {
  const r = SimulationService.load(readFileSync(new URL('../../../resources/topologies/two-racks.yaml', import.meta.url), 'utf8'), { seed: 1 });
  if (!r.ok) throw new Error('two-racks did not load');
  const e = r.service.exec('client', 'bulk -u -n 4000 -s 16 -i 1 10.0.1.20 9000');
  if (!e.ok) throw new Error(e.error);
  r.service.run(r.service.now() + 4000 * 1000 + 20_000_000);
  return r.service;
}

const service = bulkCapture();
const store = service.captures;
/** The whole filter's matches, from a query of its own. */
const expected = (filter: string) => {
  const r = new CaptureQuery(store).filter(filter);
  if (!r.ok) throw new Error(r.error.message);
  return r.frames;
};

describe('CaptureQuery.advanceFilter', () => {
  it('tests frames slice by slice; the matches so far are the whole filter\'s up to the frame reached', () => {
    const all = expected(FILTER);
    const q = new CaptureQuery(store);
    let m = q.advanceFilter(FILTER, 1000);
    if ('error' in m) throw new Error(m.error.message);
    expect(m.scanned).toBe(1000);
    expect(m.complete).toBe(false);
    expect([...m.matches]).toEqual(all.filter((n) => n <= 1000));
    let steps = 1;
    while (!m.complete) {
      const before = m.scanned;
      const next = q.advanceFilter(FILTER, 7777);
      if ('error' in next) throw new Error(next.error.message);
      expect(next.scanned).toBe(Math.min(store.count, before + 7777));
      expect([...next.matches]).toEqual(all.filter((n) => n <= next.scanned));
      m = next;
      steps++;
    }
    expect(steps).toBe(1 + Math.ceil((store.count - 1000) / 7777));
    expect([...m.matches]).toEqual(all);
    // the whole filter afterwards tests nothing again and agrees
    const whole = q.filter(FILTER);
    expect(whole.ok && whole.frames).toEqual(all);
  });

  it('reports a compile error like matchesOf', () => {
    const m = new CaptureQuery(store).advanceFilter('ip.src ==', 10);
    expect('error' in m && m.error.message.length > 0).toBe(true);
  });
});

describe('CaptureList.frames with a filter', () => {
  it('answers the first page as soon as it can be filled, then moves on by a step per ask to the exact list', () => {
    expect(store.count).toBeGreaterThan(FILTER_STEP_FRAMES);
    const all = expected(FILTER);
    const view = new CaptureView(new CaptureQuery(store));
    const first = view.frames({ offset: 0, count: 1000, filter: FILTER });
    expect(first.partial).toBe(true);
    expect(first.entries).toBe(1000);
    expect(first.total).toBeLessThan(all.length);
    const reader = new FramePageReader(first);
    expect(Array.from({ length: reader.entries }, (_, k) => reader.numberAt(k))).toEqual(all.slice(0, 1000));

    // An offset past the matches so far (a view scrolled where a longer list was) covers nothing.
    const far = view.frames({ offset: all.length + 10, count: 1000, filter: FILTER });
    expect(far.covered).toBe(0);
    expect(far.entries).toBe(0);

    const totals = [first.total, far.total];
    let page = far;
    while (page.partial) {
      page = view.frames({ offset: page.total, count: 0, filter: FILTER });
      totals.push(page.total);
    }
    // each ask moved the filter on (the totals never shrink), and it ends with the whole filter's count
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
    expect(page.total).toBe(all.length);
    expect(totals.length).toBeGreaterThan(2);
    expect(totals.length).toBeLessThanOrEqual(2 + Math.ceil(store.count / FILTER_STEP_FRAMES));

    // every entry, paged through afterwards, is the whole filter's
    const got: number[] = [];
    for (let offset = 0; offset < page.total; ) {
      const p = view.frames({ offset, count: 1000, filter: FILTER });
      expect(p.partial).toBe(false);
      const r = new FramePageReader(p);
      for (let k = 0; k < r.entries; k++) got.push(r.numberAt(k));
      offset += p.covered;
    }
    expect(got).toEqual(all);
    // the row list (captureList) is never partial and agrees
    expect(view.page({ offset: 0, count: 10, filter: FILTER }).total).toBe(all.length);
  });

  it('a fresh list whose page cannot be filled stops after one step, and a capture point choice still applies', () => {
    const rare = 'ip.src == 10.0.1.10 && !geneve && frame.number > 70000';
    const all = expected(rare);
    const view = new CaptureView(new CaptureQuery(store));
    const first = view.frames({ offset: 0, count: 1000, filter: rare });
    expect(first.partial).toBe(true);
    expect(first.total).toBe(all.filter((n) => n <= FILTER_STEP_FRAMES).length);
    let page = first;
    while (page.partial) page = view.frames({ offset: page.total, count: 0, filter: rare });
    expect(page.total).toBe(all.length);

    const point = store.pointOf(all[0]);
    const onPoint = all.filter((n) => store.pointOf(n) === point);
    let p = view.frames({ offset: 0, count: 1000, filter: FILTER, points: [point] });
    while (p.partial) p = view.frames({ offset: p.total, count: 0, filter: FILTER, points: [point] });
    expect(p.total).toBe(expected(FILTER).filter((n) => store.pointOf(n) === point).length);
    expect(onPoint.length).toBeGreaterThan(0);
  });

  it('advancePartial moves the newest partial list on a step at a time, as an ask would, until it is whole', () => {
    const all = expected(FILTER);
    const view = new CaptureView(new CaptureQuery(store));
    expect(view.advancePartial()).toBe(false); // nothing asked yet
    const first = view.frames({ offset: 0, count: 1000, filter: FILTER });
    expect(first.partial).toBe(true);
    let steps = 0;
    while (view.advancePartial()) steps++;
    // the first ask tested a few slices, each step FILTER_STEP_FRAMES more: one ask alone would
    // leave the list partial (the test above needs more than two), the steps left it whole
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(Math.ceil(store.count / FILTER_STEP_FRAMES));
    expect(view.advancePartial()).toBe(false);
    // the next ask finds every frame tested: whole, exact
    const whole = view.frames({ offset: first.total, count: 0, filter: FILTER });
    expect(whole.partial).toBe(false);
    expect(whole.total).toBe(all.length);
    const r = new FramePageReader(view.frames({ offset: 0, count: 1000, filter: FILTER }));
    expect(Array.from({ length: r.entries }, (_, k) => r.numberAt(k))).toEqual(all.slice(0, 1000));

    // a page that is not partial (another list asked since) leaves nothing to move on
    const other = 'udp && !geneve';
    expect(view.frames({ offset: 0, count: 10, filter: other }).partial).toBe(true);
    view.frames({ offset: 0, count: 10 });
    expect(view.advancePartial()).toBe(false);
    // …and the other filter's scan was not moved on: its next ask is still partial
    expect(view.frames({ offset: 0, count: 10, filter: other }).partial).toBe(true);
  });

  it('a sorted list is never partial', () => {
    const view = new CaptureView(new CaptureQuery(store));
    const p = view.frames({ offset: 0, count: 100, filter: FILTER, sort: { column: 'length', descending: true } });
    expect(p.partial).toBe(false);
    expect(p.total).toBe(expected(FILTER).length);
  });
});
