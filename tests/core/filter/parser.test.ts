import { describe, expect, it } from 'vitest';
import type { Entity, Expr, RangeNode } from '../../../core/filter/ast.ts';
import { FilterFailure } from '../../../core/filter/error.ts';
import { parse } from '../../../core/filter/parser.ts';

/** The tree as an S-expression, to check structure and precedence at a glance. */
function sx(e: Expr): string {
  switch (e.k) {
    case 'true':
      return 'true';
    case 'and':
    case 'or':
      return `(${e.k} ${sx(e.left)} ${sx(e.right)})`;
    case 'not':
      return `(not ${sx(e.arg)})`;
    case 'test':
      return ent(e.arg);
    case 'cmp':
      return `(${e.quant ? e.quant + ' ' : ''}${e.op} ${ent(e.left)} ${ent(e.right)})`;
    case 'contains':
    case 'matches':
      return `(${e.quant ? e.quant + ' ' : ''}${e.k} ${ent(e.left)} ${ent(e.right)})`;
    case 'in':
      return `(${e.quant ? e.quant + ' ' : ''}${e.negated ? 'not-in' : 'in'} ${ent(e.left)} {${e.set.map((s) => (s.high ? `${ent(s.low)}..${ent(s.high)}` : ent(s.low))).join(' ')}})`;
  }
}

function rng(r: RangeNode): string {
  return `${r.from}/${r.length ?? '-'}/${r.to ?? '-'}`;
}

function ent(e: Entity): string {
  switch (e.k) {
    case 'unparsed':
      return e.text;
    case 'field':
      return `.${e.name}`;
    case 'literal':
      return `lit:${e.value}`;
    case 'string':
      return JSON.stringify(e.value);
    case 'charconst':
      return `chr:${e.value}`;
    case 'ref':
      return `\${${e.name}}`;
    case 'layer':
      return `${ent(e.base)}#[${e.ranges.map(rng).join(',')}]`;
    case 'slice':
      return `${ent(e.base)}[${e.ranges.map(rng).join(',')}]`;
    case 'call':
      return `${e.name}(${e.args.map(ent).join(' ')})`;
    case 'arith':
      return `(${e.op} ${ent(e.left)} ${ent(e.right)})`;
    case 'neg':
      return `(- ${ent(e.arg)})`;
  }
}

