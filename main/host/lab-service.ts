/**
 * The labs contract's implementation in main: the catalogue reads the lab folders, the fabric
 * worker grades the live run (`labCheck` on the simulation contract, so the evidence is the world
 * the learner's consoles drove), and the workspace store keeps each lab's progress in its
 * `lab_progress` row — steps done, checks passed, hints revealed, the seed — so it survives a
 * restart of the app.
 */
import type { LabCheckReport, LabCheckOutcome, LabProgressState, LabsApi } from '../../core/contract/labs.ts';
import type { JsonValue, LabProgress } from '../../core/contract/workspace.ts';
import type { LabAction, LabCheck } from '../../core/lab/schema.ts';
import { RpcError, RpcErrorCode } from '../../core/rpc/errors.ts';
import type { Implementation } from '../../core/rpc/service-types.ts';
import { LabNotFoundError, summaryOf, type LabCatalogue } from './lab-catalogue.ts';
import type { WorkspaceStore } from './workspace-store.ts';

export interface LabServiceDeps {
  readonly catalogue: LabCatalogue;
  readonly store: Pick<WorkspaceStore, 'listLabProgress' | 'setLabProgress' | 'getSettings' | 'setSetting'>;
  /** Draws a new learner seed (once per workspace; the host uses a cryptographic random integer). */
  readonly newSeed: () => number;
  /** Evaluates checks on the live simulation (the supervisor's labCheck), with the run's time. */
  readonly grade: (checks: LabCheck[]) => Promise<{ results: LabCheckOutcome[]; timeNs: number }>;
  /** Plays a scenario into the live simulation (the supervisor's labScenario); the problems. */
  readonly arm: (actions: LabAction[]) => Promise<string[]>;
  readonly log?: (message: string) => void;
}

type Stored = Omit<LabProgressState, 'labId' | 'updatedAt' | 'completed'>;

/** The settings key holding the workspace's learner seed. */
export const LEARNER_SEED_SETTING = 'labs.learnerSeed';
const MAX_SEED = 0xffff_ffff;

export function createLabService(deps: LabServiceDeps): Implementation<LabsApi> {
  const { catalogue, store } = deps;

  /** The lab instance; an unknown id is bad arguments, a lab that does not load an internal error (in words). */
  const instance = (id: string, seed: number) => {
    try {
      return catalogue.instance(id, seed);
    } catch (e) {
      throw new RpcError(e instanceof LabNotFoundError ? RpcErrorCode.INVALID_ARGUMENTS : RpcErrorCode.INTERNAL, (e as Error).message);
    }
  };

  async function read(labId: string): Promise<LabProgressState | null> {
    const [row] = await store.listLabProgress(labId);
    return row ? fromRow(row) : null;
  }

  async function write(labId: string, state: Stored, completed: boolean): Promise<LabProgressState> {
    const json: JsonValue = { seed: state.seed, started: state.started, stepsDone: [...state.stepsDone], checksPassed: [...state.checksPassed], hintsRevealed: state.hintsRevealed };
    return fromRow(await store.setLabProgress(labId, state.stepsDone.length, completed, json));
  }

  /** The progress to build on: the saved one for this seed, or a fresh one (a new seed starts over). */
  async function current(labId: string, seed: number): Promise<LabProgressState> {
    const saved = await read(labId);
    if (saved && saved.seed === seed) return saved;
    return { labId, seed, started: false, stepsDone: [], checksPassed: [], hintsRevealed: 0, completed: false, updatedAt: 0 };
  }

  // Two first calls at once must not draw two seeds: the first one's answer is shared.
  let learnerSeed: Promise<number> | null = null;
  async function readOrDrawSeed(): Promise<number> {
    const stored = (await store.getSettings())[LEARNER_SEED_SETTING];
    if (Number.isInteger(stored) && (stored as number) >= 0 && (stored as number) <= MAX_SEED) return stored as number;
    const seed = deps.newSeed();
    await store.setSetting(LEARNER_SEED_SETTING, seed);
    return seed;
  }

  const theLearnerSeed = (): Promise<number> => {
    learnerSeed ??= readOrDrawSeed().catch((e: unknown) => {
      learnerSeed = null; // a failed read is tried again next time
      throw e;
    });
    return learnerSeed;
  };

  return {
    list: () => catalogue.list((m) => deps.log?.(m)),

    learnerSeed: theLearnerSeed,

    open(labId, seed) {
      const i = instance(labId, seed);
      return {
        ...summaryOf(i), seed, topologyText: i.topologyText,
        stepTexts: i.steps.map((s) => ({ title: s.title, markdown: s.markdown })),
        checkTitles: i.lab.checks.map((c) => ({ id: c.id, title: c.title })),
        hints: i.lab.hints?.length ?? 0,
      };
    },

    async hint(labId, seed, index) {
      const text = instance(labId, seed).lab.hints?.[index] ?? null;
      if (text === null) return null;
      const p = await current(labId, seed);
      // Hints are revealed in order: asking for the third reveals the first three.
      if (index + 1 > p.hintsRevealed) await write(labId, { ...p, hintsRevealed: index + 1 }, p.completed);
      return text;
    },

    async check(labId, seed): Promise<LabCheckReport> {
      const i = instance(labId, seed);
      const { results, timeNs } = await deps.grade(i.lab.checks);
      const passed = results.filter((r) => r.passed);
      const p = await current(labId, seed);
      const all = passed.length === results.length;
      const progress = await write(labId, { ...p, started: true, checksPassed: passed.map((r) => r.id) }, p.completed || all);
      return { labId, timeNs, results, passed: passed.length, total: results.length, progress };
    },

    async start(labId, seed) {
      const actions = instance(labId, seed).lab.actions ?? [];
      const scenarioProblems = actions.length > 0 ? await deps.arm([...actions]) : [];
      const p = await current(labId, seed);
      const progress = await write(labId, { ...p, started: true }, p.completed);
      return { progress, scenarioActions: actions.length - scenarioProblems.length, scenarioProblems };
    },

    async markStep(labId, step, done) {
      const saved = await read(labId);
      const seed = saved?.seed ?? (await theLearnerSeed());
      const steps = instance(labId, seed).steps.length;
      if (step >= steps) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `lab ${labId} has ${steps} steps; there is no step ${step + 1}`);
      const p = await current(labId, seed);
      const set = new Set(p.stepsDone);
      if (done) set.add(step);
      else set.delete(step);
      return write(labId, { ...p, stepsDone: [...set].sort((a, b) => a - b) }, p.completed);
    },

    async progress(labId) {
      return (await store.listLabProgress(labId)).map(fromRow);
    },

    async resetProgress(labId) {
      const saved = await read(labId);
      if (saved) await write(labId, { seed: saved.seed, started: false, stepsDone: [], checksPassed: [], hintsRevealed: 0 }, false);
    },
  };
}

/** A stored row read defensively: the state is JSON another version may have written. */
function fromRow(row: LabProgress): LabProgressState {
  const s = (row.state !== null && typeof row.state === 'object' && !Array.isArray(row.state) ? row.state : {}) as Record<string, JsonValue>;
  const ints = (v: JsonValue | undefined) => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []);
  const strings = (v: JsonValue | undefined) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    labId: row.labId,
    seed: Number.isInteger(s.seed) ? (s.seed as number) : 1,
    started: s.started === true,
    stepsDone: ints(s.stepsDone),
    checksPassed: strings(s.checksPassed),
    hintsRevealed: Number.isInteger(s.hintsRevealed) ? (s.hintsRevealed as number) : 0,
    completed: row.completed,
    updatedAt: row.updatedAt,
  };
}
