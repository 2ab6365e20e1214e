// Hostile input never throws: random text, random values, mutated examples, deep nesting,
// alias bombs, huge numbers and wrong types all come back as diagnostics with valid positions.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadTopology, validateDocument, type LoadResult } from '../../../core/topology/index.ts';
import { errorsOf } from './helpers.ts';

const examplesDir = join(import.meta.dirname, '../../../resources/topologies');
const examples = readdirSync(examplesDir).map((f) => readFileSync(join(examplesDir, f), 'utf8'));

/** The invariants every result keeps, whatever the input. */
function sane(text: string, r: LoadResult): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  expect(r.ok).toBe(errorsOf(r).length === 0);
  if (!r.ok) expect(r.topology).toBeNull();
  for (const d of r.diagnostics) {
    expect(d.code).not.toBe('internal-error');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.offset).toBeLessThanOrEqual(text.length);
    expect(typeof d.message).toBe('string');
  }
}

const check = (text: string): LoadResult => {
  const r = loadTopology(text);
  sane(text, r);
  return r;
};

describe('random input', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => { check(s); }), { numRuns: 400 });
  });

  it('random YAML-ish token soup', () => {
    const token = fc.constantFrom('version: 1', 'vpcs:', 'subnets:', 'instances:', '  a:', '    cidr: 10.0.0.0/16', '{', '}', '[', ']', ',', ': ', '- ', '&x', '*x', '!!str', '? ', '#', '"', "'", '\n', '  ', '\t', '---', '...', '10.0.1.4', '1e400', '-1');
    fc.assert(fc.property(fc.array(token, { maxLength: 60 }), (ts) => { check(ts.join('')); }), { numRuns: 400 });
  });

  it('random values as YAML and as JSON', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 5 }), (v) => {
      check(stringify({ version: 1, vpcs: v, instances: v }));
      const json = JSON.stringify({ version: 1, subnets: v });
      if (json !== undefined) check(json);
    }), { numRuns: 300 });
  });

  it('random values straight into validateDocument', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 6 }), (v) => {
      const r = validateDocument(v);
      expect(r.ok).toBe(false);
      const r2 = validateDocument({ version: 1, vpcs: v, subnets: v, instances: v, securityGroups: v, peerings: v });
      expect(r2.diagnostics.every((d) => d.code !== 'internal-error')).toBe(true);
    }), { numRuns: 300 });
  });

  it('examples with random edits and truncations', () => {
    const edit = fc.record({
      which: fc.nat(examples.length - 1),
      at: fc.nat(),
      cut: fc.nat(40),
      insert: fc.string({ maxLength: 6 }),
    });
    fc.assert(fc.property(edit, ({ which, at, cut, insert }) => {
      const src = examples[which];
      const i = at % (src.length + 1);
      check(src.slice(0, i) + insert + src.slice(i + cut));
      check(src.slice(0, i));
    }), { numRuns: 500 });
  });
});

describe('resource limits', () => {
  it('deeply nested flow collections', () => {
    for (const text of ['['.repeat(100_000), `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"a":${'['.repeat(5000)}`, 'version: 1\nname: ' + '{a: '.repeat(3000)]) {
      const r = check(text);
      expect(r.ok).toBe(false);
    }
    expect(errorsOf(loadTopology(`{"a":${'['.repeat(5000)}`)).map((e) => e.code)).toEqual(['too-complex']);
  });

  it('deeply nested block mappings', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    const r = check(text);
    expect(errorsOf(r).map((e) => e.code)).toEqual(['too-complex']);
  });

  it('an alias bomb', () => {
    const text = `version: 1
a: &a [x,x,x,x,x,x,x,x,x,x]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
`;
    expect(errorsOf(check(text)).map((e) => e.code)).toEqual(['too-complex']);
  });

  it('a document over the size limit', () => {
    const text = `version: 1\nname: "${'x'.repeat(5 * 1024 * 1024)}"\n`;
    expect(errorsOf(check(text)).map((e) => [e.code, e.line, e.column])).toEqual([['too-large', 1, 1]]);
  });
});

describe('wrong types and numbers', () => {
  it('huge and odd numbers', () => {
    const r = check(`version: 1
vpcs:
  a: { cidr: 10.0.0.0/16, number: 1e400 }
  b: { cidr: 10.1.0.0/16, number: 99999999999999999999 }
  c: { cidr: 10.2.0.0/16, number: .nan }
  d: { cidr: 10.3.0.0/16, number: 0x1000000 }
instances:
  i: { mtu: -.inf }
hosts:
  h: { capacity: 1.5 }
`);
    expect(errorsOf(r).map((e) => [e.code, e.line])).toEqual([['wrong-type', 3], ['out-of-range', 4], ['wrong-type', 5], ['out-of-range', 6], ['wrong-type', 8], ['wrong-type', 10]]);
    expect(errorsOf(r).map((e) => e.message)).toEqual([
      'expected a finite number, got a number too large to represent',
      'must be at most 16777215, got 100000000000000000000',
      'expected a finite number, got NaN',
      'must be at most 16777215, got 16777216',
      'expected a finite number, got a number too large to represent',
      'expected an integer, got 1.5',
    ]);
  });

  it('a huge version number', () => {
    expect(errorsOf(check('version: 1e400\n')).map((e) => e.code)).toEqual(['version-invalid']);
    expect(errorsOf(check('version: 9007199254740993\n')).map((e) => e.code)).toEqual(['version-invalid']);
  });

  it('wrong types for every collection', () => {
    const keys = ['zones', 'racks', 'hosts', 'vpcs', 'subnets', 'routeTables', 'securityGroups', 'networkAcls', 'instances', 'peerings'];
    for (const v of ['5', '"text"', '[1, 2]', 'true']) {
      const text = `version: 1\n${keys.map((k) => `${k}: ${v}`).join('\n')}\n`;
      expect(errorsOf(check(text)).map((e) => [e.code, e.line])).toEqual(keys.map((_, i) => ['wrong-type', i + 2]));
    }
  });

  it('wrong types inside objects', () => {
    const text = `version: 1
vpcs: { v: 5 }
subnets: { s: [1] }
instances: { i: { securityGroups: web, host: [h], subnet: { a: 1 } } }
peerings: { p: { vpcs: [a, b, c] } }
securityGroups: { g: { inbound: { protocol: tcp } } }
networkAcls: { n: { ingress: [{ rule: "100", action: allow, protocol: all }] } }
`;
    expect(errorsOf(check(text)).map((e) => [e.code, e.line])).toEqual([
      ['wrong-type', 2], ['wrong-type', 3], ['wrong-type', 4], ['wrong-type', 4], ['wrong-type', 4],
      ['out-of-range', 5], ['wrong-type', 6], ['wrong-type', 7],
    ]);
  });

  it('a non-string from an untyped caller', () => {
    for (const v of [42, null, undefined, {}, ['version: 1']]) {
      expect(errorsOf(loadTopology(v as unknown as string)).map((e) => e.code)).toEqual(['wrong-type']);
    }
  });

  it('a "__proto__" key stays a plain (unknown) key', () => {
    const r = check('version: 1\n__proto__: { polluted: true }\nvpcs: { __proto__: { cidr: 10.0.0.0/16 } }\n');
    expect(errorsOf(r).map((e) => [e.code, e.line, e.column])).toEqual([['invalid-name', 2, 1], ['invalid-name', 3, 9]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
