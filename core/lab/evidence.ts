/**
 * What a lab run leaves behind for the checks: the simulation (captures, recorded paths, fabric
 * state at the end), the mapping service's push rounds with the work each one did, the learner's
 * topology document, and the run's log. Checks only read it.
 */
import { createDefaultEngine } from '../dissect/protocols/index.ts';
import { summarize } from '../dissect/summary.ts';
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import type { FilterError } from '../filter/index.ts';
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
  private readonly filtered = new Map<string, FramesResult>();
  private readonly engine = createDefaultEngine();

  constructor(
    readonly service: SimulationService,
    /** The learner's topology document as a plain value (after variable substitution). */
    readonly document: unknown,
    readonly topology: ResolvedTopology,
    readonly pushes: readonly PushRecord[],
    readonly timeline: TimelineResult,
  ) {}

  get fabric() {
    return this.service.fabric;
  }

  /** Held frames matching a display filter at the points `at` names (all points by default). */
  frames(filter: string, at?: string): FramesResult {
    let all = this.filtered.get(filter);
    if (all === undefined) {
      const r = this.service.query.filter(filter);
      const store = this.service.captures;
      all = r.ok
        ? { ok: true, frames: r.frames.map((n) => {
            const point = store.point(store.pointOf(n));
            return { number: n, point: point.name, kind: point.kind, time: store.timeOf(n), traceId: store.traceOf(n) };
          }) }
        : r;
      this.filtered.set(filter, all);
    }
    if (!all.ok) return all;
    const match = pointMatcher(at);
    return { ok: true, frames: all.frames.filter((f) => match(f.point, f.kind)) };
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
    return `${s.protocol} ${s.info.split('  ')[0]} ${s.source} → ${s.destination}`.replace(/\s+/g, ' ').trim();
  }
}
