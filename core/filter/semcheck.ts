import type { FieldDef } from '../dissect/field.ts';
import type { FieldRegistry } from '../dissect/registry.ts';
import type { ArithOp, CmpOp, Entity, Expr, Quantifier, RangeNode, Span } from './ast.ts';
import { fail, FilterFailure } from './error.ts';
import type { ConstValue, FunctionName, Relation, SetItem, Test, Value } from './ir.ts';
import { parseAbsTime, parseByteString, parseInteger, parseIpv4Literal, parseRelTime, stringBytes } from './literal.ts';
import { compileRegex } from './regex.ts';
import {
  BYTES_TYPE,
  STRING_TYPE,
  UINT32_TYPE,
  compatible,
  ftName,
  isByteLike,
  isInteger,
  typeDescription,
  typeOfField,
  type TypeInfo,
} from './types.ts';

/**
 * Stage 3 (Wireshark's `semcheck.c`): resolves names against the field registry, checks that
 * operators fit their operands' types, and converts literals to the type of what they are
 * compared with. Messages and positions follow tshark 4.0.
 */

/** An operand that is still a literal: converted once the type it meets is known. */
interface Lit {
  readonly t: 'lit';
  readonly e: Entity; // unparsed, literal, string or charconst
  readonly negate: boolean;
  readonly start: number;
  readonly end: number;
}

type Operand = Value | Lit;

export const FUNCTIONS: Readonly<Record<FunctionName, { readonly min: number; readonly max: number; readonly doc: string }>> = {
  len: { min: 1, max: 1, doc: 'byte length of a string or bytes field' },
  count: { min: 1, max: 1, doc: 'number of occurrences of a field in the frame' },
  upper: { min: 1, max: 1, doc: 'a string field in upper case' },
  lower: { min: 1, max: 1, doc: 'a string field in lower case' },
  string: { min: 1, max: 1, doc: 'a non-string field converted to a string' },
  max: { min: 1, max: Infinity, doc: 'the largest of its arguments' },
  min: { min: 1, max: Infinity, doc: 'the smallest of its arguments' },
  abs: { min: 1, max: 1, doc: 'the absolute value of a numeric field' },
};

const RELATIONS: Readonly<Record<CmpOp, [Relation, boolean]>> = {
  '==': ['eq', false],
  '!=': ['ne', true],
  '===': ['eq', true],
  '!==': ['ne', false],
  '>': ['gt', false],
  '>=': ['ge', false],
  '<': ['lt', false],
  '<=': ['le', false],
};

export class SemanticChecker {
  constructor(
    private readonly registry: FieldRegistry,
    private readonly text: string,
  ) {}

  check(e: Expr): Test {
    switch (e.k) {
      case 'true':
        return { t: 'true' };
      case 'and':
      case 'or': {
        // Long `a or b or c …` chains are left-deep: walk the spine iteratively, keep the order.
        const items: Test[] = [];
        let node: Expr = e;
        const rights: Expr[] = [];
        while (node.k === e.k) {
          rights.push(node.right);
          node = node.left;
        }
        items.push(this.check(node));
        for (let i = rights.length - 1; i >= 0; i--) items.push(this.check(rights[i]));
        return { t: e.k, items };
      }
      case 'not':
        return { t: 'not', a: this.check(e.arg) };
      case 'test':
        return this.test(e.arg);
      case 'cmp':
        return this.comparison(e.op, e.opText, e.quant, e.left, e.right);
      case 'contains':
        return this.contains(e.quant, e.left, e.right);
      case 'matches':
        return this.matches(e.quant, e.left, e.right);
      case 'in':
        return this.membership(e.quant, e.negated, e.left, e.set);
    }
  }

  // ---- tests ----

  private test(arg: Entity): Test {
    if (arg.k === 'call') fail('You cannot test whether a function is present.', arg.nameSpan.start, arg.nameSpan.end);
    const v = this.operand(arg, null);
    if (v.t === 'lit') fail(`${this.source(v)} is neither a field nor a protocol name.`, v.start, v.end);
    if (v.t === 'arith' || v.t === 'neg') return { t: 'truthy', v };
    return { t: 'exists', v };
  }

