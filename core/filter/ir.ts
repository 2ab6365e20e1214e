import type { FieldDef } from '../dissect/field.ts';
import type { ArithOp, RangeNode, Span } from './ast.ts';
import type { Ipv4Literal } from './literal.ts';
import type { Regex } from './regex.ts';
import type { TypeInfo } from './types.ts';

/**
 * Stage 3's output: the checked, typed form of a filter. Names are resolved to fields, literals
 * converted to the type they are compared with (an IPv4 literal to an address and mask, a MAC to
 * a 48-bit number, a time to nanoseconds), operators reduced to a comparison and a quantifier.
 */

/** A converted constant (see types.ts for the runtime representations). */
export type ConstValue = number | bigint | string | Uint8Array | Ipv4Literal;

export type FunctionName = 'len' | 'count' | 'upper' | 'lower' | 'string' | 'max' | 'min' | 'abs';

export type Value =
  | ({ readonly t: 'field'; readonly type: TypeInfo; readonly def: FieldDef; readonly layers: readonly RangeNode[] | null; readonly layerProto: FieldDef | null; readonly name: Span } & Span)
  | ({ readonly t: 'const'; readonly type: TypeInfo; readonly value: ConstValue } & Span)
  | ({ readonly t: 'slice'; readonly type: TypeInfo; readonly base: Value; readonly ranges: readonly RangeNode[] } & Span)
  | ({ readonly t: 'call'; readonly type: TypeInfo; readonly fn: FunctionName; readonly args: readonly Value[]; readonly name: Span } & Span)
  | ({ readonly t: 'arith'; readonly type: TypeInfo; readonly op: ArithOp; readonly left: Value; readonly right: Value } & Span)
  | ({ readonly t: 'neg'; readonly type: TypeInfo; readonly arg: Value } & Span)
  | ({ readonly t: 'ref'; readonly type: TypeInfo; readonly def: FieldDef } & Span); // ${field}: no selected frame, no value

export type Relation = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export interface SetItem {
  readonly low: Value;
  readonly high: Value | null;
}

export type Test =
  | { readonly t: 'true' }
  | { readonly t: 'and' | 'or'; readonly items: readonly Test[] }
  | { readonly t: 'not'; readonly a: Test }
  | { readonly t: 'exists'; readonly v: Value } // a field is present; a slice is inside its field
  | { readonly t: 'truthy'; readonly v: Value } // an arithmetic or bitwise result is non-zero
  /** `all`: every pair of values satisfies the relation (and there is one); else some pair does. */
  | { readonly t: 'cmp'; readonly rel: Relation; readonly all: boolean; readonly a: Value; readonly b: Value }
  | { readonly t: 'contains'; readonly all: boolean; readonly a: Value; readonly b: Value }
  | { readonly t: 'matches'; readonly all: boolean; readonly a: Value; readonly re: Regex }
  | { readonly t: 'in'; readonly all: boolean; readonly a: Value; readonly set: readonly SetItem[] };
