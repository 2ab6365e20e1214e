import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../../../core/fabric/capture/capture-store.ts';
import { FRAME_META_BYTES } from '../../../../core/fabric/capture/frame-index.ts';
import { ruleRef } from '../../../../core/fabric/verdict.ts';

/** A frame of `len` bytes whose content identifies it (`tag`) and its position in it. */
function bytesOf(tag: number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (tag * 13 + i) & 0xff);
}

function storeWith(options: ConstructorParameters<typeof CaptureStore>[0] = {}) {
  const store = new CaptureStore(options);
  const a = store.addPoint({ name: 'web-1/eni', description: 'ENI of web-1', kind: 'eni' });
  const b = store.addPoint({ name: 'host-1/uplink', kind: 'host' });
  return { store, a, b };
}

const record = (store: CaptureStore, point: number, tag: number, len: number, time = tag * 100) =>
  store.record(point, time, bytesOf(tag, len), tag, 1, 'forward', null, 'out', null);

describe('CaptureStore points', () => {
  it('numbers points in order and keeps their name, description and kind', () => {
    const { store, a, b } = storeWith();
    expect([a, b]).toEqual([0, 1]);
    expect(store.point(0)).toEqual({ id: 0, name: 'web-1/eni', description: 'ENI of web-1', kind: 'eni' });
    expect(store.points.map((p) => p.name)).toEqual(['web-1/eni', 'host-1/uplink']);
    expect(() => store.point(2)).toThrow(RangeError);
    expect(() => record(store, 5, 1, 10)).toThrow(/no capture point 5/);
  });
});

describe('CaptureStore recording', () => {
  it('keeps every attribute of a frame and numbers frames from 1', () => {
    const { store, a, b } = storeWith();
    const rule = ruleRef('security-group', 'sg-web', 0, 'no rule allows tcp 22');
    expect(store.record(a, 1500, bytesOf(1, 98), 7, 0, 'forward', null, 'in', null)).toBe(1);
    expect(store.record(b, 2750, bytesOf(2, 150), 7, 2, 'drop', 'SG_INGRESS_DENY', 'out', rule)).toBe(2);
    expect(store.record(a, 3000, bytesOf(3, 60), 8, 3, 'deliver', null, 'out', null)).toBe(3);
    expect(store.count).toBe(3);
    expect(store.firstAvailable).toBe(1);
    expect(store.available).toBe(3);
    const f = store.frame(2)!;
    expect({ ...f, bytes: [...f.bytes] }).toEqual({
      number: 2, pointId: b, timeNs: 2750, bytes: [...bytesOf(2, 150)], originalLength: 150, traceId: 7, hop: 2,
      verdict: 'drop', reason: 'SG_INGRESS_DENY', direction: 'out', rule,
    });
    expect(store.frame(1)!.direction).toBe('in');
    expect(store.frame(3)!.verdict).toBe('deliver');
    expect(store.frame(0)).toBeNull();
    expect(store.frame(4)).toBeNull();
    expect(store.frame(1.5)).toBeNull();
  });

  it('copies the lent bytes and hands out views into the arena, not copies', () => {
    const { store, a } = storeWith({ chunkSize: 8192 });
    const lent = bytesOf(5, 100);
    store.record(a, 0, lent, 1, 0, 'forward', null, 'in', null);
    lent.fill(0); // the sender reuses its buffer
    const view = store.frame(1)!.bytes;
    expect([...view]).toEqual([...bytesOf(5, 100)]);
    expect(view.buffer.byteLength).toBe(8192);
    expect(store.bytesOf(1)!.buffer).toBe(view.buffer);
  });

  it('interns reasons and rules: equal rules from fresh objects come back as the first one', () => {
    const { store, a } = storeWith();
    const r1 = ruleRef('network-acl', 'acl-1', 90, 'rule 90 deny tcp 0.0.0.0/0 ports 22');
    const r2 = ruleRef('network-acl', 'acl-1', 90, 'rule 90 deny tcp 0.0.0.0/0 ports 22');
    store.record(a, 0, bytesOf(1, 60), 1, 0, 'drop', 'NACL_INGRESS_DENY', 'in', r1);
    store.record(a, 0, bytesOf(2, 60), 2, 0, 'drop', 'NACL_INGRESS_DENY', 'in', r2);
    store.record(a, 0, bytesOf(3, 60), 3, 0, 'drop', 'NO_ROUTE', 'in', ruleRef('route-table', 'rtb-1', -1, 'no route to 10.9.0.0'));
    expect(store.frame(2)!.rule).toBe(r1);
    expect(store.frame(3)!.rule!.name).toBe('rtb-1');
    expect(store.frame(3)!.reason).toBe('NO_ROUTE');
  });
});