  private comparison(op: CmpOp, opText: string, quant: Quantifier, left: Entity, right: Entity): Test {
    const a = this.operand(left, null);
    if (a.t === 'lit') fail(`Left side of "${opText}" expression must be a field or function, not ${this.source(a)}.`, a.start, a.end);
    if (a.type.ft === 'none') fail(`${this.name(a)} (type=Label) cannot participate in ${opText} comparison.`, ...this.at(a));
    const b = this.against(this.operand(right, a.type), a, false);
    const [rel, all] = RELATIONS[op];
    return { t: 'cmp', rel, all: quant === null ? all : quant === 'all', a, b };
  }

  private contains(quant: Quantifier, left: Entity, right: Entity): Test {
    const a = this.operand(left, null);
    if (a.t === 'lit') fail(`Left side of contains expression must be a field or function, not ${this.source(a)}.`, a.start, a.end);
    if (!isByteLike(a.type.ft) && a.type.ft !== 'string') {
      fail(`${this.name(a)} (type=${typeDescription(a.type)}) cannot participate in contains comparison.`, ...this.at(a));
    }
    const b = this.against(this.operand(right, a.type), a, true);
    return { t: 'contains', all: quant === 'all', a, b };
  }

  private matches(quant: Quantifier, left: Entity, right: Entity): Test {
    const a = this.operand(left, null);
    if (a.t === 'lit') fail(`Left side of matches expression must be a field or function, not ${this.source(a)}.`, a.start, a.end);
    if (right.k !== 'string') fail('Matches requires a double quoted string on the right side.', right.start, right.end);
    const compiled = compileRegex(right.value);
    if (!compiled.ok) fail(`Regex compilation error: ${compiled.message}.`, right.start, right.end);
    if (!isByteLike(a.type.ft) && a.type.ft !== 'string') {
      fail(`${this.name(a)} (type=${typeDescription(a.type)}) cannot participate in matches comparison.`, ...this.at(a));
    }
    return { t: 'matches', all: quant === 'all', a, re: compiled.regex };
  }

  private membership(quant: Quantifier, negated: boolean, left: Entity, set: readonly { low: Entity; high: Entity | null }[]): Test {
    const a = this.operand(left, null);
    if (a.t !== 'field') fail('Only a field may be tested for membership in a set.', ...this.at(a));
    const items: SetItem[] = set.map((el) => ({
      low: this.against(this.operand(el.low, a.type), a, false),
      high: el.high ? this.against(this.operand(el.high, a.type), a, false) : null,
    }));
    const test: Test = { t: 'in', all: quant === 'all', a, set: items };
    return negated ? { t: 'not', a: test } : test;
  }

  /** The right-hand operand, converted to or checked against the left's type. */
  private against(b: Operand, a: Value, partial: boolean): Value {
    if (b.t === 'lit') return this.convert(b, a.type, partial);
    const sliceLike = (v: Value) => v.t === 'slice' || v.type.ft === 'bytes';
    const byteable = (v: Value) => sliceLike(v) || v.type.ft === 'string' || isByteLike(v.type.ft) || v.type.ft === 'ipv4';
    // A slice compares with anything that has bytes; anything else is named in the message.
    for (const [slice, other] of [[a, b], [b, a]]) {
      if (slice.t === 'slice' && !byteable(other)) {
        const what = other.t === 'call' ? `Return value of function "${other.fn}"` : `"${this.name(other)}"`;
        fail(`${what} is a ${typeDescription(other.type)} and cannot be converted into a sequence of bytes.`, ...this.at(other));
      }
    }
    const ok = compatible(a.type.ft, b.type.ft) || a.t === 'slice' || b.t === 'slice';
    if (!ok) fail(`${this.name(a)} and ${this.name(b)} are not of compatible types.`, ...this.at(b));
    return b;
  }

  // ---- operands ----

