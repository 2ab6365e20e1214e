/**
 * Fields are registered data (Wireshark's hf_register_info): one declaration feeds the detail tree,
 * the hex pane's byte ranges, the display filter and filter completion.
 *
 * Field ids are small integers assigned once, when a protocol module is defined, so that hot paths
 * index typed arrays by id instead of hashing names. Ids never change after assignment.
 */

export type FieldType =
  | 'protocol' // a protocol item: presence, and its bytes for slices and `contains`
  | 'none' // a label-only item (FT_NONE): presence only
  | 'bool' // FT_BOOLEAN: 0 or 1, read through `mask`
  | 'uint' // FT_UINT8..FT_UINT64 (exact up to 2^53)
  | 'int'
  | 'ipv4' // a uint32
  | 'ether' // a 48-bit integer
  | 'bytes' // a Uint8Array
  | 'string' // a JS string
  | 'float' // FT_DOUBLE
  | 'abs_time' // a bigint of nanoseconds since the epoch
  | 'rel_time' // a number of nanoseconds
  | 'framenum'; // a frame number (FT_FRAMENUM)

export type FieldBase = 'dec' | 'hex' | 'oct' | 'dec_hex' | 'hex_dec' | 'none';

/** A field's declaration, as a protocol module writes it. */
export interface FieldSpec {
  /** The display-filter name, e.g. `udp.dstport`. */
  readonly abbrev: string;
  /** The human label, e.g. `Destination Port`. */
  readonly name: string;
  readonly type: FieldType;
  /** Width in bits of the integer on the wire (8, 16, 24, 32, 64): decides hex padding. */
  readonly bits?: number;
  readonly base?: FieldBase;
  /** Bitmask over the item's bytes; the value is `(raw & mask) >> trailing zeros of mask`. */
  readonly mask?: number;
  /** Value strings (Wireshark's value_string): shown in labels and accepted by filters. */
  readonly strings?: Readonly<Record<number, string>>;
  /** Labels for booleans, [true, false]; Wireshark's default is Set / Not set. */
  readonly trueFalse?: readonly [string, string];
  /** Hidden fields (ip.addr, tcp.port) filter but never show in the tree. */
  readonly hidden?: boolean;
  /** Generated fields ([Stream index: 3]) are computed, not read from bytes. */
  readonly generated?: boolean;
  readonly description?: string;
}

/** A registered field: its spec plus the id hot paths use. */
export interface FieldDef extends FieldSpec {
  readonly id: number;
  /** The abbrev of the protocol that owns it (`udp` for `udp.dstport`). */
  readonly protocol: string;
}

/** A field value as dissection produces it; protocols and label-only items have none. */
export type FieldValue = number | bigint | string | Uint8Array | null;

let nextFieldId = 1; // 0 stays unused so that a zeroed typed array means "no field"

/** Assigns the next id. Only `defineProtocol` calls this, at module load. */
export function allocateFieldId(): number {
  return nextFieldId++;
}

/** How many ids have been given out so far: typed arrays indexed by id use this length. */
export function fieldIdLimit(): number {
  return nextFieldId;
}

/** Number of trailing zero bits of a mask (0 for mask 0). */
export function maskShift(mask: number): number {
  if (!mask) return 0;
  let shift = 0;
  while (mask % 2 === 0) {
    mask = Math.floor(mask / 2);
    shift++;
  }
  return shift;
}

let nextGroupIndex = 0;

/**
 * Some of a protocol's fields, declared once (module level): a dissector asks
 * `ctx.wantsAnyOf(group)` (answered once per sink) and skips adding the group's items when no
 * field of it is wanted.
 */
export class FieldGroup {
  /** Small integer index for per-sink caches. */
  readonly index = nextGroupIndex++;
  constructor(readonly fields: readonly FieldDef[]) {}
}

