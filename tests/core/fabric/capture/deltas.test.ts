import { describe, expect, it, vi } from 'vitest';
import { CaptureStore, type CaptureStoreOptions } from '../../../../core/fabric/capture/capture-store.ts';
import { breather, MS, runScenario, S, type Scenario, sha256 } from '../scenarios/support.ts';

/**
 * Edited frames (a switch's MAC/TTL rewrite, a card's encapsulation and decapsulation, declared
 * with SimPacket.declareEdit) are stored as their changed prefix plus the bytes of the frame
 * recorded on arrival. That must change nothing a reader can see: the same scenario with deltas
 * off (every frame copied whole) gives the same pcapng, byte for byte — also when the budget is
 * small enough to evict (which frames are held must not depend on deltas either).
 */
const scenarios: Record<string, Omit<Scenario, 'options'>> = {
  'ping across racks': { topology: 'two-racks.yaml', actions: [{ at: 0, instance: 'client', command: 'ping -c 3 10.0.1.20' }], until: 4 * S },
  'ping across zones': { topology: 'multi-az.yaml', actions: [{ at: 0, instance: 'web1', command: 'ping -c 2 web2' }], until: 3 * S },
  'HTTP over TCP': { topology: 'two-racks.yaml', actions: [{ at: 0, instance: 'client', command: 'curl -s -o /dev/null http://server/bytes/100000' }], until: 5 * S },
  'fragments and path MTU': { topology: 'mtu-path.yaml', actions: [{ at: 0, instance: 'big', command: 'ping -c 2 -s 3000 remote' }], until: 3 * S },
  'instance move': {
    topology: 'two-racks.yaml',
    actions: [
      { at: 0, instance: 'client', command: 'ping -c 20 -i 0.1 -W 1 10.0.1.20' },
      { at: 1050 * MS, run: (s) => s.fabric.moveInstance('server', 'host-a') },
    ],
    until: 4 * S,
  },
};

function run(s: Omit<Scenario, 'options'>, store: CaptureStoreOptions) {
  const spy = vi.spyOn(CaptureStore.prototype, 'recordEditedCoded');
  try {
    const r = runScenario({ ...s, options: { captureStore: store } });
    const edited = spy.mock.results.filter((x) => x.type === 'return' && x.value !== 0).length;
    return { sha: sha256(r.pcapng), count: r.service.captures.count, held: r.service.captures.available, used: r.service.captures.usedBytes, edited };
  } finally {
    spy.mockRestore();
  }
}

describe('capture deltas', { timeout: 120_000 }, () => {
  for (const [name, s] of Object.entries(scenarios)) {
    it(`${name}: the same pcapng with and without deltas`, async () => {
      const withDeltas = run(s, {});
      await breather();
      const whole = run(s, { deltas: false });
      expect(whole.edited).toBe(0);
      expect(withDeltas.edited).toBeGreaterThan(0);
      expect({ ...withDeltas, edited: 0 }).toEqual(whole);
      await breather();
    });
  }

  it('a budget small enough to evict holds the same frames either way', async () => {
    const s = scenarios['HTTP over TCP'];
    const store = { maxBytes: 64 * 1024, chunkSize: 8192 };
    const withDeltas = run(s, store);
    await breather();
    const whole = run(s, { ...store, deltas: false });
    expect(withDeltas.edited).toBeGreaterThan(0);
    expect({ ...withDeltas, edited: 0 }).toEqual(whole);
    expect(withDeltas.held).toBeLessThan(withDeltas.count);
  });
});

describe('edited frames read back', () => {
  it('join prefix and shared bytes into views that stay valid after later reads', () => {
    const store = new CaptureStore({ chunkSize: 1 << 16, maxBytes: 1 << 20 });
    const p = store.addPoint({ name: 'p', kind: 'host' });
    const inner = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const a = store.recordCoded(p, 1, inner, 1, 1, 1, 0, 1, 0);
    // encapsulated: 82 new bytes in front, the first 12 inner bytes rewritten
    const outer = new Uint8Array(382);
    outer.fill(0xee, 0, 94);
    outer.set(inner.subarray(12), 94);
    const b = store.recordEditedCoded(a, 94, 82, p, 2, outer, 1, 1, 1, 0, 2, 0);
    expect(b).toBe(2);
    // a router's rewrite of the first 26 bytes of that
    const routed = outer.slice();
    routed.fill(0x11, 0, 26);
    const c = store.recordEditedCoded(b, 26, 0, p, 3, routed, 1, 2, 1, 0, 2, 0);
    // decapsulated: the inner frame as it was inside the tunnel
    const d = store.recordEditedCoded(c, 0, -82, p, 4, routed.subarray(82), 1, 3, 1, 0, 2, 0);
    const viewB = store.frame(b)!.bytes;
    const viewC = store.bytesOf(c)!;
    expect(store.bytesOf(c)).toBe(viewC); // read twice, joined once
    expect([...store.frame(d)!.bytes]).toEqual([...routed.subarray(82)]);
    expect([...viewB]).toEqual([...outer]);
    expect([...viewC]).toEqual([...routed]);
    expect([...store.frame(a)!.bytes]).toEqual([...inner]);
  });
});

