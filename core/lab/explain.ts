/**
 * "What happened instead", in the fabric's own vocabulary: the drops of a run grouped by where,
 * why and by which rule, most frequent first —
 * "2 packets (the first: ICMP Echo (ping) request 10.0.1.4 → 10.0.1.5) were dropped at the Nitro card of host-b (ENI of
 * web) with SG_INGRESS_DENY: no inbound rule of sg-web allows icmp from 10.0.1.4".
 */
import type { PathEvent } from '../service/path-recorder.ts';
import type { Evidence } from './evidence.ts';
import { describePoint } from './points.ts';

export interface DropGroup {
  readonly point: string;
  readonly reason: string;
  readonly rule: string | null;
  readonly detail: string;
  readonly traces: number[];
}

/** The drops of the given traces (all recorded traces by default), grouped. */
export function dropGroups(evidence: Evidence, traces?: Iterable<number>): DropGroup[] {
  const paths = evidence.service.paths;
  if (!paths) return [];
  const groups = new Map<string, DropGroup>();
  for (const id of traces ?? paths.traces()) {
    const drop = firstDrop(paths.events(id));
    if (!drop) continue;
    const key = `${drop.point}|${drop.reason}|${drop.rule ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { point: drop.point, reason: drop.reason!, rule: drop.rule, detail: drop.detail, traces: [] };
      groups.set(key, g);
    }
    g.traces.push(id);
  }
  return [...groups.values()].sort((a, b) => b.traces.length - a.traces.length);
}

export function firstDrop(events: readonly PathEvent[]): PathEvent | undefined {
  return events.find((e) => e.verdict === 'drop' && e.reason !== null);
}

export function describeDrop(evidence: Evidence, g: DropGroup): string {
  const n = g.traces.length;
  const what = `${n > 1 ? `${n} packets (the first: ${evidence.describeTrace(g.traces[0])}) were` : `${evidence.describeTrace(g.traces[0])} was`}`;
  // The detail often starts with the host ("host-b: back-acl denies it leaving back").
  const detail = g.detail.replace(/^[^\s:]+:\s+/, '');
  const why = g.rule && detail && !detail.includes(g.rule) ? `: ${g.rule} (${detail})` : g.rule ? `: ${g.rule}` : detail ? `: ${detail}` : '';
  return `${what} dropped at ${describePoint(evidence.fabric, g.point)} with ${g.reason}${why}`;
}

/** One sentence on the run's drops (at most `limit` groups), or that nothing was dropped. */
export function whatWasDropped(evidence: Evidence, traces?: Iterable<number>, limit = 2): string {
  const groups = dropGroups(evidence, traces);
  if (groups.length === 0) return traces === undefined ? 'no packet was dropped in this run' : 'none of them was dropped';
  const shown = groups.slice(0, limit).map((g) => describeDrop(evidence, g));
  const more = groups.length > limit ? `; and ${groups.length - limit} other kinds of drop` : '';
  return shown.join('; ') + more;
}
