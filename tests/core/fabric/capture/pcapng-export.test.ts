import { describe, expect, it } from 'vitest';
import { exportPcapng } from '../../../../core/fabric/capture/pcapng-export.ts';
import { frameComment } from '../../../../core/fabric/capture/frame-comment.ts';
import { CaptureStore } from '../../../../core/fabric/capture/capture-store.ts';
import { collectingSink } from '../../../../core/pcap/byte-sink.ts';
import { readCapture } from '../../../../core/pcap/capture-reader.ts';
import { ruleRef } from '../../../../core/fabric/verdict.ts';
import { scenarioStore, SG_RULE } from './scenario.ts';
import { udpFrame } from './frames.ts';

function exported(store: CaptureStore, options: Parameters<typeof exportPcapng>[2] = {}) {
  const out = collectingSink();
  const result = exportPcapng(store, out.sink, options);
  const bytes = out.bytes();
  return { result, bytes, read: readCapture(bytes) };
}

describe('frameComment', () => {
  it('says trace, hop, verdict and reason, and the rule when there is one (quotes escaped)', () => {
    expect(frameComment(12, 3, 'forward', null, null)).toBe('trace=12 hop=3 verdict=forward reason=-');
    expect(frameComment(5, 0, 'drop', 'SG_INGRESS_DENY', SG_RULE)).toBe(
      'trace=5 hop=0 verdict=drop reason=SG_INGRESS_DENY rule="no inbound rule allows icmp from \\"web\\" 10.0.1.10"',
    );
    expect(frameComment(1, 1, 'drop', 'NO_ROUTE', ruleRef('route-table', 'rtb', 0, 'a\\b\nc'))).toBe(
      'trace=1 hop=1 verdict=drop reason=NO_ROUTE rule="a\\\\b c"',
    );
  });
});

describe('exportPcapng', () => {
  it('is deterministic: the same frames give the same bytes, from the same store or a rebuilt one', () => {
    const a = exported(scenarioStore().store).bytes;
    const b = exported(scenarioStore().store).bytes;
    const { store } = scenarioStore();
    const c = exported(store).bytes;
    const d = exported(store).bytes;
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);
  });

  it('writes one interface per capture point with frames, in point order, and every frame with its metadata', () => {
    const { store } = scenarioStore();
    const { result, read } = exported(store);
    expect(result).toMatchObject({ frames: 10, interfaces: 5, missing: 0 });
    expect(read.error).toBeNull();
    const recs = read.records.map((r) => r.toFrameRecord());
    expect(recs.length).toBe(10);
    // edge-1/p0 saw nothing: no interface for it
    expect([...new Set(recs.map((r) => `${r.interfaceId}:${r.interfaceName}`))].sort()).toEqual([
      '0:web-1/eni', '1:host-a1/uplink', '2:tor-a/p1', '3:spine-1/p3', '4:db-1/eni',
    ]);
    for (const r of recs) {
      const f = store.frame(r.number)!;
      expect([...r.bytes]).toEqual([...f.bytes]);
      expect(r.tsSec * 1e9 + r.tsNsec).toBe(f.timeNs);
      expect(r.flags).toBe(f.direction === 'in' ? 1 : 2);
      expect(r.comments).toEqual([frameComment(f.traceId, f.hop, f.verdict, f.reason, f.rule)]);
    }
  });

  it('exports a range, some points, or a list of frames, and counts evicted frames it was asked for', () => {
    const { store, points } = scenarioStore();
    const range = exported(store, { from: 3, to: 6 });
    expect(range.read.records.map((r) => r.toFrameRecord().comments![0].split(' ')[0])).toEqual(['trace=1', 'trace=1', 'trace=1', 'trace=2']);
    const onePoint = exported(store, { points: [points.dbEni] });
    expect(onePoint.result).toMatchObject({ frames: 2, interfaces: 1 });
    const list = exported(store, { frames: [8, 2, 99] });
    expect(list.result).toMatchObject({ frames: 2, interfaces: 2, missing: 1 });
    expect(list.read.records.map((r) => r.toFrameRecord().interfaceName)).toEqual(['db-1/eni', 'host-a1/uplink']);
  });

  it('exports what is left after eviction, and an empty capture as a bare section header', () => {
    const store = new CaptureStore({ chunkSize: 4096, maxBytes: 4 * 4096 + 4096 });
    const p = store.addPoint({ name: 'tor-1/p1', kind: 'tor' });
    const bytes = udpFrame('10.0.0.1', '10.0.0.2', 1000, 2000, 1000);
    for (let i = 1; i <= 40; i++) store.record(p, i * 1000, bytes, i, 0, 'forward', null, 'out', null);
    expect(store.droppedFrames).toBeGreaterThan(0);
    const { result, read } = exported(store);
    expect(result.frames).toBe(store.available);
    expect(result.missing).toBe(store.droppedFrames);
    expect(read.records[0].toFrameRecord().comments![0]).toBe(`trace=${store.firstAvailable} hop=0 verdict=forward reason=-`);
    const empty = exported(new CaptureStore());
    expect(empty.result).toMatchObject({ frames: 0, interfaces: 0 });
    expect(empty.read.sections.length).toBe(1);
    expect(empty.bytes.length).toBe(44); // the SHB with shb_userappl "Underlay"
  });

  it('keeps the original length of frames cut by the snap length', () => {
    const store = new CaptureStore({ snaplen: 64 });
    const p = store.addPoint({ name: 'tor-1/p1', kind: 'tor' });
    store.record(p, 0, udpFrame('10.0.0.1', '10.0.0.2', 1000, 2000, 500), 1, 0, 'forward', null, 'out', null);
    const r = exported(store).read.records[0].toFrameRecord();
    expect(r.bytes.length).toBe(64);
    expect(r.originalLength).toBe(542);
  });
});
