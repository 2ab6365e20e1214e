import type { ArithOp, CmpOp, Entity, Expr, Quantifier, RangeNode, SetElement, Span } from './ast.ts';
import { fail } from './error.ts';
import { scan, type Token, type TokenKind } from './scanner.ts';

/**
 * Stage 2 (Wireshark's `grammar.lemon`): tokens to a syntax tree. Recursive descent with tshark
 * 4.0's precedence, lowest first:
 *
 *   or  <  and  <  not  <  relations (== … contains matches in)  <  &  <  + -  <  * / %  <  unary -
 *
 * Comparisons may chain (`a < b <= c` is `a < b and b <= c`), `any`/`all` prefix a relation,
 * arithmetic groups with braces (`4 * {tcp.srcport + 3}`), parentheses group logic only, and set
 * elements are comma-separated (`{80, 443, 8000..8080}`). A syntax error names the first token the
 * grammar cannot take, with its position, as tshark does.
 */

export function parse(text: string): Expr {
  return new Parser(text).parseFilter();
}

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Nesting deeper than this (parentheses, `not`, braces, signs, calls) is refused, not recursed. */
const MAX_DEPTH = 200;
/** Longest chain of binary arithmetic operators in one expression. */
const MAX_CHAIN = 200;

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = scan(text).tokens;
  }

  // ---- token helpers ----

  private peek(offset = 0): Token {
    const i = Math.min(this.pos + offset, this.tokens.length - 1);
    return this.tokens[i];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind === 'error') this.unexpected(t);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** The kind of the next token, reporting a scan error if that is what comes next. */
  private kind(offset = 0): TokenKind {
    const t = this.peek(offset);
    if (t.kind === 'error' && offset === 0) this.unexpected(t);
    return t.kind;
  }

  private expect(kind: TokenKind): Token {
    if (this.kind() !== kind) this.unexpected(this.peek());
    return this.next();
  }

  private unexpected(t: Token): never {
    if (t.kind === 'error' && t.error) fail(t.error.message, t.error.start, t.error.end);
    if (t.kind === 'eof') fail('Unexpected end of filter expression.', this.text.length, this.text.length + 1);
    fail(`"${t.text}" was unexpected in this context.`, t.start, t.end);
  }

  // ---- logic ----

  parseFilter(): Expr {
    if (this.kind() === 'eof') return { k: 'true', start: 0, end: 0 };
    const e = this.orExpr();
    if (this.kind() !== 'eof') this.unexpected(this.peek());
    return e;
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.kind() === 'or') {
      this.next();
      const right = this.andExpr();
      left = { k: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.kind() === 'and') {
      this.next();
      const right = this.notExpr();
      left = { k: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  /** Runs `fn` one nesting level deeper, refusing filters nested past MAX_DEPTH. */
  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      fail('Filter expression is nested too deeply.', t.start, Math.max(t.end, t.start + 1));
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private notExpr(): Expr {
    if (this.kind() === 'not') {
      const t = this.next();
      const arg = this.nested(() => this.notExpr());
      return { k: 'not', arg, start: t.start, end: arg.end };
    }
    if (this.kind() === 'lparen') {
      this.next();
      const e = this.nested(() => this.orExpr());
      this.expect('rparen');
      return e;
    }
    return this.relation();
  }

  private relation(): Expr {
    let quant: Quantifier = null;
    let start = this.peek().start;
    if (this.kind() === 'any' || this.kind() === 'all') {
      quant = this.next().kind as 'any' | 'all';
    }
    const left = this.arith();
    if (quant === null) start = left.start;
    switch (this.kind()) {
      case 'cmp':
        return this.comparisons(quant, left, start);
      case 'contains':
      case 'matches': {
        const k = this.next().kind as 'contains' | 'matches';
        const right = this.arith();
        return { k, quant, left, right, start, end: right.end };
      }
      case 'in': {
        this.next();
        return this.inSet(quant, false, left, start);
      }
      case 'not':
        if (this.kind(1) === 'in') {
          this.next();
          this.next();
          return this.inSet(quant, true, left, start);
        }
        break;
    }
    // No relation: a presence or truth test, which `any`/`all` cannot qualify.
    if (quant !== null) this.unexpected(this.peek());
    return { k: 'test', arg: left, start: left.start, end: left.end };
  }

  private comparisons(quant: Quantifier, first: Entity, start: number): Expr {
    let left = first;
    let result: Expr | null = null;
    while (this.kind() === 'cmp') {
      const opTok = this.next();
      const right = this.arith();
      const cmp: Expr = { k: 'cmp', op: opTok.value as CmpOp, opText: opTok.text, quant, left, right, start: result ? left.start : start, end: right.end };
      result = result ? { k: 'and', left: result, right: cmp, start, end: right.end } : cmp;
      left = right;
    }
    return result!;
  }

  private inSet(quant: Quantifier, negated: boolean, left: Entity, start: number): Expr {
    this.expect('lbrace');
    const set: SetElement[] = [];
    while (true) {
      const low = this.setValue();
      let high: Entity | null = null;
      if (this.kind() === 'dotdot') {
        this.next();
        high = this.setValue();
      }
      set.push({ low, high, start: low.start, end: (high ?? low).end });
      const k = this.kind();
      if (k === 'comma') {
        this.next();
        continue;
      }
      if (k === 'rbrace') break;
      this.unexpected(this.peek());
    }
    const close = this.next();
    return { k: 'in', quant, negated, left, set, start, end: close.end };
  }

  /** A set element: an entity with an optional sign, no arithmetic. */
  private setValue(): Entity {
    const k = this.kind();
    if (k === 'minus' || k === 'plus') {
      const t = this.next();
      const arg = this.nested(() => this.setValue());
      return k === 'minus' ? { k: 'neg', arg, start: t.start, end: arg.end } : arg;
    }
    return this.entity();
  }

  // ---- arithmetic ----

  private arith(): Entity {
    return this.binary(0);
  }

  private static readonly LEVELS: ReadonlyArray<Partial<Record<TokenKind, ArithOp>>> = [
    { bitand: '&' },
    { plus: '+', minus: '-' },
    { star: '*', slash: '/', percent: '%' },
  ];

  private binary(level: number): Entity {
    if (level >= Parser.LEVELS.length) return this.unary();
    const ops = Parser.LEVELS[level];
    let left = this.binary(level + 1);
    let chain = 0;
    while (true) {
      const op = ops[this.kind()];
      if (!op) return left;
      const t = this.next();
      if (++chain > MAX_CHAIN) fail('Arithmetic expression is too long.', t.start, t.end);
      const right = this.binary(level + 1);
      left = { k: 'arith', op, left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Entity {
    const k = this.kind();
    if (k === 'minus') {
      const t = this.next();
      const arg = this.nested(() => this.unary());
      return { k: 'neg', arg, start: t.start, end: arg.end };
    }
    if (k === 'plus') {
      this.next();
      return this.nested(() => this.unary());
    }
    return this.entity();
  }

  // ---- entities ----

  private entity(): Entity {
    let e = this.atom();
    for (let postfix = 0; ; postfix++) {
      const k = this.kind();
      if (postfix > MAX_CHAIN) fail('Too many slices or layers on one field.', this.peek().start, this.peek().end);
      if (k === 'lbracket') {
        const ranges = this.ranges();
        e = { k: 'slice', base: e, ranges, start: e.start, end: this.tokens[this.pos - 1].end };
      } else if (k === 'hash' && (e.k === 'unparsed' || e.k === 'field')) {
        this.next();
        let ranges: RangeNode[];
        if (this.kind() === 'index') {
          const t = this.next();
          ranges = [{ text: t.text, from: t.num, length: 1, to: null, start: t.start, end: t.end }];
        } else {
          ranges = this.ranges();
        }
        e = { k: 'layer', base: e, ranges, start: e.start, end: this.tokens[this.pos - 1].end };
      } else {
        return e;
      }
    }
  }

  private atom(): Entity {
    const t = this.peek();
    switch (this.kind()) {
      case 'unparsed':
        this.next();
        if (this.kind() === 'lparen' && FUNCTION_NAME.test(t.value)) return this.call(t);
        return { k: 'unparsed', text: t.value, start: t.start, end: t.end };
      case 'field':
        this.next();
        return { k: 'field', name: t.value, start: t.start, end: t.end };
      case 'literal':
        this.next();
        return { k: 'literal', text: t.text, value: t.value, start: t.start, end: t.end };
      case 'string':
        this.next();
        return { k: 'string', text: t.text, value: t.value, start: t.start, end: t.end };
      case 'charconst':
        this.next();
        return { k: 'charconst', text: t.text, value: t.num, start: t.start, end: t.end };
      case 'dollar': {
        this.next();
        this.expect('lbrace');
        const name = this.peek();
        if (name.kind !== 'unparsed' && name.kind !== 'field') this.unexpected(name);
        this.next();
        const close = this.expect('rbrace');
        return { k: 'ref', name: name.value, start: t.start, end: close.end };
      }
      case 'lbrace': {
        this.next();
        const e = this.nested(() => this.arith());
        this.expect('rbrace');
        return e;
      }
      default:
        this.unexpected(t);
    }
  }

  private call(name: Token): Entity {
    this.expect('lparen');
    const args: Entity[] = [];
    if (this.kind() !== 'rparen') {
      while (true) {
        args.push(this.nested(() => this.arith()));
        if (this.kind() === 'comma') {
          this.next();
          continue;
        }
        break;
      }
    }
    const close = this.expect('rparen');
    const nameSpan: Span = { start: name.start, end: name.end };
    return { k: 'call', name: name.value, nameSpan, args, start: name.start, end: close.end };
  }

  private ranges(): RangeNode[] {
    this.expect('lbracket');
    const out: RangeNode[] = [];
    while (true) {
      const t = this.peek();
      if (this.kind() !== 'range') this.unexpected(t);
      this.next();
      // Look at what follows first: a scan error there (no closing bracket) is reported before
      // a bad range, as tshark's parser reduces the node only once it has the next token.
      const following = this.kind();
      out.push(parseRange(t));
      if (following === 'comma') {
        this.next();
        continue;
      }
      this.expect('rbracket');
      return out;
    }
  }
}

const INT = '([+-]?[0-9]+)';
const SINGLE = new RegExp(`^${INT}$`);
const START_LEN = new RegExp(`^${INT}:${INT}$`);
const LEN_ONLY = new RegExp(`^:${INT}$`);
const TO_END = new RegExp(`^${INT}:$`);
const START_END = new RegExp(`^${INT}-${INT}$`);

/** One slice/layer range node, with tshark 4.0's validity rules and messages. */
export function parseRange(t: Token): RangeNode {
  const text = t.value.trim();
  const base = { text, start: t.start, end: t.end };
  const num = (s: string) => (s === '-0' ? -0 : Number(s));
  let m: RegExpExecArray | null;
  if ((m = SINGLE.exec(text))) return { ...base, from: num(m[1]), length: 1, to: null };
  if ((m = START_LEN.exec(text)) || (m = LEN_ONLY.exec(text))) {
    const from = m.length === 3 ? num(m[1]) : 0;
    const length = Number(m[m.length - 1]);
    if (length <= 0) fail(`Range ${text} isn't valid because length ${length} isn't positive`, t.start, t.end);
    return { ...base, from, length, to: null };
  }
  if ((m = TO_END.exec(text))) return { ...base, from: num(m[1]), length: null, to: null };
  if ((m = START_END.exec(text))) {
    const from = num(m[1]);
    const to = num(m[2]);
    const neg = (x: number) => x < 0 || Object.is(x, -0);
    if (neg(from) !== neg(to)) fail(`Range ${text} isn't valid because ${m[1]} and ${m[2]} have different signs`, t.start, t.end);
    if (from >= to) fail(`Range ${text} isn't valid because ${m[1]} is greater or equal than ${m[2]}`, t.start, t.end);
    return { ...base, from, length: null, to };
  }
  if (!/[:-]/.test(text.replace(/^[+-]/, ''))) fail(`"${text}" is not a valid number.`, t.start, t.end);
  fail(`"${text}" is not a valid range.`, t.start, t.end);
}
