/**
 * The `matches` operator's regular expressions: the PCRE2 subset display filters use, run by a
 * Pike VM (Thompson NFA simulation). Matching costs O(pattern × input) whatever the pattern, so a
 * hostile filter such as `(a+)+$` or `(a|a)*b` cannot hang the filter bar or a coloring pass.
 *
 * Like Wireshark, patterns are case-insensitive unless they say `(?-i)`. Supported: literals and
 * escapes (`\n \t \xHH \x{HHH} \0oo \Q…\E`), classes (`[a-z] [^…] [[:alpha:]] \d \w \s \h`), `.`,
 * anchors (`^ $ \A \z \Z \b \B`), groups (capturing, `(?:…)`, named), alternation, greedy and
 * lazy quantifiers (`* + ? {n} {n,} {n,m}`), inline flags `(?i) (?-i) (?s) (?m)` and `(?i:…)`.
 * Rejected with a message, because they need backtracking: back references, lookaround, atomic
 * groups, possessive quantifiers, recursion, conditionals and backtracking verbs.
 */

export interface Regex {
  test(subject: string): boolean;
}

export type RegexResult = { ok: true; regex: Regex } | { ok: false; message: string };

const MAX_PROGRAM = 20000;

// ---- character sets ----

class CharSet {
  readonly bits = new Uint8Array(256);
  /** Ranges above 0xff (a filter string may hold them). */
  readonly high: Array<[number, number]> = [];
  negate = false;

  add(lo: number, hi: number): void {
    for (let c = lo; c <= Math.min(hi, 255); c++) this.bits[c] = 1;
    if (hi > 255) this.high.push([Math.max(lo, 256), hi]);
  }

  addSet(other: CharSet): void {
    if (other.negate) {
      for (let c = 0; c < 256; c++) if (!other.bits[c]) this.bits[c] = 1;
      // Everything above 0xff except other's high ranges: approximate with "all high" when it has none.
      if (other.high.length === 0) this.high.push([256, 0x10ffff]);
    } else {
      for (let c = 0; c < 256; c++) if (other.bits[c]) this.bits[c] = 1;
      this.high.push(...other.high);
    }
  }

  foldCase(): void {
    for (let c = 0x41; c <= 0x5a; c++) {
      if (this.bits[c] || this.bits[c + 32]) this.bits[c] = this.bits[c + 32] = 1;
    }
  }

  has(c: number): boolean {
    let inSet: boolean;
    if (c < 256) inSet = this.bits[c] === 1;
    else {
      inSet = false;
      for (const [lo, hi] of this.high) if (c >= lo && c <= hi) inSet = true;
    }
    return inSet !== this.negate;
  }
}

function setOf(...ranges: Array<[number, number]>): CharSet {
  const s = new CharSet();
  for (const [lo, hi] of ranges) s.add(lo, hi);
  return s;
}

const DIGIT = (): CharSet => setOf([0x30, 0x39]);
const WORD = (): CharSet => setOf([0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]);
const SPACE = (): CharSet => setOf([0x09, 0x0d], [0x20, 0x20]);
const HSPACE = (): CharSet => setOf([0x09, 0x09], [0x20, 0x20], [0xa0, 0xa0]);
const VSPACE = (): CharSet => setOf([0x0a, 0x0d], [0x85, 0x85]);

const POSIX: Readonly<Record<string, () => CharSet>> = {
  alpha: () => setOf([0x41, 0x5a], [0x61, 0x7a]),
  digit: DIGIT,
  alnum: () => setOf([0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]),
  upper: () => setOf([0x41, 0x5a]),
  lower: () => setOf([0x61, 0x7a]),
  space: SPACE,
  blank: () => setOf([0x09, 0x09], [0x20, 0x20]),
  punct: () => setOf([0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]),
  xdigit: () => setOf([0x30, 0x39], [0x41, 0x46], [0x61, 0x66]),
  word: WORD,
  cntrl: () => setOf([0x00, 0x1f], [0x7f, 0x7f]),
  print: () => setOf([0x20, 0x7e]),
  graph: () => setOf([0x21, 0x7e]),
  ascii: () => setOf([0x00, 0x7f]),
};

function negated(s: CharSet): CharSet {
  s.negate = !s.negate;
  return s;
}

// ---- syntax tree ----

