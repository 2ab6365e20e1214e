/**
 * What the supervisor needs to rebuild a fabric worker's state after a crash: the last topology
 * that loaded (its text and seed) and the calls since then that changed the world, in order.
 * Because the simulation is deterministic (same document, seed and inputs → the same world), a new
 * worker that loads the same document and receives the same calls reaches the same state: the
 * same virtual time, the same frames in its capture, the same processes with the same pids.
 *
 * What is replayed, exactly:
 *  - `load(text, seed)` of the last topology that built (a failed load changes nothing);
 *  - every completed `run`: one that ended by reaching its time or going idle is replayed as the
 *    same call; one cut short (paused, event limit) is replayed as a run to the virtual time it had
 *    reached. That is exact because a pause finishes the nanosecond it falls in (simulation-host.ts):
 *    no event of that time is left pending for the replay to run in addition. Consecutive runs are merged
 *    into the last one: with no input between them, run(a); run(b) and run(b) give the same world;
 *  - every completed `step` with the number of events it really ran;
 *  - every `exec` that started a process and every `kill` that stopped one;
 *  - every lab scenario armed (labScenario), which schedules the lab's actions.
 * Not replayed: a call that was in flight when the worker died (it may be what killed it); it
 * fails with UNAVAILABLE instead. Reads (pages, details, filters) change nothing and are not kept.
 */
import type { SimulationApi } from '../../core/contract/simulation.ts';
import type { LabAction } from '../../core/lab/schema.ts';
import type { Remote } from '../../core/rpc/service-types.ts';

export type JournalEntry =
  | { readonly kind: 'run'; readonly untilNs: number | undefined }
  | { readonly kind: 'step'; readonly events: number }
  | { readonly kind: 'exec'; readonly instance: string; readonly command: string }
  | { readonly kind: 'kill'; readonly pid: number }
  | { readonly kind: 'scenario'; readonly actions: readonly LabAction[] };

export interface ReplayCounts {
  readonly topology: boolean;
  readonly calls: number;
}

export class ReplayJournal {
  private topology: { readonly text: string; readonly seed: number | undefined } | null = null;
  private log: JournalEntry[] = [];

  get hasTopology(): boolean {
    return this.topology !== null;
  }

  get entries(): readonly JournalEntry[] {
    return this.log;
  }

  /** A load that built replaces the world: the journal starts over. */
  loaded(text: string, seed: number | undefined): void {
    this.topology = { text, seed };
    this.log = [];
  }

  /** A run that ended after `reachedNs`, with `outcome`. */
  ran(untilNs: number | undefined, outcome: string, reachedNs: number): void {
    if (!this.topology) return;
    const target = outcome === 'until' || outcome === 'idle' ? untilNs : reachedNs;
    const last = this.log.at(-1);
    if (last?.kind === 'run') this.log[this.log.length - 1] = { kind: 'run', untilNs: target };
    else this.log.push({ kind: 'run', untilNs: target });
  }

  stepped(events: number): void {
    if (this.topology && events > 0) this.log.push({ kind: 'step', events });
  }

  /** A lab's scenario armed in the world (its actions become kernel events). */
  scenario(actions: readonly LabAction[]): void {
    if (this.topology) this.log.push({ kind: 'scenario', actions });
  }

  executed(instance: string, command: string): void {
    if (this.topology) this.log.push({ kind: 'exec', instance, command });
  }

  killed(pid: number): void {
    if (this.topology) this.log.push({ kind: 'kill', pid });
  }

  /**
   * Replays onto a fresh worker: `full` the whole journal, `topology` the load only (when the full
   * replay itself failed), `none` nothing. Throws what the worker's calls throw.
   */
  async replay(api: Remote<SimulationApi>, depth: 'full' | 'topology' | 'none'): Promise<ReplayCounts> {
    if (!this.topology || depth === 'none') return { topology: false, calls: 0 };
    const loaded = await api.load(this.topology.text, this.topology.seed);
    if (!loaded.ok) throw new Error('the topology that loaded before no longer loads');
    if (depth === 'topology') return { topology: true, calls: 0 };
    let calls = 0;
    for (const e of this.log) {
      switch (e.kind) {
        case 'run':
          await api.run(e.untilNs);
          break;
        case 'step':
          await api.step(e.events);
          break;
        case 'exec':
          await api.exec(e.instance, e.command);
          break;
        case 'kill':
          await api.kill(e.pid);
          break;
        case 'scenario':
          await api.labScenario([...e.actions]);
          break;
      }
      calls++;
    }
    return { topology: true, calls };
  }
}
