/**
 * Every place one object names another: the registry's nesting and link fields, plus the two
 * references inside lists of rules (a route's `peering`, a security-group rule's `group`). Rename
 * and delete use it so the rest of the document follows the edit.
 */
import type { TopologyChange } from '../../../../core/topology/index.ts';
import { isRecord, nameList, type DocValue } from './doc-value.ts';
import { kinds, type ObjectKind } from './kinds.ts';

export interface RefSite {
  readonly collection: string;
  readonly name: string;
  readonly field: string;
  readonly list: boolean;
}

/** Fields of `holder` that reference objects of `target`. */
export function refFields(holder: ObjectKind, target: ObjectKind): { field: string; list: boolean }[] {
  const out: { field: string; list: boolean }[] = [];
  for (const v of Object.values(holder.views)) if (v?.parent?.kind === target.kind) out.push({ field: v.parent.field, list: false });
  for (const l of holder.links ?? []) if (l.kind === target.kind) out.push({ field: l.field, list: l.list === true });
  if (holder.between?.kind === target.kind) out.push({ field: holder.between.field, list: true });
  return out;
}

/** The objects whose fields name `name` of kind `target`. */
export function sitesNaming(value: DocValue, target: ObjectKind, name: string): RefSite[] {
  const out: RefSite[] = [];
  for (const holder of kinds()) {
    const fields = refFields(holder, target);
    if (fields.length === 0) continue;
    for (const [n, f] of Object.entries(value[holder.collection] ?? {})) {
      for (const { field, list } of fields) {
        if (list ? nameList(f[field]).includes(name) : f[field] === name) out.push({ collection: holder.collection, name: n, field, list });
      }
    }
  }
  return out;
}

/** Changes that make the references to `from` name `to` instead (or drop them when `to` is null). */
export function retarget(value: DocValue, target: ObjectKind, from: string, to: string | null, skip: ReadonlySet<string> = new Set()): TopologyChange[] {
  const changes: TopologyChange[] = [];
  for (const s of sitesNaming(value, target, from)) {
    if (skip.has(`${s.collection}/${s.name}`)) continue;
    const path = [s.collection, s.name, s.field];
    if (!s.list) {
      changes.push(to === null ? { op: 'delete', path } : { op: 'set', path, value: to });
      continue;
    }
    const list = nameList(value[s.collection]?.[s.name]?.[s.field]);
    const next = to === null ? list.filter((x) => x !== from) : list.map((x) => (x === from ? to : x));
    // A peering must keep two ends: one whose VPC goes is removed with it (see gestures.ts).
    changes.push(next.length === 0 ? { op: 'delete', path } : { op: 'set', path, value: next });
  }
  if (to !== null) changes.push(...ruleRefs(value, target.kind, from, to));
  return changes;
}

/** `routes[i].peering` and `inbound/outbound[i].group` naming a renamed peering or group. */
function ruleRefs(value: DocValue, kind: string, from: string, to: string): TopologyChange[] {
  const out: TopologyChange[] = [];
  const scan = (collection: string, lists: readonly string[], key: string) => {
    for (const [n, f] of Object.entries(value[collection] ?? {})) {
      for (const list of lists) {
        const items = f[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item, i) => {
          if (isRecord(item) && item[key] === from) out.push({ op: 'set', path: [collection, n, list, i, key], value: to });
        });
      }
    }
  };
  if (kind === 'peering') scan('routeTables', ['routes'], 'peering');
  if (kind === 'securityGroup') scan('securityGroups', ['inbound', 'outbound'], 'group');
  return out;
}
