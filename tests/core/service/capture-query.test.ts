import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../../core/fabric/capture/capture-store.ts';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { CaptureQuery, type DetailNode } from '../../../core/service/capture-query.ts';
import { udpFrame } from '../fabric/capture/frames.ts';
import { scenarioStore, SG_RULE } from '../fabric/capture/scenario.ts';

const engine = createDefaultEngine();

function find(nodes: readonly DetailNode[], pred: (n: DetailNode) => boolean): DetailNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const inner = find(n.children, pred);
    if (inner) return inner;
  }
  return undefined;
}

/** A store whose budget holds about a dozen 1 KB frames, so eviction comes quickly. */
function smallStore() {
  const store = new CaptureStore({ chunkSize: 4096, maxBytes: 4 * 4096 });
  const tor = store.addPoint({ name: 'tor-1/p1', kind: 'tor' });
  const spine = store.addPoint({ name: 'spine-1/p1', kind: 'spine' });
  let n = 0;
  const add = (count: number) => {
    for (let i = 0; i < count; i++) {
      n++;
      const drop = n % 5 === 0;
      store.record(n % 2 ? tor : spine, n * 1000, udpFrame('10.0.0.1', '10.0.0.2', 1000 + n, 48001, 950), n, 1, drop ? 'drop' : 'forward', drop ? 'LINK_QUEUE_FULL' : null, 'out', null);
    }
  };
  return { store, add };
}

describe('CaptureQuery.page', () => {
  it('gives Wireshark columns plus point, trace, hop, verdict, reason and rule', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    const page = q.page(0, 3);
    expect(page).toMatchObject({ offset: 0, total: 10, firstAvailable: 0, evicted: 0, untested: 0, error: null });
    expect(page.rows[0]).toEqual({
      number: 1, time: '0.000000000', source: '10.0.1.10', destination: '10.0.2.20', protocol: 'UDP', length: 82,
      info: '40000 → 48001 Len=40', pointId: 0, point: 'web-1/eni', direction: 'in', traceId: 1, hop: 0,
      verdict: 'forward', reason: null, rule: null,
    });
    expect(page.rows.map((r) => [r.number, r.time, r.point])).toEqual([
      [1, '0.000000000', 'web-1/eni'],
      [2, '0.000003877', 'host-a1/uplink'],
      [3, '0.000005333', 'tor-a/p1'],
    ]);
    const drop = q.page(7, 1).rows[0];
    expect(drop).toMatchObject({ number: 8, protocol: 'ICMP', verdict: 'drop', reason: 'SG_INGRESS_DENY', rule: SG_RULE.text, point: 'db-1/eni' });
  });

  it('pages through the list and stops at its end', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    expect(q.page(8, 5).rows.map((r) => r.number)).toEqual([9, 10]);
    expect(q.page(20, 5).rows).toEqual([]);
    expect(q.page(-3, 2).rows.map((r) => r.number)).toEqual([1, 2]);
    // asking for an earlier page after a later one gives the same rows as asking first
    const late = new CaptureQuery(store, engine).page(0, 10).rows;
    expect(q.page(0, 10).rows).toEqual(late);
  });

  it('pages through a filter\'s matches', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    const page = q.page(0, 10, 'frame.comment contains "drop"');
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => [r.number, r.reason])).toEqual([[8, 'SG_INGRESS_DENY'], [9, 'UNDERLAY_NO_ROUTE'], [10, 'LINK_QUEUE_FULL']]);
    expect(q.page(1, 1, 'frame.comment contains "drop"').rows.map((r) => r.number)).toEqual([9]);
    // blank filters are no filter
    expect(q.page(0, 100, '  ').total).toBe(10);
  });

  it('finds new frames for a filter as they are recorded', () => {
    const { store, add } = smallStore();
    const q = new CaptureQuery(store, engine);
    add(6);
    expect(q.filter('frame.comment contains "verdict=drop"')).toEqual({ ok: true, frames: [5] });
    add(5);
    expect(q.filter('frame.comment contains "verdict=drop"')).toEqual({ ok: true, frames: [5, 10] });
    expect(q.page(0, 10, 'frame.comment contains "verdict=drop"').total).toBe(2);
  });
});

describe('CaptureQuery filters', () => {
  it('matches frame.comment like Wireshark: reasons, verdicts, traces', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    expect(q.filter('frame.comment contains "SG_INGRESS_DENY"')).toEqual({ ok: true, frames: [8] });
    expect(q.filter('frame.comment contains "trace=2 "')).toEqual({ ok: true, frames: [6, 7, 8] });
    expect(q.filter('frame.comment contains "verdict=deliver"')).toEqual({ ok: true, frames: [5] });
    expect(q.filter('geneve && frame.interface_name == "tor-a/p1"')).toEqual({ ok: true, frames: [3, 4, 10] });
    expect(q.filter('')).toEqual({ ok: true, frames: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
  });

  it('returns a compile error with its position instead of throwing', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    const unknown = q.filter('ip.src == 10.0.0.1 && bogus.field == 3');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error.message).toContain('bogus.field');
      expect([unknown.error.start, unknown.error.end]).toEqual([22, 33]);
    }
    const page = q.page(0, 10, 'frame.comment contains');
    expect(page.rows).toEqual([]);
    expect(page.total).toBe(0);
    expect(page.error).toMatchObject({ message: 'Unexpected end of filter expression.' });
    // errors without a place of their own point just past the end, as our filter bar expects
    expect(page.error!.start).toBeGreaterThanOrEqual('frame.comment contains'.length);
  });
});

