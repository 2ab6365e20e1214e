/**
 * Owns the fabric worker thread (DESIGN.md §7): starts it, serves renderer connections through a
 * validating relay to it, notices when it dies (an `exit` or `error`) or hangs (the heartbeat — a
 * `now()` call — gets no answer in time), and then starts a new one, reloads its topology and seed
 * and replays the run (replay-journal.ts says exactly what is replayed), and tells the user with a
 * `workerRestarted` event on the host contract.
 *
 * Calls that change the world (load, run, step, exec, kill) are put through one queue: the journal
 * then records them in the order the worker saw them, so the replay is the same sequence. Reads
 * and `pause` go straight through (pause must reach a run that is in progress). Calls made while
 * the worker restarts wait for it; calls that were in flight when it died fail with UNAVAILABLE.
 */
import type { Worker } from 'node:worker_threads';
import { Emitter, type Disposable } from '../../core/base/event.ts';
import type { ReplaySummary, RestartReason, WorkerRestarted, WorkerState, WorkerStatus } from '../../core/contract/host.ts';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../core/contract/simulation.ts';
import type { LabAction } from '../../core/lab/schema.ts';
import type { AbortSignalLike } from '../../core/rpc/cancellation.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { RpcError, RpcErrorCode } from '../../core/rpc/errors.ts';
import { relayTo, type Relay } from '../../core/rpc/relay.ts';
import type { Scheduler } from '../../core/rpc/scheduler.ts';
import type { CallContext, EventSources, Implementation } from '../../core/rpc/service-types.ts';
import { workerPort } from '../rpc/worker-port.ts';
import { ReplayJournal } from './replay-journal.ts';

export interface SupervisorTimings {
  /** A new worker must answer its first call within this (it compiles TypeScript under tsx). */
  readonly startTimeoutMs: number;
  /** Pause between heartbeats. */
  readonly heartbeatIntervalMs: number;
  /** A heartbeat unanswered this long means the worker is hung. Generous: a load or export is one synchronous call. */
  readonly heartbeatTimeoutMs: number;
  /** Attempts per restart (full replay, then topology only, then nothing) before the state is `failed`. */
  readonly maxAttempts: number;
}

export const DEFAULT_TIMINGS: SupervisorTimings = {
  startTimeoutMs: 60_000,
  heartbeatIntervalMs: 2_000,
  heartbeatTimeoutMs: 15_000,
  maxAttempts: 3,
};

export interface SupervisorOptions {
  /** Starts a worker thread running main/host/fabric-worker.ts (worker-spawn.ts). */
  readonly spawn: () => Worker;
  readonly scheduler: Scheduler;
  readonly timings?: Partial<SupervisorTimings>;
  readonly log?: (message: string) => void;
}

/** One worker thread and our connection to it. */
interface Incarnation {
  readonly worker: Worker;
  readonly client: RpcClient<SimulationApi, SimulationEvents>;
  readonly relay: Relay<SimulationApi, SimulationEvents>;
  readonly exited: Promise<void>;
  dead: boolean;
  /** Why it died, from its `error` event, when it had one. */
  error: string | null;
}

type Method = keyof SimulationApi & string;
const NEVER_ABORTED: AbortSignalLike = { aborted: false, addEventListener() {}, removeEventListener() {} };
const REPLAY_DEPTHS = ['full', 'topology', 'none'] as const;

export class FabricSupervisor implements Disposable {
  readonly implementation: Implementation<SimulationApi>;
  readonly events: EventSources<SimulationEvents>;
  private readonly output = new Emitter<SimulationEvents['output']>();
  private readonly statusEvents = new Emitter<SimulationEvents['status']>();
  private readonly stateEvents = new Emitter<WorkerStatus>();
  private readonly restartEvents = new Emitter<WorkerRestarted>();
  readonly onDidChangeState = this.stateEvents.event;
  readonly onDidRestart = this.restartEvents.event;

