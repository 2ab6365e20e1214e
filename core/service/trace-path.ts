/**
 * One trace's path as the simulation mode draws it: the path recorder's events for a trace id,
 * each with the node it happened at (and, for a link crossing, the node at the far end), so the
 * path strip and the canvas can name topology nodes rather than port names.
 */
import type { VerdictKind } from '../fabric/verdict.ts';
import type { PathRecorder } from './path-recorder.ts';

export interface TraceHop {
  readonly time: number;
  readonly hop: number;
  readonly point: string;
  readonly node: string;
  /** `send`, `link`, a card stage, `deliver` or `drop` (see PathEvent). */
  readonly stage: string;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly rule: string | null;
  readonly detail: string;
  /** For `link`: the node at the far end. */
  readonly toNode: string | null;
}

export interface TracePath {
  readonly traceId: number;
  readonly hops: readonly TraceHop[];
  /** True when the trace had more events than were returned. */
  readonly truncated: boolean;
}

/** The trace's events, at most `max` of them; empty when the trace is unknown or forgotten. */
export function tracePath(paths: PathRecorder | null, nodeOf: (port: string) => string, traceId: number, max: number): TracePath {
  const events = paths?.events(traceId) ?? [];
  const hops = events.slice(0, max).map((e) => ({
    time: e.time, hop: e.hop, point: e.point, node: nodeOf(e.point), stage: e.stage, verdict: e.verdict,
    reason: e.reason, rule: e.rule, detail: e.detail, toNode: e.to === null ? null : nodeOf(e.to),
  }));
  return { traceId, hops, truncated: events.length > max };
}

/** Hops returned for one trace: a ping's trace has ~20; a bound for pathological ones. */
export const MAX_TRACE_HOPS = 2000;
