/**
 * A filter pass gives a frame recorded with the same bytes as an earlier one (the far end of a
 * link) that frame's outcome without dissecting it, when the earlier dissection read nothing but
 * bytes (core/service/same-bytes-outcomes.ts). The packet oracle's frames (every protocol, TCP
 * analysis, DNS and ICMP matching, fragments, ARP duplicates, ICMP timestamps) are each recorded
 * twice in a capture store, the copy later, elsewhere, with another time; every oracle filter and
 * the frame-dependent ones below must select exactly what a plain pass selects, dissecting every
 * frame in order in a session of its own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/index.ts';
import { CaptureFrameRecord } from '../../../core/fabric/capture/capture-frame-record.ts';
import { CaptureStore } from '../../../core/fabric/capture/capture-store.ts';
import { CaptureQuery } from '../../../core/service/capture-query.ts';
import { FILTERS } from '../../oracle/packet-filters.ts';
import { INTERFACES, packetFrames } from '../../oracle/packet-frames.ts';

const engine = createDefaultEngine();

/** Filters whose answer differs between copies, or depends on state their dissection read. */
const FRAME_DEPENDENT = [
  'frame.number > 100',
  'frame.interface_id == 1',
  'frame.time_relative > 0.5',
  'frame.comment',
  'icmp.originate_timestamp',
  'icmp.resp_in || icmp.resp_to',
  'tcp.analysis.retransmission || tcp.analysis.duplicate_ack',
  'udp.stream == 1 || tcp.stream == 1',
  'dns.response_in',
  'ip.reassembled_in || ip.fragment',
  'arp.duplicate-address-detected',
  'ip.src == 10.0.1.10 && !geneve',
];

/**
 * The Ethernet frames of the oracle, each at point `a` and, `lag` frames later, its shared copy at
 * point `b` 40 µs on (a store holds Ethernet only; the raw-IP interface's frames are left out).
 */
function twiceRecorded(lag: number): CaptureStore {
  const store = new CaptureStore();
  const a = store.addPoint({ name: 'a', kind: 'host' });
  const b = store.addPoint({ name: 'b', kind: 'host' });
  const frames = packetFrames().filter((f) => INTERFACES[f.iface].linkType === 1);
  const pending: { n: number; t: number }[] = [];
  let t = 1_700_000_000e9;
  const copy = () => {
    const p = pending.shift()!;
    expect(store.recordSharedCoded(p.n, b, p.t + 40_000, p.n, 1, 1, 0, 1, 0)).toBeGreaterThan(0);
  };
  for (const f of frames) {
    t += 1_000_000;
    pending.push({ n: store.recordCoded(a, t, f.bytes, store.count + 1, 0, 1, 0, 2, 0), t });
    if (pending.length > lag) copy();
  }
  while (pending.length > 0) copy();
  return store;
}

/** The frames a filter selects when every frame is dissected, in order, in a session of its own. */
function plainPass(store: CaptureStore, filter: string): number[] {
  const compiled = compileFilter(filter, engine.fields);
  if (!compiled.ok) throw new Error(`${filter}: ${compiled.error.message}`);
  const runner = new FilterRunner(compiled.filter);
  const session = runner.newSession(engine);
  const rec = new CaptureFrameRecord(store);
  const out: number[] = [];
  for (let n = 1; n <= store.count; n++) if (rec.load(n) && runner.run(session, rec)) out.push(n);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('filter passes over frames recorded with the same bytes', () => {
  it('a shared copy names the first frame with its bytes; a copy of a copy too', () => {
    const store = new CaptureStore();
    const p = store.addPoint({ name: 'p', kind: 'host' });
    const bytes = new Uint8Array(60).fill(7);
    const first = store.recordCoded(p, 1, bytes, 1, 0, 1, 0, 1, 0);
    const copy = store.recordSharedCoded(first, p, 2, 1, 1, 1, 0, 1, 0);
    const other = store.recordCoded(p, 3, bytes, 2, 0, 1, 0, 1, 0);
    const copyOfCopy = store.recordSharedCoded(copy, p, 4, 1, 2, 1, 0, 1, 0);
    expect([first, copy, other, copyOfCopy].map((n) => store.bytesSourceOf(n))).toEqual([first, first, other, first]);
    expect(store.bytesSourceOf(99)).toBe(0);
  });

  for (const lag of [0, 3]) {
    it(`selects what a plain pass selects, for every oracle filter and the frame-dependent ones (copies ${lag} frames behind)`, () => {
      const store = twiceRecorded(lag);
      const mismatches: string[] = [];
      let selecting = 0;
      for (const filter of [...FILTERS, ...FRAME_DEPENDENT]) {
        const compiled = compileFilter(filter, engine.fields);
        if (!compiled.ok) continue; // the oracle's filters tshark rejects
        const r = new CaptureQuery(store, engine).filter(filter);
        if (!r.ok) throw new Error(r.error.message);
        const expected = plainPass(store, filter);
        if (r.frames.join(',') !== expected.join(',')) mismatches.push(`${filter}: ours [${r.frames.join(' ')}] plain [${expected.join(' ')}]`);
        if (expected.length > 0 && expected.length < store.count) selecting++;
      }
      expect(mismatches).toEqual([]);
      expect(selecting).toBeGreaterThanOrEqual(80);
    });
  }

  it('dissects a copy only when its first frame read more than its bytes, or the filter asks about the frame', () => {
    const store = twiceRecorded(0);
    const loads = vi.spyOn(CaptureFrameRecord.prototype, 'load');
    const count = (filter: string) => {
      loads.mockClear();
      const r = new CaptureQuery(store, engine).filter(filter);
      expect(r.ok).toBe(true);
      return loads.mock.calls.length;
    };
    const frames = store.count;
    // eth.type: nothing but bytes for every frame; ARP and ICMP echoes read their matching state
    // whatever the filter (arp.duplicate-address-detected, icmp.resp_in are always kept)
    const pure = count('eth.type == 0x0800');
    expect(pure).toBeLessThan(frames * 0.75);
    expect(pure).toBeGreaterThanOrEqual(frames / 2);
    expect(count('frame.interface_id == 1 && eth.type == 0x0800')).toBe(frames);
  });
});
