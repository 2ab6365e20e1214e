import { describe, expect, it } from 'vitest';
import { scan } from '../../../core/filter/scanner.ts';

/** kind:text@start-end for each token, for compact expectations. */
function toks(text: string): string[] {
  return scan(text).tokens.map((t) => (t.kind === 'error' ? `error:${t.error!.message}@${t.start}-${t.end}` : `${t.kind}:${t.text}@${t.start}-${t.end}`));
}

describe('filter scanner', () => {
  it('splits a comparison into tokens with positions', () => {
    expect(toks('ip.src == 10.0.0.1')).toEqual(['unparsed:ip.src@0-6', 'cmp:==@7-9', 'unparsed:10.0.0.1@10-18', 'eof:@18-18']);
  });

  it('reads every comparison spelling to its canonical operator', () => {
    const ops = ['==', 'eq', 'any_eq', '!=', 'ne', 'all_ne', '===', 'all_eq', '!==', 'any_ne', '~=', '>', 'gt', '>=', 'ge', '<', 'lt', '<=', 'le'];
    const canon = ops.map((op) => scan(`a ${op} b`).tokens[1]);
    expect(canon.map((t) => t.kind)).toEqual(ops.map(() => 'cmp'));
    expect(canon.map((t) => t.value)).toEqual(['==', '==', '==', '!=', '!=', '!=', '===', '===', '!==', '!==', '!==', '>', '>', '>=', '>=', '<', '<', '<=', '<=']);
  });

  it('knows the word operators only as whole words', () => {
    expect(toks('and andx or in inx')).toEqual(['and:and@0-3', 'unparsed:andx@4-8', 'or:or@9-11', 'in:in@12-14', 'unparsed:inx@15-18', 'eof:@18-18']);
    expect(scan('a && b || !c ~ d').tokens.map((t) => t.kind)).toEqual(['unparsed', 'and', 'unparsed', 'or', 'not', 'unparsed', 'matches', 'unparsed', 'eof']);
    expect(scan('a bitwise_and 1').tokens[1]).toMatchObject({ kind: 'bitand', value: '&' });
  });

  it('reads MACs, byte strings, IPv4/IPv6 with prefixes as single literals', () => {
    expect(toks('02:00:00:00:00:01')[0]).toBe('literal:02:00:00:00:00:01@0-17');
    expect(toks('10.0.0.0/16')[0]).toBe('literal:10.0.0.0/16@0-11');
    expect(toks('fe80::1')[0]).toBe('literal:fe80::1@0-7');
    expect(toks('2001:db8::/32')[0]).toBe('literal:2001:db8::/32@0-13');
    expect(toks('aa:bb:cc')[0]).toBe('literal:aa:bb:cc@0-8');
    // hyphen and dot forms are words (resolved later), like tshark
    expect(toks('02-00-00-00-00-01')[0]).toBe('unparsed:02-00-00-00-00-01@0-17');
    expect(toks('0200.0000.0001')[0]).toBe('unparsed:0200.0000.0001@0-14');
  });

  it('splits what tshark splits: 1:2 is 1 then :2, a.. is a then ..', () => {
    expect(toks('1:2')).toEqual(['unparsed:1@0-1', 'literal::2@1-3', 'eof:@3-3']);
    expect(toks('aa:bb:c')).toEqual(['literal:aa:bb@0-5', 'literal::c@5-7', 'eof:@7-7']);
    expect(toks('3..5')).toEqual(['unparsed:3@0-1', 'dotdot:..@1-3', 'unparsed:5@3-4', 'eof:@4-4']);
    expect(toks('10.0.0.1/ab')).toEqual(['unparsed:10.0.0.1@0-8', 'slash:/@8-9', 'unparsed:ab@9-11', 'eof:@11-11']);
    expect(toks('frame.len-14')[0]).toBe('unparsed:frame.len-14@0-12');
    expect(toks('-14')).toEqual(['minus:-@0-1', 'unparsed:14@1-3', 'eof:@3-3']);
  });

  it('marks `:` literals and `.` fields', () => {
    expect(scan(':ff').tokens[0]).toMatchObject({ kind: 'literal', value: 'ff', start: 0, end: 3 });
    expect(scan('.ip.src').tokens[0]).toMatchObject({ kind: 'field', value: 'ip.src', start: 0, end: 7 });
  });

  it('scans layers and slices in their own states', () => {
    expect(toks('ip.src#2')).toEqual(['unparsed:ip.src@0-6', 'hash:#@6-7', 'index:2@7-8', 'eof:@8-8']);
    expect(toks('eth.src[0:3, -1]')).toEqual([
      'unparsed:eth.src@0-7',
      'lbracket:[@7-8',
      'range:0:3@8-11',
      'comma:,@11-12',
      'range: -1@12-15',
      'rbracket:]@15-16',
      'eof:@16-16',
    ]);
    expect(toks('tcp.port#[2-4]')).toEqual(['unparsed:tcp.port@0-8', 'hash:#@8-9', 'lbracket:[@9-10', 'range:2-4@10-13', 'rbracket:]@13-14', 'eof:@14-14']);
  });

  it('unescapes strings into byte strings and keeps raw strings raw', () => {
    const s = (text: string) => scan(text).tokens[0];
    expect(s('"a\\"b\\\\c\\x41\\101\\n"')).toMatchObject({ kind: 'string', value: 'a"b\\cAA\n', start: 0, end: 19 });
    expect(s('r"a\\bc\\""')).toMatchObject({ kind: 'string', value: 'a\\bc\\"' });
    // non-ASCII becomes its UTF-8 bytes, one char per byte, like dissected strings
    expect(s('"\\u00e4"').value).toBe('\xc3\xa4');
    expect(s('"ä"').value).toBe('\xc3\xa4');
  });

  it('reads character constants', () => {
    expect(scan("'a'").tokens[0]).toMatchObject({ kind: 'charconst', num: 97 });
    expect(scan("'\\x0a'").tokens[0]).toMatchObject({ kind: 'charconst', num: 10 });
    expect(scan("'\\012'").tokens[0]).toMatchObject({ kind: 'charconst', num: 10 });
    expect(scan("'\\''").tokens[0]).toMatchObject({ kind: 'charconst', num: 39 });
  });

  it('reports scan errors as tshark does, with positions', () => {
    const err = (text: string) => scan(text).tokens.at(-1)!.error;
    expect(err('"abc')).toEqual({ message: 'The final quote was missing from a quoted string.', start: 4, end: 5 });
    expect(err('"a\\qb"')).toEqual({ message: '\\q is not a valid character escape sequence', start: 2, end: 4 });
    expect(err('"\\400"')).toEqual({ message: '\\400 is larger than 255.', start: 1, end: 5 });
    expect(err('"\\u12"')).toEqual({ message: '\\u12 is not a valid universal character name', start: 1, end: 5 });
    expect(err('"\\u0061"')).toEqual({ message: '\\u0061 is not a valid universal character name', start: 1, end: 7 });
    expect(err("''")).toEqual({ message: 'Empty character constant.', start: 0, end: 2 });
    expect(err("'ab'")).toEqual({ message: "'ab' is too long to be a valid character constant.", start: 0, end: 4 });
    expect(err("'\\n'")).toEqual({ message: "'\\n' is too long to be a valid character constant.", start: 0, end: 4 });
    expect(err("'a")).toEqual({ message: 'The final quote was missing from a character constant.', start: 2, end: 3 });
    expect(err('a#b')).toEqual({ message: 'Expected digit or "[", not "b"', start: 2, end: 3 });
    expect(err('a[1')).toEqual({ message: 'The right bracket was missing from a slice.', start: 3, end: 4 });
    expect(err('a ^ b')).toEqual({ message: '"^" was unexpected in this context.', start: 2, end: 3 });
    expect(err('a == é')).toEqual({ message: 'Non-printable ASCII characters may only appear inside double-quotes.', start: 5, end: 6 });
  });

  it('stops at the first error and always ends with eof or error', () => {
    const t = scan('"abc" "de').tokens;
    expect(t.map((x) => x.kind)).toEqual(['string', 'error']);
    expect(scan('').tokens.map((x) => x.kind)).toEqual(['eof']);
  });
});
