/**
 * Pruned filter-pass sessions (engine.newSession({ wanted })) skip protocols whose sub-tree can
 * add no wanted field. They must give exactly what a full session gives: the same matching frames
 * for filters, and the same occurrences (count, value, offset, length) of every wanted field.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/filter.ts';
import { FilterSink, TreeSink } from '../../../core/dissect/sink.ts';
import { fieldIdLimit, type FieldDef } from '../../../core/dissect/field.ts';
import type { FrameRecord } from '../../../core/dissect/frame-record.ts';
import { generateFabricTraffic } from '../../bench/support/fabric-traffic.ts';

const engine = createDefaultEngine();

function frames(count: number, seed: number): FrameRecord[] {
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
      comments: comment === undefined ? undefined : [comment],
    });
  });
  return out;
}

const FRAMES = frames(6000, 11);

function matching(text: string, prune: boolean): number[] {
  const r = compileFilter(text, engine.fields);
  if (!r.ok) throw new Error(r.error.message);
  const runner = new FilterRunner(r.filter);
  const session = prune ? runner.newSession(engine) : engine.newSession();
  const out: number[] = [];
  for (const f of FRAMES) if (runner.run(session, f)) out.push(f.number);
  return out;
}

/** Every occurrence of the given fields in every frame, as text. */
function occurrences(fields: readonly FieldDef[], prune: boolean): string[] {
  const sink = new FilterSink(fields, fieldIdLimit());
  const session = prune ? engine.newSession({ wanted: fields }) : engine.newSession();
  const out: string[] = [];
  for (const f of FRAMES) {
    sink.reset();
    session.dissect(f, sink, false);
    for (const d of fields) {
      for (let i = 0; i < sink.count(d); i++) {
        const v = sink.value(d, i);
        const shown = v instanceof Uint8Array ? Array.from(v).join(',') : String(v);
        out.push(`${f.number} ${d.abbrev}[${i}] ${shown} @${sink.offset(d, i)}+${sink.length(d, i)} #${sink.order(d, i)}`);
      }
    }
  }
  return out;
}

describe('pruned filter sessions', () => {
  it('skip protocols that cannot reach a wanted field, and nothing else', () => {
    const s = engine.newSession({ wanted: [engine.fields.get('frame.len')!] });
    expect(s.pruned).toBe(true);
    const skipped = (abbrev: string) => s.skip![engine.tables.protocol(abbrev)!.proto.id] === 1;
    // frame.len is added by `frame` itself: every protocol after it can be skipped.
    expect(['eth', 'tcp', 'frame'].map(skipped)).toEqual([true, true, false]);
    const ip = engine.newSession({ wanted: [engine.fields.get('ip.addr')!] });
    const ipSkips = (abbrev: string) => ip.skip![engine.tables.protocol(abbrev)!.proto.id] === 1;
    // Tunnels and ICMP errors reach IP again; TCP, DNS and ARP do not.
    for (const p of ['eth', 'ip', 'udp', 'geneve', 'vxlan', 'icmp']) expect(ipSkips(p)).toBe(false);
    for (const p of ['tcp', 'dns', 'arp', 'http']) expect(ipSkips(p)).toBe(true);
    // Expert and frame.protocols fields see every protocol: no pruning.
    expect(engine.newSession({ wanted: [engine.fields.get('_ws.expert')!] }).pruned).toBe(false);
    expect(engine.newSession({ wanted: [engine.fields.get('frame.protocols')!] }).pruned).toBe(false);
  });

  it('refuse to build trees', () => {
    const s = engine.newSession({ wanted: [engine.fields.get('frame.len')!] });
    expect(() => s.dissect(FRAMES[0], new TreeSink())).toThrow();
  });

  const filters = [
    'ip.addr == 10.1.0.5',
    'tcp.flags.syn == 1 && geneve.vni == 5',
    'udp.port == 53',
    'frame.len > 150',
    'geneve && icmp',
    'tcp.stream == 7 && tcp.len > 0',
    'tcp.analysis.flags || tcp.seq == 1',
    'icmp.resp_in',
    'dns.qry.name contains "internal"',
    'underlay.geneve.src_eni && ip.src == 10.3.0.5',
    'geneve.option.class == 0x0108',
    'vxlan.vni == 7003 && tcp.port == 8080',
    'esp.sequence > 10',
    'arp.opcode == 2',
    'udp.stream == 3',
    'eth.src == 0a:00:00:00:01:03',
    'frame.comment contains "drop"',
    'frame.protocols contains "dns"',
    'ip.src#2 == 10.1.0.5',
    'frame[60:2] == 00:00',
    '',
  ];
  for (const text of filters) {
    it(`match the same frames for ${JSON.stringify(text)}`, () => {
      const full = matching(text, false);
      expect(matching(text, true)).toEqual(full);
    });
  }

  it('keep every wanted field of every protocol identical', () => {
    // Which fields the traffic has at all, from full trees of a sample.
    const seen = new Map<string, FieldDef>();
    const session = engine.newSession();
    for (const f of FRAMES.slice(0, 1500)) {
      const { tree } = session.tree(f);
      for (const n of tree.walk()) if (n.field) seen.set(n.field.abbrev, n.field);
    }
    const byProtocol = new Map<string, FieldDef[]>();
    for (const d of seen.values()) {
      if (d.protocol === '_ws' || d.abbrev === 'frame.protocols') continue;
      const list = byProtocol.get(d.protocol) ?? [];
      list.push(d);
      byProtocol.set(d.protocol, list);
    }
    expect(byProtocol.size).toBeGreaterThan(8);
    for (const [, fields] of byProtocol) {
      expect(occurrences(fields, true)).toEqual(occurrences(fields, false));
    }
  });
});