type Assert = 'bol' | 'eol' | 'mbol' | 'meol' | 'start' | 'end' | 'endz' | 'wordb' | 'nwordb';

type Node =
  | { t: 'set'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'assert'; kind: Assert };

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
}

class RegexSyntaxError extends Error {}

function syntax(message: string): never {
  throw new RegexSyntaxError(message);
}

class RegexParser {
  private i = 0;

  constructor(private readonly p: string) {}

  parse(): Node {
    const flags: Flags = { i: true, s: false, m: false };
    const node = this.alternation(flags);
    if (this.i < this.p.length) syntax(this.p[this.i] === ')' ? 'unmatched closing parenthesis' : 'internal error');
    return node;
  }

  private alternation(flags: Flags): Node {
    const alts: Node[] = [this.sequence(flags)];
    while (this.p[this.i] === '|') {
      this.i++;
      alts.push(this.sequence(flags));
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }

  private sequence(flags: Flags): Node {
    const items: Node[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const atom = this.atom(flags, items);
      if (atom === null) continue; // an inline flag setting or a comment
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  private quantified(atom: Node): Node {
    while (true) {
      const c = this.p[this.i];
      let min: number, max: number;
      if (c === '*' || c === '+' || c === '?') {
        this.i++;
        [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
      } else if (c === '{') {
        const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.p.slice(this.i));
        if (!m) return atom; // not a quantifier: `{` is a literal, read as the next atom
        this.i += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (min > 65535 || (max !== Infinity && max > 65535)) syntax('number too big in {} quantifier');
        if (max < min) syntax('numbers out of order in {} quantifier');
      } else {
        return atom;
      }
      if (atom.t === 'assert') syntax('quantifier does not follow a repeatable item');
      if (this.p[this.i] === '+') syntax('possessive quantifiers are not supported (they need backtracking)');
      if (this.p[this.i] === '?') this.i++; // lazy: the same answer for a yes/no match
      atom = { t: 'rep', node: atom, min, max };
    }
  }

  /** One atom, or null for a construct that matches nothing (inline flags, comments). */
  private atom(flags: Flags, items: Node[]): Node | null {
    const c = this.p[this.i++];
    switch (c) {
      case '.': {
        const s = flags.s ? negated(new CharSet()) : negated(setOf([0x0a, 0x0a]));
        return { t: 'set', set: s };
      }
      case '^':
        return { t: 'assert', kind: flags.m ? 'mbol' : 'bol' };
      case '$':
        return { t: 'assert', kind: flags.m ? 'meol' : 'eol' };
      case '[':
        return { t: 'set', set: this.charClass(flags) };
      case '(':
        return this.group(flags, items);
      case '\\':
        return this.escape(flags, items);
      case '*':
      case '+':
      case '?':
        return syntax('quantifier does not follow a repeatable item');
      default: {
        const cp = this.p.codePointAt(this.i - 1)!;
        if (cp > 0xffff) this.i++;
        return this.literal(cp, flags);
      }
    }
  }

  private literal(cp: number, flags: Flags): Node {
    const s = setOf([cp, cp]);
    if (flags.i) s.foldCase();
    return { t: 'set', set: s };
  }

  private group(flags: Flags, items: Node[]): Node | null {
    const inner: Flags = { ...flags };
    if (this.p[this.i] === '*') syntax('backtracking control verbs are not supported');
    if (this.p[this.i] === '?') {
      this.i++;
      const c = this.p[this.i];
      if (c === '#') {
        const close = this.p.indexOf(')', this.i);
        if (close < 0) syntax('missing ) after (?# comment');
        this.i = close + 1;
        return null;
      }
      if (c === ':' || c === '|') this.i++;
      else if (c === '<' && (this.p[this.i + 1] === '=' || this.p[this.i + 1] === '!')) {
        syntax('lookbehind assertions are not supported (they need backtracking)');
      } else if (c === '=' || c === '!') syntax('lookahead assertions are not supported (they need backtracking)');
      else if (c === '>') syntax('atomic groups are not supported');
      else if (c === '(') syntax('conditional groups are not supported');
      else if (c === 'P' && this.p[this.i + 1] === '<') this.groupName('>', 2);
      else if (c === '<') this.groupName('>', 1);
      else if (c === "'") this.groupName("'", 1);
      else if (c === 'R' || c === '&' || (c === 'P' && this.p[this.i + 1] === '>') || /[0-9]/.test(c ?? '') || (/[+-]/.test(c ?? '') && /[0-9]/.test(this.p[this.i + 1] ?? ''))) {
        syntax('recursion and subroutine calls are not supported');
      } else {
        // Inline flags: (?i) (?-i) (?s) (?m) (?i-s), alone or scoping a group (?i:…).
        const m = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(this.p.slice(this.i));
        if (!m) syntax('unrecognized character after (? or (?-');
        const set = m[1];
        const unset = m[2] ?? '';
        for (const f of set + unset) if (!'ism'.includes(f)) syntax(`inline flag (?${f}) is not supported`);
        const target = m[3] === ')' ? flags : inner;
        for (const f of set) target[f as keyof Flags] = true;
        for (const f of unset) target[f as keyof Flags] = false;
        this.i += m[0].length;
        if (m[3] === ')') return null; // applies to the rest of the enclosing group
      }
    }
    void items;
    const node = this.alternation(inner);
    if (this.p[this.i] !== ')') syntax('missing closing parenthesis');
    this.i++;
    // A group is repeatable even when it holds only an assertion: `(?:^)*`.
    return node.t === 'assert' ? { t: 'seq', items: [node] } : node;
  }

  private groupName(close: string, skip: number): void {
    this.i += skip;
    const end = this.p.indexOf(close, this.i);
    if (end < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.p.slice(this.i, end))) syntax('syntax error in subpattern name (missing terminator?)');
    this.i = end + 1;
  }

  /** After a backslash outside a class. */
  private escape(flags: Flags, items: Node[]): Node | null {
    const c = this.p[this.i];
    if (c === undefined) syntax('\\ at end of pattern');
    switch (c) {
      case 'b':
        this.i++;
        return { t: 'assert', kind: 'wordb' };
      case 'B':
        this.i++;
        return { t: 'assert', kind: 'nwordb' };
      case 'A':
        this.i++;
        return { t: 'assert', kind: 'start' };
      case 'z':
        this.i++;
        return { t: 'assert', kind: 'end' };
      case 'Z':
        this.i++;
        return { t: 'assert', kind: 'endz' };
      case 'Q': {
        this.i++;
        let end = this.p.indexOf('\\E', this.i);
        if (end < 0) end = this.p.length;
        const lits = [...this.p.slice(this.i, end)].map((ch) => this.literal(ch.codePointAt(0)!, flags));
        this.i = Math.min(end + 2, this.p.length);
        if (lits.length === 0) return null;
        // All but the last go straight into the sequence, so a quantifier applies to the last only.
        items.push(...lits.slice(0, -1));
        return lits[lits.length - 1];
      }
      case 'E':
        this.i++;
        return null;
      case 'k':
      case 'g':
        return syntax('back references are not supported (they need backtracking)');
      case 'G':
      case 'K':
      case 'X':
      case 'R':
      case 'N':
      case 'p':
      case 'P':
      case 'C':
        return syntax(`\\${c} is not supported`);
    }
    if (c >= '1' && c <= '9') syntax('back references are not supported (they need backtracking)');
    const set = this.classEscape(flags);
    return { t: 'set', set };
  }

  /** An escape that stands for characters: `\d`, `\n`, `\x41`, `\.`; advances past it. */
  private classEscape(flags: Flags): CharSet {
    const c = this.p[this.i++];
    switch (c) {
      case 'd':
        return DIGIT();
      case 'D':
        return negated(DIGIT());
      case 'w':
        return WORD();
      case 'W':
        return negated(WORD());
      case 's':
        return SPACE();
      case 'S':
        return negated(SPACE());
      case 'h':
        return HSPACE();
      case 'H':
        return negated(HSPACE());
      case 'v':
        return VSPACE();
      case 'V':
        return negated(VSPACE());
    }
    const cp = this.escapedCodePoint(c);
    const s = setOf([cp, cp]);
    if (flags.i) s.foldCase();
    return s;
  }

  private escapedCodePoint(c: string): number {
    switch (c) {
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'f':
        return 0x0c;
      case 'e':
        return 0x1b;
      case 'a':
        return 0x07;
      case 'c': {
        const x = this.p[this.i++];
        if (x === undefined) syntax('\\c at end of pattern');
        return x.toUpperCase().charCodeAt(0) ^ 0x40;
      }
      case 'x': {
        if (this.p[this.i] === '{') {
          const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(this.p.slice(this.i));
          if (!m) syntax('\\x{ is not followed by hex digits and }');
          this.i += m[0].length;
          const v = parseInt(m[1], 16);
          if (v > 0x10ffff) syntax('character code point value in \\x{} or \\o{} is too large');
          return v;
        }
        const m = /^[0-9A-Fa-f]{0,2}/.exec(this.p.slice(this.i))!;
        this.i += m[0].length;
        return m[0] ? parseInt(m[0], 16) : 0;
      }
      case '0': {
        const m = /^[0-7]{0,2}/.exec(this.p.slice(this.i))!;
        this.i += m[0].length;
        return parseInt(`0${m[0]}`, 8);
      }
    }
    if (/[A-Za-z0-9]/.test(c)) syntax('unrecognized character follows \\');
    return c.codePointAt(0)!;
  }

  private charClass(flags: Flags): CharSet {
    const set = new CharSet();
    if (this.p[this.i] === '^') {
      set.negate = true;
      this.i++;
    }
    let first = true;
    while (true) {
      if (this.i >= this.p.length) syntax('missing terminating ] for character class');
      const c = this.p[this.i];
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      // POSIX class [:name:] or [:^name:]
      if (c === '[' && this.p[this.i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.p.slice(this.i));
        if (m) {
          const make = POSIX[m[2]];
          if (!make) syntax('unknown POSIX class name');
          const cls = make();
          set.addSet(m[1] ? negated(cls) : cls);
          this.i += m[0].length;
          continue;
        }
      }
      const lo = this.classAtom();
      if (lo instanceof CharSet) {
        set.addSet(lo);
        continue;
      }
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== ']' && this.i + 1 < this.p.length) {
        this.i++;
        const hi = this.classAtom();
        if (hi instanceof CharSet) syntax('invalid range in character class');
        if (hi < lo) syntax('range out of order in character class');
        set.add(lo, hi);
      } else {
        set.add(lo, lo);
      }
    }
    if (flags.i) set.foldCase();
    return set;
  }

  /** One character inside a class, or a class escape such as `\d`. */
  private classAtom(): number | CharSet {
    const c = this.p[this.i];
    if (c !== '\\') {
      const cp = this.p.codePointAt(this.i)!;
      this.i += cp > 0xffff ? 2 : 1;
      return cp;
    }
    this.i++;
    const e = this.p[this.i];
    if (e === undefined) syntax('\\ at end of pattern');
    if (e === 'b') {
      this.i++;
      return 0x08;
    }
    if ('dDwWsShHvV'.includes(e)) return this.classEscape({ i: false, s: false, m: false });
    this.i++;
    return this.escapedCodePoint(e);
  }
}

// ---- program ----

const OP_SET = 0;
const OP_SPLIT = 1;
const OP_JMP = 2;
const OP_ASSERT = 3;
const OP_MATCH = 4;

class Program {
  readonly op: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly sets: (CharSet | null)[] = [];
  readonly asserts: (Assert | null)[] = [];

