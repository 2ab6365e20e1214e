/** One entry point per check kind; each reads the evidence and explains itself. */
import type { Evidence } from '../evidence.ts';
import type { CheckKind, LabCheck } from '../schema.ts';
import { evaluateCaptureCheck } from './capture.ts';
import { evaluatePathCheck } from './path.ts';
import type { CheckOutcome } from './result.ts';
import { evaluateStateCheck } from './state.ts';
import { evaluateTimingCheck } from './timing.ts';
import { evaluateTopologyCheck } from './topology.ts';

export interface CheckResult extends CheckOutcome {
  readonly id: string;
  readonly title: string;
  readonly kind: CheckKind;
  /** The check's hint, given when it failed. */
  readonly hint: string | null;
}

export function checkKind(check: LabCheck): CheckKind {
  if (check.capture) return 'capture';
  if (check.path) return 'path';
  if (check.state) return 'state';
  if (check.topology) return 'topology';
  return 'timing';
}

export function evaluateCheck(check: LabCheck, evidence: Evidence): CheckResult {
  const kind = checkKind(check);
  let outcome: CheckOutcome;
  try {
    outcome = kind === 'capture' ? evaluateCaptureCheck(check.capture!, evidence)
      : kind === 'path' ? evaluatePathCheck(check.path!, evidence)
        : kind === 'state' ? evaluateStateCheck(check.state!, evidence)
          : kind === 'topology' ? evaluateTopologyCheck(check.topology!, evidence)
            : evaluateTimingCheck(check.timing!, evidence);
  } catch (e) {
    // A check must never take the whole grading down; a bug shows as a failed check.
    outcome = { passed: false, explanation: `Underlay could not evaluate this check (${e instanceof Error ? e.message : String(e)}); please report it` };
  }
  return { id: check.id, title: check.title, kind, ...outcome, hint: outcome.passed ? null : (check.hint ?? null) };
}

export type { CheckOutcome } from './result.ts';
