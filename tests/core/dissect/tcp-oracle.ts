/**
 * tshark as the oracle for the TCP and UDP dissectors: the same frames go through tshark 4.0 and
 * through our engine (dissected in order in one session), and we compare
 * - every field of the given protocols, plus the columns and a few extra fields, frame by frame
 *   (`-T fields -E occurrence=a`);
 * - where each field sits in the tree (its parent) and which bytes it covers (`-T json -x`).
 */
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import type { FieldDef } from '../../../core/dissect/field.ts';
import { formatValue } from '../../../core/dissect/format.ts';
import type { ProtocolModule } from '../../../core/dissect/protocol.ts';
import type { TreeNode, TreeSink } from '../../../core/dissect/sink.ts';
import { pcapngOf, recordsOf, type TestFrame } from '../../support/capture.ts';
import { tempFile, tsharkFields, tsharkJson } from '../../support/tshark.ts';

export interface Mismatch {
  frame: number;
  field: string;
  tshark: string;
  ours: string;
}

export interface OracleRun {
  /** Per frame, per field name: tshark's text (occurrences joined by ','). */
  tshark: Map<string, string>[];
  /** The same from our dissection. */
  ours: Map<string, string>[];
  mismatches: Mismatch[];
  /** The field names compared. */
  fields: string[];
  /** Our trees, and the columns read right after each frame (the result object is reused). */
  trees: { tree: TreeSink; protocol: string; info: string }[];
}

const COLUMNS = ['_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const MALFORMED_GROUP = 0x07000000;

/** Our text for one tree node, the way `tshark -T fields` prints it. */
export function fieldText(node: TreeNode): string {
  const f = node.field as FieldDef;
  if (f.type === 'none') return '1';
  if (f.type === 'protocol') return node.label ?? f.name;
  // Expert severities and groups print as decimal numbers in -T fields.
  if (f.abbrev === '_ws.expert.severity' || f.abbrev === '_ws.expert.group') return String(node.value);
  return formatValue(f, node.value);
}

/** The values of `fields` in one dissected tree, tshark style. */
export function treeValues(tree: TreeSink, fields: readonly string[]): Map<string, string> {
  const wanted = new Set(fields);
  const values = new Map<string, string[]>();
  // tshark's `-e _ws.malformed` also lists expert items of the Malformed group.
  let malformed = false;
  for (const node of tree.walk()) {
    const f = node.field;
    if (!f) continue;
    if (f.abbrev === '_ws.malformed' || (f.abbrev === '_ws.expert.group' && node.value === MALFORMED_GROUP)) malformed = true;
    if (!wanted.has(f.abbrev) || f.abbrev === '_ws.malformed') continue;
    const list = values.get(f.abbrev) ?? [];
    list.push(fieldText(node));
    values.set(f.abbrev, list);
  }
  const out = new Map<string, string>();
  for (const n of fields) out.set(n, (values.get(n) ?? []).join(','));
  out.set('_ws.malformed', malformed ? 'malformed' : '');
  return out;
}

/** Dissects `frames` in order with `modules` and compares the fields of `protocols` (and `extra`). */
export function compareWithTshark(
  frames: readonly TestFrame[],
  modules: readonly ProtocolModule[],
  protocols: readonly string[],
  extra: readonly string[] = [],
): OracleRun {
  const engine = new DissectionEngine(modules);
  const fields = [
    ...engine.fields
      .all()
      .filter((f) => protocols.includes(f.protocol))
      .map((f) => f.abbrev),
    ...extra,
  ];
  const names = [...COLUMNS, ...fields];
  const file = tempFile('tcp-oracle.pcapng', pcapngOf(frames));
  const rows = tsharkFields(file, names);
  const tshark = rows.map((row) =>
    new Map(names.map((n, i) => [n, n === '_ws.malformed' && row[i] ? 'malformed' : (row[i] ?? '')])),
  );

  const session = engine.newSession();
  const trees = recordsOf(frames).map((rec) => {
    const { tree, result } = session.tree(rec);
    return { tree, protocol: result.columns.protocol, info: result.columns.info };
  });
  const ours = trees.map(({ tree, protocol, info }) => {
    const out = treeValues(tree, fields);
    out.set('_ws.col.Protocol', protocol);
    out.set('_ws.col.Info', info);
    return out;
  });

  const mismatches: Mismatch[] = [];
  tshark.forEach((t, i) => {
    for (const n of names) {
      const want = t.get(n) ?? '';
      const got = ours[i]?.get(n) ?? '';
      if (want !== got) mismatches.push({ frame: i + 1, field: n, tshark: want, ours: got });
    }
  });
  if (tshark.length !== frames.length) mismatches.push({ frame: 0, field: 'frame count', tshark: String(tshark.length), ours: String(frames.length) });
  return { tshark, ours, mismatches, fields, trees };
}

/** `parent > field` for every field under the top items of `protocols`, and `field @offset+length`. */
interface Shape {
  parents: string[];
  ranges: string[];
}

const shown = (key: string, protocols: readonly string[]) =>
  protocols.some((p) => key === p || key.startsWith(`${p}.`)) ||
  key === 'Timestamps' ||
  key === 'D-SACK Sequence' ||
  key === '_ws.expert' ||
  key.startsWith('_ws.expert.');

function tsharkShape(layers: Record<string, unknown>, protocols: readonly string[]): Shape {
  const parents: string[] = [];
  const ranges: string[] = [];
  const visit = (node: unknown, parent: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const values = Array.isArray(value) && !(key.endsWith('_raw') && typeof value[0] === 'string') ? value : [value];
      for (const v of values) {
        if (key.endsWith('_tree')) {
          visit(v, key.slice(0, -5));
        } else if (key.endsWith('_raw') && Array.isArray(v) && typeof v[0] === 'string') {
          const field = key.slice(0, -4);
          if (shown(field, protocols) && !field.startsWith('_ws') && field !== 'tcp.seq' && field !== 'tcp.ack') ranges.push(`${field} @${v[1]}+${v[2]}`);
        } else {
          if (shown(key, protocols)) parents.push(`${parent} > ${key}`);
          if (v && typeof v === 'object') visit(v, key);
        }
      }
    }
  };
  for (const p of protocols) if (layers[p]) visit(layers[p], p);
  return { parents: parents.sort(), ranges: ranges.sort() };
}

