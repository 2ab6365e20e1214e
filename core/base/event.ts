/**
 * Events and disposables in VS Code's style: an `Emitter` owns the right to fire, the public `Event`
 * is only a subscribe function, and every subscription returns a `Disposable` that ends it.
 * For per-packet observation inside the simulator use `core/sim/trace.ts` instead: it is built for
 * the case where nobody listens.
 */

export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `fn` once, however often it is disposed. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Collects disposables so an owner can end all of them at once (and any added later, immediately). */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  add<T extends Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.add(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = [...this.items];
    this.items.clear();
    for (const d of items) d.dispose();
  }
}

/** Subscribe with a listener; the result ends the subscription. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  // Copy-on-write: fire() iterates a snapshot, so listeners may (un)subscribe while being called.
  private listeners: ReadonlyArray<(value: T) => void> = [];
  private disposed = false;

  /** The subscribe side, to expose publicly (`readonly onDidX = this._onDidX.event`). */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {});
    this.listeners = [...this.listeners, listener];
    return toDisposable(() => {
      this.listeners = withoutFirst(this.listeners, listener);
    });
  };

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  fire(value: T): void {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i](value);
  }

  /** Drops every listener; later subscriptions are ignored. */
  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

/** `list` without the first occurrence of `item` (a listener added twice is removed once per dispose). */
export function withoutFirst<T>(list: ReadonlyArray<T>, item: T): ReadonlyArray<T> {
  const i = list.indexOf(item);
  if (i < 0) return list;
  return [...list.slice(0, i), ...list.slice(i + 1)];
}