function parseError(text: string): { message: string; start: number; end: number } {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof FilterFailure) return { message: e.message, start: e.start, end: e.end };
    throw e;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe('filter parser', () => {
  it('gives not > and > or precedence, left-associative', () => {
    expect(sx(parse('a or b and c'))).toBe('(or a (and b c))');
    expect(sx(parse('a and b or not c or d and not e or f'))).toBe('(or (or (or (and a b) (not c)) (and d (not e))) f)');
    expect(sx(parse('!a && !!b || c'))).toBe('(or (and (not a) (not (not b))) c)');
    expect(sx(parse('(a or b) and c'))).toBe('(and (or a b) c)');
    expect(sx(parse(''))).toBe('true');
    expect(sx(parse('  '))).toBe('true');
  });

  it('reads relations, quantifiers and chains', () => {
    expect(sx(parse('ip.src == 10.0.0.1'))).toBe('(== ip.src 10.0.0.1)');
    expect(sx(parse('all ip.addr != 10.0.0.0/8'))).toBe('(all != ip.addr lit:10.0.0.0/8)');
    expect(sx(parse('any tcp.port > 1024'))).toBe('(any > tcp.port 1024)');
    expect(sx(parse('a < b <= c'))).toBe('(and (< a b) (<= b c))');
    expect(sx(parse('x contains "GET"'))).toBe('(contains x "GET")');
    expect(sx(parse('x ~ "^a"'))).toBe('(matches x "^a")');
  });

  it('reads sets with ranges, and `not in` in both spellings', () => {
    expect(sx(parse('tcp.port in {80, 443, 8000..8080}'))).toBe('(in tcp.port {80 443 8000..8080})');
    expect(sx(parse('p in {-1..2}'))).toBe('(in p {(- 1)..2})');
    expect(sx(parse('p not in {1,2}'))).toBe('(not-in p {1 2})');
    expect(sx(parse('p !in {1}'))).toBe('(not-in p {1})');
  });

  it('gives arithmetic & < + - < * / %, unary minus, brace grouping', () => {
    expect(sx(parse('a & 0x3c + 1 == 60'))).toBe('(== (& a (+ 0x3c 1)) 60)');
    expect(sx(parse('a + b * c - d'))).toBe('(- (+ a (* b c)) d)');
    expect(sx(parse('d >= 4 * {s + 3}'))).toBe('(>= d (* 4 (+ s 3)))');
    expect(sx(parse('-a == -60'))).toBe('(== (- a) (- 60))');
    expect(sx(parse('a + +1'))).toBe('(+ a 1)');
    expect(sx(parse('tcp.flags & 0x02'))).toBe('(& tcp.flags 0x02)');
  });

  it('reads slices, layers, calls, references', () => {
    expect(sx(parse('eth.src[0:3] == 00:11:22'))).toBe('(== eth.src[0/3/-] lit:00:11:22)');
    expect(sx(parse('frame[-4:]'))).toBe('frame[-4/-/-]');
    expect(sx(parse('f[1,3-5,9:]'))).toBe('f[1/1/-,3/-/5,9/-/-]');
    expect(sx(parse('f[:2]'))).toBe('f[0/2/-]');
    expect(sx(parse('f[0][0]'))).toBe('f[0/1/-][0/1/-]');
    expect(sx(parse('ip.src#2 == 1'))).toBe('(== ip.src#[2/1/-] 1)');
    expect(sx(parse('ip.src#[2-4]'))).toBe('ip.src#[2/-/4]');
    expect(sx(parse('ip.src#2[0]'))).toBe('ip.src#[2/1/-][0/1/-]');
    expect(sx(parse('len(x) > max(a, 1)'))).toBe('(> len(x) max(a 1))');
    expect(sx(parse('a == ${b.c}'))).toBe('(== a ${b.c})');
    expect(sx(parse(".x == :ff && c == 'z'"))).toBe('(and (== .x lit:ff) (== c chr:122))');
  });

  it('records positions', () => {
    const e = parse('a == 1 or b');
    expect(e).toMatchObject({ k: 'or', start: 0, end: 11 });
    if (e.k !== 'or') throw new Error();
    expect(e.left).toMatchObject({ k: 'cmp', start: 0, end: 6, left: { start: 0, end: 1 }, right: { start: 5, end: 6 } });
    expect(e.right).toMatchObject({ k: 'test', start: 10, end: 11 });
  });

  it.each([
    ['ip.src == 10.0.0.1 and', 'Unexpected end of filter expression.', 22, 23],
    ['frame.number in {1 2}', '"2" was unexpected in this context.', 19, 20],
    ['frame.len == 60 60', '"60" was unexpected in this context.', 16, 18],
    ['tcp)', '")" was unexpected in this context.', 3, 4],
    ['()', '")" was unexpected in this context.', 1, 2],
    ['frame.len == (60)', '"(" was unexpected in this context.', 13, 14],
    ['frame.len = 60', '"=" was unexpected in this context.', 10, 11],
    ['and frame.len', '"and" was unexpected in this context.', 0, 3],
    ['any all a > 1', '"all" was unexpected in this context.', 4, 7],
    ['a == any 60', '"any" was unexpected in this context.', 5, 8],
    ['all a', 'Unexpected end of filter expression.', 5, 6],
    ['a in {}', '"}" was unexpected in this context.', 6, 7],
    ['a in {1,}', '"}" was unexpected in this context.', 8, 9],
    ['a in {1 .. 2 .. 3}', '".." was unexpected in this context.', 13, 15],
    ['a in {1+1}', '"+" was unexpected in this context.', 7, 8],
    ['a#1#2', '"#" was unexpected in this context.', 3, 4],
    ['a[]', '"]" was unexpected in this context.', 2, 3],
    ['a[x] == 1', '"x" is not a valid number.', 2, 3],
    ['a[1:2:3]', '"1:2:3" is not a valid range.', 2, 7],
    ['a[1-]', '"1-" is not a valid range.', 2, 4],
    ['a[0:0]', "Range 0:0 isn't valid because length 0 isn't positive", 2, 5],
    ['a[2-1]', "Range 2-1 isn't valid because 2 is greater or equal than 1", 2, 5],
    ['a[-2-5]', "Range -2-5 isn't valid because -2 and 5 have different signs", 2, 6],
    ['a[1 == 1', 'The right bracket was missing from a slice.', 8, 9],
    ['$a', '"a" was unexpected in this context.', 1, 2],
    ['"a" "b"', '""b"" was unexpected in this context.', 4, 7],
    ['(a == 1) == 1', '"==" was unexpected in this context.', 9, 11],
  ])('rejects %j: %s', (text, message, start, end) => {
    expect(parseError(text)).toEqual({ message, start, end });
  });

  it('refuses pathological nesting without overflowing the stack', () => {
    expect(parseError('('.repeat(5000) + 'a' + ')'.repeat(5000)).message).toBe('Filter expression is nested too deeply.');
    expect(parseError('!'.repeat(5000) + 'a').message).toBe('Filter expression is nested too deeply.');
    expect(parseError('a == ' + '-'.repeat(5000) + '1').message).toBe('Filter expression is nested too deeply.');
    expect(parseError('a == 1' + ' + 1'.repeat(500)).message).toBe('Arithmetic expression is too long.');
    // long logical chains are fine: they are flattened, not nested
    expect(sx(parse(Array.from({ length: 3000 }, (_, i) => `a == ${i}`).join(' or '))).length).toBeGreaterThan(3000);
  });
});
