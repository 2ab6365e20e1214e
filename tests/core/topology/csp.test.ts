// The renderer runs under a strict Content-Security-Policy (no 'unsafe-eval'): loading and
// validating a topology must never reach eval or the Function constructor. Zod compiles a fast
// path with `new Function` unless configured jitless; core/topology/schema/zod.ts does that.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadTopology, topologySchema } from '../../../core/topology/index.ts';

const g = globalThis as unknown as { Function: FunctionConstructor; eval: typeof eval };
const original = { Function: g.Function, eval: g.eval };

/** Replace eval and Function by versions that count calls and refuse, as a strict CSP would. */
function forbidEval(): { calls: number } {
  const seen = { calls: 0 };
  const refuse = () => {
    seen.calls++;
    throw new EvalError('refused by CSP');
  };
  g.Function = new Proxy(original.Function, { construct: refuse, apply: refuse });
  g.eval = refuse as unknown as typeof eval;
  return seen;
}

afterEach(() => {
  g.Function = original.Function;
  g.eval = original.eval;
});

describe('strict CSP', () => {
  it('loads every example and reports errors without eval or new Function', () => {
    const dir = join(import.meta.dirname, '../../../resources/topologies');
    const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const seen = forbidEval();
    for (const text of texts) expect(loadTopology(text).ok).toBe(true);
    expect(loadTopology('version: 1\nvpcs: { a: { cidr: 10.0.0.0/8, x: 1 } }\n').ok).toBe(false);
    expect(topologySchema.safeParse({ version: 1, instances: { a: { mtu: 'x' } } }).success).toBe(false);
    expect(seen.calls).toBe(0);
  });

  it('would notice if zod compiled code (the check above can fail)', () => {
    z.config({ jitless: false });
    try {
      const seen = forbidEval();
      const schema = z.object({ a: z.string(), b: z.number() });
      expect(schema.safeParse({ a: 'x', b: 1 }).success).toBe(true);
      expect(seen.calls).toBeGreaterThan(0);
    } finally {
      z.config({ jitless: true });
    }
  });
});
