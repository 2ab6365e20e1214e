/**
 * The scalar vocabulary of a topology document. Patterns live here once and serve three users:
 * zod (validation), the published JSON Schema (editor completion and inline errors) and the
 * issue mapper, which recognises a failed pattern to give it a precise diagnostic code.
 */
import { z } from './zod.ts';
import { NAME_PATTERN } from '../names.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4_PATTERN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
export const CIDR_PATTERN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?\\d)$`);
/** A single port ("80" is given as a number) or an inclusive range "from-to". */
export const PORT_RANGE_PATTERN = /^\d{1,5}-\d{1,5}$/;

export const nameSchema = z
  .string()
  .regex(NAME_PATTERN, { error: 'expected a name: letters, digits, "_", "." or "-" (not digits only), at most 63 characters' })
  .describe('A name, unique among objects of its kind.');

export const cidrSchema = z
  .string()
  .regex(CIDR_PATTERN, { error: 'expected an IPv4 CIDR block such as 10.0.0.0/16' })
  .describe('IPv4 CIDR block, e.g. 10.0.0.0/16.');

export const ipv4Schema = z
  .string()
  .regex(IPV4_PATTERN, { error: 'expected an IPv4 address such as 10.0.1.10' })
  .describe('IPv4 address, e.g. 10.0.1.10.');

export const portsSchema = z
  .union([z.int().min(0).max(65535), z.string().regex(PORT_RANGE_PATTERN)], {
    error: 'expected a port number (0-65535) or a range such as "8000-8080"',
  })
  .describe('A port (80) or an inclusive range ("8000-8080"). Omitted: all ports.');

export const protocolSchema = z
  .enum(['tcp', 'udp', 'icmp', 'all'])
  .describe('IP protocol the rule matches; "all" matches every protocol.');

/** ICMP type or code; -1 (or omitted) matches any. */
export const icmpFieldSchema = z.int().min(-1).max(255);

/** MTU of a guest interface or a path, in bytes. */
export const mtuSchema = z.int().min(576).max(9001);

export const nameListSchema = z.array(nameSchema);