  private readonly timings: SupervisorTimings;
  private readonly journal = new ReplayJournal();
  private current: Incarnation | null = null;
  private state: WorkerState = 'starting';
  private restarts = 0;
  private lastProblem: string | null = null;
  /** Waiters for the worker to be ready (calls made while it starts or restarts). */
  private waiters: { resolve: (i: Incarnation) => void; reject: (e: RpcError) => void }[] = [];
  /** The tail of the queue of world-changing calls. */
  private queue: Promise<unknown> = Promise.resolve();
  private heartbeat: Disposable | null = null;
  private heartbeatGeneration = 0;
  private restarting: Promise<WorkerStatus> | null = null;
  /** While replaying, the new worker's output lines are the old ones again: not shown twice. */
  private replaying = false;
  private lostCalls = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.events = { output: this.output.event, status: this.statusEvents.event };
    this.implementation = this.createImplementation();
  }

  /** Starts the first worker; resolves when it answers (state `ready`) or could not be started (`failed`). */
  async start(): Promise<WorkerStatus> {
    return this.bringUp(null);
  }

  /** A getter, so checks after an await are not narrowed away by the compiler. */
  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  status(): WorkerStatus {
    return { state: this.state, restarts: this.restarts, lastProblem: this.lastProblem };
  }

  /** Replaces the worker now (the host contract's restartWorker), replaying the run. */
  restart(reason: RestartReason, detail: string): Promise<WorkerStatus> {
    if (this.state === 'stopped') return Promise.resolve(this.status());
    if (this.restarting) return this.restarting;
    const old = this.current;
    if (old) old.dead = true;
    this.stopHeartbeat();
    this.setState('restarting');
    this.restarting = (async () => {
      if (old) await this.stop(old);
      return this.bringUp({ reason, detail });
    })().finally(() => (this.restarting = null));
    return this.restarting;
  }

  /** The simulation's capture as pcapng (for the workspace's saveCapture). */
  exportPcapng(): Promise<Uint8Array> {
    return this.forward('exportPcapng', [], NEVER_ABORTED) as Promise<Uint8Array>;
  }

  async dispose(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopped');
    this.stopHeartbeat();
    this.rejectWaiters(new RpcError(RpcErrorCode.UNAVAILABLE, 'the host is shutting down'));
    const inc = this.current;
    this.current = null;
    if (inc) {
      inc.dead = true;
      await this.stop(inc);
    }
    await this.restarting?.catch(() => undefined);
    for (const e of [this.output, this.statusEvents, this.stateEvents, this.restartEvents]) e.dispose();
  }

  // ---- the implementation the renderer's RpcServer calls

  private createImplementation(): Implementation<SimulationApi> {
    const direct = (method: Method) => (...args: unknown[]) => {
      const context = args.pop() as CallContext;
      return this.forward(method, args, context.signal);
    };
    /** World-changing calls: queued, and journaled once they have completed. */
    const queued = (method: Method, journal: (args: unknown[], result: unknown, inc: Incarnation) => Promise<void> | void) => (...args: unknown[]) => {
      const context = args.pop() as CallContext;
      const run = async () => {
        const inc = await this.whenReady();
        let result: unknown;
        try {
          result = await this.forwardTo(inc, method, args, context.signal);
        } catch (e) {
          // A cancelled (or timed-out) run or step still moved time in the worker, up to the slice
          // that was running when the cancel arrived: journal it like a paused run.
          if ((method === 'run' || method === 'step') && !inc.dead && e instanceof RpcError && (e.code === RpcErrorCode.CANCELLED || e.code === RpcErrorCode.TIMEOUT)) {
            const reached = await inc.client.api.now().catch(() => null);
            if (reached !== null) this.journal.ran(undefined, 'paused', reached);
          }
          throw e;
        }
        if (!inc.dead) await journal(args, result, inc);
        return result;
      };
      const call = this.queue.then(run, run);
      this.queue = call.catch(() => undefined);
      return call;
    };
    const impl = {
      load: queued('load', ([text, seed], result) => {
        if ((result as { ok: boolean }).ok) this.journal.loaded(text as string, seed as number | undefined);
      }),
      run: queued('run', async ([untilNs], outcome, inc) => {
        // The time a run reached is only needed when it was cut short (see replay-journal.ts).
        const reached = outcome === 'until' || outcome === 'idle' ? 0 : await inc.client.api.now();
        this.journal.ran(untilNs as number | undefined, outcome as string, reached);
      }),
      step: queued('step', (_args, ran) => this.journal.stepped(ran as number)),
      // Replayed as the plain step it amounted to: the same events run again in the same order.
      stepToPacket: queued('stepToPacket', (_args, r) => this.journal.stepped((r as { events: number }).events)),
      exec: queued('exec', ([instance, command], outcome) => {
        if ((outcome as { ok: boolean }).ok) this.journal.executed(instance as string, command as string);
      }),
      kill: queued('kill', ([pid], stopped) => {
        if (stopped) this.journal.killed(pid as number);
      }),
      pause: direct('pause'),
      now: direct('now'),
      instances: direct('instances'),
      capturePage: direct('capturePage'),
      frameDetail: direct('frameDetail'),
      frameHex: direct('frameHex'),
      filterCheck: direct('filterCheck'),
      exportPcapng: direct('exportPcapng'),
      // The capture view's calls only read the world: not queued, not journaled.
      captureList: direct('captureList'),
      captureFrames: direct('captureFrames'),
      captureRows: direct('captureRows'),
      captureInfo: direct('captureInfo'),
      traceLens: direct('traceLens'),
      followStream: direct('followStream'),
      expertSummary: direct('expertSummary'),
      filterComplete: direct('filterComplete'),
      exportSelection: direct('exportSelection'),
      eventLog: direct('eventLog'),
      tracePath: direct('tracePath'),
      inFlight: direct('inFlight'),
      taps: direct('taps'),
      // Grading reads the world (captures, paths, state) and changes nothing: not journaled.
      labCheck: direct('labCheck'),
      // The scenario changes the world: queued, and replayed right where it was armed.
      labScenario: queued('labScenario', ([actions]) => this.journal.scenario(actions as LabAction[])),
    };
    return impl as unknown as Implementation<SimulationApi>;
  }

  private async forward(method: Method, args: unknown[], signal: AbortSignalLike): Promise<unknown> {
    return this.forwardTo(await this.whenReady(), method, args, signal);
  }

  /** One call through the current worker's relay; a call cut off by the worker's death fails with UNAVAILABLE. */
  private async forwardTo(inc: Incarnation, method: Method, args: unknown[], signal: AbortSignalLike): Promise<unknown> {
    const fn = (inc.relay.implementation as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    try {
      return await fn(...args, { signal } satisfies CallContext);
    } catch (e) {
      if (e instanceof RpcError && e.code === RpcErrorCode.DISCONNECTED) {
        this.lostCalls++;
        throw new RpcError(RpcErrorCode.UNAVAILABLE, `the fabric worker stopped during ${method}; it is being restarted and this call was not replayed`);
      }
      throw e;
    }
  }

  private whenReady(): Promise<Incarnation> {
    if (this.state === 'ready' && this.current && !this.current.dead) return Promise.resolve(this.current);
    if (this.state === 'stopped') return Promise.reject(new RpcError(RpcErrorCode.UNAVAILABLE, 'the host is shutting down'));
    if (this.state === 'failed') return Promise.reject(new RpcError(RpcErrorCode.UNAVAILABLE, `the fabric worker could not be restarted: ${this.lastProblem ?? 'unknown problem'}`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  // ---- worker lifecycle

  /**
   * Starts a worker and replays the journal onto it, trying a shallower replay when a deeper one
   * fails (a replay that kills the worker again must not loop forever). `restart` is null for the
   * first start.
   */
  private async bringUp(restart: { reason: RestartReason; detail: string } | null): Promise<WorkerStatus> {
    let problem = restart?.detail ?? 'unknown problem';
    for (let attempt = 0; attempt < this.timings.maxAttempts; attempt++) {
      if (this.stopped) return this.status();
      const depth = REPLAY_DEPTHS[Math.min(attempt, REPLAY_DEPTHS.length - 1)];
      let inc: Incarnation | null = null;
      try {
        inc = this.spawn();
        this.current = inc;
        await inc.client.withOptions({ timeoutMs: this.timings.startTimeoutMs }).now();
        // A replayed run takes as long as the original did, so replayed calls get no time limit;
        // the heartbeat watches instead (sliced runs answer it), and a hang ends this attempt.
        const doomed = inc;
        this.startHeartbeat(inc, (detail) => {
          doomed.error = `hung during the replay: ${detail}`;
          void doomed.worker.terminate();
        });
        this.replaying = true;
        const counts = await this.journal.replay(inc.client.api, restart ? depth : 'none');
        this.replaying = false;
        if (inc.dead || this.stopped) throw new Error(inc.error ?? 'the worker stopped during its replay');
        this.setState('ready');
        this.startHeartbeat(inc, (detail) => this.died(doomed, 'hung', detail));
        for (const w of this.waiters.splice(0)) w.resolve(inc);
        if (restart) {
          this.restarts++;
          const replay = await this.summary(inc, counts, depth === 'full');
          // The replay's own status events were held back: one now, for where the world is again.
          this.statusEvents.fire({ time: replay.timeNs, running: false, frames: replay.frames });
          this.restartEvents.fire({ ...restart, restarts: this.restarts, replay, lostCalls: this.takeLostCalls() });
        }
        return this.status();
      } catch (e) {
        this.replaying = false;
        this.stopHeartbeat();
        problem = inc?.error ?? (e instanceof Error ? e.message : String(e));
        this.options.log?.(`fabric worker: attempt ${attempt + 1} to ${restart ? 'restart' : 'start'} failed: ${problem}`);
        if (inc) {
          inc.dead = true;
          await this.stop(inc);
        }
      }
    }
    if (!this.stopped) {
      this.lastProblem = problem;
      this.current = null;
      this.setState('failed');
      this.rejectWaiters(new RpcError(RpcErrorCode.UNAVAILABLE, `the fabric worker could not be started: ${problem}`));
    }
    return this.status();
  }

  private spawn(): Incarnation {
    const worker = this.options.spawn();
    const client = new RpcClient<SimulationApi, SimulationEvents>(workerPort(worker), simulationContract, {
      scheduler: this.options.scheduler,
      onProblem: (m) => this.options.log?.(`fabric worker: ${m}`),
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const inc: Incarnation = { worker, client, relay: relayTo(simulationContract, client), exited, dead: false, error: null };
    worker.on('error', (e) => (inc.error = `the worker threw: ${e instanceof Error ? e.message : String(e)}`));
    worker.once('exit', (code) => {
      inc.error ??= `the worker exited with code ${code}`;
      this.died(inc, 'crashed', inc.error);
    });
    // The new worker's events become ours (the renderer's subscriptions outlive workers).
    client.events.output((o) => {
      if (!this.replaying) this.output.fire(o);
    });
    client.events.status((s) => {
      if (!this.replaying) this.statusEvents.fire(s);
    });
    return inc;
  }

  /** A worker died (or was found hung): restart it unless we meant it to stop. */
  private died(inc: Incarnation, reason: RestartReason, detail: string): void {
    if (inc.dead) return; // stopped on purpose, or already handled
    inc.dead = true;
    if (inc !== this.current || this.state !== 'ready') return; // a start attempt in progress sees it itself
    this.lastProblem = detail;
    this.options.log?.(`fabric worker ${reason}: ${detail}`);
    void this.restart(reason, detail);
  }

  private async stop(inc: Incarnation): Promise<void> {
    inc.client.dispose();
    await inc.worker.terminate().catch(() => undefined);
    await inc.exited;
  }

  /** Pings `inc` every interval; `onHung` when a ping goes unanswered for the timeout. */
  private startHeartbeat(inc: Incarnation, onHung: (detail: string) => void): void {
    this.stopHeartbeat();
    // A ping still in flight from an earlier loop must not carry that loop on.
    const generation = this.heartbeatGeneration;
    const live = () => generation === this.heartbeatGeneration && !inc.dead && inc === this.current;
    const beat = () => {
      this.heartbeat = null;
      if (!live()) return;
      inc.client.call('now', [], { timeoutMs: this.timings.heartbeatTimeoutMs }).then(
        () => {
          if (live()) this.heartbeat = this.options.scheduler.schedule(this.timings.heartbeatIntervalMs, beat);
        },
        (e: unknown) => {
          if (live() && e instanceof RpcError && e.code === RpcErrorCode.TIMEOUT) {
            onHung(`the worker did not answer its heartbeat within ${this.timings.heartbeatTimeoutMs} ms`);
          }
          // DISCONNECTED: the exit handler deals with it.
        },
      );
    };
    this.heartbeat = this.options.scheduler.schedule(this.timings.heartbeatIntervalMs, beat);
  }

  private stopHeartbeat(): void {
    this.heartbeatGeneration++;
    this.heartbeat?.dispose();
    this.heartbeat = null;
  }

  private async summary(inc: Incarnation, counts: { topology: boolean; calls: number }, complete: boolean): Promise<ReplaySummary> {
    const [timeNs, page] = await Promise.all([inc.client.api.now(), inc.client.api.capturePage(0, 0)]).catch(() => [0, { total: 0 }] as const);
    return { topology: counts.topology, timeNs, frames: page.total, calls: counts.calls, complete: complete || !this.journal.hasTopology };
  }

  private takeLostCalls(): number {
    const n = this.lostCalls;
    this.lostCalls = 0;
    return n;
  }

  private setState(state: WorkerState): void {
    if (this.state === state) return;
    this.state = state;
    this.stateEvents.fire(this.status());
  }

  private rejectWaiters(error: RpcError): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }
}
