/** A lab's saved progress in a few words, the same in the catalogue and the panel. */
import type { LabProgressState, LabSummary } from '../../../core/contract/labs.ts';

export function progressWords(lab: Pick<LabSummary, 'steps' | 'checks'>, p: LabProgressState | null | undefined): string {
  if (!p || (!p.started && p.stepsDone.length === 0 && p.checksPassed.length === 0)) return 'Not started';
  if (p.completed) return `Completed · ${p.stepsDone.length}/${lab.steps} steps`;
  return `${p.stepsDone.length}/${lab.steps} steps · ${p.checksPassed.length}/${lab.checks} checks`;
}
