/**
 * State shared by the resolver steps. Two views of each kind: `declared` (every name the document
 * defines, valid or not) decides whether a reference dangles; the resolved maps hold only objects
 * that passed their own checks, and later steps silently skip anything that depends on a missing
 * one, so one mistake yields one diagnostic rather than a cascade.
 */
import type { Cidr } from '../../base/addr.ts';
import { Reporter, type DocPath } from '../diagnostics.ts';
import type { TopologyDocument } from '../schema/document.ts';
import type { ResolvedPeering } from '../resolved.ts';
import type { Unchecked } from '../schema/prune.ts';
import { suggest } from './suggest.ts';

export interface VpcState { readonly name: string; readonly cidr: Cidr; number: number; readonly origin: DocPath }
export interface SubnetState { readonly name: string; readonly vpc: string; readonly zone: string; readonly cidr: Cidr; readonly origin: DocPath }
export interface ZoneState { readonly name: string; readonly index: number; readonly origin: DocPath | null; readonly racks: string[] }
export interface RackState { readonly name: string; readonly zone: string; readonly indexInZone: number; readonly origin: DocPath | null; readonly hosts: string[] }
export interface HostState {
  readonly name: string;
  readonly rack: string;
  readonly zone: string;
  readonly capacity: number;
  readonly origin: DocPath | null;
  readonly instances: string[];
}

export type Kind = 'zone' | 'rack' | 'host' | 'vpc' | 'subnet' | 'route table' | 'security group' | 'network ACL' | 'instance' | 'peering';

/** Singular and plural, as messages say them. */
const KIND_NAMES: Readonly<Record<Kind, readonly [string, string]>> = {
  zone: ['availability zone', 'zones'], rack: ['rack', 'racks'], host: ['host', 'hosts'], vpc: ['VPC', 'VPCs'],
  subnet: ['subnet', 'subnets'], 'route table': ['route table', 'route tables'],
  'security group': ['security group', 'security groups'], 'network ACL': ['network ACL', 'network ACLs'],
  instance: ['instance', 'instances'], peering: ['peering', 'peerings'],
};

export class ResolveContext {
  readonly report = new Reporter();
  readonly zones = new Map<string, ZoneState>();
  readonly racks = new Map<string, RackState>();
  readonly hosts = new Map<string, HostState>();
  readonly vpcs = new Map<string, VpcState>();
  readonly subnets = new Map<string, SubnetState>();
  readonly peerings = new Map<string, ResolvedPeering>();
  /** Security groups by name (including "<vpc>/default") → their VPC. */
  readonly securityGroups = new Map<string, string>();
  readonly declared: Readonly<Record<Kind, ReadonlySet<string>>>;

  constructor(readonly doc: TopologyDocument, readonly unchecked: Unchecked = { names: new Map(), kinds: new Set() }) {
    const names = (kind: Kind, m: Record<string, unknown> | null | undefined): ReadonlySet<string> =>
      new Set([...Object.keys(m ?? {}), ...(unchecked.names.get(kind) ?? [])]);
    this.declared = {
      zone: names('zone', doc.zones), rack: names('rack', doc.racks), host: names('host', doc.hosts), vpc: names('vpc', doc.vpcs),
      subnet: names('subnet', doc.subnets), 'route table': names('route table', doc.routeTables),
      'security group': names('security group', doc.securityGroups), 'network ACL': names('network ACL', doc.networkAcls),
      instance: names('instance', doc.instances), peering: names('peering', doc.peerings),
    };
  }

  /**
   * Resolve a by-name reference. `value` undefined means omitted: that is allowed only when
   * exactly one candidate exists. Returns null after reporting when it cannot resolve; also null
   * without a report when the name is declared but its object failed its own checks.
   */
  ref<T>(kind: Kind, candidates: ReadonlyMap<string, T>, value: string | undefined, path: DocPath, owner: string): T | null {
    // The schema refused this whole collection: its objects cannot be told apart, so stay quiet.
    if (this.unchecked.kinds.has(kind)) return value === undefined ? null : candidates.get(value) ?? null;
    if (value === undefined) {
      // Declared-but-invalid objects count too: omitting the name must not silently pick another.
      const all = new Set([...this.declared[kind], ...candidates.keys()]);
      if (all.size === 1) return candidates.get(all.values().next().value!) ?? null;
      const count = all.size;
      const what = KIND_NAMES[kind];
      this.report.error('ambiguous-reference', path.slice(0, -1), count === 0
        ? `${owner} needs ${/^[aeiou]/i.test(what[0]) ? 'an' : 'a'} ${what[0]}, but the document has none`
        : `${owner} must name its ${what[0]}: the document has ${count} ${what[1]}`, true);
      return null;
    }
    const found = candidates.get(value);
    if (found !== undefined) return found;
    if (!this.declared[kind].has(value)) this.unknown(kind, value, path, [...candidates.keys(), ...this.declared[kind]]);
    return null;
  }

  unknown(kind: Kind, value: string, path: DocPath, known: Iterable<string>): void {
    if (this.unchecked.kinds.has(kind)) return;
    const hint = suggest(value, known);
    this.report.error('unknown-reference', path, `unknown ${KIND_NAMES[kind][0]} "${value}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}

/** The document's entries of a collection in document order, empty values read as {}. */
export function entries<T>(m: Record<string, T | null> | null | undefined): [string, NonNullable<T> | Record<string, never>][] {
  return Object.entries(m ?? {}).map(([k, v]) => [k, v ?? {}]);
}
