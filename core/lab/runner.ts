/**
 * Runs one attempt at a lab: builds the simulation from the learner's topology (or the starting
 * one, or the reference solution's), plays the scenario's actions and the learner's commands in
 * virtual time, then evaluates every check on the evidence. Deterministic: the same lab, seed,
 * topology and commands give the same results, word for word.
 */
import { SimulationService } from '../service/simulation-service.ts';
import { loadTopology } from '../topology/index.ts';
import type { TopologyDiagnostic } from '../topology/diagnostics.ts';
import { type CheckResult, evaluateCheck } from './checks/index.ts';
import { Evidence, PushRecorder } from './evidence.ts';
import type { LabInstance } from './load.ts';
import { parseDuration } from '../service/duration.ts';
import { DEFAULT_UNTIL_NS, parseExecText, runTimeline, type TimedAction, timedActions, type TimelineResult } from './timeline.ts';
import { substitute } from './variables.ts';

export interface LabAttempt {
  /** The learner's topology document text; default: the solution's (with `solution`) or the starting one. */
  readonly topologyText?: string;
  /** The learner's commands, `[@T ]INSTANCE: COMMAND` as `underlay run --exec` takes them. */
  readonly execs?: readonly string[];
  /** Apply the lab's reference solution (its topology and actions). */
  readonly solution?: boolean;
}

export type LabRunResult =
  | { readonly ok: false; readonly topologyDiagnostics: readonly TopologyDiagnostic[]; readonly errors: readonly string[] }
  | {
      readonly ok: true;
      readonly timeline: TimelineResult;
      readonly results: readonly CheckResult[];
      readonly evidence: Evidence;
      /** Which topology was used: 'learner', 'solution' or 'starting'. */
      readonly topology: 'learner' | 'solution' | 'starting';
    };

export function runLab(instance: LabInstance, attempt: LabAttempt = {}): LabRunResult {
  const solution = attempt.solution ? instance.solution : null;
  if (attempt.solution && solution === null) return { ok: false, topologyDiagnostics: [], errors: [`lab ${instance.lab.id} has no reference solution`] };
  const used = attempt.topologyText !== undefined ? 'learner' : solution?.topologyText ? 'solution' : 'starting';
  const text = attempt.topologyText !== undefined ? substitute(attempt.topologyText, instance.variables)
    : solution?.topologyText ?? instance.topologyText;

  const actions: TimedAction[] = timedActions(instance.lab.actions ?? [], 'lab action');
  if (solution) actions.push(...timedActions(solution.actions, 'solution action'));
  const errors: string[] = [];
  for (const e of attempt.execs ?? []) {
    // Variables work in commands too, so scripts and tests can be written once for every seed.
    const parsed = parseExecText(substitute(e, instance.variables));
    if (parsed === null) errors.push(`--exec '${e}' is not '[@TIME ]INSTANCE: COMMAND'`);
    else actions.push({ at: parsed.at, action: { exec: { instance: parsed.instance, command: parsed.command } }, source: `--exec '${e}'` });
  }
  if (errors.length > 0) return { ok: false, topologyDiagnostics: [], errors };

  const loaded = loadTopology(text);
  const built = SimulationService.load(text, { seed: instance.seed });
  if (!built.ok || loaded.document === null || loaded.topology === null) {
    return { ok: false, topologyDiagnostics: built.ok ? loaded.diagnostics : built.diagnostics, errors: [] };
  }
  const service = built.service;
  const pushes = new PushRecorder(service);
  const until = instance.lab.until === undefined ? DEFAULT_UNTIL_NS : (parseDuration(instance.lab.until) ?? DEFAULT_UNTIL_NS);
  const timeline = runTimeline(service, actions, until);
  pushes.dispose();
  if (timeline.errors.length > 0) return { ok: false, topologyDiagnostics: [], errors: timeline.errors };
  const evidence = new Evidence(service, loaded.document, loaded.topology, pushes.pushes, timeline);
  const results = instance.lab.checks.map((c) => evaluateCheck(c, evidence));
  return { ok: true, timeline, results, evidence, topology: used };
}
