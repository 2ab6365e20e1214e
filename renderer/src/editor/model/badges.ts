/**
 * Validation badges: loadTopology's diagnostics mapped by path onto the objects they are about.
 * A diagnostic at `subnets.app.cidr` marks the node `subnets/app`; one at
 * `peerings.p.vpcs[1]` marks the peering's edge. Diagnostics above any object (a syntax error,
 * `version`) mark nothing and stay in the list under the editor.
 */
import type { TopologyDiagnostic } from '../../../../core/topology/index.ts';
import { objectId } from './doc-value.ts';

export interface Badge {
  readonly errors: number;
  readonly warnings: number;
  /** The messages, for the tooltip and the inspector. */
  readonly messages: readonly string[];
}

export function badgesByObject(diagnostics: readonly TopologyDiagnostic[]): ReadonlyMap<string, Badge> {
  const out = new Map<string, { errors: number; warnings: number; messages: string[] }>();
  for (const d of diagnostics) {
    const [collection, name] = d.path;
    if (typeof collection !== 'string' || typeof name !== 'string') continue;
    const id = objectId(collection, name);
    const b = out.get(id) ?? { errors: 0, warnings: 0, messages: [] };
    if (d.severity === 'error') b.errors++;
    else b.warnings++;
    b.messages.push(`${d.severity === 'error' ? 'Error' : 'Warning'} (line ${d.line}): ${d.message}`);
    out.set(id, b);
  }
  return out;
}

/** The diagnostics at or under one object, for the inspector's inline messages. */
export function diagnosticsAt(diagnostics: readonly TopologyDiagnostic[], collection: string, name: string): TopologyDiagnostic[] {
  return diagnostics.filter((d) => d.path[0] === collection && d.path[1] === name);
}
