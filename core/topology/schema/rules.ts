/**
 * Security-group and network-ACL rules. Fields that only make sense together (ports with tcp/udp,
 * ICMP type with icmp, exactly one of cidr/group) are checked by the resolver, not here, so the
 * diagnostics can say which combination is wrong instead of "no union member matched".
 */
import { z } from './zod.ts';
import { cidrSchema, icmpFieldSchema, nameSchema, portsSchema, protocolSchema } from './primitives.ts';

export const securityGroupRuleSchema = z
  .strictObject({
    protocol: protocolSchema,
    ports: portsSchema.optional(),
    icmpType: icmpFieldSchema.optional().describe('ICMP type (icmp only); -1 or omitted: any.'),
    icmpCode: icmpFieldSchema.optional().describe('ICMP code (icmp only); -1 or omitted: any.'),
    cidr: cidrSchema.optional().describe('Peer addresses (source for inbound, destination for outbound).'),
    group: nameSchema.optional().describe('Peer security group, or "default" for the VPC default group.'),
    description: z.string().max(255).optional(),
  })
  .describe('Allow rule: security groups only allow; anything no rule allows is denied.');

export const networkAclRuleSchema = z
  .strictObject({
    rule: z.int().describe('Rule number 1-32766; lowest first, first match wins.'),
    action: z.enum(['allow', 'deny']),
    protocol: protocolSchema,
    ports: portsSchema.optional(),
    icmpType: icmpFieldSchema.optional(),
    icmpCode: icmpFieldSchema.optional(),
    cidr: cidrSchema.optional().describe('Peer addresses; omitted: 0.0.0.0/0.'),
    description: z.string().max(255).optional(),
  })
  .describe('Stateless network ACL entry.');

export type SecurityGroupRuleDoc = z.infer<typeof securityGroupRuleSchema>;
export type NetworkAclRuleDoc = z.infer<typeof networkAclRuleSchema>;