describe('CaptureStore arena', () => {
  it('fills a chunk, then opens the next: a frame is never split across chunks', () => {
    const { store, a } = storeWith({ chunkSize: 4096, maxBytes: 1 << 20 });
    for (let i = 1; i <= 9; i++) record(store, a, i, 1000);
    const frames = [1, 2, 3, 4, 5, 9].map((n) => store.frame(n)!);
    // 4 × 1000 bytes fit in 4096; the fifth starts a new chunk at offset 0
    expect(frames.map((f) => f.bytes.byteOffset)).toEqual([0, 1000, 2000, 3000, 0, 0]);
    expect(frames[0].bytes.buffer).toBe(frames[3].bytes.buffer);
    expect(frames[4].bytes.buffer).not.toBe(frames[3].bytes.buffer);
    for (let n = 1; n <= 9; n++) expect([...store.frame(n)!.bytes]).toEqual([...bytesOf(n, 1000)]);
    expect(store.memoryBytes).toBeGreaterThanOrEqual(3 * 4096);
  });

  it('keeps a frame larger than a chunk whole, in a chunk of its own', () => {
    const { store, a } = storeWith({ chunkSize: 4096, maxBytes: 1 << 20 });
    record(store, a, 1, 100);
    record(store, a, 2, 10_000);
    record(store, a, 3, 100);
    const [f1, f2, f3] = [1, 2, 3].map((n) => store.frame(n)!);
    expect(f2.bytes.length).toBe(10_000);
    expect(f2.bytes.buffer.byteLength).toBe(10_000);
    expect([...f2.bytes]).toEqual([...bytesOf(2, 10_000)]);
    // the small frame after it goes to a fresh standard chunk, the one before is untouched
    expect(f3.bytes.buffer.byteLength).toBe(4096);
    expect(f3.bytes.buffer).not.toBe(f1.bytes.buffer);
    expect([...f1.bytes]).toEqual([...bytesOf(1, 100)]);
    expect([...f3.bytes]).toEqual([...bytesOf(3, 100)]);
  });

  it('records empty frames', () => {
    const { store, a } = storeWith();
    store.record(a, 5, new Uint8Array(0), 0, 0, 'forward', null, 'in', null);
    expect(store.frame(1)!.bytes.length).toBe(0);
  });

  it('cuts frames to the snap length and keeps their original length', () => {
    const { store, a } = storeWith({ snaplen: 64 });
    record(store, a, 1, 200);
    record(store, a, 2, 40);
    const f1 = store.frame(1)!;
    expect(f1.bytes.length).toBe(64);
    expect(f1.originalLength).toBe(200);
    expect([...f1.bytes]).toEqual([...bytesOf(1, 200).subarray(0, 64)]);
    expect(store.frame(2)!.bytes.length).toBe(40);
    expect(store.frame(2)!.originalLength).toBe(40);
  });

  it('rejects bad options', () => {
    expect(() => new CaptureStore({ maxBytes: 100 })).toThrow(RangeError);
    expect(() => new CaptureStore({ maxBytes: 1 << 16, chunkSize: 1 << 17 })).toThrow(RangeError);
    expect(() => new CaptureStore({ snaplen: -1 })).toThrow(RangeError);
    expect(new CaptureStore({ maxBytes: 1 << 20 }).chunkSize).toBe(1 << 17); // an eighth of the budget
    expect(new CaptureStore().chunkSize).toBe(4 << 20);
  });
});