  /**
   * Resolves an operand. `context` is the type of the other side when this is a right-hand
   * operand; null for a left-hand one, where a constant expression is an error.
   */
  private operand(e: Entity, context: TypeInfo | null): Operand {
    switch (e.k) {
      case 'unparsed': {
        const def = this.registry.get(e.text);
        if (def) return this.field(def, e, null);
        return { t: 'lit', e, negate: false, start: e.start, end: e.end };
      }
      case 'literal':
      case 'string':
      case 'charconst':
        return { t: 'lit', e, negate: false, start: e.start, end: e.end };
      case 'field': {
        const def = this.registry.get(e.name);
        if (!def) fail(`"${e.name}" is not a valid protocol or protocol field.`, e.start, e.end);
        return this.field(def, e, null);
      }
      case 'ref': {
        const def = this.registry.get(e.name);
        if (!def) fail(`macro '${e.name}' does not exist`, e.start, e.end);
        return { t: 'ref', type: typeOfField(def), def, start: e.start, end: e.end };
      }
      case 'layer': {
        const base = e.base;
        const name = base.k === 'unparsed' ? base.text : base.k === 'field' ? base.name : '';
        const def = this.registry.get(name);
        if (!def) fail(`${name} is not a valid field`, base.start, base.end);
        return this.field(def, e, e.ranges, base);
      }
      case 'slice':
        return this.slice(e);
      case 'call':
        return this.call(e);
      case 'neg': {
        const arg = this.operand(e.arg, context);
        if (arg.t === 'lit') return { ...arg, negate: !arg.negate, start: e.start, end: e.end };
        if (!['uint', 'int', 'float', 'rel_time'].includes(arg.type.ft)) fail(`${ftName(arg.type)} cannot -.`, arg.start, arg.end);
        return { t: 'neg', type: arg.type, arg, start: e.start, end: e.end };
      }
      case 'arith':
        return this.arith(e, context);
    }
  }

  private field(def: FieldDef, span: Span, layers: readonly RangeNode[] | null, name: Span = span): Value {
    const proto = layers ? (def.type === 'protocol' ? def : (this.registry.get(def.protocol) ?? null)) : null;
    return { t: 'field', type: typeOfField(def), def, layers, layerProto: proto, name, start: span.start, end: span.end };
  }

  private slice(e: Extract<Entity, { k: 'slice' }>): Value {
    const base = this.operand(e.base, null);
    if (base.t === 'lit') fail(`Range is not supported for entity ${this.source(base)}`, base.start, base.end);
    const ft = base.type.ft;
    const sliceable = base.t === 'slice' || isByteLike(ft) || ft === 'string' || ft === 'ipv4';
    if (!sliceable) {
      if (base.t === 'call') {
        const call = e.base as Extract<Entity, { k: 'call' }>;
        fail(`Return value of function "${base.fn}" is a ${typeDescription(base.type)} and cannot be converted into a sequence of bytes.`, call.nameSpan.start, call.nameSpan.end);
      }
      fail(`"${this.name(base)}" is a ${typeDescription(base.type)} and cannot be sliced into a sequence of bytes.`, ...this.at(base));
    }
    return { t: 'slice', type: BYTES_TYPE, base, ranges: e.ranges, start: e.start, end: e.end };
  }

  private arith(e: Extract<Entity, { k: 'arith' }>, context: TypeInfo | null): Operand {
    const left = this.operand(e.left, context);
    const right = this.operand(e.right, left.t === 'lit' ? context : left.type);
    const noStrings = () => {
      for (const side of [left, right]) {
        if (side.t === 'lit' && side.e.k === 'string') fail(`${side.e.text} is not a valid arithmetic operand.`, side.e.start, side.e.end);
      }
    };
    const span = { start: e.start, end: e.end };
    if (left.t === 'lit' && (right.t === 'lit' || context === null)) {
      noStrings();
      if (context === null) fail('Constant arithmetic expression on the LHS is invalid.', this.innermost(left).start, this.innermost(left).end);
      // A constant expression on the right: fold it in the left side's type.
      const a = this.convert(left, context, false);
      const b = right.t === 'lit' ? this.convert(right, context, false) : right;
      this.checkArith(e.op, a);
      return { t: 'arith', type: context, op: e.op, left: a, right: b, ...span };
    }
    const typed = left.t === 'lit' ? (right as Value) : left;
    const type = typed.type;
    if (left.t !== 'lit') this.checkArith(e.op, left);
    if (right.t !== 'lit') this.checkArith(e.op, right);
    noStrings();
    const a = left.t === 'lit' ? this.convert(left, type, false) : left;
    const b = right.t === 'lit' ? this.convert(right, type, false) : right;
    if (left.t !== 'lit' && right.t !== 'lit' && !compatible(a.type.ft, b.type.ft) && !(e.op === '&' && a.t === 'slice')) {
      fail(`${this.name(a)} and ${this.name(b)} are not of compatible types.`, ...this.at(b));
    }
    return { t: 'arith', type, op: e.op, left: a, right: b, ...span };
  }