  emit(op: number, x = 0, y = 0, set: CharSet | null = null, assert: Assert | null = null): number {
    if (this.op.length >= MAX_PROGRAM) syntax('regular expression is too large');
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    this.sets.push(set);
    this.asserts.push(assert);
    return this.op.length - 1;
  }

  get length(): number {
    return this.op.length;
  }
}

function emit(p: Program, n: Node): void {
  switch (n.t) {
    case 'set':
      p.emit(OP_SET, 0, 0, n.set);
      return;
    case 'assert':
      p.emit(OP_ASSERT, 0, 0, null, n.kind);
      return;
    case 'seq':
      for (const item of n.items) emit(p, item);
      return;
    case 'alt': {
      const jumps: number[] = [];
      for (let k = 0; k < n.alts.length - 1; k++) {
        const split = p.emit(OP_SPLIT);
        p.x[split] = p.length;
        emit(p, n.alts[k]);
        jumps.push(p.emit(OP_JMP));
        p.y[split] = p.length;
      }
      emit(p, n.alts[n.alts.length - 1]);
      for (const j of jumps) p.x[j] = p.length;
      return;
    }
    case 'rep': {
      for (let k = 0; k < n.min; k++) emit(p, n.node);
      if (n.max === Infinity) {
        const split = p.emit(OP_SPLIT);
        p.x[split] = p.length;
        emit(p, n.node);
        p.emit(OP_JMP, split);
        p.y[split] = p.length;
        return;
      }
      const splits: number[] = [];
      for (let k = n.min; k < n.max; k++) {
        const split = p.emit(OP_SPLIT);
        p.x[split] = p.length;
        splits.push(split);
        emit(p, n.node);
      }
      for (const s of splits) p.y[s] = p.length;
      return;
    }
  }
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

class PikeVm implements Regex {
  private readonly size: number;
  private readonly marks: Uint32Array;
  private gen = 0;
  private clist: Int32Array;
  private nlist: Int32Array;
  private readonly stack: Int32Array;

  constructor(private readonly p: Program) {
    this.size = p.length;
    this.marks = new Uint32Array(this.size);
    this.clist = new Int32Array(this.size);
    this.nlist = new Int32Array(this.size);
    this.stack = new Int32Array(this.size * 2 + 2);
  }

  /** Adds the threads reachable from pc without consuming input; true when one of them matches. */
  private add(list: Int32Array, count: { n: number }, pc0: number, s: string, pos: number): boolean {
    const p = this.p;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp];
      if (this.marks[pc] === this.gen) continue;
      this.marks[pc] = this.gen;
      switch (p.op[pc]) {
        case OP_MATCH:
          return true;
        case OP_JMP:
          stack[sp++] = p.x[pc];
          break;
        case OP_SPLIT:
          stack[sp++] = p.y[pc];
          stack[sp++] = p.x[pc];
          break;
        case OP_ASSERT:
          if (assertHolds(p.asserts[pc]!, s, pos)) stack[sp++] = pc + 1;
          break;
        default:
          list[count.n++] = pc;
      }
    }
    return false;
  }

