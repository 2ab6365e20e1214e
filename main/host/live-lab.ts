/**
 * Grading the learner's own run (runs in the fabric worker): the evidence a lab's checks read —
 * captures, recorded paths, fabric state, the push rounds, the topology document — taken from the
 * live SimulationService the consoles drive, not from a fresh run of core/lab's runner. One per
 * loaded world: the push recorder must be listening from the load on, or the pushes checks would
 * miss the rounds before the first check.
 */
import type { Disposable } from '../../core/base/event.ts';
import type { LabCheckOutcome } from '../../core/contract/labs.ts';
import { checkKind, Evidence, evaluateCheck, PushRecorder } from '../../core/lab/index.ts';
import type { LabCheck } from '../../core/lab/schema.ts';
import type { SimulationService } from '../../core/service/simulation-service.ts';
import type { ResolvedTopology } from '../../core/topology/resolved.ts';

export class LiveLab implements Disposable {
  private readonly pushes: PushRecorder;

  constructor(
    private readonly service: SimulationService,
    /** The loaded document as a plain value (topology checks read it). */
    private readonly document: unknown,
    private readonly topology: ResolvedTopology,
  ) {
    this.pushes = new PushRecorder(service);
  }

  /** Every check evaluated on the world as it is now. */
  check(checks: readonly LabCheck[]): LabCheckOutcome[] {
    // The live run has no scripted timeline: what the learner typed went through exec, and the
    // only thing checks read of the timeline is where the run stands (timing checks' messages).
    const timeline = { log: [], errors: [], exits: [], endedAt: this.service.now() };
    const evidence = new Evidence(this.service, this.document, this.topology, this.pushes.pushes, timeline);
    return checks.map((c) => evaluateCheck(c, evidence));
  }

  dispose(): void {
    this.pushes.dispose();
  }
}

/** What labCheck answers before any topology is loaded: every check failed, saying why. */
export function nothingLoaded(checks: readonly LabCheck[]): LabCheckOutcome[] {
  return checks.map((c) => ({
    id: c.id, title: c.title, kind: checkKind(c), passed: false, hint: c.hint ?? null,
    explanation: 'no topology is loaded in the simulation: start the lab first',
  }));
}
