import { describe, expect, it } from 'vitest';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { fieldIdLimit } from '../../../core/dissect/field.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { FilterSink } from '../../../core/dissect/sink.ts';
import { compileFilter } from '../../../core/filter/filter.ts';
import { recordsOf } from '../../support/capture.ts';
import { filterCapture } from './fixture.ts';
import { MINI_PROTOCOLS } from './mini-protocols.ts';

/**
 * The predicate's own cost, with sinks filled once: typical filters take 20-80 ns on the
 * development machine. The bound here is loose, so a loaded CI machine passes while a badly slow
 * path (allocating per frame, formatting strings) still fails it.
 */

const engine = new DissectionEngine([eth, ...MINI_PROTOCOLS]);
const frames = recordsOf(filterCapture());

function nsPerEvaluation(filter: string): number {
  const r = compileFilter(filter, engine.fields);
  if (!r.ok) throw new Error(r.error.message);
  const sinks = frames.map((f) => {
    const s = new FilterSink(r.filter.fields, fieldIdLimit());
    engine.newSession().dissect(f, s, false);
    return s;
  });
  const bytes = frames.map((f) => f.bytes);
  let hits = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const k = i % sinks.length;
      if (r.filter.matches(sinks[k], bytes[k])) hits++;
    }
  };
  run(100_000); // warm up
  const rounds = 400_000;
  const start = performance.now();
  run(rounds);
  const ns = ((performance.now() - start) * 1e6) / rounds;
  expect(hits).toBeGreaterThanOrEqual(0);
  return ns;
}

describe('filter predicate cost', () => {
  it.each([
    'ip.addr == 10.0.0.5',
    'tcp.flags.syn == 1 && udp.port == 5',
    'ip.addr == 10.0.0.0/16 && ip.ttl > 3',
    'ip.addr != 10.0.0.1',
    'tcp.port in {80, 443, 8000..8080}',
    'eth[0] & 1',
    'eth.dst[0] & 1',
    'eth.src[0:3] == 02:00:00',
    'ip.src#2 == 172.16.0.1',
    'count(ip) == 2',
  ])('%s stays well under a microsecond', (filter) => {
    expect(nsPerEvaluation(filter)).toBeLessThan(1000);
  });
});
