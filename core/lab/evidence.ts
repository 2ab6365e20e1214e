/**
 * What a lab run leaves behind for the checks: the simulation (captures, recorded paths, fabric
 * state at the end), the mapping service's push rounds with the work each one did, the learner's
 * topology document, and the run's log. Checks only read it.
 */
import { createDefaultEngine } from '../dissect/protocols/index.ts';
import { summarize } from '../dissect/summary.ts';
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import { CaptureFrameRecord } from '../fabric/capture/capture-frame-record.ts';
import { compileFilter, type FilterError, FilterRunner } from '../filter/index.ts';
import type { SimulationService } from '../service/simulation-service.ts';
import type { ResolvedTopology } from '../topology/resolved.ts';
import type { Disposable } from '../base/event.ts';
import { pointMatcher } from './points.ts';
import type { TimelineResult } from './timeline.ts';

export interface PushRecord {
  readonly time: number;
  readonly version: number;
  /** Cache slots this round copied, and what a full copy to every host is (capacity × hosts). */
  readonly slots: number;
  readonly fullCopy: number;
  readonly applied: number;
  readonly hosts: number;
}

export interface CapturedFrame {
  readonly number: number;
  readonly point: string;
  readonly kind: CapturePointKind;
  readonly time: number;
  readonly traceId: number;
}

export type FramesResult = { readonly ok: true; readonly frames: readonly CapturedFrame[] } | { readonly ok: false; readonly error: FilterError };

/** Subscribes before the run starts, so every push round is seen. */
export class PushRecorder implements Disposable {
  readonly pushes: PushRecord[] = [];
  private readonly subscription: Disposable;

  constructor(service: SimulationService) {
    const mapping = service.fabric.mapping;
    let before = mapping.counters.slotsCopied;
    // The fabric pushes once as it is built, before anyone can subscribe: that round's work is
    // read off the counters (everything copied so far less each host's boot-time load).
    const hosts = mapping.caches().length;
    if (mapping.counters.pushes > 0) {
      const rounds = mapping.counters.pushes;
      this.pushes.push({
        time: service.now(), version: mapping.version, slots: (before - mapping.capacity * hosts) / rounds,
        fullCopy: mapping.capacity * hosts, applied: hosts, hosts,
      });
    }
    this.subscription = mapping.onDidPush.subscribe((p) => {
      const after = mapping.counters.slotsCopied;
      this.pushes.push({ time: p.time, version: p.version, slots: after - before, fullCopy: mapping.capacity * p.hosts, applied: p.applied, hosts: p.hosts });
      before = after;
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

export class Evidence {
  private readonly filtered = new Map<string, CapturedFrame[]>();
  private readonly runners = new Map<string, { ok: true; runner: FilterRunner } | { ok: false; error: FilterError }>();
  private readonly engine = createDefaultEngine();
  private readonly record: CaptureFrameRecord;
  private byPoint: Map<number, number[]> | null = null;

  constructor(
    readonly service: SimulationService,
    /** The learner's topology document as a plain value (after variable substitution). */
    readonly document: unknown,
    readonly topology: ResolvedTopology,
    readonly pushes: readonly PushRecord[],
    readonly timeline: TimelineResult,
  ) {
    this.record = new CaptureFrameRecord(service.captures);
  }

  get fabric() {
    return this.service.fabric;
  }

  /**
   * Held frames matching a display filter at the points `at` names (all points by default).
   * Each capture point is dissected as a capture of its own, as Wireshark would read that
   * interface's file: in one combined pass the same TCP segment seen at a second point looks like
   * a retransmission and its HTTP would go undissected.
   */
  frames(filter: string, at?: string): FramesResult {
    const compiled = this.compiled(filter);
    if (!compiled.ok) return compiled;
    const match = pointMatcher(at);
    const store = this.service.captures;
    const out: CapturedFrame[] = [];
    for (const point of store.points) {
      if (!match(point.name, point.kind)) continue;
      const key = `${point.id}\u0000${filter}`;
      let frames = this.filtered.get(key);
      if (frames === undefined) {
        frames = [];
        const session = compiled.runner.newSession(this.engine);
        for (const n of this.framesOf(point.id)) {
          if (this.record.load(n) && compiled.runner.run(session, this.record)) {
            frames.push({ number: n, point: point.name, kind: point.kind, time: store.timeOf(n), traceId: store.traceOf(n) });
          }
        }
        this.filtered.set(key, frames);
      }
      out.push(...frames);
    }
    return { ok: true, frames: out.sort((a, b) => a.number - b.number) };
  }

  private compiled(filter: string): { ok: true; runner: FilterRunner } | { ok: false; error: FilterError } {
    let c = this.runners.get(filter);
    if (c === undefined) {
      const r = compileFilter(filter, this.engine.fields);
      c = r.ok ? { ok: true, runner: new FilterRunner(r.filter) } : { ok: false, error: r.error };
      this.runners.set(filter, c);
    }
    return c;
  }

  /** Frame numbers held per capture point, bucketed once. */
  private framesOf(pointId: number): readonly number[] {
    if (this.byPoint === null) {
      this.byPoint = new Map();
      const store = this.service.captures;
      for (let n = store.firstAvailable; n <= store.count; n++) {
        const id = store.pointOf(n);
        let list = this.byPoint.get(id);
        if (list === undefined) this.byPoint.set(id, (list = []));
        list.push(n);
      }
    }
    return this.byPoint.get(pointId) ?? [];
  }

  /** Names of the capture points `at` names. */
  points(at?: string): string[] {
    const match = pointMatcher(at);
    return this.service.captures.points.filter((p) => match(p.name, p.kind)).map((p) => p.name);
  }

  /** "ICMP Echo (ping) request 10.0.1.4 → 10.0.1.5": the tenant packet a trace started as. */
  describeTrace(traceId: number): string {
    const first = this.service.paths?.events(traceId)[0];
    if (!first?.firstFrame) return `packet ${traceId}`;
    const s = summarize(this.engine.newSession(), {
      number: 1, bytes: first.firstFrame, originalLength: first.firstFrame.length, tsSec: 0, tsNsec: 0, interfaceId: 0, linkType: 1,
    });
    // The Info column without TCP's sequence numbers and options: enough to recognise the packet.
    const info = s.info.replace(/\s+(?:Seq|Ack|Win|Len|MSS|TSval|SACK_PERM|WS)\b.*$/, '').replace(/\s+/g, ' ').trim();
    return `${s.protocol} ${info} ${s.source} → ${s.destination}`;
  }
}
