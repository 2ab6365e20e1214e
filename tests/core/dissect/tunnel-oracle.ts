/**
 * The oracle for the tunnel and application dissectors: the frames of tunnel-frames.ts written to
 * a pcapng, dissected by tshark 4.0 (`-T json --no-duplicate-keys` for field values, `-T fields`
 * for the columns) and by our engine with the real eth/ip/udp/tcp/icmp/vlan modules.
 */
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { FieldDef } from '../../../core/dissect/field.ts';
import type { ProtocolModule } from '../../../core/dissect/protocol.ts';
import { TreeSink } from '../../../core/dissect/sink.ts';
import { arp } from '../../../core/dissect/protocols/arp.ts';
import { dns } from '../../../core/dissect/protocols/dns.ts';
import { esp } from '../../../core/dissect/protocols/esp.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { geneve } from '../../../core/dissect/protocols/geneve.ts';
import { dataTextLines, http } from '../../../core/dissect/protocols/http.ts';
import { icmp } from '../../../core/dissect/protocols/icmp.ts';
import { ip } from '../../../core/dissect/protocols/ip.ts';
import { proxy } from '../../../core/dissect/protocols/proxy.ts';
import { tcp } from '../../../core/dissect/protocols/tcp.ts';
import { udp } from '../../../core/dissect/protocols/udp.ts';
import { UNDERLAY } from '../../../core/dissect/protocols/underlay-geneve.ts';
import { vlan } from '../../../core/dissect/protocols/vlan.ts';
import { vxlan } from '../../../core/dissect/protocols/vxlan.ts';
import { pcapngOf, recordsOf } from '../../support/capture.ts';
import { flattenTsharkJson, tempFile, tsharkFields, tsharkJson } from '../../support/tshark.ts';
import { oracleFrames, type OracleFrame } from './tunnel-frames.ts';

export const MODULES: readonly ProtocolModule[] = [eth, arp, vlan, ip, icmp, udp, tcp, geneve, vxlan, esp, dns, http, dataTextLines, proxy, UNDERLAY];

export function newEngine(): DissectionEngine {
  return new DissectionEngine(MODULES as ProtocolModule[]);
}

export interface OracleFrameResult {
  readonly name: string;
  /** Field values, tshark's `-T json` form, per filter name in tree order. */
  readonly ours: Map<string, string[]>;
  readonly theirs: Map<string, string[]>;
  readonly ourColumns: { protocol: string; info: string };
  readonly theirColumns: { protocol: string; info: string };
  readonly ourProtocols: string;
  readonly theirProtocols: string;
  readonly ourTree: TreeSink;
}

export interface Oracle {
  readonly file: string;
  readonly frames: readonly OracleFrame[];
  readonly results: readonly OracleFrameResult[];
  readonly engine: DissectionEngine;
  byName(name: string): OracleFrameResult;
  /** Frame numbers (1-based) of the named frames. */
  numberOf(name: string): number;
}

let cached: Oracle | null = null;

/** Values as tshark's JSON shows them: bytes with colons, FT_NONE and protocols as ''. */
export function jsonValue(def: FieldDef, value: unknown): string {
  if (def.type === 'none' || def.type === 'protocol') return '';
  if (def.type === 'bytes' && value instanceof Uint8Array) return [...value].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return formatValue(def, value as never);
}

export function oracle(): Oracle {
  if (cached) return cached;
  const frames = oracleFrames();
  const file = tempFile('tunnels.pcapng', pcapngOf(frames.map((f) => ({ bytes: f.bytes }))));
  const json = tsharkJson(file);
  const cols = tsharkFields(file, ['_ws.col.Protocol', '_ws.col.Info']);
  const engine = newEngine();
  const session = engine.newSession();
  const records = recordsOf(frames.map((f) => ({ bytes: f.bytes })));
  const results = records.map((rec, i): OracleFrameResult => {
    const tree = new TreeSink();
    const res = session.dissect(rec, tree, true);
    const ours = new Map<string, string[]>();
    for (const n of tree.walk()) {
      if (!n.field) continue;
      const list = ours.get(n.field.abbrev) ?? [];
      list.push(jsonValue(n.field, n.value));
      ours.set(n.field.abbrev, list);
    }
    const layers = json[i]._source.layers as Record<string, Record<string, string>>;
    return {
      name: frames[i].name,
      ours,
      theirs: flattenTsharkJson(json[i]),
      ourColumns: { protocol: res.columns.protocol, info: res.columns.info },
      theirColumns: { protocol: cols[i][0] ?? '', info: cols[i][1] ?? '' },
      ourProtocols: res.protocols.slice(1).join(':'),
      theirProtocols: layers.frame['frame.protocols'],
      ourTree: tree,
    };
  });
  cached = {
    file,
    frames,
    results,
    engine,
    byName(name) {
      const r = results.find((x) => x.name === name);
      if (!r) throw new Error(`no oracle frame ${name}`);
      return r;
    },
    numberOf(name) {
      return frames.findIndex((f) => f.name === name) + 1;
    },
  };
  return cached;
}

/**
 * Every field whose filter name starts with one of `prefixes`, in every frame: `ours` and `theirs`
 * differ → one line each. Also returns how many values tshark printed, so a test can check the
 * comparison was not empty.
 */
export function compareFields(prefixes: readonly string[]): { mismatches: string[]; compared: number } {
  const o = oracle();
  const mismatches: string[] = [];
  let compared = 0;
  o.results.forEach((r, i) => {
    const keys = new Set([...r.ours.keys(), ...r.theirs.keys()].filter((k) => prefixes.some((p) => k === p || k.startsWith(`${p}.`))));
    for (const k of [...keys].sort()) {
      const ours = r.ours.get(k) ?? [];
      const theirs = r.theirs.get(k) ?? [];
      compared += theirs.length;
      if (ours.join('\u0000') !== theirs.join('\u0000')) {
        mismatches.push(`frame ${i + 1} (${r.name}) ${k}: ours ${JSON.stringify(ours)} tshark ${JSON.stringify(theirs)}`);
      }
    }
  });
  return { mismatches, compared };
}

/** Column and frame.protocols differences for the frames whose names start with `prefix`. */
export function compareColumns(prefix: string): { mismatches: string[]; compared: number } {
  const o = oracle();
  const mismatches: string[] = [];
  let compared = 0;
  o.results.forEach((r, i) => {
    if (!r.name.startsWith(prefix)) return;
    compared++;
    if (r.ourColumns.protocol !== r.theirColumns.protocol) mismatches.push(`frame ${i + 1} Protocol: ours ${r.ourColumns.protocol} tshark ${r.theirColumns.protocol}`);
    if (r.ourColumns.info !== r.theirColumns.info) mismatches.push(`frame ${i + 1} Info: ours ${JSON.stringify(r.ourColumns.info)} tshark ${JSON.stringify(r.theirColumns.info)}`);
    if (r.ourProtocols !== r.theirProtocols) mismatches.push(`frame ${i + 1} frame.protocols: ours ${r.ourProtocols} tshark ${r.theirProtocols}`);
  });
  return { mismatches, compared };
}

/** Frame numbers tshark and we mark `_ws.malformed`. */
export function malformedFrames(): { ours: number[]; theirs: number[] } {
  const o = oracle();
  const ours: number[] = [];
  const theirs: number[] = [];
  o.results.forEach((r, i) => {
    if (r.ours.has('_ws.malformed')) ours.push(i + 1);
    if (r.theirs.has('_ws.malformed')) theirs.push(i + 1);
  });
  return { ours, theirs };
}
