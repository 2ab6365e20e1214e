/**
 * Canvas gestures as typed changes: add, connect, nest, rename, set a field, delete, paste.
 * Each returns one labelled edit (a list of TopologyChange applied and undone as a unit), or a
 * sentence saying why the gesture means nothing (connecting a rack to a route table).
 */
import type { TopologyChange } from '../../../../core/topology/index.ts';
import { freeCidr } from './cidr-alloc.ts';
import { nameList, objectId, resolveRef, splitId, type DocValue, type Fields } from './doc-value.ts';
import { itemsOfView } from './graph.ts';
import { kindById, kindOfCollection, parentRef, type ObjectKind, type View } from './kinds.ts';
import { refFields, retarget } from './references.ts';

export interface Edit {
  readonly label: string;
  readonly changes: readonly TopologyChange[];
  /** The objects the edit made, to select them afterwards. */
  readonly created?: readonly string[];
}

export type Gesture = Edit | { readonly refused: string };

export const refused = (g: Gesture): g is { readonly refused: string } => 'refused' in g;

export function nextName(value: DocValue, collection: string, prefix: string): string {
  const used = new Set(Object.keys(value[collection] ?? {}));
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

function kindOf(id: string): ObjectKind | undefined {
  return kindOfCollection(splitId(id).collection);
}

/** A value with one more object in it, so the next allocation in the same edit sees it. */
function withObject(value: DocValue, collection: string, name: string, fields: Fields): DocValue {
  return { ...value, [collection]: { ...(value[collection] ?? {}), [name]: fields } };
}

/** Adds a new object of `kindId`, inside `parentId` when it was dropped into a fitting box. */
export function addObject(value: DocValue, kindId: string, view: View, parentId: string | null): Gesture {
  const kind = kindById(kindId);
  if (!kind) return { refused: `no object kind "${kindId}"` };
  if (kind.between) return { refused: `a ${kind.label.toLowerCase()} is made by connecting two ${kindById(kind.between.kind)?.label ?? ''}s` };
  const ref = parentRef(kind, view);
  const parentKind = parentId ? kindOf(parentId) : undefined;
  const parent = ref && parentKind?.kind === ref.kind && parentId ? splitId(parentId).name : null;
  const name = nextName(value, kind.collection, kind.prefix);
  const fields = kind.create({ value, parent });
  return {
    label: `Add ${kind.label.toLowerCase()} ${name}`,
    changes: [{ op: 'set', path: [kind.collection, name], value: fields }],
    created: [objectId(kind.collection, name)],
  };
}

/** A peering between two VPCs. */
export function peer(value: DocValue, a: string, b: string): Gesture {
  if (a === b) return { refused: 'a VPC cannot peer with itself' };
  const exists = Object.values(value.peerings ?? {}).some((p) => {
    const v = nameList(p.vpcs);
    return (v[0] === a && v[1] === b) || (v[0] === b && v[1] === a);
  });
  if (exists) return { refused: `${a} and ${b} are already peered` };
  const base = `${a}-${b}`;
  const name = value.peerings?.[base] === undefined ? base : nextName(value, 'peerings', `${base}-`);
  return { label: `Peer ${a} with ${b}`, changes: [{ op: 'set', path: ['peerings', name], value: { vpcs: [a, b] } }], created: [objectId('peerings', name)] };
}

/** Connecting two objects sets the reference one can hold to the other (either way round). */
export function connect(value: DocValue, sourceId: string, targetId: string): Gesture {
  const s = kindOf(sourceId);
  const t = kindOf(targetId);
  if (!s || !t) return { refused: 'unknown object' };
  const sn = splitId(sourceId).name;
  const tn = splitId(targetId).name;
  for (const kind of kindsBetween(s)) if (kind.between?.kind === t.kind && s.kind === t.kind) return peer(value, sn, tn);
  const forward = refFields(s, t)[0];
  if (forward) return setRef(value, s, sn, forward, tn);
  const backward = refFields(t, s)[0];
  if (backward) return setRef(value, t, tn, backward, sn);
  return { refused: `a ${s.label.toLowerCase()} cannot be connected to a ${t.label.toLowerCase()}` };
}

/** Kinds drawn as edges between two objects of `k` (peerings for VPCs). */
function kindsBetween(k: ObjectKind): ObjectKind[] {
  return [kindById('peering')].filter((x): x is ObjectKind => x?.between?.kind === k.kind);
}

function setRef(value: DocValue, holder: ObjectKind, name: string, ref: { field: string; list: boolean }, target: string): Gesture {
  const path = [holder.collection, name, ref.field];
  if (!ref.list) {
    if (value[holder.collection]?.[name]?.[ref.field] === target) return { refused: `${name} already has ${ref.field} ${target}` };
    return { label: `Set ${name}.${ref.field} to ${target}`, changes: [{ op: 'set', path, value: target }] };
  }
  const list = nameList(value[holder.collection]?.[name]?.[ref.field]);
  if (list.includes(target)) return { refused: `${target} is already in ${name}.${ref.field}` };
  return { label: `Add ${target} to ${name}.${ref.field}`, changes: [{ op: 'set', path, value: [...list, target] }] };
}

/** Moving a node into another box of the right kind nests it there (or out of any box). */
export function nest(value: DocValue, id: string, view: View, parentId: string | null): Gesture | null {
  const kind = kindOf(id);
  const ref = kind ? parentRef(kind, view) : undefined;
  if (!kind || !ref) return null;
  const { name } = splitId(id);
  const current = value[kind.collection]?.[name]?.[ref.field];
  if (parentId === null) {
    if (current === undefined) return null;
    return { label: `Take ${name} out of ${String(current)}`, changes: [{ op: 'delete', path: [kind.collection, name, ref.field] }] };
  }
  if (kindOf(parentId)?.kind !== ref.kind) return null;
  const parent = splitId(parentId).name;
  if (current === parent) return null;
  return { label: `Move ${name} into ${parent}`, changes: [{ op: 'set', path: [kind.collection, name, ref.field], value: parent }] };
}

/** Renames an object and every reference to it. */
export function rename(value: DocValue, id: string, to: string): Gesture {
  const kind = kindOf(id);
  const { collection, name } = splitId(id);
  if (!kind) return { refused: 'unknown object' };
  if (to === name) return { refused: 'same name' };
  if (value[collection]?.[to] !== undefined) return { refused: `there is already a ${kind.label.toLowerCase()} named ${to}` };
  // References first, while the paths still name the old key of objects of the same kind.
  return { label: `Rename ${name} to ${to}`, changes: [...retarget(value, kind, name, to), { op: 'rename', path: [collection, name], to }] };
}

/** Sets one field of an object; undefined removes it (the default applies again). */
export function setField(value: DocValue, id: string, field: string, v: unknown): Gesture {
  const { collection, name } = splitId(id);
  const fields = value[collection]?.[name];
  if (!fields) return { refused: `no object ${id}` };
  if (v === undefined) {
    if (fields[field] === undefined) return { refused: `${field} is not set` };
    return { label: `Clear ${name}.${field}`, changes: [{ op: 'delete', path: [collection, name, field] }] };
  }
  return { label: `Set ${name}.${field}`, changes: [{ op: 'set', path: [collection, name, field], value: v }] };
}

/**
 * Deletes objects and references: a box takes what only lives inside it (a VPC its subnets,
 * a subnet its route-table entries' targets stay), while an object also drawn in the other view
 * (an instance in a deleted host) only loses the reference. Lists naming a deleted object drop
 * it; a peering losing a VPC goes too.
 */
export function deleteObjects(value: DocValue, view: View, ids: readonly string[], edges: readonly { collection: string; name: string; field: string; list: boolean; target: string }[] = []): Gesture {
  const gone = new Set<string>();
  const unplace: TopologyChange[] = [];
  const items = itemsOfView(value, view);
  const visit = (id: string) => {
    if (gone.has(id) || !kindOf(id)) return;
    gone.add(id);
    for (const child of items.filter((i) => i.parent === id)) {
      const ref = parentRef(child.kind, view);
      const elsewhere = Object.keys(child.kind.views).length > 1;
      if (elsewhere && ref) unplace.push({ op: 'delete', path: [child.kind.collection, child.name, ref.field] });
      else visit(child.id);
    }
  };
  for (const id of ids) visit(id);
  // Peerings of a deleted VPC.
  for (const [n, p] of Object.entries(value.peerings ?? {})) {
    if (nameList(p.vpcs).some((v) => gone.has(objectId('vpcs', v)))) gone.add(objectId('peerings', n));
  }
  const sets: TopologyChange[] = [...unplace.filter((c) => !gone.has(objectId(String(c.path[0]), String(c.path[1]))))];
  for (const id of gone) {
    const kind = kindOf(id);
    if (!kind) continue;
    for (const c of retarget(value, kind, splitId(id).name, null, gone)) {
      if (c.op === 'set' || c.op === 'delete') {
        // Only list references are cleaned; a single reference left dangling is what the user
        // sees as a badge (an instance whose subnet went is inside it and went too).
        const holder = kindOfCollection(String(c.path[0]));
        const field = String(c.path[2]);
        const isList = holder?.links?.some((l) => l.field === field && l.list) ?? false;
        if (isList) sets.push(c);
      }
    }
  }
  for (const e of edges) {
    if (gone.has(objectId(e.collection, e.name))) continue;
    if (e.collection === 'peerings') {
      gone.add(objectId('peerings', e.name));
      continue;
    }
    const path = [e.collection, e.name, e.field];
    if (!e.list) sets.push({ op: 'delete', path });
    else {
      const list = nameList(value[e.collection]?.[e.name]?.[e.field]).filter((x) => x !== e.target);
      sets.push(list.length === 0 ? { op: 'delete', path } : { op: 'set', path, value: list });
    }
  }
  const deletes: TopologyChange[] = [...gone].map((id) => ({ op: 'delete', path: [splitId(id).collection, splitId(id).name] }));
  // One change per path: the last wins (a list cleaned twice keeps the second, fuller cleaning).
  const byPath = new Map<string, TopologyChange>();
  for (const c of sets) byPath.set(JSON.stringify(c.path), c);
  const changes = [...byPath.values(), ...deletes];
  if (changes.length === 0) return { refused: 'nothing selected' };
  const count = gone.size + edges.length;
  return { label: count === 1 ? `Delete ${splitId([...gone][0] ?? `${edges[0].collection}/${edges[0].name}`).name}` : `Delete ${count} items`, changes };
}

export interface ClipboardItem {
  readonly collection: string;
  readonly name: string;
  readonly fields: Fields;
}

export function copyObjects(value: DocValue, ids: readonly string[]): ClipboardItem[] {
  const out: ClipboardItem[] = [];
  for (const id of ids) {
    const { collection, name } = splitId(id);
    const fields = value[collection]?.[name];
    if (fields) out.push({ collection, name, fields: structuredClone(fields) as Fields });
  }
  return out;
}

/**
 * Pastes copies under new names. References among the copied objects follow the copies (a
 * copied VPC with its subnet: the new subnet is in the new VPC); addresses that must be unique
 * are not copied (instance ip, VPC number) or are allocated afresh (CIDRs).
 */
export function pasteObjects(value: DocValue, items: readonly ClipboardItem[]): Gesture {
  if (items.length === 0) return { refused: 'the clipboard is empty' };
  const renamed = new Map<string, string>();
  let v = value;
  for (const it of items) {
    const name = freeCopyName(v, it.collection, it.name);
    renamed.set(objectId(it.collection, it.name), name);
    v = withObject(v, it.collection, name, {});
  }
  const changes: TopologyChange[] = [];
  const created: string[] = [];
  v = value;
  // VPCs first, so the CIDR of a pasted subnet is allocated inside its pasted VPC.
  const ordered = [...items].sort((a, b) => Number(b.collection === 'vpcs') - Number(a.collection === 'vpcs'));
  for (const it of ordered) {
    const kind = kindOfCollection(it.collection);
    const name = renamed.get(objectId(it.collection, it.name))!;
    const fields: Record<string, unknown> = { ...it.fields };
    if (kind) {
      // An omitted "sole" parent (a subnet of the only VPC) is written out: after the paste
      // there may be two candidates.
      for (const v2 of Object.values(kind.views)) {
        const ref = v2?.parent;
        const tc = ref && !ref.noSole ? kindById(ref.kind)?.collection : undefined;
        if (ref && tc && fields[ref.field] === undefined) {
          const sole = resolveRef(value, it.fields, ref.field, tc);
          if (sole !== null) fields[ref.field] = sole;
        }
      }
      for (const target of [...new Set([...Object.values(kind.views).map((x) => x?.parent?.kind), ...(kind.links ?? []).map((l) => l.kind), kind.between?.kind])]) {
        const tk = target ? kindById(target) : undefined;
        if (!tk) continue;
        for (const { field, list } of refFields(kind, tk)) {
          const map = (n: string) => renamed.get(objectId(tk.collection, n)) ?? n;
          if (list && Array.isArray(fields[field])) fields[field] = nameList(fields[field]).map(map);
          else if (typeof fields[field] === 'string') fields[field] = map(fields[field] as string);
        }
      }
    }
    if (it.collection === 'instances') delete fields.ip;
    if (it.collection === 'vpcs') {
      delete fields.number;
      fields.cidr = freeCidr(v, 'vpcs', null);
    }
    if (it.collection === 'subnets') fields.cidr = freeCidr(v, 'subnets', typeof fields.vpc === 'string' ? fields.vpc : null);
    v = withObject(v, it.collection, name, fields);
    changes.push({ op: 'set', path: [it.collection, name], value: fields });
    created.push(objectId(it.collection, name));
  }
  return { label: items.length === 1 ? `Paste ${created[0].split('/')[1]}` : `Paste ${items.length} objects`, changes, created };
}

function freeCopyName(value: DocValue, collection: string, name: string): string {
  const base = `${name}-copy`.slice(0, 58);
  if (value[collection]?.[base] === undefined) return base;
  for (let n = 2; ; n++) if (value[collection]?.[`${base}${n}`] === undefined) return `${base}${n}`;
}
