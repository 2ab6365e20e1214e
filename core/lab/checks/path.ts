/**
 * Path checks: which way a flow really went. The flow is the packets an instance sent that match
 * a display filter at its ENI; each packet's recorded path (every link, every card stage with its
 * verdict) is then asked: did it pass these points in this order (other points in between are
 * fine, so any ECMP spine passes `*-spine*`), was it dropped here with this reason, or did it reach
 * this instance? Failures say how far the packets got and what stopped them.
 */
import type { PathEvent } from '../../service/path-recorder.ts';
import type { Evidence } from '../evidence.ts';
import { describeDrop, dropGroups, firstDrop, whatWasDropped } from '../explain.ts';
import { describePoint, pointMatcher } from '../points.ts';
import type { PathCheck } from '../schema.ts';
import { type CheckOutcome, describeBounds, plural, withinBounds } from './result.ts';

type Step = { readonly text: string; readonly stage: string | null; readonly point: (name: string) => boolean };

export function evaluatePathCheck(check: PathCheck, evidence: Evidence): CheckOutcome {
  const flow = flowTraces(check, evidence);
  if (!flow.ok) return { passed: false, explanation: flow.error };
  const paths = evidence.service.paths!;
  const traces = flow.traces;
  if (traces.length === 0) return { passed: false, explanation: `${check.from} sent no packet${check.filter ? ` matching \`${check.filter}\` at ${check.from}:eni` : ''}: nothing was run that sends one, or it never got that far` };

  let test: (events: readonly PathEvent[]) => boolean;
  let goal: string;
  if (check.through) {
    const steps = check.through.map(parseStep);
    test = (events) => matchedSteps(events, steps) === steps.length;
    goal = `passed ${check.through.join(' → ')}`;
  } else if (check.dropped) {
    const d = check.dropped;
    const at = d.at === undefined ? null : pointMatcher(d.at);
    test = (events) => {
      const drop = firstDrop(events);
      return drop !== undefined && (at === null || at(drop.point)) && (d.reason === undefined || drop.reason === d.reason)
        && (d.rule === undefined || (drop.rule ?? '').includes(d.rule) || drop.detail.includes(d.rule));
    };
    goal = `died${d.at ? ` at ${d.at}` : ''}${d.reason ? ` with ${d.reason}` : ''}${d.rule ? ` by a rule naming "${d.rule}"` : ''}`;
  } else {
    const target = `${check.delivered}:eth0`;
    test = (events) => events.some((e) => e.stage === 'deliver' && e.to === target);
    goal = `reached ${check.delivered}`;
  }

  const passing = traces.filter((t) => test(paths.events(t)));
  const all = check.traces === 'all';
  const passed = all ? passing.length === traces.length && withinBounds(passing.length, check) : withinBounds(passing.length, check);
  const counted = `${check.from} sent ${plural(traces.length, 'packet')}${check.filter ? ` matching \`${check.filter}\`` : ''}; of these, ${passing.length} ${goal}`;
  if (passed) return { passed, explanation: counted };
  const expected = all ? 'all of them' : describeBounds(check);
  const failing = traces.filter((t) => !passing.includes(t));
  let instead: string;
  if (check.through) instead = howFar(evidence, failing, check.through.map(parseStep));
  else if (check.dropped) {
    const groups = dropGroups(evidence, failing);
    const delivered = failing.filter((t) => paths.events(t).some((e) => e.stage === 'deliver')).length;
    instead = [groups.length > 0 ? groups.slice(0, 2).map((g) => describeDrop(evidence, g)).join('; ') : '', delivered > 0 ? `${plural(delivered, 'packet was', 'packets were')} delivered` : '']
      .filter(Boolean).join('; ') || 'they were neither dropped nor delivered (still in flight?)';
  } else instead = whatWasDropped(evidence, failing);
  return { passed, explanation: `${counted} (expected ${expected}); ${instead}` };
}

function parseStep(text: string): Step {
  const at = text.indexOf('@');
  const stage = at > 0 ? text.slice(0, at) : null;
  return { text, stage, point: pointMatcher(at > 0 ? text.slice(at + 1) : text) };
}

/** How many steps the events pass in order. */
function matchedSteps(events: readonly PathEvent[], steps: readonly Step[]): number {
  let i = 0;
  for (const e of events) {
    if (i >= steps.length) break;
    const s = steps[i];
    const here = s.point(e.point) || (e.to !== null && e.stage === 'link' && s.point(e.to));
    if (here && (s.stage === null || s.stage === e.stage)) i++;
  }
  return i;
}

/** "the furthest got to X, then was dropped at … / went to Y instead of Z". */
function howFar(evidence: Evidence, traces: readonly number[], steps: readonly Step[]): string {
  const paths = evidence.service.paths!;
  let best = traces[0];
  let bestN = -1;
  for (const t of traces) {
    const n = matchedSteps(paths.events(t), steps);
    if (n > bestN) [best, bestN] = [t, n];
  }
  const events = paths.events(best);
  const stuck = steps[bestN]?.text ?? '';
  const drop = firstDrop(events);
  const where = bestN > 0 ? `it got as far as ${steps[bestN - 1].text} but not to ${stuck}` : `it never passed ${stuck}`;
  if (drop) return `the packet that got furthest (${evidence.describeTrace(best)}): ${where}; it was dropped at ${describePoint(evidence.fabric, drop.point)} with ${drop.reason}${drop.rule ? `: ${drop.rule}` : ''}`;
  const visited = [...new Set(events.map((e) => e.point))];
  return `the packet that got furthest (${evidence.describeTrace(best)}): ${where}; its path was ${visited.join(' → ')}`;
}

type Flow = { ok: true; traces: number[] } | { ok: false; error: string };

/** Traces the instance started (first event on its own NIC) whose frame at its ENI matches. */
export function flowTraces(check: { readonly from: string; readonly filter?: string }, evidence: Evidence): Flow {
  const paths = evidence.service.paths;
  if (!paths) return { ok: false, error: 'paths were not recorded in this run' };
  if (!evidence.fabric.instances.has(check.from)) return { ok: false, error: `there is no instance named "${check.from}" (instances: ${[...evidence.fabric.instances.keys()].join(', ')})` };
  const nic = `${check.from}:eth0`;
  const started = (t: number) => paths.events(t)[0]?.point === nic;
  if (check.filter === undefined) return { ok: true, traces: paths.traces().filter(started) };
  const frames = evidence.frames(check.filter, `${check.from}:eni`);
  if (!frames.ok) return { ok: false, error: `the display filter \`${check.filter}\` does not compile: ${frames.error.message}` };
  return { ok: true, traces: [...new Set(frames.frames.map((f) => f.traceId))].filter((t) => t !== 0 && started(t)) };
}
