/**
 * The calling end of a contract over one port: `client.api` is a typed proxy built from the
 * contract's method list (a plain object, not a JS Proxy: only allowlisted names exist, and nothing
 * answers `then`), `client.events` subscribes to pushed events (the server is asked to send an event
 * only while someone here listens).
 */
import { Emitter, toDisposable, withoutFirst, type Disposable, type Event } from '../base/event.ts';
import type { Contract, EventName, MethodName } from '../contract/spec.ts';
import type { AbortSignalLike } from './cancellation.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import type { PortLike } from './port.ts';
import { parseServerMessage, type ClientMessage, type ServerMessage } from './protocol.ts';
import type { Scheduler } from './scheduler.ts';
import type { EventSources, Remote } from './service-types.ts';

export interface CallOptions {
  /** Aborting rejects the call with CANCELLED at once and tells the server to stop. */
  readonly signal?: AbortSignalLike;
  /** Rejects with TIMEOUT (and cancels at the server) when no answer came in time; needs a scheduler. */
  readonly timeoutMs?: number;
}

export interface RpcClientOptions {
  /** Needed for timeouts only. */
  readonly scheduler?: Scheduler;
  /** Time limit for every call without its own. */
  readonly timeoutMs?: number;
  /** Messages from the server that were not understood, and errors the server sent without an id. */
  readonly onProblem?: (message: string) => void;
}

export interface DroppedEvents {
  readonly event: string;
  readonly count: number;
}

type Fn = (...args: never[]) => unknown;
export type ArgsOf<Api, K extends keyof Api> = Api[K] extends Fn ? Parameters<Api[K]> : never;
export type ResultOf<Api, K extends keyof Api> = Api[K] extends Fn ? Awaited<ReturnType<Api[K]>> : never;

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: RpcError) => void;
  readonly cleanup: () => void;
}

export class RpcClient<Api, Events> implements Disposable {
  /** The service, every method answering with a promise. */
  readonly api: Remote<Api>;
  readonly events: EventSources<Events>;
  private readonly disconnected = new Emitter<void>();
  /** Fires once when the port closes; every call in flight has then failed with DISCONNECTED. */
  readonly onDidDisconnect = this.disconnected.event;
  private readonly dropped = new Emitter<DroppedEvents>();
  /** A server window overflowed its queue (`queue` events): `count` values were never sent. */
  readonly onDidDropEvents = this.dropped.event;

