/**
 * The contract's allowlist is complete by construction (checked by tsc, which covers tests: the
 * `@ts-expect-error` lines fail the type check if the mistake they mark ever compiles), and its
 * validators accept what the API takes and refuse the rest.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MAX_PAGE_ROWS, MAX_TOPOLOGY_CHARS } from '../../../core/contract/limits.ts';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import type { EventSpecs, MethodSpecs } from '../../../core/contract/spec.ts';
import { z } from '../../../core/contract/zod.ts';

interface TwoMethods {
  greet(name: string, times?: number): string;
  stop(): void;
}

describe('allowlist exhaustiveness (type level)', () => {
  it('requires exactly one spec per method, typed by its parameters', () => {
    const complete = {
      greet: { args: z.tuple([z.string(), z.optional(z.int())]) },
      stop: { args: z.tuple([]) },
    } satisfies MethodSpecs<TwoMethods>;
    expect(Object.keys(complete)).toEqual(['greet', 'stop']);

    // @ts-expect-error a method of the interface without a spec
    const missing = { greet: { args: z.tuple([z.string(), z.optional(z.int())]) } } satisfies MethodSpecs<TwoMethods>;
    const extra = {
      greet: { args: z.tuple([z.string(), z.optional(z.int())]) },
      stop: { args: z.tuple([]) },
      // @ts-expect-error a spec for a method the interface does not have
      reboot: { args: z.tuple([]) },
    } satisfies MethodSpecs<TwoMethods>;
    const wrongType = {
      // @ts-expect-error a validator whose output is not the method's parameters
      greet: { args: z.tuple([z.int()]) },
      stop: { args: z.tuple([]) },
    } satisfies MethodSpecs<TwoMethods>;
    const wrongTransfer = {
      greet: {
        args: z.tuple([z.string(), z.optional(z.int())]),
        // @ts-expect-error transfer lists byte arrays of the result (a string here has none)
        transfer: (r: Uint8Array) => [r],
      },
      stop: { args: z.tuple([]) },
    } satisfies MethodSpecs<TwoMethods>;
    expect([missing, extra, wrongType, wrongTransfer]).toHaveLength(4);
  });

  it('requires exactly one spec per event', () => {
    // @ts-expect-error the status event has no spec
    const missing = { output: { coalesce: 'latest' } } satisfies EventSpecs<SimulationEvents>;
    expect(missing).toBeDefined();
  });

  it('types the simulation contract by its API', () => {
    expectTypeOf(simulationContract.methods).toHaveProperty('capturePage');
    expectTypeOf(simulationContract.methods).not.toHaveProperty('configureLink');
    expectTypeOf<Parameters<SimulationApi['load']>>().toEqualTypeOf<[topologyText: string, seed?: number]>();
  });
});

describe('simulation contract validators', () => {
  const m = simulationContract.methods;
  const accepts = (schema: z.ZodType, args: unknown[]) => schema.safeParse(args).success;

  it('lists every method of the API, and only those', () => {
    expect(Object.keys(m).sort()).toEqual(
      [
        'capturePage', 'exec', 'exportPcapng', 'filterCheck', 'frameDetail', 'frameHex', 'instances', 'kill', 'load', 'now', 'pause', 'run', 'step',
        // capture view
        'captureInfo', 'captureList', 'captureFrames', 'captureRows', 'traceLens', 'followStream', 'expertSummary', 'filterComplete', 'exportSelection',
        // simulation mode
        'eventLog', 'stepToPacket', 'tracePath', 'inFlight', 'taps',
        // labs
        'labCheck', 'labScenario',
      ].sort(),
    );
    expect(Object.keys(simulationContract.events).sort()).toEqual(['output', 'status']);
  });

  it('accepts valid argument lists', () => {
    expect(accepts(m.load.args, ['vpcs: {}'])).toBe(true);
    expect(accepts(m.load.args, ['vpcs: {}', 42])).toBe(true);
    expect(accepts(m.run.args, [])).toBe(true);
    expect(accepts(m.run.args, [1_000_000])).toBe(true);
    expect(accepts(m.capturePage.args, [0, MAX_PAGE_ROWS, 'tcp'])).toBe(true);
    expect(accepts(m.exec.args, ['web', 'ping 10.0.1.20'])).toBe(true);
  });

  it('refuses wrong types, bounds and arity', () => {
    expect(accepts(m.load.args, [])).toBe(false);
    expect(accepts(m.load.args, ['x'.repeat(MAX_TOPOLOGY_CHARS + 1)])).toBe(false);
    expect(accepts(m.load.args, ['x', -1])).toBe(false);
    expect(accepts(m.load.args, ['x', 1, 2])).toBe(false);
    expect(accepts(m.run.args, [-5])).toBe(false);
    expect(accepts(m.run.args, [Number.MAX_SAFE_INTEGER + 2])).toBe(false);
    expect(accepts(m.step.args, [0])).toBe(false);
    expect(accepts(m.capturePage.args, [0, MAX_PAGE_ROWS + 1])).toBe(false);
    expect(accepts(m.capturePage.args, [0.5, 10])).toBe(false);
    expect(accepts(m.exec.args, ['', 'ls'])).toBe(false);
    expect(accepts(m.frameHex.args, [0])).toBe(false);
    expect(accepts(m.now.args, [null])).toBe(false);
    expect(accepts(m.filterCheck.args, [{ toString: () => 'tcp' }])).toBe(false);
  });

  it('lists the byte arrays of results to transfer', () => {
    const bytes = new Uint8Array(4);
    expect(m.exportPcapng.transfer!(bytes)).toEqual([bytes]);
    expect(m.frameHex.transfer!(null)).toEqual([]);
    expect(m.frameDetail.transfer!({ number: 1, tree: [], sources: [{ name: 'Frame', bytes }] })).toEqual([bytes]);
  });
});

describe('simulation mode methods', () => {
  const mm = simulationContract.methods;
  const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;
  it('bound event pages and steps, and take a trace id ≥ 1', () => {
    expect(ok(mm.eventLog.args, [0, 200])).toBe(true);
    expect(ok(mm.eventLog.args, [0, 10_001])).toBe(false);
    expect(ok(mm.eventLog.args, [-1, 10])).toBe(false);
    expect(ok(mm.stepToPacket.args, [100_000])).toBe(true);
    expect(ok(mm.stepToPacket.args, [0])).toBe(false);
    expect(ok(mm.tracePath.args, [1])).toBe(true);
    expect(ok(mm.tracePath.args, [0])).toBe(false);
    expect(ok(mm.inFlight.args, [])).toBe(true);
    expect(ok(mm.taps.args, [1])).toBe(false);
  });
});