  private checkArith(op: ArithOp, v: Value): void {
    const ft = v.type.ft;
    const ok =
      op === '&'
        ? isInteger(ft) || ft === 'bool' || ft === 'ipv4' || ft === 'ether' || ft === 'bytes'
        : op === '+' || op === '-'
          ? ft === 'uint' || ft === 'int' || ft === 'float' || ft === 'rel_time'
          : ft === 'uint' || ft === 'int' || ft === 'float';
    if (!ok) fail(`${ftName(v.type)} cannot ${op}.`, ...this.at(v));
  }

  /** The literal inside unary minus signs, for positions. */
  private innermost(l: Lit): Span {
    return l.e;
  }

  // ---- functions ----

  private call(e: Extract<Entity, { k: 'call' }>): Value {
    const name = e.name as FunctionName;
    const spec = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (!spec) fail(`Function '${e.name}' does not exist`, e.nameSpan.start, e.nameSpan.end);
    if (e.args.length < spec.min) fail(`Function ${name} needs at least ${spec.min} arguments.`, e.nameSpan.start, e.nameSpan.end);
    if (e.args.length > spec.max) fail(`Function ${name} can only accept ${spec.max} arguments.`, e.nameSpan.start, e.nameSpan.end);
    const span = { start: e.start, end: e.end, name: e.nameSpan };
    const arg0 = e.args[0];
    switch (name) {
      case 'len':
      case 'count': {
        const v = this.operand(arg0, null);
        if (v.t !== 'field') fail(`Only fields can be used as parameter for ${name}()`, ...this.at(v));
        return { t: 'call', type: UINT32_TYPE, fn: name, args: [v], ...span };
      }
      case 'upper':
      case 'lower': {
        const v = this.operand(arg0, null);
        if (v.t !== 'field' || v.type.ft !== 'string') fail(`Only string type fields can be used as parameter for ${name}()`, ...this.at(v));
        return { t: 'call', type: STRING_TYPE, fn: name, args: [v], ...span };
      }
      case 'string': {
        const v = this.operand(arg0, null);
        if (v.t !== 'field') fail('Only fields can be used as parameter for string()', ...this.at(v));
        const ft = v.type.ft;
        if (!(isInteger(ft) || ft === 'ipv4' || ft === 'ether' || ft === 'float')) {
          fail(`String conversion for field "${v.def.abbrev}" is not supported`, ...this.at(v));
        }
        return { t: 'call', type: STRING_TYPE, fn: name, args: [v], ...span };
      }
      case 'max':
      case 'min': {
        const first = this.operand(arg0, null);
        if (first.t === 'lit') fail(`Argument '${this.source(first)}' is not valid for ${name}()`, first.start, first.end);
        const args: Value[] = [first];
        for (const argE of e.args.slice(1)) {
          const v = this.operand(argE, first.type);
          if (v.t === 'lit') {
            try {
              args.push(this.convert(v, first.type, false));
            } catch (err) {
              if (!(err instanceof FilterFailure)) throw err;
              fail(`Argument '${this.source(v)}' is not valid for ${name}()`, v.start, v.end);
            }
          } else {
            if (ftName(v.type) !== ftName(first.type)) {
              fail(`Arguments to '${name}' must have the same type (expected ${ftName(first.type)}, got ${ftName(v.type)})`, ...this.at(v));
            }
            args.push(v);
          }
        }
        return { t: 'call', type: first.type, fn: name, args, ...span };
      }
      case 'abs': {
        const v = this.operand(arg0, null);
        if (v.t === 'lit') {
          const inner = this.innermost(v);
          fail('Constant arithmetic expression on the LHS is invalid.', inner.start, inner.end);
        }
        if (!['uint', 'int', 'float', 'rel_time'].includes(v.type.ft)) {
          fail(`'${this.source(v)}' is not a valid argument to 'abs'()`, ...this.at(v));
        }
        return { t: 'call', type: v.type, fn: name, args: [v], ...span };
      }
    }
  }