  test(s: string): boolean {
    const p = this.p;
    const n = s.length;
    const cur = { n: 0 };
    const nxt = { n: 0 };
    this.gen++;
    if (this.gen >= 0xfffffff0) {
      this.marks.fill(0);
      this.gen = 1;
    }
    for (let pos = 0; ; pos++) {
      // Unanchored search: a new thread may start at every position.
      if (this.add(this.clist, cur, 0, s, pos)) return true;
      if (pos >= n || cur.n === 0) {
        if (pos >= n) return false;
      }
      const c = s.charCodeAt(pos);
      this.gen++;
      nxt.n = 0;
      for (let k = 0; k < cur.n; k++) {
        const pc = this.clist[k];
        if (p.sets[pc]!.has(c) && this.add(this.nlist, nxt, pc + 1, s, pos + 1)) return true;
      }
      const t = this.clist;
      this.clist = this.nlist;
      this.nlist = t;
      cur.n = nxt.n;
    }
  }
}

function assertHolds(kind: Assert, s: string, pos: number): boolean {
  const n = s.length;
  switch (kind) {
    case 'bol':
    case 'start':
      return pos === 0;
    case 'mbol':
      return pos === 0 || s.charCodeAt(pos - 1) === 0x0a;
    case 'end':
      return pos === n;
    case 'eol':
    case 'endz':
      return pos === n || (pos === n - 1 && s.charCodeAt(pos) === 0x0a);
    case 'meol':
      return pos === n || s.charCodeAt(pos) === 0x0a;
    case 'wordb':
    case 'nwordb': {
      const before = pos > 0 && isWordChar(s.charCodeAt(pos - 1));
      const after = pos < n && isWordChar(s.charCodeAt(pos));
      return (before !== after) === (kind === 'wordb');
    }
  }
}

/** Compiles a pattern; never throws. */
export function compileRegex(pattern: string): RegexResult {
  try {
    const tree = new RegexParser(pattern).parse();
    const program = new Program();
    emit(program, tree);
    program.emit(OP_MATCH);
    return { ok: true, regex: new PikeVm(program) };
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { ok: false, message: e.message };
    if (e instanceof RangeError) return { ok: false, message: 'regular expression is too large' };
    throw e;
  }
}
