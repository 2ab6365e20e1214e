/**
 * After a schema failure, the parts of the value that did pass can still be checked for meaning,
 * so the user sees every error at once instead of fixing structure first and then meeting a
 * second wave. This removes what the schema refused — an unknown key alone, otherwise the whole
 * named object (`vpcs.lab`) or collection around the problem — and records what was removed so
 * the resolver treats references to it as unresolvable without reporting them again.
 */
import type { z } from './zod.ts';
import type { Kind } from '../resolve/context.ts';

export const COLLECTION_KINDS: Readonly<Record<string, Kind>> = {
  zones: 'zone', racks: 'rack', hosts: 'host', vpcs: 'vpc', subnets: 'subnet', routeTables: 'route table',
  securityGroups: 'security group', networkAcls: 'network ACL', instances: 'instance', peerings: 'peering',
};

/** Names (or whole kinds) the schema refused: references to them are not reported as dangling. */
export interface Unchecked {
  readonly names: Map<Kind, Set<string>>;
  readonly kinds: Set<Kind>;
}

export function pruneInvalid(value: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): { value: Record<string, unknown>; unchecked: Unchecked } {
  const out = shallowCopy(value);
  const unchecked: Unchecked = { names: new Map(), kinds: new Set() };
  const copied = new Set<string>();
  const collection = (key: string): Record<string, unknown> | null => {
    const c = out[key];
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return null;
    if (!copied.has(key)) {
      out[key] = shallowCopy(c as Record<string, unknown>);
      copied.add(key);
    }
    return out[key] as Record<string, unknown>;
  };
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const [top, name] = path;
    if (typeof top !== 'string') continue;
    const kind = COLLECTION_KINDS[top];
    if (issue.code === 'unrecognized_keys' && path.length === 0) {
      for (const k of issue.keys) delete out[k];
    } else if (!kind || path.length === 1 || typeof name !== 'string') {
      delete out[top];
      if (kind) unchecked.kinds.add(kind);
    } else if (issue.code === 'unrecognized_keys' && path.length === 2) {
      const obj = collection(top)?.[name];
      if (typeof obj === 'object' && obj !== null) {
        const copy = shallowCopy(obj as Record<string, unknown>);
        for (const k of issue.keys) delete copy[k];
        collection(top)![name] = copy;
      }
    } else {
      const c = collection(top);
      if (c) delete c[name];
      if (!unchecked.names.has(kind)) unchecked.names.set(kind, new Set());
      unchecked.names.get(kind)!.add(name);
    }
  }
  return { value: out, unchecked };
}

function shallowCopy(o: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(o)) Object.defineProperty(copy, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return copy;
}
