/**
 * A stand-in for the simulation service behind the contract, deterministic and tiny, so the same
 * RPC suite can run over every transport (in memory, a real worker thread, a real WebSocket).
 *
 * Scripted behaviour tests rely on:
 *  - exec(i, 'echo a b') prints "a", "b" and exits; exec(i, 'burst N') prints N lines at once;
 *    exec('crash', …) throws a plain Error (→ INTERNAL); exec('busy', …) throws RpcError UNAVAILABLE.
 *  - run() with no limit never answers until cancelled; now() reports how many calls the fake saw
 *    cancelled, so a test on any transport can tell that the cancel reached the implementation.
 *  - frameHex(n) is n bytes 0, 1, 2 …; exportPcapng() is a 64-byte "file"; both are handed over.
 *  - The capture-view, simulation-mode and lab questions answer as a world with nothing captured
 *    does: the real core objects over an empty store (the RPC suite tests transport, not them).
 */
import { Emitter } from '../../../../core/base/event.ts';
import type { SimulationApi, SimulationEvents } from '../../../../core/contract/simulation.ts';
import { RpcError, RpcErrorCode } from '../../../../core/rpc/errors.ts';
import type { EventSources, Implementation } from '../../../../core/rpc/service-types.ts';
import { CaptureStore } from '../../../../core/fabric/capture/capture-store.ts';
import { completeFilter } from '../../../../core/filter/index.ts';
import { createDefaultEngine } from '../../../../core/dissect/protocols/index.ts';
import { CaptureQuery } from '../../../../core/service/capture-query.ts';
import { CaptureView } from '../../../../core/service/capture-view.ts';
import { tracePath } from '../../../../core/service/trace-path.ts';
import { nothingLoaded } from '../../../../main/host/live-lab.ts';

export interface FakeSimulation {
  readonly implementation: Implementation<SimulationApi>;
  readonly events: EventSources<SimulationEvents>;
  readonly output: Emitter<SimulationEvents['output']>;
  readonly status: Emitter<SimulationEvents['status']>;
  /** Buffers returned by frameHex/exportPcapng, to check they were transferred (detached). */
  readonly handedOut: Uint8Array[];
}

export function fakeSimulation(): FakeSimulation {
  const output = new Emitter<SimulationEvents['output']>();
  const status = new Emitter<SimulationEvents['status']>();
  const handedOut: Uint8Array[] = [];
  let cancelled = 0;
  let time = 0;
  let nextPid = 1;
  let loaded = false;
  const view = new CaptureView(new CaptureQuery(new CaptureStore({ maxBytes: 4096 })));
  const fields = createDefaultEngine().fields;

  const implementation: Implementation<SimulationApi> = {
    load(text, seed) {
      loaded = !text.includes('invalid');
      const diagnostics = loaded
        ? []
        : [{ code: 'yaml-syntax' as const, severity: 'error' as const, message: `bad document (seed ${seed ?? 'default'})`, path: [], line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0, endOffset: 1 }];
      return { ok: loaded, diagnostics };
    },
    run(untilNs, { signal }) {
      if (untilNs !== undefined) {
        time = untilNs;
        status.fire({ time, running: false, frames: 0 });
        return 'until';
      }
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          cancelled++;
          resolve('paused');
        });
      });
    },
    step: (n) => n,
    pause() {},
    now: () => cancelled,
    instances: () => ['web', 'db'],
    exec(instance, command) {
      if (instance === 'crash') throw new Error('the fake crashed');
      if (instance === 'busy') throw new RpcError(RpcErrorCode.UNAVAILABLE, 'the fake is restarting');
      const pid = nextPid++;
      const [verb, ...rest] = command.split(' ');
      const lines = verb === 'echo' ? rest : verb === 'burst' ? Array.from({ length: Number(rest[0]) }, (_, i) => `line ${i}`) : [];
      for (const line of lines) output.fire({ time, instance, pid, line, exitCode: null });
      output.fire({ time, instance, pid, line: null, exitCode: 0 });
      return { ok: true, pid };
    },
    kill: (pid) => pid === 1,
    async capturePage(offset, count, filter) {
      const rows = Array.from({ length: Math.min(count, 3) }, (_, i) => ({
        number: offset + i + 1,
        time: '0.000000000',
        source: '10.0.1.10',
        destination: '10.0.1.20',
        protocol: filter ? filter.toUpperCase() : 'ICMP',
        length: 98,
        info: 'Echo (ping) request',
        pointId: 0,
        point: 'eni-web',
        direction: 'out' as const,
        traceId: 1,
        hop: 0,
        verdict: 'forward' as const,
        reason: null,
        rule: null,
      }));
      return { offset, total: 3, firstAvailable: 0, evicted: 0, untested: 0, rows, error: null };
    },
    frameDetail(n) {
      if (n > 3) return null;
      const bytes = Uint8Array.from([1, 2, 3]);
      handedOut.push(bytes);
      return { number: n, tree: [{ label: 'Frame', field: null, offset: 0, length: 3, source: 0, children: [] }], sources: [{ name: 'Frame', bytes }] };
    },
    frameHex(n) {
      if (n > 100_000) return null;
      const bytes = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      handedOut.push(bytes);
      return bytes;
    },
    filterCheck: (expression) => (expression.includes('==') && !expression.endsWith('==') ? { ok: true } : { ok: false, error: { message: 'Unexpected end of filter expression.', start: expression.length, end: expression.length } }),
    exportPcapng() {
      const bytes = new Uint8Array(64).fill(0x0a);
      handedOut.push(bytes);
      return bytes;
    },
    eventLog: (offset) => ({ offset, total: 0, firstAvailable: 0, packets: 0, rows: [] }),
    stepToPacket: () => ({ events: 0, found: false }),
    tracePath: (traceId) => tracePath(null, (p) => p, traceId, 16),
    inFlight: () => [],
    taps: () => [],
    captureList: (query) => view.page(query),
    captureFrames: (query) => view.frames(query),
    captureRows: (frames) => view.rows(frames),
    captureInfo: () => view.info(),
    traceLens: (frame) => view.lens(frame),
    followStream: (frame) => view.follow(frame),
    expertSummary: () => view.expertSummary(),
    filterComplete: (text, cursor) => completeFilter(text, cursor, fields),
    exportSelection: (selection) => view.export(selection),
    labCheck: (checks) => nothingLoaded(checks),
    labScenario: () => ['no topology is loaded'],
  };
  return { implementation, events: { output: output.event, status: status.event }, output, status, handedOut };
}
