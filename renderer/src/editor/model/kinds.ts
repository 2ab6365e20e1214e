/**
 * The registry of fabric objects the editor knows: what the palette offers, how each kind nests
 * (AZ ⊃ rack ⊃ host, VPC ⊃ subnet ⊃ instance), which references are drawn as edges and made by
 * connecting, and what a new one starts with. Later kinds (edge gateways, Hyperplane load
 * balancers) register themselves the same way with registerKind; nothing else needs to change.
 */
import type { DocValue, Fields } from './doc-value.ts';
import { freeCidr } from './cidr-alloc.ts';

export type View = 'physical' | 'logical';

/** A reference field to another kind. */
export interface RefField {
  readonly field: string;
  /** The referenced kind's id in this registry. */
  readonly kind: string;
  /** A list of names (route-table subnets) rather than one name. */
  readonly list?: boolean;
  readonly label?: string;
  /** Not a "sole" reference: omitted means unset (an instance without `host` is placed by default). */
  readonly noSole?: boolean;
}

export interface CreateContext {
  readonly value: DocValue;
  /** The container it was dropped into, if any: the name of an object of `parent.kind`. */
  readonly parent: string | null;
}

export interface ObjectKind {
  readonly kind: string;
  /** The document collection its objects live in. */
  readonly collection: string;
  readonly label: string;
  /** New names are `<prefix><n>`, lowest n unused. */
  readonly prefix: string;
  /** A short mark drawn on the node (no icon font: the page loads nothing remote). */
  readonly glyph: string;
  /** The views it is drawn in, each with the reference that nests it there. */
  readonly views: Partial<Record<View, { readonly parent?: RefField }>>;
  /** Drawn as a box that holds other objects. */
  readonly container?: boolean;
  /** Other references, drawn as edges and made by connecting two objects. */
  readonly links?: readonly RefField[];
  /** Drawn as an edge between two objects of one kind (a peering between two VPCs). */
  readonly between?: { readonly field: string; readonly kind: string };
  create(ctx: CreateContext): Fields;
}

const registry = new Map<string, ObjectKind>();

export function registerKind(kind: ObjectKind): void {
  registry.set(kind.kind, kind);
}

export const kinds = (): ObjectKind[] => [...registry.values()];
export const kindById = (id: string): ObjectKind | undefined => registry.get(id);
export const kindOfCollection = (collection: string): ObjectKind | undefined => kinds().find((k) => k.collection === collection);

/** The reference that nests `kind` in `view`, if it is nested there. */
export const parentRef = (kind: ObjectKind, view: View): RefField | undefined => kind.views[view]?.parent;

const withParent = (field: string, parent: string | null, extra: Fields = {}): Fields => (parent ? { [field]: parent, ...extra } : { ...extra });

registerKind({
  kind: 'zone', collection: 'zones', label: 'Availability zone', prefix: 'az', glyph: 'AZ', container: true,
  views: { physical: {} },
  create: () => ({}),
});
registerKind({
  kind: 'rack', collection: 'racks', label: 'Rack', prefix: 'rack', glyph: 'RK', container: true,
  views: { physical: { parent: { field: 'zone', kind: 'zone' } } },
  create: ({ parent }) => withParent('zone', parent),
});
registerKind({
  kind: 'host', collection: 'hosts', label: 'Host', prefix: 'host', glyph: 'H', container: true,
  views: { physical: { parent: { field: 'rack', kind: 'rack' } } },
  create: ({ parent }) => withParent('rack', parent),
});
registerKind({
  kind: 'vpc', collection: 'vpcs', label: 'VPC', prefix: 'vpc', glyph: 'VPC', container: true,
  views: { logical: {} },
  create: ({ value }) => ({ cidr: freeCidr(value, 'vpcs', null) }),
});
registerKind({
  kind: 'subnet', collection: 'subnets', label: 'Subnet', prefix: 'subnet', glyph: 'SN', container: true,
  views: { logical: { parent: { field: 'vpc', kind: 'vpc' } } },
  create: ({ value, parent }) => withParent('vpc', parent, { cidr: freeCidr(value, 'subnets', parent) }),
});
registerKind({
  kind: 'instance', collection: 'instances', label: 'Instance', prefix: 'i', glyph: 'EC2',
  views: { logical: { parent: { field: 'subnet', kind: 'subnet' } }, physical: { parent: { field: 'host', kind: 'host', noSole: true } } },
  links: [{ field: 'securityGroups', kind: 'securityGroup', list: true, label: 'member of' }],
  create: ({ parent }) => withParent('subnet', parent),
});
registerKind({
  kind: 'routeTable', collection: 'routeTables', label: 'Route table', prefix: 'rt', glyph: 'RT',
  views: { logical: { parent: { field: 'vpc', kind: 'vpc' } } },
  links: [{ field: 'subnets', kind: 'subnet', list: true, label: 'routes' }],
  create: ({ parent }) => withParent('vpc', parent),
});
registerKind({
  kind: 'securityGroup', collection: 'securityGroups', label: 'Security group', prefix: 'sg', glyph: 'SG',
  views: { logical: { parent: { field: 'vpc', kind: 'vpc' } } },
  create: ({ parent }) => withParent('vpc', parent),
});
registerKind({
  kind: 'networkAcl', collection: 'networkAcls', label: 'Network ACL', prefix: 'acl', glyph: 'ACL',
  views: { logical: { parent: { field: 'vpc', kind: 'vpc' } } },
  links: [{ field: 'subnets', kind: 'subnet', list: true, label: 'filters' }],
  create: ({ parent }) => withParent('vpc', parent),
});
registerKind({
  kind: 'peering', collection: 'peerings', label: 'Peering', prefix: 'pcx', glyph: 'PCX',
  views: { logical: {} },
  between: { field: 'vpcs', kind: 'vpc' },
  // Made by connecting two VPCs (or from the palette with two VPCs selected): see gestures.ts.
  create: () => ({}),
});
