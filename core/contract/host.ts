/**
 * The host itself as seen from the renderer: which build and mode it is, the state of the fabric
 * worker, and the notice that the worker was restarted (DESIGN.md §7: "a crashed worker is
 * restarted, its topology reloaded, the user told"). Capture import lives in the workspace
 * contract (workspace.ts), next to the catalogue it fills.
 */
import type { Contract, EventSpecs, MethodSpecs } from './spec.ts';
import { z } from './zod.ts';

/** `starting` → `ready`; `restarting` after a crash or hang; `failed` when restarts kept failing. */
export type WorkerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

/** Why the worker was restarted: it exited or errored, stopped answering its heartbeat, or the user asked. */
export type RestartReason = 'crashed' | 'hung' | 'requested';

export interface WorkerStatus {
  readonly state: WorkerState;
  /** Restarts since the host started. */
  readonly restarts: number;
  /** The last crash or hang, in words; null when there was none. */
  readonly lastProblem: string | null;
}

/** What a restart put back (see main/host/replay-journal.ts for exactly what is replayed). */
export interface ReplaySummary {
  /** True when a topology was loaded again (false when none had been loaded). */
  readonly topology: boolean;
  /** The virtual time reached again, integer nanoseconds. */
  readonly timeNs: number;
  /** Frames captured after the replay (the same as before the crash when the replay is complete). */
  readonly frames: number;
  /** Calls replayed (runs, steps, commands). */
  readonly calls: number;
  /** False when the replay itself failed and only the topology (or nothing) could be restored. */
  readonly complete: boolean;
}

export interface WorkerRestarted {
  readonly reason: RestartReason;
  readonly detail: string;
  readonly restarts: number;
  readonly replay: ReplaySummary;
  /** Calls in flight when the worker went down; they failed with UNAVAILABLE and were not replayed. */
  readonly lostCalls: number;
}

export interface HostInfo {
  readonly version: string;
  /** `desktop` (Electron), `browser` (plain Node serving the renderer) or `headless` (tests, scripts). */
  readonly mode: 'desktop' | 'browser' | 'headless';
  readonly workspaceDir: string;
}

export interface HostApi {
  info(): HostInfo;
  workerStatus(): WorkerStatus;
  /** Restarts the worker now and replays its run (e.g. after it `failed`); resolves once it is back. */
  restartWorker(): WorkerStatus;
}

export interface HostEvents {
  /** Every change of worker state. */
  readonly workerState: WorkerStatus;
  /** After each restart, once the replay has finished: tell the user. */
  readonly workerRestarted: WorkerRestarted;
}

const hostMethods = {
  info: { args: z.tuple([]) },
  workerStatus: { args: z.tuple([]) },
  restartWorker: { args: z.tuple([]) },
} satisfies MethodSpecs<HostApi>;

const hostEvents = {
  workerState: { coalesce: 'latest' },
  // Rare, and each one is news for the user: keep them all.
  workerRestarted: { coalesce: 'queue', maxQueued: 100 },
} satisfies EventSpecs<HostEvents>;

export const hostContract: Contract<HostApi, HostEvents> = {
  name: 'host',
  methods: hostMethods,
  events: hostEvents,
};
