/**
 * Finds trace sources by (component path, source name), the way ns-3's Config paths do, so a
 * capture, counter or lab check can say "every `drop` in the fabric" or "`receive` on
 * `host3/eth0`" without holding references to the models.
 *
 * One registry per simulated world (not a global): it is created with the world and dropped with it.
 */
import { type Disposable, toDisposable } from '../base/event.ts';
import type { AnyTraceSource, Traceable } from './trace.ts';

/** A sink that also learns which component fired. */
export type PathTraceSink<T> = (path: string, value: T) => void;

interface WildSubscription {
  readonly name: string;
  readonly sink: PathTraceSink<unknown>;
  readonly accept: (path: string) => boolean;
  readonly perPath: Map<string, Disposable>;
}

export class TraceRegistry {
  private readonly components = new Map<string, ReadonlyMap<string, AnyTraceSource>>();
  private readonly wild = new Set<WildSubscription>();

  /**
   * Registers `component` under a unique `path` (e.g. `tor0/eth3`). Wildcard subscriptions made
   * earlier attach to it at once. Disposing the result unregisters it and detaches them.
   */
  add(path: string, component: Traceable): Disposable {
    if (this.components.has(path)) throw new Error(`TraceRegistry: path '${path}' is already registered`);
    const sources = new Map<string, AnyTraceSource>();
    for (const s of component.traceSources()) {
      if (sources.has(s.name)) throw new Error(`TraceRegistry: '${path}' declares trace source '${s.name}' twice`);
      sources.set(s.name, s);
    }
    this.components.set(path, sources);
    for (const w of this.wild) this.attachWild(w, path, sources);
    return toDisposable(() => this.remove(path));
  }

  /** Unregisters a path; returns false if it was not registered. */
  remove(path: string): boolean {
    if (!this.components.delete(path)) return false;
    for (const w of this.wild) {
      w.perPath.get(path)?.dispose();
      w.perPath.delete(path);
    }
    return true;
  }

  /** Registered component paths, in registration order. */
  paths(): string[] {
    return [...this.components.keys()];
  }

  /** Names and descriptions of the sources a component exposes. */
  describe(path: string): { name: string; description: string }[] {
    const sources = this.components.get(path);
    return sources ? [...sources.values()].map((s) => ({ name: s.name, description: s.description })) : [];
  }

  find(path: string, name: string): AnyTraceSource | undefined {
    return this.components.get(path)?.get(name);
  }

  /** Subscribes to one source. The caller states the value type it expects (e.g. `DropEvent`). */
  subscribe<T>(path: string, name: string, sink: (value: T) => void): Disposable {
    const source = this.find(path, name);
    if (!source) throw new Error(`TraceRegistry: no trace source '${name}' at '${path}'`);
    return source.subscribe(sink as (value: unknown) => void);
  }

  /**
   * Subscribes to the source called `name` on every component whose path passes `accept` —
   * those registered now and those registered later — until disposed.
   */
  subscribeAll<T>(name: string, sink: PathTraceSink<T>, accept: (path: string) => boolean = () => true): Disposable {
    const w: WildSubscription = { name, sink: sink as PathTraceSink<unknown>, accept, perPath: new Map() };
    this.wild.add(w);
    for (const [path, sources] of this.components) this.attachWild(w, path, sources);
    return toDisposable(() => {
      this.wild.delete(w);
      for (const d of w.perPath.values()) d.dispose();
      w.perPath.clear();
    });
  }

  private attachWild(w: WildSubscription, path: string, sources: ReadonlyMap<string, AnyTraceSource>): void {
    const source = sources.get(w.name);
    if (!source || !w.accept(path)) return;
    // One closure per (subscription, component), made here at subscribe time, never per event.
    const sink = w.sink;
    w.perPath.set(path, source.subscribe((value: unknown) => sink(path, value)));
  }
}