describe('edited frames as references', () => {
  /** A deterministic stream of small integers (xorshift). */
  function rng(seed: number) {
    let x = seed >>> 0 || 1;
    return (n: number) => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x % n;
    };
  }

  it('random chains of encapsulations, rewrites, shares and decapsulations read back byte for byte', () => {
    const next = rng(7);
    const store = new CaptureStore({ chunkSize: 1 << 20, maxBytes: 1 << 26 });
    const p = store.addPoint({ name: 'p', kind: 'host' });
    const expected = new Map<number, Uint8Array>();
    let edited = 0;
    for (let packet = 0; packet < 300; packet++) {
      let bytes: Uint8Array = Uint8Array.from({ length: 60 + next(400) }, () => next(256));
      let n = store.recordCoded(p, 0, bytes, packet, 0, 1, 0, 1, 0);
      expected.set(n, bytes);
      for (let step = 0; step < 8; step++) {
        const kind = next(4);
        let prefix: number;
        let grow: number;
        let after: Uint8Array;
        if (kind === 0) {
          // encapsulate: `grow` new bytes in front, the first few old ones rewritten too
          grow = 1 + next(90);
          prefix = grow + next(20);
          after = new Uint8Array(bytes.length + grow);
          after.set(bytes, grow);
          for (let i = 0; i < prefix && i < after.length; i++) after[i] = next(256);
        } else if (kind === 1 && bytes.length > 100) {
          // decapsulate, maybe rewriting the new front
          const cut = 1 + next(80);
          grow = -cut;
          prefix = next(3) === 0 ? next(20) : 0;
          after = bytes.slice(cut);
          for (let i = 0; i < prefix; i++) after[i] = next(256);
        } else if (kind === 2) {
          // a router's rewrite in place
          grow = 0;
          prefix = 1 + next(40);
          after = bytes.slice();
          for (let i = 0; i < prefix; i++) after[i] = next(256);
        } else {
          // the same bytes seen at the far end of a link
          const m = store.recordSharedCoded(n, p, 0, packet, step, 1, 0, 1, 0);
          expect(m).toBeGreaterThan(0);
          expected.set(m, bytes);
          n = m;
          continue;
        }
        const m = store.recordEditedCoded(n, prefix, grow, p, 0, after, packet, step, 1, 0, 2, 0);
        if (m === 0) {
          n = store.recordCoded(p, 0, after, packet, step, 1, 0, 2, 0);
        } else {
          edited++;
          n = m;
        }
        expected.set(n, after);
        bytes = after;
      }
    }
    expect(edited).toBeGreaterThan(1000);
    expect(store.available).toBe(expected.size);
    for (const [n, bytes] of expected) expect(store.bytesOf(n), `frame ${n}`).toEqual(bytes);
    // Joins are kept by bytes and reused along chains: read in other orders, their neighbours
    // joined or not, each frame still reads back as itself.
    const numbers = [...expected.keys()];
    for (let i = numbers.length - 1; i > 0; i--) {
      const j = next(i + 1);
      [numbers[i], numbers[j]] = [numbers[j], numbers[i]];
    }
    for (const n of [...numbers, ...[...expected.keys()].reverse()]) expect(store.bytesOf(n), `frame ${n}`).toEqual(expected.get(n));
  });

  it('a rewrite stores only its own prefix, and a decapsulation with nothing changed stores no bytes', () => {
    const store = new CaptureStore({ chunkSize: 1 << 16, maxBytes: 1 << 20 });
    const p = store.addPoint({ name: 'p', kind: 'host' });
    const inner = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const a = store.recordCoded(p, 1, inner, 1, 1, 1, 0, 1, 0);
    const outer = new Uint8Array(1082);
    outer.fill(0xee, 0, 94);
    outer.set(inner.subarray(12), 94);
    const written = (f: () => number) => {
      const before = (store as unknown as { used: number }).used;
      const n = f();
      return { n, bytes: (store as unknown as { used: number }).used - before };
    };
    const b = written(() => store.recordEditedCoded(a, 94, 82, p, 2, outer, 1, 1, 1, 0, 2, 0));
    expect(b.bytes).toBe(5 + 94);
    const routed = outer.slice();
    routed.fill(0x11, 0, 26);
    const c = written(() => store.recordEditedCoded(b.n, 26, 0, p, 3, routed, 1, 2, 1, 0, 2, 0));
    expect(c.bytes).toBe(5 + 26);
    const routedAgain = routed.slice();
    routedAgain.fill(0x22, 0, 26);
    const d = written(() => store.recordEditedCoded(c.n, 26, 0, p, 4, routedAgain, 1, 3, 1, 0, 2, 0));
    expect(d.bytes).toBe(5 + 26);
    const decap = written(() => store.recordEditedCoded(d.n, 0, -82, p, 5, routedAgain.subarray(82), 1, 4, 1, 0, 2, 0));
    expect(decap.bytes).toBe(5);
    expect(store.bytesOf(decap.n)).toEqual(routedAgain.subarray(82));
    expect(store.bytesOf(d.n)).toEqual(routedAgain);
    expect(store.bytesOf(c.n)).toEqual(routed);
    expect(store.bytesOf(b.n)).toEqual(outer);
    // a decapsulation that lands past every patch is a plain view of the first frame
    const plain = written(() => store.recordEditedCoded(d.n, 0, -94, p, 6, routedAgain.subarray(94), 1, 4, 1, 0, 2, 0));
    expect(plain.bytes).toBe(0);
    expect(store.bytesOf(plain.n)!.buffer).toBe(store.bytesOf(a)!.buffer);
    expect(store.bytesOf(plain.n)).toEqual(inner.subarray(12));
  });
});
