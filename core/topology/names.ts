/**
 * Object names: every object in a document is keyed by a user-chosen name, unique per kind
 * (the YAML map key). Names cannot contain '/', so the names of objects the resolver creates
 * ("lab/default", "lab/main") can never collide with the user's. All-digit names are refused:
 * JavaScript orders integer-like object keys first, which would lose the document's order.
 */
export const NAME_PATTERN = /^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** The reference to a VPC's default security group from instances and rules. */
export const DEFAULT_SG_REF = 'default';

export const defaultSecurityGroupName = (vpc: string): string => `${vpc}/default`;
export const defaultNetworkAclName = (vpc: string): string => `${vpc}/default`;
export const mainRouteTableName = (vpc: string): string => `${vpc}/main`;

/** The first of `base1`, `base2`, … not in `taken`: the names of objects created by default. */
export function freshName(base: string, taken: ReadonlySet<string>, start = 1): string {
  for (let n = start; ; n++) {
    const name = `${base}${n}`;
    if (!taken.has(name)) return name;
  }
}