describe('CaptureQuery after eviction', () => {
  it('keeps absolute frame numbers and says which asked-for entries were evicted', () => {
    const { store, add } = smallStore();
    const q = new CaptureQuery(store, engine);
    add(40);
    const first = store.firstAvailable;
    expect(first).toBeGreaterThan(20);
    const gone = q.page(0, 10);
    expect(gone).toMatchObject({ total: 40, firstAvailable: first - 1, evicted: 10, rows: [] });
    const straddle = q.page(first - 3, 5);
    expect(straddle.evicted).toBe(2);
    expect(straddle.rows.map((r) => r.number)).toEqual([first, first + 1, first + 2]);
    expect(straddle.rows[0].traceId).toBe(first);
    expect(q.row(first - 1)).toBeNull();
    expect(q.detail(first - 1)).toBeNull();
    expect(q.hex(first - 1)).toBeNull();
  });

  it('keeps a filter\'s list indexes stable while its oldest matches are evicted', () => {
    const { store, add } = smallStore();
    const q = new CaptureQuery(store, engine);
    const drops = 'frame.comment contains "verdict=drop"';
    for (let i = 0; i < 8; i++) {
      add(5); // the view polls as frames come: every match is seen before it is evicted
      q.page(0, 1, drops);
    }
    const page = q.page(0, 10, drops);
    expect(page.total).toBe(8);
    expect(page.untested).toBe(0);
    const held = [5, 10, 15, 20, 25, 30, 35, 40].filter((n) => n >= store.firstAvailable);
    expect(held.length).toBeLessThan(8);
    expect(page.evicted).toBe(8 - held.length);
    expect(page.firstAvailable).toBe(8 - held.length);
    expect(page.rows.map((r) => r.number)).toEqual(held);
    expect(q.page(7, 1, drops).rows.map((r) => r.number)).toEqual([40]);
    expect(q.filter(drops)).toEqual({ ok: true, frames: held });
  });

  it('counts frames evicted before a filter could test them', () => {
    const { store, add } = smallStore();
    const q = new CaptureQuery(store, engine);
    const drops = 'frame.comment contains "verdict=drop"';
    add(10);
    expect(q.page(0, 10, drops).rows.map((r) => r.number)).toEqual([5, 10]);
    add(30); // frames 11 … firstAvailable − 1 go before the filter sees them
    const page = q.page(0, 10, drops);
    expect(page.untested).toBe(store.firstAvailable - 11);
    expect(page.evicted).toBe(2);
    expect(page.rows.map((r) => r.number)).toEqual([5, 10, 15, 20, 25, 30, 35, 40].filter((n) => n >= store.firstAvailable));
    // a filter asked for only now starts at the oldest frame held: nothing untested
    expect(q.page(0, 10, 'udp').untested).toBe(0);
    expect(q.page(0, 10, 'udp').total).toBe(store.available);
  });

  it('starts over when the store is cleared', () => {
    const { store, add } = smallStore();
    const q = new CaptureQuery(store, engine);
    add(3);
    expect(q.page(0, 10, 'udp').total).toBe(3);
    store.clear();
    expect(q.page(0, 10).total).toBe(0);
    add(2);
    expect(q.page(0, 10, 'udp').rows.map((r) => [r.number, r.time])).toEqual([[1, '0.000000000'], [2, '0.000001000']]);
  });
});

describe('CaptureQuery detail, hex and traces', () => {
  it('gives the protocol tree with the comment, the frame line and the layers', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    const d = q.detail(8)!;
    expect(d.number).toBe(8);
    const labels = d.tree.map((n) => n.label);
    expect(labels[0]).toBe('Packet comments');
    expect(d.tree[0].children[0].label).toContain('reason=SG_INGRESS_DENY');
    expect(labels[1]).toMatch(/^Frame 8: 90 bytes on wire .* on interface db-1\/eni, id 5 \(inbound\)$/);
    expect(labels.slice(2)).toEqual([
      expect.stringMatching(/^Ethernet II/),
      'Internet Protocol Version 4, Src: 10.0.1.10, Dst: 10.0.2.20',
      'Internet Control Message Protocol',
    ]);
    expect(find(d.tree, (n) => n.field === 'icmp.seq')?.offset).toBe(40);
    expect([...d.sources[0].bytes]).toEqual([...store.frame(8)!.bytes]);
    const geneve = q.detail(2)!;
    expect(find(geneve.tree, (n) => n.field === 'geneve.vni')).toBeDefined();
  });

  it('gives a copy of the bytes for the hex pane', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    const hex = q.hex(2)!;
    expect([...hex]).toEqual([...store.frame(2)!.bytes]);
    hex.fill(0);
    expect(store.frame(2)!.bytes[0]).not.toBe(0);
  });

  it('follows one trace across capture points', () => {
    const { store } = scenarioStore();
    const q = new CaptureQuery(store, engine);
    expect(q.framesOfTrace(1).map((r) => `${r.number} ${r.point} ${r.direction} hop=${r.hop} ${r.verdict}`)).toEqual([
      '1 web-1/eni in hop=0 forward',
      '2 host-a1/uplink out hop=1 forward',
      '3 tor-a/p1 in hop=1 forward',
      '4 tor-a/p1 out hop=1 forward',
      '5 db-1/eni out hop=3 deliver',
    ]);
    expect(q.framesOfTrace(2).map((r) => r.verdict)).toEqual(['forward', 'forward', 'drop']);
    expect(q.framesOfTrace(0)).toEqual([]);
    expect(q.framesOfTrace(999)).toEqual([]);
  });
});
