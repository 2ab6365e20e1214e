import type { FieldDef, FieldType } from '../dissect/field.ts';

/**
 * Value types as the filter sees them, with Wireshark's names for messages. Runtime
 * representations (what a value producer yields):
 *
 *   int, bool, framenum, float, ether   number (an Ethernet address is a 48-bit integer)
 *   ipv4                                number (uint32); constants may carry a CIDR mask
 *   bytes, protocol                     Uint8Array (a protocol is the bytes it spans)
 *   string                              string, one char per byte (as dissectors make them)
 *   abs_time, rel_time                  bigint nanoseconds
 *   none                                presence only
 */
export type FType = FieldType;

export interface TypeInfo {
  readonly ft: FType;
  /** Byte width for integers (1, 2, 3, 4, 5, 6, 7, 8). */
  readonly size: number;
  /** The field a value comes from, when it is a field (for value strings and messages). */
  readonly def: FieldDef | null;
}

export function integerSize(def: FieldDef | null): number {
  const bits = def?.bits ?? 32;
  return Math.min(8, Math.max(1, Math.ceil(bits / 8)));
}

export function typeOfField(def: FieldDef): TypeInfo {
  return { ft: def.type, size: integerSize(def), def };
}

export function plainType(ft: FType, size = 4): TypeInfo {
  return { ft, size, def: null };
}

export const BYTES_TYPE: TypeInfo = plainType('bytes');
export const STRING_TYPE: TypeInfo = plainType('string');
export const UINT32_TYPE: TypeInfo = plainType('uint', 4);

/** Wireshark's ftenum name: `FT_UINT16`. */
export function ftName(t: TypeInfo): string {
  switch (t.ft) {
    case 'uint':
      return `FT_UINT${t.size * 8}`;
    case 'int':
      return `FT_INT${t.size * 8}`;
    case 'bool':
      return 'FT_BOOLEAN';
    case 'ipv4':
      return 'FT_IPv4';
    case 'ether':
      return 'FT_ETHER';
    case 'bytes':
      return 'FT_BYTES';
    case 'string':
      return 'FT_STRING';
    case 'float':
      return 'FT_DOUBLE';
    case 'abs_time':
      return 'FT_ABSOLUTE_TIME';
    case 'rel_time':
      return 'FT_RELATIVE_TIME';
    case 'framenum':
      return 'FT_FRAMENUM';
    case 'protocol':
      return 'FT_PROTOCOL';
    case 'none':
      return 'FT_NONE';
  }
}

/** Wireshark's pretty type name: `Unsigned integer (2 bytes)`. */
export function typeDescription(t: TypeInfo): string {
  const bytes = `${t.size} byte${t.size === 1 ? '' : 's'}`;
  switch (t.ft) {
    case 'uint':
      return `Unsigned integer (${bytes})`;
    case 'int':
      return `Signed integer (${bytes})`;
    case 'bool':
      return 'Boolean';
    case 'ipv4':
      return 'IPv4 address';
    case 'ether':
      return 'Ethernet or other MAC address';
    case 'bytes':
      return 'Byte sequence';
    case 'string':
      return 'Character string';
    case 'float':
      return 'Floating point (double-precision)';
    case 'abs_time':
      return 'Date and time';
    case 'rel_time':
      return 'Time offset';
    case 'framenum':
      return 'Frame number';
    case 'protocol':
      return 'Protocol';
    case 'none':
      return 'Label';
  }
}

export function isInteger(ft: FType): boolean {
  return ft === 'uint' || ft === 'int' || ft === 'framenum';
}

/** Types whose values are bytes for slices, `contains` and `matches`. */
export function isByteLike(ft: FType): boolean {
  return ft === 'bytes' || ft === 'protocol' || ft === 'ether';
}

/** tshark 4.0's compatible_ftypes: which field types may be compared with each other. */
export function compatible(a: FType, b: FType): boolean {
  if (isInteger(a) && a !== 'framenum') return isInteger(b) && b !== 'framenum';
  if (a === 'bytes' || a === 'ether') return b === 'bytes' || b === 'ether';
  return a === b;
}