  private readonly pending = new Map<number, PendingCall>();
  /** Listeners per event; called one by one so a throwing listener cannot starve the others. */
  private readonly listeners = new Map<string, ReadonlyArray<(value: unknown) => void>>();
  private readonly portListeners: Disposable[];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly port: PortLike,
    private readonly contract: Contract<Api, Events>,
    private readonly options: RpcClientOptions = {},
  ) {
    this.api = this.remote({});
    const events: Record<string, Event<unknown>> = {};
    for (const name of Object.keys(contract.events)) events[name] = this.eventFor(name);
    this.events = events as EventSources<Events>;
    this.portListeners = [port.onMessage((m) => this.receive(m)), port.onClose(() => this.close())];
  }

  get isConnected(): boolean {
    return !this.closed;
  }

  /** Calls sent and not answered yet (the page waits for its start-up answers before heavy work). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** The service with options applied to every call (a signal, a time limit). */
  withOptions(options: CallOptions): Remote<Api> {
    return this.remote(options);
  }

  call<K extends MethodName<Api>>(method: K, args: ArgsOf<Api, K>, options: CallOptions = {}): Promise<ResultOf<Api, K>> {
    return this.invoke(method, args, options) as Promise<ResultOf<Api, K>>;
  }

  /** Rejects calls in flight with DISCONNECTED and closes the port. */
  dispose(): void {
    this.close();
    this.port.close();
  }

  private remote(options: CallOptions): Remote<Api> {
    const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const name of Object.keys(this.contract.methods)) api[name] = (...args) => this.invoke(name, args, options);
    return Object.freeze(api) as unknown as Remote<Api>;
  }

  private invoke(method: string, args: readonly unknown[], options: CallOptions): Promise<unknown> {
    if (this.closed) return Promise.reject(new RpcError(RpcErrorCode.DISCONNECTED, `${this.contract.name} is disconnected`));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new RpcError(RpcErrorCode.CANCELLED, `${method} was cancelled`));
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const scheduler = this.options.scheduler;
    if (timeoutMs !== undefined && !scheduler) return Promise.reject(new RpcError(RpcErrorCode.INTERNAL, 'a call time limit needs a scheduler'));

    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.giveUp(id, RpcErrorCode.CANCELLED, `${method} was cancelled`);
      const timer = timeoutMs !== undefined ? scheduler!.schedule(timeoutMs, () => this.giveUp(id, RpcErrorCode.TIMEOUT, `${method} timed out after ${timeoutMs} ms`)) : null;
      signal?.addEventListener('abort', onAbort);
      const cleanup = () => {
        signal?.removeEventListener('abort', onAbort);
        timer?.dispose();
      };
      this.pending.set(id, { resolve, reject, cleanup });
      try {
        this.port.postMessage({ type: 'call', id, method, args: withoutTrailingUndefined(args) } satisfies ClientMessage);
      } catch (e) {
        // The arguments could not be cloned or encoded (a function, a cycle): nothing was sent.
        this.settle(id)?.reject(new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `${method}: the arguments could not be sent: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }

  /** Rejects locally at once and tells the server, whose late answer is then ignored. */
  private giveUp(id: number, code: RpcErrorCode, message: string): void {
    const call = this.settle(id);
    if (!call) return;
    this.send({ type: 'cancel', id });
    call.reject(new RpcError(code, message));
  }

  /** Takes a call out of the pending set (once), releasing its signal listener and timer. */
  private settle(id: number): PendingCall | undefined {
    const call = this.pending.get(id);
    if (!call) return undefined;
    this.pending.delete(id);
    call.cleanup();
    return call;
  }

  private eventFor(name: string): Event<unknown> {
    this.listeners.set(name, []);
    return (listener) => {
      if (this.closed) return toDisposable(() => {});
      const before = this.listeners.get(name)!;
      this.listeners.set(name, [...before, listener]);
      if (before.length === 0) this.send({ type: 'listen', event: name });
      return toDisposable(() => {
        const after = withoutFirst(this.listeners.get(name)!, listener);
        this.listeners.set(name, after);
        if (after.length === 0) this.send({ type: 'unlisten', event: name });
      });
    };
  }

  private receive(raw: unknown): void {
    const parsed = parseServerMessage(raw);
    if (!parsed.ok) return this.problem(`ignored a message from the server: ${parsed.reason}`);
    this.handle(parsed.message);
  }

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case 'result':
        this.settle(m.id)?.resolve(m.value);
        return;
      case 'error':
        if (m.id === null) this.problem(`the server refused a message: ${m.code}: ${m.message}`);
        else this.settle(m.id)?.reject(new RpcError(m.code, m.message));
        return;
      case 'event': {
        if (!Object.prototype.hasOwnProperty.call(this.contract.events, m.event)) return this.problem(`ignored an event not in the contract: ${m.event}`);
        for (const value of m.values) {
          for (const listener of this.listeners.get(m.event)!) {
            try {
              listener(value);
            } catch (e) {
              this.problem(`a listener of ${m.event} threw: ${e instanceof Error ? e.message : String(e)}`);
            }
          }
        }
        if (m.dropped > 0) this.dropped.fire({ event: m.event as EventName<Events>, count: m.dropped });
        return;
      }
    }
  }

  private send(message: ClientMessage): void {
    if (this.closed) return;
    try {
      this.port.postMessage(message);
    } catch (e) {
      this.problem(`could not send ${message.type}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.portListeners) l.dispose();
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new RpcError(RpcErrorCode.DISCONNECTED, `${this.contract.name} disconnected`));
    this.disconnected.fire();
    this.disconnected.dispose();
    for (const name of this.listeners.keys()) this.listeners.set(name, []);
  }

  private problem(message: string): void {
    try {
      this.options.onProblem?.(message);
    } catch {
      // logging must not break message handling
    }
  }
}

/** JSON turns a trailing `undefined` into null, which an optional parameter's validator refuses. */
function withoutTrailingUndefined(args: readonly unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return args.slice(0, n);
}
