/**
 * The topology document, version 1: what the user writes and the editors edit. Every collection
 * is a map keyed by object name (names are unique per kind because map keys are), and objects
 * refer to each other by name. Optional everything: the resolver fills in defaults (normalize.ts).
 * An empty value (`az1:` with nothing after it) is accepted wherever an object has no required key.
 */
import { z } from './zod.ts';
import { cidrSchema, ipv4Schema, mtuSchema, nameListSchema, nameSchema } from './primitives.ts';
import { networkAclRuleSchema, securityGroupRuleSchema } from './rules.ts';
import { routeSchema } from './routes.ts';

export const CURRENT_VERSION = 1;

const collection = <T extends z.ZodType>(item: T, what: string) =>
  z.record(nameSchema, item).optional().nullable().describe(what);

const ref = (kind: string) =>
  nameSchema.optional().describe(`Name of the ${kind}; may be omitted when the document has exactly one.`);

export const zoneSchema = z.strictObject({ description: z.string().max(255).optional() }).nullable();

export const rackSchema = z.strictObject({ zone: ref('availability zone') }).nullable();

export const hostSchema = z
  .strictObject({
    rack: ref('rack'),
    capacity: z.int().min(1).max(240).optional().describe('Instances the host can run; default 16.'),
  })
  .nullable();

export const vpcSchema = z.strictObject({
  cidr: cidrSchema.describe('VPC CIDR block, /16 to /28.'),
  number: z
    .int()
    .min(1)
    .max(0xffffff)
    .optional()
    .describe('The VPC number, carried as the Geneve VNI; default: the lowest unused, in document order.'),
  description: z.string().max(255).optional(),
});

export const subnetSchema = z.strictObject({
  vpc: ref('VPC'),
  cidr: cidrSchema.describe('Subnet CIDR block inside the VPC, /16 to /28.'),
  zone: ref('availability zone'),
});

export const routeTableSchema = z.strictObject({
  vpc: ref('VPC'),
  main: z.boolean().optional().describe('The VPC main route table, used by subnets without an association.'),
  subnets: nameListSchema.optional().describe('Subnets associated with this table.'),
  routes: z.array(routeSchema).optional(),
});

export const securityGroupSchema = z.strictObject({
  vpc: ref('VPC'),
  description: z.string().max(255).optional(),
  inbound: z.array(securityGroupRuleSchema).optional(),
  outbound: z
    .array(securityGroupRuleSchema)
    .optional()
    .describe('Omitted: allow all outbound traffic, as AWS does for a new group.'),
});

export const networkAclSchema = z.strictObject({
  vpc: ref('VPC'),
  subnets: nameListSchema.optional().describe('Subnets associated with this ACL.'),
  ingress: z.array(networkAclRuleSchema).optional(),
  egress: z.array(networkAclRuleSchema).optional(),
});

export const instanceSchema = z
  .strictObject({
    subnet: ref('subnet'),
    ip: ipv4Schema.optional().describe('Private IPv4 address; default: the first free one of the subnet.'),
    host: nameSchema.optional().describe('Host that runs the instance; default: placed by zone (see docs).'),
    securityGroups: nameListSchema
      .min(1)
      .max(16)
      .optional()
      .describe('Security groups of the instance ENI; default: the VPC default group.'),
    sourceDestCheck: z.boolean().optional().describe('Drop traffic the instance neither sent nor receives; default true.'),
    mtu: mtuSchema.optional().describe('Guest interface MTU; default 9001.'),
  })
  .nullable();

export const peeringSchema = z.strictObject({
  vpcs: z.tuple([nameSchema, nameSchema]).describe('Requester and accepter VPC.'),
  mtu: mtuSchema.optional().describe('Path MTU across the peering; default 9001 (same Region).'),
});

export const topologySchema = z
  .strictObject({
    version: z.literal(CURRENT_VERSION).describe('Document format version.'),
    name: z.string().max(255).optional(),
    description: z.string().max(4096).optional(),
    zones: collection(zoneSchema, 'Availability zones; default: one zone "az1".'),
    racks: collection(rackSchema, 'Racks, each with a ToR switch; default: one per zone.'),
    hosts: collection(hostSchema, 'Physical hosts, each with a Nitro card; default: one per unplaced instance.'),
    vpcs: collection(vpcSchema, 'Virtual private clouds.'),
    subnets: collection(subnetSchema, 'Subnets; names are unique across all VPCs.'),
    routeTables: collection(routeTableSchema, 'Route tables; each VPC also has a main table unless one is marked main.'),
    securityGroups: collection(securityGroupSchema, 'Security groups; "default" is reserved for each VPC default group.'),
    networkAcls: collection(networkAclSchema, 'Network ACLs; subnets without one use the VPC default ACL (allow all).'),
    instances: collection(instanceSchema, 'Instances (one ENI each).'),
    peerings: collection(peeringSchema, 'VPC peering connections (routes are not added automatically).'),
  })
  .describe('An Underlay topology document.');

export type TopologyDocument = z.infer<typeof topologySchema>;
export type ZoneDoc = NonNullable<z.infer<typeof zoneSchema>>;
export type RackDoc = NonNullable<z.infer<typeof rackSchema>>;
export type HostDoc = NonNullable<z.infer<typeof hostSchema>>;
export type VpcDoc = z.infer<typeof vpcSchema>;
export type SubnetDoc = z.infer<typeof subnetSchema>;
export type RouteTableDoc = z.infer<typeof routeTableSchema>;
export type SecurityGroupDoc = z.infer<typeof securityGroupSchema>;
export type NetworkAclDoc = z.infer<typeof networkAclSchema>;
export type InstanceDoc = NonNullable<z.infer<typeof instanceSchema>>;
export type PeeringDoc = z.infer<typeof peeringSchema>;
