/**
 * Every number the resolver uses when the document is silent, in one place so docs/topology.md
 * and the tests can cite them.
 */
import { parseCidr, type Cidr } from '../base/addr.ts';

/** Names of objects the resolver creates: zone "az1", rack "az1-rack1", host "az1-host1". */
export const DEFAULT_ZONE_BASE = 'az';
export const rackBase = (zone: string): string => `${zone}-rack`;
export const hostBase = (zone: string): string => `${zone}-host`;

export const DEFAULT_HOST_CAPACITY = 16;
/** MTU inside a VPC and across a same-Region peering (EC2 jumbo frames). */
export const VPC_MTU = 9001;

/** VPC CIDR and subnet sizes AWS allows. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

/**
 * Underlay plan: 100.64.0.0/10 (shared address space, visibly not a tenant range). Zone z
 * (0-based) and its r-th rack (0-based) get 100.(64+z).(r+1).0/24; the ToR is .1 and the rack's
 * j-th host .(10+j). Spine addresses belong to the fabric builder.
 */
export const UNDERLAY: Cidr = parseCidr('100.64.0.0/10')!;
export const MAX_ZONES = 64;
export const MAX_RACKS_PER_ZONE = 254;
export const MAX_HOSTS_PER_RACK = 240;
export const TOR_HOST_PART = 1;
export const FIRST_HOST_PART = 10;

/** ENI MACs are 02:00:00 (locally administered) followed by the 24-bit ENI number. */
export const ENI_MAC_BASE = 0x020000000000;

/** Rule number of the allow-all entry in a default network ACL. */
export const DEFAULT_NACL_RULE = 100;
