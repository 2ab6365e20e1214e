/**
 * Dissectors skip work for fields nobody wants: a protocol none of whose fields a FilterSink keeps
 * adds no items, a pruned session skips whole protocols and conversation tracking it cannot need.
 * None of that may change what a filter sees: for every field the traffic has, a FilterSink that
 * wants only that field (in a full session and in a session pruned for it) must hold exactly the
 * occurrences the full tree has — same values, offsets and lengths, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { FilterSink, type TreeNode } from '../../../core/dissect/sink.ts';
import { fieldIdLimit, type FieldDef, type FieldValue } from '../../../core/dissect/field.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { generateFabricTraffic } from '../../bench/support/fabric-traffic.ts';
import { packetFrames, packetRecords } from '../../oracle/packet-frames.ts';
import { Rng } from '../../../core/base/rng.ts';

const engine = createDefaultEngine();

function fabricFrames(count: number, seed: number): FrameRecord[] {
  const out: FrameRecord[] = [];
  generateFabricTraffic(count, seed, (bytes, linkType, tsSec, tsNsec, comment, point) => {
    out.push({
      number: out.length + 1,
      bytes: bytes.slice(),
      originalLength: bytes.length,
      tsSec,
      tsNsec,
      interfaceId: point,
      linkType,
      flags: comment === undefined ? undefined : 2,
      comments: comment === undefined ? undefined : [comment],
    });
  });
  return out;
}

/**
 * Every frame cut short at a random point and, separately, with a few random bits flipped: skipped
 * items must not change where a dissector stops or what it reports on the way.
 */
function damaged(frames: readonly FrameRecord[], seed: number): FrameRecord[] {
  const rng = Rng.stream(seed, 'sink-equivalence');
  const out: FrameRecord[] = [];
  for (const f of frames) {
    const cut = rng.int(0, f.bytes.length + 1);
    out.push({ ...f, number: out.length + 1, bytes: f.bytes.slice(0, cut), originalLength: rng.bernoulli(0.5) ? cut : f.originalLength });
    const flipped = f.bytes.slice();
    for (let i = rng.int(1, 5); i > 0 && flipped.length > 0; i--) flipped[rng.int(0, flipped.length)] ^= 1 << rng.int(0, 8);
    out.push({ ...f, number: out.length + 1, bytes: flipped });
  }
  return out;
}

function shown(v: FieldValue): string {
  return v instanceof Uint8Array ? Array.from(v).join(',') : typeof v === 'bigint' ? `${v}n` : String(v);
}

/** Occurrences per field id from full trees of every frame (frame number, value, bytes). */
function treeOccurrences(frames: readonly FrameRecord[]): Map<FieldDef, string[]> {
  const out = new Map<FieldDef, string[]>();
  const session = engine.newSession();
  for (const f of frames) {
    const { tree } = session.tree(f);
    const visit = (node: TreeNode): void => {
      for (const n of node.children) {
        if (n.field) {
          let list = out.get(n.field);
          if (!list) out.set(n.field, (list = []));
          list.push(`${f.number} ${shown(n.value)} @${n.source}:${n.offset}+${n.length}`);
        }
        visit(n);
      }
    };
    visit(tree.root);
  }
  return out;
}

function sinkOccurrences(frames: readonly FrameRecord[], field: FieldDef, prune: boolean): string[] {
  const sink = new FilterSink([field], fieldIdLimit());
  const session = prune ? engine.newSession({ wanted: [field] }) : engine.newSession();
  const out: string[] = [];
  for (const f of frames) {
    sink.reset();
    session.dissect(f, sink, false);
    for (let i = 0; i < sink.count(field); i++) {
      const src = sink.dataOf(field, i) === f.bytes ? 0 : 1;
      out.push(`${f.number} ${shown(sink.value(field, i))} @${src}:${sink.offset(field, i)}+${sink.length(field, i)}`);
    }
  }
  return out;
}

/** Tree order is document order; the sink's is add order: compare each frame's occurrences as a multiset. */
function normalized(list: readonly string[]): string[] {
  return [...list].sort();
}

/**
 * Damaged frames, except those with Geneve: Wireshark walks Geneve options only for a tree (or when
 * an option field is wanted), so a malformed option shows in the tree and not in a filter pass.
 */
function damagedWithoutGeneve(): FrameRecord[] {
  const frames = damaged([...packetRecords(packetFrames()), ...fabricFrames(1500, 9)], 3);
  const session = engine.newSession();
  const kept = frames.filter((f) => ![...session.tree(f).tree.walk()].some((n) => n.field?.abbrev === 'geneve'));
  return kept.map((f, i) => ({ ...f, number: i + 1 }));
}

const SETS: ReadonlyArray<readonly [string, () => FrameRecord[]]> = [
  ['oracle frames', () => packetRecords(packetFrames())],
  ['fabric traffic', () => fabricFrames(3000, 5)],
  ['damaged frames', damagedWithoutGeneve],
];

describe('a FilterSink sees what the tree has', () => {
  for (const [name, make] of SETS) {
    it(`for every single field, in full and pruned sessions (${name})`, () => {
      const frames = make();
      const tree = treeOccurrences(frames);
      // frame.protocols is filled in by the engine after the tree is built; comments are not
      // decoded for sinks that do not ask for them. Both are covered by their own tests.
      let checked = 0;
      for (const [field, expected] of tree) {
        if (field.type === 'protocol' && field.abbrev === 'frame') continue;
        const want = normalized(expected);
        expect.soft(normalized(sinkOccurrences(frames, field, false)), `${field.abbrev} (full session)`).toEqual(want);
        if (field.protocol !== '_ws' && field.abbrev !== 'frame.protocols') {
          expect.soft(normalized(sinkOccurrences(frames, field, true)), `${field.abbrev} (pruned session)`).toEqual(want);
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    }, 240_000);
  }
});
