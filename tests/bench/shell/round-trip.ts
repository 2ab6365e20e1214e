/**
 * Part of `npm run bench:shell`: the round trip of a cheap call (`now()`: the worker reads its
 * clock) over one transport, one call at a time, as a control's click would make it. The first
 * calls warm the JIT and the sockets up and are not counted.
 */
import { performance } from 'node:perf_hooks';
import { median } from '../support/bench-line.ts';
import type { Transport } from './transports.ts';

export interface RoundTrip {
  readonly calls: number;
  readonly medianMs: number;
  readonly p99Ms: number;
}

const WARM_UP = 500;

export async function roundTrip(transport: Transport, calls: number): Promise<RoundTrip> {
  const sim = transport.client.api;
  for (let i = 0; i < WARM_UP; i++) await sim.now();
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await sim.now();
    times[i] = performance.now() - t0;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { calls, medianMs: median(sorted), p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] };
}
