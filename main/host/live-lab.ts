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
import type { LabAction, LabCheck } from '../../core/lab/schema.ts';
import { applyAction, parseExecText, timedActions } from '../../core/lab/timeline.ts';
import type { SimulationService } from '../../core/service/simulation-service.ts';
import type { ResolvedTopology } from '../../core/topology/resolved.ts';

export class LiveLab implements Disposable {
  private readonly pushes: PushRecorder;
  /** A world plays its lab's scenario once, however often "start" is pressed. */
  private armed = false;

  constructor(
    private readonly service: SimulationService,
    /** The loaded document as a plain value (topology checks read it). */
    private readonly document: unknown,
    private readonly topology: ResolvedTopology,
  ) {
    this.pushes = new PushRecorder(service);
  }

  /**
   * Plays the lab's scenario (faults, moves, its own commands) into this world at the actions'
   * virtual times, as kernel events: the learner's run then meets them as `underlay lab check`
   * would. Returns the actions that cannot apply to this topology (a renamed instance…), in words;
   * those are skipped. Only the first call per world schedules anything.
   */
  arm(actions: readonly LabAction[]): string[] {
    if (this.armed) return [];
    this.armed = true;
    const problems: string[] = [];
    const sim = this.service.fabric.sim;
    for (const t of timedActions(actions, 'lab action')) {
      const problem = this.cannotApply(t.action);
      if (problem !== null) {
        problems.push(`${t.source}: ${problem}`);
        continue;
      }
      // Applied inside the kernel, at its time: sliced runs, steps and replays all meet it alike.
      sim.callAt(Math.max(t.at, sim.now()), () => {
        applyAction(this.service, t);
      });
    }
    return problems;
  }

  /** What the runner would refuse, found before the run (the world is known now). */
  private cannotApply(a: LabAction): string | null {
    const fabric = this.service.fabric;
    const instance = (name: string) => (fabric.instances.has(name) ? null : `no instance named "${name}" in this topology`);
    const host = (name: string) => (fabric.cards.has(name) ? null : `no host named "${name}" in this topology`);
    if (a.exec !== undefined) {
      const e = typeof a.exec === 'string' ? parseExecText(a.exec) : a.exec;
      return e === null ? `"${String(a.exec)}" is not 'INSTANCE: COMMAND'` : instance(e.instance);
    }
    if (a.move !== undefined) return instance(a.move.instance) ?? host(a.move.host);
    if (a.compromise !== undefined) return host(a.compromise.host);
    if (a.peering?.name !== undefined && !fabric.topology.peerings.some((p) => p.name === a.peering!.name)) return `no peering named "${a.peering.name}"`;
    return null;
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
