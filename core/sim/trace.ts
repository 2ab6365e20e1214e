/**
 * Trace sources, after ns-3's TracedCallback: a component declares a named, typed source
 * (`transmit`, `receive`, `drop`…) and fires it at the moment something happens; captures,
 * counters, animations and lab checks subscribe. Models never know who listens (nor about pcap).
 *
 * Zero cost when nobody subscribes: `fire` is a length check over an empty array. When building
 * the value itself costs something (a drop record, a detail string), guard it with `active`:
 *
 *     if (this.onDidDrop.active) this.onDidDrop.fire({ packet, reason, detail: `…` });
 *
 * Values are lent, not given: a packet passed to a sink may be released or rewritten right after
 * the sink returns, so a sink that keeps anything must copy it before returning.
 */
import { type Disposable, toDisposable, withoutFirst } from '../base/event.ts';

export type TraceSink<T> = (value: T) => void;

/** What a registry needs to know of any source, whatever its value type. */
export interface AnyTraceSource {
  readonly name: string;
  readonly description: string;
  readonly active: boolean;
  /** A generic subscriber must accept any value, hence `unknown`. */
  subscribe(sink: TraceSink<unknown>): Disposable;
}

export class TraceSource<T> implements AnyTraceSource {
  // Copy-on-write, so a sink may subscribe or dispose while the source is firing.
  private sinks: ReadonlyArray<TraceSink<T>> = [];

  constructor(
    readonly name: string,
    readonly description = '',
  ) {}

  /** True when at least one sink listens: build costly values only then. */
  get active(): boolean {
    return this.sinks.length !== 0;
  }

  subscribe(sink: TraceSink<T>): Disposable {
    this.sinks = [...this.sinks, sink];
    return toDisposable(() => {
      this.sinks = withoutFirst(this.sinks, sink);
    });
  }

  fire(value: T): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i](value);
  }
}

/** A component that exposes trace sources (ns-3's TypeId::AddTraceSource list). */
export interface Traceable {
  traceSources(): readonly AnyTraceSource[];
}