describe('CaptureStore eviction', () => {
  // Four 1024-byte frames per 4096-byte chunk; the budget holds four chunks and their frames' metadata.
  const chunkSize = 4096;
  const maxBytes = 4 * chunkSize + 16 * FRAME_META_BYTES;

  it('evicts the oldest chunk with its frames when a new chunk would pass maxBytes', () => {
    const { store, a } = storeWith({ chunkSize, maxBytes });
    for (let i = 1; i <= 16; i++) record(store, a, i, 1024);
    expect(store.droppedFrames).toBe(0);
    record(store, a, 17, 1024);
    expect(store.count).toBe(17);
    expect(store.firstAvailable).toBe(5);
    expect(store.droppedFrames).toBe(4);
    expect(store.available).toBe(13);
    expect(store.frame(4)).toBeNull();
    expect(store.has(4)).toBe(false);
    // numbers are absolute: frame 5 is still frame 5, with its own bytes
    expect(store.frame(5)!.number).toBe(5);
    expect([...store.frame(5)!.bytes]).toEqual([...bytesOf(5, 1024)]);
    expect([...store.frame(17)!.bytes]).toEqual([...bytesOf(17, 1024)]);
    expect(store.usedBytes).toBeLessThanOrEqual(maxBytes);
  });

  it('stays within maxBytes over a long run, and every held frame keeps its own bytes', () => {
    const { store, a, b } = storeWith({ chunkSize, maxBytes });
    for (let i = 1; i <= 1000; i++) {
      record(store, i % 2 ? a : b, i, 100 + ((i * 37) % 900));
      expect(store.usedBytes).toBeLessThanOrEqual(maxBytes);
      // the frames held per point, counted when first asked (here with several chunks held) and
      // kept from then on as frames come and go, are those a scan counts
      if (i > 300) {
        const scanned = [0, 0];
        for (let n = store.firstAvailable; n <= store.count; n++) scanned[store.pointOf(n)]++;
        expect(store.heldByPoint()).toEqual(scanned);
      }
    }
    expect(store.count).toBe(1000);
    expect(store.droppedFrames).toBe(store.firstAvailable - 1);
    expect(store.droppedFrames).toBeGreaterThan(900);
    for (let n = store.firstAvailable; n <= 1000; n++) {
      const f = store.frame(n)!;
      expect(f.traceId).toBe(n);
      expect(f.pointId).toBe(n % 2 ? a : b);
      expect([...f.bytes]).toEqual([...bytesOf(n, 100 + ((n * 37) % 900))]);
    }
    // chunks are reused, not piled up
    expect(store.memoryBytes).toBeLessThan(maxBytes + 1024 * FRAME_META_BYTES);
  });

  it('bounds the metadata of many tiny frames too', () => {
    const { store, a } = storeWith({ chunkSize: 4096, maxBytes: 4096 * 4 });
    for (let i = 1; i <= 5000; i++) {
      record(store, a, i, 1);
      expect(store.usedBytes).toBeLessThanOrEqual(4096 * 4);
    }
    expect(store.droppedFrames).toBeGreaterThan(0);
    expect(store.traceOf(5000)).toBe(5000);
    expect(store.traceOf(1)).toBe(-1);
  });

  it('keeps a single frame larger than the whole budget, alone', () => {
    const { store, a } = storeWith({ chunkSize: 4096, maxBytes: 8192 });
    record(store, a, 1, 100);
    record(store, a, 2, 20_000);
    expect(store.firstAvailable).toBe(2);
    expect(store.frame(2)!.bytes.length).toBe(20_000);
    record(store, a, 3, 100);
    expect(store.firstAvailable).toBe(3);
    expect([...store.frame(3)!.bytes]).toEqual([...bytesOf(3, 100)]);
  });

  it('grows the metadata ring across wrap-around without losing frames', () => {
    const { store, a } = storeWith({ chunkSize: 1 << 16, maxBytes: 1 << 20 });
    for (let i = 1; i <= 3000; i++) record(store, a, i, 20);
    for (const n of [1, 255, 256, 257, 1024, 2999, 3000]) expect(store.frame(n)!.timeNs).toBe(n * 100);
  });

  it('grows the metadata ring while frames are being evicted (the held run wraps the ring)', () => {
    const { store, a } = storeWith({ chunkSize: 4096, maxBytes: 4096 * 8 });
    let tag = 0;
    // Big frames first: few held, the ring wraps many times; then ever smaller ones, so the
    // number held rises and the ring doubles with its oldest frame anywhere in it.
    for (const len of [2000, 1000, 400, 100, 30, 8]) {
      for (let i = 0; i < 600; i++) record(store, a, ++tag, len);
      for (let n = store.firstAvailable; n <= store.count; n++) {
        const f = store.frame(n)!;
        expect(f.traceId).toBe(n);
        expect(f.timeNs).toBe(n * 100);
      }
      const last = store.frame(store.count)!;
      expect([...last.bytes]).toEqual([...bytesOf(tag, len)]);
    }
    expect(store.droppedFrames).toBeGreaterThan(1000);
  });

  it('clear() forgets every frame, restarts numbering and bumps the generation', () => {
    const { store, a } = storeWith();
    record(store, a, 1, 60);
    const gen = store.generation;
    expect(store.heldByPoint()).toEqual([1, 0]);
    store.clear();
    expect(store.count).toBe(0);
    expect(store.available).toBe(0);
    expect(store.heldByPoint()).toEqual([0, 0]);
    expect(store.generation).toBe(gen + 1);
    expect(record(store, a, 9, 60)).toBe(1);
    expect(store.frame(1)!.traceId).toBe(9);
  });
});
