/**
 * The canvas graph of one view, computed from the document: nested boxes (AZ ⊃ rack ⊃ host in
 * the physical view, VPC ⊃ subnet ⊃ instance in the logical one), edges for references, badges
 * from diagnostics. Positions are relative to the parent box, as Vue Flow wants them; an object
 * with no remembered position gets the next free grid slot among its siblings, and every box is
 * sized to hold its children, so the drawing is never broken even before a layout has run.
 */
import type { Badge } from './badges.ts';
import { nameList, objectId, resolveRef, type DocValue, type Fields } from './doc-value.ts';
import { kindById, kinds, parentRef, type ObjectKind, type View } from './kinds.ts';

export interface Point { readonly x: number; readonly y: number }
export interface Size { readonly width: number; readonly height: number }

export interface NodeData {
  readonly kind: string;
  readonly collection: string;
  readonly name: string;
  readonly label: string;
  readonly glyph: string;
  readonly container: boolean;
  /** One line under the name: the CIDR of a VPC or subnet, the address of an instance. */
  readonly detail: string;
  readonly badge: Badge | null;
}

export interface CanvasNode {
  readonly id: string;
  readonly type: 'group' | 'object';
  readonly position: Point;
  readonly parentNode?: string;
  readonly size: Size;
  readonly data: NodeData;
}

export interface EdgeData {
  /** The object holding the reference (or the peering itself). */
  readonly collection: string;
  readonly name: string;
  readonly field: string;
  readonly list: boolean;
  readonly target: string;
  readonly badge: Badge | null;
}

export interface CanvasEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly data: EdgeData;
}

export interface CanvasGraph {
  readonly nodes: readonly CanvasNode[];
  readonly edges: readonly CanvasEdge[];
}

export const LEAF: Size = { width: 150, height: 46 };
export const PAD = 16;
export const HEADER = 34;
const GAP = 24;
const MIN_BOX: Size = { width: 190, height: 84 };

/** Where positions are remembered: per view, since an instance sits in a host and in a subnet. */
export const positionKey = (view: View, id: string): string => `${view}:${id}`;

interface Item {
  readonly id: string;
  readonly kind: ObjectKind;
  readonly name: string;
  readonly fields: Fields;
  readonly parent: string | null;
}

export function itemsOfView(value: DocValue, view: View): Item[] {
  const items: Item[] = [];
  for (const kind of kinds()) {
    if (!kind.views[view] || kind.between) continue;
    const ref = parentRef(kind, view);
    const targetColl = ref ? kindById(ref.kind)?.collection : undefined;
    for (const [name, fields] of Object.entries(value[kind.collection] ?? {})) {
      const p = ref && targetColl ? (ref.noSole ? (typeof fields[ref.field] === 'string' ? (fields[ref.field] as string) : null) : resolveRef(value, fields, ref.field, targetColl)) : null;
      const parent = p !== null && targetColl && value[targetColl]?.[p] !== undefined ? objectId(targetColl, p) : null;
      items.push({ id: objectId(kind.collection, name), kind, name, fields, parent });
    }
  }
  return items;
}

function detailOf(kind: ObjectKind, fields: Fields): string {
  if (typeof fields.cidr === 'string') return fields.cidr;
  if (typeof fields.ip === 'string') return fields.ip;
  return kind.label;
}

export function buildGraph(
  value: DocValue,
  view: View,
  positions: Readonly<Record<string, Point>>,
  badges: ReadonlyMap<string, Badge>,
): CanvasGraph {
  const items = itemsOfView(value, view);
  const children = new Map<string | null, Item[]>();
  for (const it of items) {
    const list = children.get(it.parent) ?? [];
    list.push(it);
    children.set(it.parent, list);
  }
  const nodes: CanvasNode[] = [];
  const place = (parent: string | null, origin: Point): Size => {
    const list = children.get(parent) ?? [];
    // Sizes first (children's boxes decide their parents'), then positions.
    const sized = list.map((it) => {
      const start = nodes.length;
      nodes.push(null as unknown as CanvasNode); // reserved: a parent comes before its children
      const size = it.kind.container ? place(it.id, { x: PAD, y: HEADER }) : LEAF;
      return { it, size, slot: start };
    });
    const cell = sized.reduce((m, s) => ({ width: Math.max(m.width, s.size.width), height: Math.max(m.height, s.size.height) }), { width: 0, height: 0 });
    const cols = Math.max(1, Math.ceil(Math.sqrt(sized.length)));
    let right = 0;
    let bottom = 0;
    sized.forEach(({ it, size, slot }, i) => {
      const remembered = positions[positionKey(view, it.id)];
      const position = remembered ?? { x: origin.x + (i % cols) * (cell.width + GAP), y: origin.y + Math.floor(i / cols) * (cell.height + GAP) };
      right = Math.max(right, position.x + size.width);
      bottom = Math.max(bottom, position.y + size.height);
      nodes[slot] = {
        id: it.id,
        type: it.kind.container ? 'group' : 'object',
        position,
        ...(parent ? { parentNode: parent } : {}),
        size,
        data: {
          kind: it.kind.kind, collection: it.kind.collection, name: it.name, label: it.kind.label, glyph: it.kind.glyph,
          container: it.kind.container === true, detail: detailOf(it.kind, it.fields), badge: badges.get(it.id) ?? null,
        },
      };
    });
    return { width: Math.max(MIN_BOX.width, right + PAD), height: Math.max(MIN_BOX.height, bottom + PAD) };
  };
  place(null, { x: 0, y: 0 });
  return { nodes, edges: edgesOfView(value, view, new Set(items.map((i) => i.id)), badges) };
}

function edgesOfView(value: DocValue, view: View, drawn: ReadonlySet<string>, badges: ReadonlyMap<string, Badge>): CanvasEdge[] {
  const edges: CanvasEdge[] = [];
  for (const kind of kinds()) {
    if (!kind.views[view]) continue;
    for (const [name, fields] of Object.entries(value[kind.collection] ?? {})) {
      const self = objectId(kind.collection, name);
      if (kind.between) {
        const target = kindById(kind.between.kind);
        const ends = nameList(fields[kind.between.field]);
        if (!target || ends.length !== 2) continue;
        const [a, b] = ends.map((n) => objectId(target.collection, n));
        if (drawn.has(a) && drawn.has(b)) {
          edges.push({ id: self, source: a, target: b, label: name, data: { collection: kind.collection, name, field: kind.between.field, list: false, target: ends[1], badge: badges.get(self) ?? null } });
        }
        continue;
      }
      if (!drawn.has(self)) continue;
      for (const link of kind.links ?? []) {
        const target = kindById(link.kind);
        if (!target) continue;
        const names = link.list ? nameList(fields[link.field]) : typeof fields[link.field] === 'string' ? [fields[link.field] as string] : [];
        for (const n of names) {
          const t = objectId(target.collection, n);
          if (!drawn.has(t)) continue;
          edges.push({ id: `${self}>${link.field}>${n}`, source: self, target: t, label: link.label ?? link.field, data: { collection: kind.collection, name, field: link.field, list: link.list === true, target: n, badge: null } });
        }
      }
    }
  }
  return edges;
}
