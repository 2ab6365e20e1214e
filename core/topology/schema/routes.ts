/**
 * Routes and their targets. The target is a discriminated union on `target`, with one payload key
 * named after the kind, so later kinds (igw, nat, tgw, endpoint) are one more member here plus one
 * more case in resolve/route-tables.ts; documents that use only today's kinds stay valid.
 */
import { z } from './zod.ts';
import { cidrSchema, nameSchema } from './primitives.ts';

const destination = cidrSchema.describe('Destination CIDR block of the route.');

export const localRouteSchema = z
  .strictObject({ destination, target: z.literal('local') })
  .describe('The VPC-local route; always present, may be written to make it visible.');

export const peeringRouteSchema = z
  .strictObject({ destination, target: z.literal('peering'), peering: nameSchema.describe('Peering connection name.') })
  .describe('Send matching traffic over a VPC peering connection.');

export const ROUTE_TARGET_KINDS = ['local', 'peering'] as const;

export const routeSchema = z.discriminatedUnion('target', [localRouteSchema, peeringRouteSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? `expected target to be one of: ${ROUTE_TARGET_KINDS.join(', ')}` : undefined,
});

export type RouteDoc = z.infer<typeof routeSchema>;
