/**
 * How a contract is declared: per method, a validator for its argument list and the buffers of its
 * result to transfer; per event, how bursts are coalesced. The mapped types tie each spec map to its
 * API interface, so `satisfies MethodSpecs<Api>` fails to compile when a method is added to the
 * interface without a spec (or a spec names no method): the allowlist cannot drift from the API.
 */
import type { z } from './zod.ts';

export interface MethodSpec<Args extends readonly unknown[], Result> {
  /** Validates the whole argument list, as a tuple (z.tuple rejects extra arguments). */
  readonly args: z.ZodType<Args>;
  /**
   * The byte arrays of a result to transfer rather than copy across a worker port. The service hands
   * them over: a transferred buffer is unusable at the sender afterwards.
   */
  readonly transfer?: (result: Result) => readonly Uint8Array[];
}

/**
 * `latest`: only the newest value matters (status); `queue`: every value matters (output lines), up
 * to `maxQueued` per window, beyond which values are dropped and counted.
 */
export type EventSpec =
  | { readonly coalesce: 'latest' }
  | { readonly coalesce: 'queue'; readonly maxQueued: number };

type AnyFunction = (...args: never[]) => unknown;

/** Exactly one spec per method of `Api`, typed by its parameters and (awaited) result. */
export type MethodSpecs<Api> = {
  readonly [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? MethodSpec<A, Awaited<R>> : never;
};

/** Exactly one spec per event of `Events` (a map from event name to payload type). */
export type EventSpecs<Events> = { readonly [K in keyof Events]: EventSpec };

export interface Contract<Api, Events> {
  /** For messages and logs. */
  readonly name: string;
  readonly methods: MethodSpecs<Api>;
  readonly events: EventSpecs<Events>;
}

/** The API's method names (only function-valued keys count). */
export type MethodName<Api> = { [K in keyof Api]: Api[K] extends AnyFunction ? K : never }[keyof Api] & string;
export type EventName<Events> = keyof Events & string;
