/**
 * The two faces of a contract's API: what a server calls (the implementation, which also gets a
 * call context) and what a client holds (a remote, whose methods return promises).
 */
import type { Event } from '../base/event.ts';
import type { AbortSignalLike } from './cancellation.ts';

export interface CallContext {
  /** Aborted when the caller cancels, times out or disconnects. */
  readonly signal: AbortSignalLike;
}

/**
 * One function per method, called with the validated arguments (missing optional ones as
 * `undefined`) and then the call context; it may answer synchronously or with a promise.
 */
export type Implementation<Api> = {
  readonly [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? (...args: [...A, context: CallContext]) => R | Promise<Awaited<R>> : never;
};

/** One subscribe function per event (the service's `onDidX` events, by contract name). */
export type EventSources<Events> = { readonly [K in keyof Events]: Event<Events[K]> };

/** The client's view: the same methods, answered later. */
export type Remote<Api> = {
  readonly [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
