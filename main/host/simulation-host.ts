/**
 * The implementation of the simulation contract over SimulationService: what the fabric worker
 * serves. It adds what a service behind a port needs and the service itself does not:
 *
 *  - `load` replaces the service (a document that does not build leaves the old one running);
 *  - long runs and steps go in slices with a turn of the event loop between them, so the thread
 *    still answers the supervisor's heartbeat, `pause` arrives while a run is going, and a
 *    cancelled call stops;
 *  - `output` and `status` events; status is pushed after every call that moves time and after each
 *    slice, and the RPC server coalesces it to the latest (≤ 30 per second);
 *  - capture pages and frames are the CaptureQuery's (bounded by the contract); frame bytes are
 *    fresh copies, so the server's transfer list moves them to the other thread without a copy.
 */
import { Emitter, type Disposable } from '../../core/base/event.ts';
import type { SimulationApi, SimulationEvents, SimulationStatus } from '../../core/contract/simulation.ts';
import { compileFilter } from '../../core/filter/index.ts';
import { createDefaultEngine } from '../../core/dissect/protocols/index.ts';
import type { AbortSignalLike } from '../../core/rpc/cancellation.ts';
import { RpcError, RpcErrorCode } from '../../core/rpc/errors.ts';
import type { EventSources, Implementation } from '../../core/rpc/service-types.ts';
import { SimulationService } from '../../core/service/simulation-service.ts';
import { CaptureView } from '../../core/service/capture-view.ts';
import { CaptureQuery } from '../../core/service/capture-query.ts';
import { completeFilter } from '../../core/filter/index.ts';
import { EventLog } from '../../core/service/event-log.ts';
import { MAX_TRACE_HOPS, tracePath } from '../../core/service/trace-path.ts';
import type { RunOutcome } from '../../core/sim/simulator.ts';
import { CaptureStore } from '../../core/fabric/capture/capture-store.ts';
import { exportPcapng } from '../../core/fabric/capture/pcapng-export.ts';
import { Fabric } from '../../core/fabric/world.ts';
import { collectingSink } from '../../core/pcap/byte-sink.ts';
import { loadTopology } from '../../core/topology/index.ts';
import { LiveLab, nothingLoaded } from './live-lab.ts';

export interface SimulationHostOptions {
  /** Events per slice of a long run or step (default 20 000: a few milliseconds each). */
  readonly sliceEvents?: number;
  /** Lets the event loop turn between slices (the worker passes setImmediate). */
  readonly yieldNow: () => Promise<void>;
}

export interface SimulationHost extends Disposable {
  readonly implementation: Implementation<SimulationApi>;
  readonly events: EventSources<SimulationEvents>;
}

const EMPTY_PAGE = { offset: 0, total: 0, firstAvailable: 0, evicted: 0, untested: 0, rows: [], error: null };

