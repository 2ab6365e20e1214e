import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { completeFilter } from '../../../core/filter/complete.ts';
import { compileFilter, FilterRunner, INTERNAL_ERROR } from '../../../core/filter/filter.ts';
import { recordsOf } from '../../support/capture.ts';
import { filterCapture } from './fixture.ts';
import { ftestProtocol } from './ftest-protocol.ts';
import { MINI_PROTOCOLS } from './mini-protocols.ts';

const engine = new DissectionEngine([eth, ...MINI_PROTOCOLS, ftestProtocol]);
const frames = recordsOf(filterCapture());

/** Compiles, and when that works runs the filter over the fixture frames: neither may throw. */
function exercise(text: string): void {
  const r = compileFilter(text, engine.fields);
  if (!r.ok) {
    expect(r.error.message.startsWith(INTERNAL_ERROR), `${JSON.stringify(text)}: ${r.error.message}`).toBe(false);
    expect(r.error.start).toBeGreaterThanOrEqual(0);
    expect(r.error.end).toBeGreaterThanOrEqual(r.error.start);
    expect(r.error.end).toBeLessThanOrEqual(Math.max(text.length + 1, r.error.start + 1));
    return;
  }
  const runner = new FilterRunner(r.filter);
  const session = engine.newSession();
  for (const f of frames) expect(typeof runner.run(session, f)).toBe('boolean');
}

// Pieces of real filters, so random sequences reach deep into the parser and the type checks.
const PIECES = [
  'ip.src', 'ip.addr', 'ip.ttl', 'ip', 'eth.src', 'eth.dst', 'eth', 'frame', 'frame.len', 'frame.comment', 'frame.time',
  'frame.time_relative', 'udp.port', 'tcp.flags', 'tcp.flags.syn', 'data.data', 'ftest.u8', 'ftest.name', 'ftest.mac',
  'ftest.ratio', 'ftest.label', 'ftest.when', 'nosuch', '==', '!=', '===', '!==', '~=', '>', '<=', 'eq', 'contains',
  'matches', '~', 'in', 'not', '!', 'and', '&&', 'or', '||', 'any', 'all', '&', '+', '-', '*', '/', '%', '(', ')', '{',
  '}', '[', ']', ',', '..', '#', '#2', '#[1-2]', '[0:2]', '[-1]', '[1,3-5,9:]', '$', '${ip.src}', '10.0.0.1',
  '10.0.0.0/8', '02:00:00:00:00:01', 'ff', '0x3c', '074', '0b101', '60', '-1', '1.5', '"gwlb"', '"(a+)+$"',
  'r"\\d"', "'a'", "'\\x41'", '"\\x"', 'len(', 'count(', 'upper(', 'string(', 'max(', 'abs(', 'True', ':ff', '.ip.src',
  '"2023-11-14T22:13:20"', ' ', ' ', ' ',
];

describe('the compiler on hostile input', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => exercise(s)),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => exercise(s)),
      { numRuns: 1000 },
    );
  });

  it('never throws on random sequences of filter pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }), (parts) => exercise(parts.join(' '))),
      { numRuns: 6000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }), (parts) => exercise(parts.join(''))),
      { numRuns: 3000 },
    );
  });

  it('completion never throws either', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), fc.nat(), (parts, at) => {
        const text = parts.join(' ');
        const r = completeFilter(text, at % (text.length + 1), engine.fields);
        expect(r.from).toBeLessThanOrEqual(r.to);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers quickly on huge and deeply nested input', () => {
    const start = Date.now();
    for (const text of [
      '('.repeat(100000),
      '!'.repeat(100000) + 'ip',
      'ip.src == 10.0.0.1 or '.repeat(5000) + 'ip',
      '{'.repeat(50000),
      'frame.len' + '[0]'.repeat(5000),
      '"' + 'a'.repeat(60000),
      'a'.repeat(70000),
      'frame.comment matches "' + '(a+)+'.repeat(2000) + '"',
      'ip.ttl in {' + Array.from({ length: 5000 }, (_, i) => String(i % 256)).join(', ') + '}',
    ]) {
      exercise(text);
    }
    expect(Date.now() - start).toBeLessThan(20000);
  });
});