function ourShape(tree: TreeSink, protocols: readonly string[]): Shape {
  const parents: string[] = [];
  const ranges: string[] = [];
  const name = (n: TreeNode): string => (n.field ? n.field.abbrev : (n.label ?? '').replace(/^\[|\]$/g, ''));
  const walk = (n: TreeNode) => {
    for (const c of n.children) {
      const k = name(c);
      if (shown(k, protocols)) {
        parents.push(`${name(n)} > ${k}`);
        if (c.field && !k.startsWith('_ws') && c.field.type !== 'none') ranges.push(`${k} @${c.offset}+${c.length}`);
      }
      walk(c);
    }
  };
  for (const top of tree.root.children) if (top.field && protocols.includes(top.field.abbrev)) walk(top);
  return { parents: parents.sort(), ranges: ranges.sort() };
}

/** Tree shape (parents) and byte ranges against `tshark -T json -x`; returns readable differences. */
export function compareTreeShape(frames: readonly TestFrame[], run: OracleRun, protocols: readonly string[]): string[] {
  const file = tempFile('tcp-shape.pcapng', pcapngOf(frames));
  const json = tsharkJson(file, ['-x']);
  const out: string[] = [];
  json.forEach((frame, i) => {
    const theirs = tsharkShape(frame._source.layers, protocols);
    const ours = ourShape(run.trees[i].tree, protocols);
    // Ranges are compared for the fields tshark gives bytes for; `tcp.seq_raw` and `tcp.ack_raw`
    // are field names, so the `_raw` keys of tcp.seq and tcp.ack cannot be told apart in the JSON.
    const ranged = new Set(theirs.ranges.map((r) => r.slice(0, r.indexOf(' @'))));
    ours.ranges = ours.ranges.filter((r) => ranged.has(r.slice(0, r.indexOf(' @'))));
    for (const kind of ['parents', 'ranges'] as const) {
      const missing = multisetMinus(theirs[kind], ours[kind]);
      const extra = multisetMinus(ours[kind], theirs[kind]);
      if (missing.length || extra.length) out.push(`frame ${i + 1} ${kind}: missing [${missing.join('; ')}] extra [${extra.join('; ')}]`);
    }
  });
  return out;
}

/** Elements of `a` not matched one-for-one in `b`. */
function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}