export function createSimulationHost(options: SimulationHostOptions): SimulationHost {
  const slice = options.sliceEvents ?? 20_000;
  const output = new Emitter<SimulationEvents['output']>();
  const status = new Emitter<SimulationStatus>();
  let service: SimulationService | null = null;
  let serviceOutput: Disposable | null = null;
  // The simulation mode's event list for the current world (made after the service's taps).
  let eventLog: EventLog | null = null;
  // What a lab's checks read of the current world (push rounds recorded from the load on).
  let liveLab: LiveLab | null = null;
  let running = false;
  let pauseRequested = false;
  // For filterCheck before any topology is loaded: the field registry is the same for every world.
  let fields: ReturnType<typeof createDefaultEngine>['fields'] | null = null;
  // The capture view's questions, over the current world's query (made on first use, per world).
  let view: CaptureView | null = null;
  let viewOf: SimulationService | null = null;
  const captureView = (): CaptureView => {
    if (service && viewOf !== service) {
      view = new CaptureView(service.query);
      viewOf = service;
    }
    // Before any load: an empty store, so every answer is the empty one.
    view ??= new CaptureView(new CaptureQuery(new CaptureStore({ maxBytes: 4096 })));
    return view;
  };

  // A filtered packet list answered `partial` goes on filtering while the worker is otherwise idle,
  // one step per turn of the event loop, so the view's next ask finds the frames already tested
  // (its asks still move the filter on themselves; this fills the time between them). Not while
  // the simulation runs: its slices have the turns.
  let filteringWhileIdle = false;
  async function filterWhileIdle(): Promise<void> {
    if (filteringWhileIdle) return;
    filteringWhileIdle = true;
    try {
      do await options.yieldNow();
      while (!running && captureView().advancePartial());
    } catch {
      // A filter that fails here fails the view's next ask the same way, which answers it.
    } finally {
      filteringWhileIdle = false;
    }
  }

  const publish = () => status.fire({ time: service?.now() ?? 0, running, frames: service?.captures.count ?? 0 });

  /** Runs one slice-by-slice loop; `sliceOnce` returns true when the work is done. */
  async function sliced(signal: AbortSignalLike, sliceOnce: () => boolean): Promise<'done' | 'paused'> {
    running = true;
    pauseRequested = false;
    try {
      for (;;) {
        if (sliceOnce()) return 'done';
        publish();
        await options.yieldNow();
        if (pauseRequested || signal.aborted) return 'paused';
      }
    } finally {
      running = false;
      pauseRequested = false;
      publish();
    }
  }

  const implementation: Implementation<SimulationApi> = {
    load(text, seed) {
      if (running) pauseRequested = true; // the old world's run stops at its next slice
      // SimulationService.load, spelled out so that warnings reach the caller too.
      const loaded = loadTopology(text);
      if (!loaded.topology || loaded.diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics: loaded.diagnostics };
      const next = new SimulationService(new Fabric(loaded.topology, { seed: seed ?? 1 }));
      serviceOutput?.dispose();
      eventLog?.dispose();
      service?.dispose();
      service = next;
      eventLog = new EventLog(next.fabric, next.captures);
      liveLab?.dispose();
      liveLab = new LiveLab(next, loaded.document, loaded.topology);
      serviceOutput = next.onDidOutput((o) => output.fire(o));
      publish();
      return { ok: true, diagnostics: loaded.diagnostics };
    },

    async run(untilNs, context) {
      const s = service;
      if (!s) return 'idle';
      if (untilNs !== undefined && untilNs < s.now()) {
        // The contract only knows times are ≥ 0; the world knows it is already later than that.
        throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `run: ${untilNs} ns is before now (${s.now()} ns)`);
      }
      const sim = s.fabric.sim;
      const userLimit = sim.eventLimit;
      let outcome: RunOutcome = 'idle';
      const ended = await sliced(context.signal, () => {
        if (s !== service) return true; // replaced by a load meanwhile
        // One slice: the same run, cut short by a temporary event limit. The order of events does
        // not depend on where the slices fall, so sliced and unsliced runs give identical worlds.
        sim.eventLimit = Math.min(userLimit, sim.executedEvents + slice);
        try {
          outcome = s.run(untilNs);
        } finally {
          sim.eventLimit = userLimit;
        }
        return outcome !== 'event-limit' || sim.executedEvents >= userLimit;
      });
      if (ended === 'paused' && s === service) {
        // A slice can end between two events of the same nanosecond. A pause finishes that
        // nanosecond, so where a paused run stops is a time, and "run to that time" (what a
        // restarted worker replays, replay-journal.ts) reaches exactly the same world.
        s.run(s.now());
        publish();
      }
      return ended === 'paused' ? 'paused' : outcome;
    },

    async step(events, context) {
      const s = service;
      if (!s) return 0;
      let done = 0;
      await sliced(context.signal, () => {
        if (s !== service) return true;
        const want = Math.min(slice, events - done);
        const ran = s.step(want);
        done += ran;
        return ran < want || done >= events;
      });
      return done;
    },

    pause() {
      if (running) pauseRequested = true;
    },

    now: () => service?.now() ?? 0,

    instances: () => service?.instances() ?? [],

    exec(instance, command) {
      if (!service) return { ok: false, error: 'no topology is loaded' };
      const outcome = service.exec(instance, command);
      publish();
      return outcome;
    },

    kill: (pid) => service?.kill(pid) ?? false,

    capturePage: (offset, count, filter) => service?.query.page(offset, count, filter) ?? { ...EMPTY_PAGE, offset, rows: [] },

    frameDetail: (frame) => service?.query.detail(frame) ?? null,

    frameHex: (frame) => service?.query.hex(frame) ?? null,

    filterCheck(expression) {
      if (expression.trim() === '') return { ok: true };
      fields ??= createDefaultEngine().fields;
      const compiled = compileFilter(expression, fields);
      return compiled.ok ? { ok: true } : { ok: false, error: compiled.error };
    },

    exportPcapng: () => service?.pcapngBytes() ?? emptyPcapng(),

    captureList: (query) => captureView().page(query),
    captureFrames(query) {
      const page = captureView().frames(query);
      if (page.partial) void filterWhileIdle();
      return page;
    },
    captureRows: (frames) => captureView().rows(frames),
    captureInfo: () => captureView().info(),
    traceLens: (frame) => captureView().lens(frame),
    followStream: (frame) => captureView().follow(frame),
    expertSummary: () => captureView().expertSummary(),
    filterComplete(text, cursor) {
      fields ??= createDefaultEngine().fields;
      return completeFilter(text, cursor, fields);
    },
    exportSelection: (selection) => captureView().export(selection),

    labCheck: (checks) => liveLab?.check(checks) ?? nothingLoaded(checks),
    labScenario: (actions) => liveLab?.arm(actions) ?? ['no topology is loaded'],

    eventLog: (offset, count) => eventLog?.page(offset, count) ?? { offset: 0, total: 0, firstAvailable: 0, packets: 0, rows: [] },

    async stepToPacket(maxEvents, context) {
      const s = service;
      const log = eventLog;
      if (!s || !log) return { events: 0, found: false };
      // One kernel event at a time: the first that logs a packet event ends the step there.
      const before = log.packets;
      let done = 0;
      let idle = false;
      await sliced(context.signal, () => {
        if (s !== service) return true;
        for (let i = 0; i < slice && done < maxEvents; i++) {
          if (s.step(1) === 0) {
            idle = true;
            return true;
          }
          done++;
          if (log.packets !== before) return true;
        }
        return done >= maxEvents;
      });
      return { events: done, found: !idle && log.packets !== before };
    },

    tracePath: (traceId) => tracePath(service?.paths ?? null, (p) => eventLog?.nodeOf(p) ?? p, traceId, MAX_TRACE_HOPS),

    inFlight: () => (service && eventLog ? eventLog.inFlight(service.now()) : []),

    taps: () => eventLog?.taps() ?? [],
  };

  return {
    implementation,
    events: { output: output.event, status: status.event },
    dispose() {
      pauseRequested = true;
      serviceOutput?.dispose();
      eventLog?.dispose();
      eventLog = null;
      liveLab?.dispose();
      liveLab = null;
      service?.dispose();
      service = null;
      view = null;
      viewOf = null;
      output.dispose();
      status.dispose();
    },
  };
}

/** A valid pcapng file without interfaces or frames: what exporting nothing gives. */
function emptyPcapng(): Uint8Array {
  const collected = collectingSink();
  exportPcapng(new CaptureStore({ maxBytes: 4096 }), collected.sink);
  return collected.bytes();
}
