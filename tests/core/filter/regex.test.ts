import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../../core/filter/regex.ts';

function re(pattern: string) {
  const r = compileRegex(pattern);
  if (!r.ok) throw new Error(`${pattern}: ${r.message}`);
  return r.regex;
}

function rejects(pattern: string): string {
  const r = compileRegex(pattern);
  if (r.ok) throw new Error(`${pattern}: expected an error`);
  return r.message;
}

describe('matches regular expressions (PCRE subset on a Pike VM)', () => {
  it.each<[string, string, boolean]>([
    ['gwlb', 'GWLB probe', true], // case-insensitive by default, like Wireshark
    ['(?-i)gwlb', 'GWLB probe', false],
    ['(?-i)GW(?i)lb', 'GWLB', true],
    ['(?-i)a(?i:B)c', 'abc', true],
    ['(?-i)a(?i:B)c', 'abC', false],
    ['^probe', 'gwlb probe', false],
    ['probe$', 'gwlb probe', true],
    ['probe$', 'gwlb probe\n', true], // PCRE's $ also before a final newline
    ['probe\\z', 'gwlb probe\n', false],
    ['\\Agw', 'gwlb', true],
    ['^a.c$', 'a\nc', false],
    ['(?s)^a.c$', 'a\nc', true],
    ['(?m)^c$', 'a\nc', true],
    ['\\bprobe\\b', 'gwlb probe one', true],
    ['\\bprob\\b', 'gwlb probe one', false],
    ['\\Brob', 'probe', true],
    ['[[:digit:]]{3}-[[:alpha:]]+', 'id 123-abc', true],
    ['[^a-z ]', 'Second COMMENT', false],
    ['[^[:alpha:]]', 'abc', false],
    ['\\d+\\s\\w+', 'x 12 ab', true],
    ['\\x{67}\\x77', 'gw', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\Qa.b\\E', 'a.b', true],
    ['(raw|reply)$', 'reply', true],
    ['a{2,3}b', 'aab', true],
    ['a{2,3}b', 'ab', false],
    ['a{2,}', 'aaaa', true],
    ['x{1}y?z*', 'x', true],
    ['a+?b', 'aab', true],
    ['(?:ab)+$', 'ababab', true],
    ['(?<name>ab)c', 'abc', true],
    ['(?P<n>ab)c', 'abc', true],
    ['a(?#comment)b', 'ab', true],
    ['a{,2}', 'a{,2}', true], // not a quantifier in PCRE2 10.42: literal braces
    ['', 'anything', true],
    ['[]a]', ']', true],
    ['[a-]', '-', true],
    ['\\.', 'a.b', true],
    ['caf\\xe9', 'caf\xe9', true],
  ])('%s on %j → %s', (pattern, subject, expected) => {
    expect(re(pattern).test(subject)).toBe(expected);
  });

  it.each<[string, string]>([
    ['(a', 'missing closing parenthesis'],
    ['a)', 'unmatched closing parenthesis'],
    ['[a', 'missing terminating ] for character class'],
    ['*a', 'quantifier does not follow a repeatable item'],
    ['a{3,2}', 'numbers out of order in {} quantifier'],
    ['[z-a]', 'range out of order in character class'],
    ['a\\', '\\ at end of pattern'],
    ['(a)\\1', 'back references are not supported (they need backtracking)'],
    ['(?<n>a)\\k<n>', 'back references are not supported (they need backtracking)'],
    ['a(?=b)', 'lookahead assertions are not supported (they need backtracking)'],
    ['(?<=a)b', 'lookbehind assertions are not supported (they need backtracking)'],
    ['(?>a+)b', 'atomic groups are not supported'],
    ['a++', 'possessive quantifiers are not supported (they need backtracking)'],
    ['(a)(?1)', 'recursion and subroutine calls are not supported'],
    ['(?x)a b', 'inline flag (?x) is not supported'],
    ['\\p{L}', '\\p is not supported'],
    ['a{1000}{1000}', 'regular expression is too large'],
  ])('rejects %s: %s', (pattern, message) => {
    expect(rejects(pattern)).toBe(message);
  });

  it('stays linear on patterns that make backtracking engines hang', () => {
    const subject = 'a'.repeat(20000);
    const start = Date.now();
    expect(re('(a+)+$').test(subject + '!')).toBe(false);
    expect(re('(a|a)*b').test(subject)).toBe(false);
    expect(re('(a*)*c').test(subject)).toBe(false);
    expect(re('a*a*a*a*a*a*b').test(subject)).toBe(false);
    expect(re('(x+x+)+y').test('x'.repeat(20000))).toBe(false);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('agrees with JavaScript regular expressions on the common subset', () => {
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', 'c', '.', '\\d', '\\w', '[ab]', '[^a]', '[a-c]', 'B'),
      fc.constantFrom('^', '$', '\\b'),
    );
    const quantified = fc.tuple(atom, fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,2}', '*?')).map(([a, q]) => (/^[\^$]|\\b/.test(a) ? a : a + q));
    const seq = fc.array(quantified, { minLength: 1, maxLength: 5 }).map((xs) => xs.join(''));
    const pattern = fc.oneof(
      seq,
      fc.tuple(seq, seq).map(([x, y]) => `${x}|${y}`),
      fc.tuple(seq, fc.constantFrom('*', '+', '?', '')).map(([x, q]) => `(?:${x})${q}`),
    );
    const subject = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', '1', ' ', '_'), maxLength: 12 });
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const ours = re(p).test(s);
        const js = new RegExp(p, 'i').test(s);
        expect(ours, `${p} on ${JSON.stringify(s)}`).toBe(js);
      }),
      { numRuns: 3000 },
    );
  });
});
