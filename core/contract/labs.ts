/**
 * The guided labs as the renderer sees them (DESIGN.md §8): the catalogue of `labs/`, one learner's
 * instance of a lab (its topology and steps with the seed's values filled in), hints on demand,
 * grading on the evidence of the live simulation (the run the learner drove from the consoles), and
 * progress kept in the workspace store. Main serves it: it reads the lab folders; the worker grades.
 */
import type { CheckKind } from '../lab/schema.ts';
import { MAX_NAME_CHARS } from './limits.ts';
import type { Contract, EventSpecs, MethodSpecs } from './spec.ts';
import { z } from './zod.ts';

export type LabLevel = 'beginner' | 'intermediate' | 'advanced';

export interface LabSummary {
  readonly id: string;
  readonly title: string;
  readonly level: LabLevel;
  readonly minutes: number;
  /** What the lab is about, for grouping the catalogue ("Encapsulation", "Filtering"…). */
  readonly topic: string;
  readonly summary: string;
  readonly objectives: readonly string[];
  readonly steps: number;
  readonly checks: number;
}

export interface LabStepText {
  readonly title: string;
  /** The step's Markdown with the seed's values filled in (the page renders it, sanitised). */
  readonly markdown: string;
}

/** One learner's instance of a lab. */
export interface OpenedLab extends LabSummary {
  readonly seed: number;
  /** The starting topology, variables filled in: what "start lab" loads into the simulation. */
  readonly topologyText: string;
  readonly stepTexts: readonly LabStepText[];
  readonly checkTitles: readonly { readonly id: string; readonly title: string }[];
  /** How many general hints there are (their text comes one at a time, from `hint`). */
  readonly hints: number;
}

export interface LabCheckOutcome {
  readonly id: string;
  readonly title: string;
  readonly kind: CheckKind;
  readonly passed: boolean;
  /** In the fabric's words; on failure, what happened instead. */
  readonly explanation: string;
  /** The check's own hint, given when it failed. */
  readonly hint: string | null;
}

export interface LabCheckReport {
  readonly labId: string;
  /** Virtual time of the live run the checks were evaluated on. */
  readonly timeNs: number;
  readonly results: readonly LabCheckOutcome[];
  readonly passed: number;
  readonly total: number;
  readonly progress: LabProgressState;
}

/** What is remembered of a learner's work on one lab (workspace store, `lab_progress`). */
export interface LabProgressState {
  readonly labId: string;
  readonly seed: number;
  /** The lab's topology was loaded into the simulation at least once. */
  readonly started: boolean;
  /** Indexes of the steps marked done. */
  readonly stepsDone: readonly number[];
  /** Ids of the checks that passed at the last check. */
  readonly checksPassed: readonly string[];
  /** General hints revealed (the first N). */
  readonly hintsRevealed: number;
  /** Every check passed at some check (stays true after a reset of the simulation). */
  readonly completed: boolean;
  /** Milliseconds since 1970, of the last change. */
  readonly updatedAt: number;
}

export interface LabStarted {
  readonly progress: LabProgressState;
  /** Scenario actions scheduled in the live world. */
  readonly scenarioActions: number;
  /** Scenario actions that do not apply to the loaded topology, in words (skipped). */
  readonly scenarioProblems: readonly string[];
}

export interface LabsApi {
  /** The catalogue: every lab that loads, in folder order. */
  list(): LabSummary[];
  /**
   * This workspace's learner seed: drawn at random the first time it is asked for, then kept, so
   * one learner's names and addresses stay the same and another learner's differ. A lab already
   * started keeps the seed of its saved progress.
   */
  learnerSeed(): number;
  /** One learner's instance: topology, steps and check titles with the seed's values. */
  open(labId: string, seed: number): OpenedLab;
  /** The general hint at `index` (0-based), remembered as revealed; null when there is none. */
  hint(labId: string, seed: number, index: number): string | null;
  /** Grades the live simulation against the lab's checks, and remembers what passed. */
  check(labId: string, seed: number): LabCheckReport;
  /**
   * After the lab's topology was loaded into the simulation: plays the lab's scenario into that
   * world (faults, moves, its commands, at their virtual times) and remembers the start with this
   * seed (a new seed forgets the old work).
   */
  start(labId: string, seed: number): LabStarted;
  /** Marks a step done or not done. */
  markStep(labId: string, step: number, done: boolean): LabProgressState;
  /** Progress of every lab touched so far (or of one). */
  progress(labId?: string): LabProgressState[];
  /** Forgets a lab's progress: back to the start. */
  resetProgress(labId: string): void;
}

export type LabsEvents = Record<never, never>;

const labId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).max(MAX_NAME_CHARS);
const seed = z.int().min(0).max(0xffff_ffff);

const labsMethods = {
  list: { args: z.tuple([]) },
  learnerSeed: { args: z.tuple([]) },
  open: { args: z.tuple([labId, seed]) },
  hint: { args: z.tuple([labId, seed, z.int().min(0).max(1000)]) },
  check: { args: z.tuple([labId, seed]) },
  start: { args: z.tuple([labId, seed]) },
  markStep: { args: z.tuple([labId, z.int().min(0).max(1000), z.boolean()]) },
  progress: { args: z.tuple([z.optional(labId)]) },
  resetProgress: { args: z.tuple([labId]) },
} satisfies MethodSpecs<LabsApi>;

export const labsContract: Contract<LabsApi, LabsEvents> = {
  name: 'labs',
  methods: labsMethods,
  events: {} satisfies EventSpecs<LabsEvents>,
};
