/**
 * Stage 2's output (Wireshark's syntax tree): what the filter says, with the character range of
 * every node, before any name is resolved. Literals keep their source text; the semantic check
 * converts them once it knows the type they are compared with.
 */

/** A comparison operator as tshark 4.0 reads it. `!=` is all_ne, `!==` (and `~=`) any_ne. */
export type CmpOp = '==' | '!=' | '===' | '!==' | '>' | '>=' | '<' | '<=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';
export type Quantifier = 'any' | 'all' | null;

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One range of a slice or layer: `i:j` (start, length), `i-j` (start..end), `i`, `:j`, `i:`. */
export interface RangeNode extends Span {
  readonly text: string;
  readonly from: number;
  /** Length for `i:j` and `i` and `:j`; null means to the end. */
  readonly length: number | null;
  /** End offset, inclusive, for `i-j`. */
  readonly to: number | null;
}

export type Entity =
  | ({ readonly k: 'unparsed'; readonly text: string } & Span) // field name or literal, decided later
  | ({ readonly k: 'field'; readonly name: string } & Span) // `.name`
  | ({ readonly k: 'literal'; readonly text: string; readonly value: string } & Span) // `:ff`, MAC, IP…
  | ({ readonly k: 'string'; readonly text: string; readonly value: string } & Span)
  | ({ readonly k: 'charconst'; readonly text: string; readonly value: number } & Span)
  | ({ readonly k: 'ref'; readonly name: string } & Span) // ${field}
  | ({ readonly k: 'layer'; readonly base: Entity; readonly ranges: readonly RangeNode[] } & Span) // field#2, field#[1-2]
  | ({ readonly k: 'slice'; readonly base: Entity; readonly ranges: readonly RangeNode[] } & Span)
  | ({ readonly k: 'call'; readonly name: string; readonly nameSpan: Span; readonly args: readonly Entity[] } & Span)
  | ({ readonly k: 'arith'; readonly op: ArithOp; readonly left: Entity; readonly right: Entity } & Span)
  | ({ readonly k: 'neg'; readonly arg: Entity } & Span);

export interface SetElement extends Span {
  readonly low: Entity;
  /** Upper bound for `low..high` ranges. */
  readonly high: Entity | null;
}

export type Expr =
  | ({ readonly k: 'and' | 'or'; readonly left: Expr; readonly right: Expr } & Span)
  | ({ readonly k: 'not'; readonly arg: Expr } & Span)
  | ({ readonly k: 'cmp'; readonly op: CmpOp; readonly opText: string; readonly quant: Quantifier; readonly left: Entity; readonly right: Entity } & Span)
  | ({ readonly k: 'contains' | 'matches'; readonly quant: Quantifier; readonly left: Entity; readonly right: Entity } & Span)
  | ({ readonly k: 'in'; readonly quant: Quantifier; readonly negated: boolean; readonly left: Entity; readonly set: readonly SetElement[] } & Span)
  | ({ readonly k: 'test'; readonly arg: Entity } & Span) // presence, or non-zero for arithmetic
  | ({ readonly k: 'true' } & Span); // the empty filter