  // ---- literal conversion ----

  /** Converts a literal to `type` (the other side's), with tshark's messages on failure. */
  convert(l: Lit, type: TypeInfo, partial: boolean): Value {
    const value = this.convertValue(l, type, partial);
    if (l.negate && !['uint', 'int', 'framenum', 'float', 'rel_time'].includes(type.ft)) fail(`${ftName(type)} cannot -.`, l.e.start, l.e.end);
    const constType = partial && type.ft === 'ether' ? BYTES_TYPE : type;
    return { t: 'const', type: constType, value: l.negate ? negateConst(value) : value, start: l.start, end: l.end };
  }

  private convertValue(l: Lit, type: TypeInfo, partial: boolean): ConstValue {
    const e = l.e;
    const src = this.text.slice(e.start, e.end);
    const word = e.k === 'unparsed' ? e.text : e.k === 'literal' ? e.value : null;
    const def = type.def;
    switch (type.ft) {
      case 'uint':
      case 'int':
      case 'framenum': {
        if (e.k === 'charconst') return e.value;
        if (e.k === 'string') {
          const named = def?.strings ? lookupName(def.strings, e.value) : undefined;
          if (named !== undefined) return named;
          if (def?.strings) fail(`"${e.value}" cannot be found among the possible values for ${def.abbrev}.`, e.start, e.end);
          fail(`${typeDescription(type)} cannot be converted from a string ("${e.value}").`, e.start, e.end);
        }
        // `:60` is not a number to tshark 4.0: integers are read from the token as written.
        const text = e.k === 'literal' ? e.text : (word ?? src);
        const n = parseInteger(text);
        if (n === 'overflow') fail(`"${text}" causes an integer overflow.`, e.start, e.end);
        const max = type.ft === 'int' ? (1n << BigInt(type.size * 8 - 1)) - 1n : (1n << BigInt(type.size * 8)) - 1n;
        if (n !== 'invalid' && n <= max) return Number(n);
        const named = def?.strings ? lookupName(def.strings, text) : undefined;
        if (named !== undefined) return named;
        if (def?.strings) fail(`"${text}" cannot be found among the possible values for ${def.abbrev}.`, e.start, e.end);
        if (n === 'invalid') fail(`"${text}" is not a valid number.`, e.start, e.end);
        fail(`"${text}" too big for this field, maximum ${max}.`, e.start, e.end);
        break;
      }
      case 'bool': {
        if (e.k === 'charconst') return e.value !== 0 ? 1 : 0;
        const text = e.k === 'string' ? e.value : (word ?? src);
        if (e.k !== 'string') {
          if (text === 'True' || text === 'TRUE') return 1;
          if (text === 'False' || text === 'FALSE') return 0;
          const n = parseInteger(e.k === 'literal' ? e.text : text);
          if (typeof n === 'bigint') return n !== 0n ? 1 : 0;
        }
        const [t, f] = def?.trueFalse ?? ['True', 'False'];
        if (text.toLowerCase() === t.toLowerCase()) return 1;
        if (text.toLowerCase() === f.toLowerCase()) return 0;
        fail(`"${text}" cannot be found among the possible values for ${def?.abbrev ?? 'this field'}.`, e.start, e.end);
        break;
      }
      case 'float': {
        if (e.k === 'charconst') return e.value;
        if (e.k === 'string') fail(`${typeDescription(type)} cannot be converted from a string ("${e.value}").`, e.start, e.end);
        const text = word ?? src;
        const v = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text) ? Number(text) : NaN;
        if (Number.isNaN(v)) fail(`"${text}" is not a valid number.`, e.start, e.end);
        return v;
      }
      case 'ipv4': {
        if (e.k === 'string') fail(`IPv4 address cannot be converted from a string ("${e.value}").`, e.start, e.end);
        const text = word ?? src;
        const r = parseIpv4Literal(text);
        if ('error' in r) {
          if (r.error === 'bits') fail(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${r.bits}`, e.start, e.end);
          fail(`"${text}" is not a valid hostname or IPv4 address.`, e.start, e.end);
        }
        return r;
      }
      case 'ether': {
        if (e.k === 'string') fail(`Ethernet or other MAC address cannot be converted from a string ("${e.value}").`, e.start, e.end);
        if (e.k === 'charconst') return partial ? Uint8Array.of(e.value & 0xff) : fail(`"${src}" is not a valid Ethernet address.`, e.start, e.end);
        const text = word ?? src;
        const bytes = parseByteString(text);
        if (!bytes) fail(`"${text}" is not a valid Ethernet address.`, e.start, e.end);
        if (partial) return bytes;
        if (bytes.length < 6) fail(`"${text}" contains too few bytes to be a valid Ethernet address.`, e.start, e.end);
        if (bytes.length > 6) fail(`"${text}" contains too many bytes to be a valid Ethernet address.`, e.start, e.end);
        return bytes.reduce((acc, b) => acc * 256 + b, 0);
      }
      case 'bytes':
      case 'protocol': {
        if (e.k === 'string') return stringBytes(e.value);
        if (e.k === 'charconst') return Uint8Array.of(e.value & 0xff);
        const text = word ?? src;
        const hex = /^0[xX]([0-9A-Fa-f]{2})$/.exec(text);
        if (hex) return Uint8Array.of(parseInt(hex[1], 16));
        const bytes = /^0[xX]/.test(text) ? null : parseByteString(text);
        if (!bytes) fail(`"${text}" is not a valid byte string.`, e.start, e.end);
        return bytes;
      }
      case 'string': {
        if (e.k === 'string') return e.value;
        if (e.k === 'charconst') return String.fromCharCode(e.value & 0xff);
        return word ?? src;
      }
      case 'abs_time': {
        const text = e.k === 'string' ? e.value : (word ?? src);
        const ns = parseAbsTime(text);
        if (ns === null) {
          fail(`"${text}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`, e.start, e.end);
        }
        return ns;
      }
      case 'rel_time': {
        if (e.k === 'string') fail(`Time offset cannot be converted from a string ("${e.value}").`, e.start, e.end);
        const text = word ?? src;
        const ns = parseRelTime(text);
        if (ns === null) fail(`"${text}" is not a valid time.`, e.start, e.end);
        return ns;
      }
      case 'none':
        fail(`${def?.abbrev ?? src} (type=Label) cannot be compared with a value.`, e.start, e.end);
    }
    fail(`"${src}" cannot be converted.`, e.start, e.end);
  }

  // ---- names for messages ----

  private source(s: Span): string {
    return this.text.slice(s.start, s.end);
  }

  private name(v: Value): string {
    return v.t === 'field' ? v.def.abbrev : this.source(v);
  }

  /** Where tshark underlines an operand: a field's name, a function's name, else all of it. */
  private at(v: Operand): [number, number] {
    if (v.t === 'field' || v.t === 'call') return [v.name.start, v.name.end];
    return [v.start, v.end];
  }
}

function lookupName(strings: Readonly<Record<number, string>>, name: string): number | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(strings)) if (v.toLowerCase() === want) return Number(k);
  return undefined;
}

function negateConst(v: ConstValue): ConstValue {
  if (typeof v === 'number') return -v;
  if (typeof v === 'bigint') return -v;
  return v;
}

