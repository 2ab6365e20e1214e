/**
 * Timing checks: when something happened, in virtual time from the start of the run — the first
 * (or last) frame matching a filter at a point, drop with a reason, or alarm — must fall after
 * and/or before given times. "Replies resumed only after the next push" is
 * `{ capture: { at: client:eni, filter: icmp.type == 0 }, which: last, after: 2s }`.
 */
import { formatSeconds, parseDuration } from '../../service/duration.ts';
import type { Evidence } from '../evidence.ts';
import { firstDrop } from '../explain.ts';
import { pointMatcher } from '../points.ts';
import type { TimingCheck } from '../schema.ts';
import type { CheckOutcome } from './result.ts';

export function evaluateTimingCheck(check: TimingCheck, evidence: Evidence): CheckOutcome {
  const found = occurrences(check, evidence);
  if (!found.ok) return { passed: false, explanation: found.error };
  const { times, what } = found;
  if (times.length === 0) return { passed: false, explanation: `there was no ${what} in this run (it ended at ${formatSeconds(evidence.timeline.endedAt)} s)` };
  const which = check.which ?? 'first';
  const t = which === 'first' ? Math.min(...times) : Math.max(...times);
  const after = check.after === undefined ? null : parseDuration(check.after)!;
  const before = check.before === undefined ? null : parseDuration(check.before)!;
  const okAfter = after === null || t > after;
  const okBefore = before === null || t < before;
  const window = [after !== null ? `after ${check.after}` : '', before !== null ? `before ${check.before}` : ''].filter(Boolean).join(' and ');
  const passed = okAfter && okBefore;
  return { passed, explanation: `the ${which} ${what} came at ${formatSeconds(t)} s (${times.length} in all); expected ${window}` };
}

type Found = { ok: true; times: number[]; what: string } | { ok: false; error: string };

function occurrences(check: TimingCheck, evidence: Evidence): Found {
  if (check.capture) {
    const r = evidence.frames(check.capture.filter, check.capture.at);
    if (!r.ok) return { ok: false, error: `the display filter \`${check.capture.filter}\` does not compile: ${r.error.message}` };
    return { ok: true, times: r.frames.map((f) => f.time), what: `frame matching \`${check.capture.filter}\` at ${check.capture.at ?? 'any point'}` };
  }
  if (check.drop) {
    const d = check.drop;
    const at = pointMatcher(d.at);
    const paths = evidence.service.paths;
    const times: number[] = [];
    for (const id of paths?.traces() ?? []) {
      const drop = firstDrop(paths!.events(id));
      if (drop && at(drop.point) && (d.reason === undefined || drop.reason === d.reason)) times.push(drop.time);
    }
    return { ok: true, times, what: `drop${d.reason ? ` with ${d.reason}` : ''}${d.at ? ` at ${d.at}` : ''}` };
  }
  const a = check.alarm!;
  const times = evidence.fabric.mapping.alarms().filter((x) => (a.reason === undefined || x.reason === a.reason) && (a.host === undefined || x.host === a.host)).map((x) => x.time);
  return { ok: true, times, what: `alarm${a.reason ? ` ${a.reason}` : ''}${a.host ? ` on ${a.host}` : ''}` };
}
