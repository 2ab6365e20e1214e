/**
 * The serving end of a contract over one port. It is the gate DESIGN.md §7 asks for: a method is
 * called only when it is in the contract's allowlist and its arguments pass the contract's
 * validator; anything else is answered with an error code. No message, however malformed, makes it
 * throw: a bad peer gets errors, the host gets a problem report to log.
 */
import { DisposableStore, toDisposable, type Disposable } from '../base/event.ts';
import type { Contract, EventSpec, MethodSpec } from '../contract/spec.ts';
import { createCancellation, type Cancellation } from './cancellation.ts';
import { DEFAULT_EVENT_INTERVAL_MS, EventCoalescer } from './coalescer.ts';
import { clip, RpcError, RpcErrorCode } from './errors.ts';
import { MalformedFrame, type PortLike } from './port.ts';
import { parseClientMessage, type CallMessage, type ServerMessage } from './protocol.ts';
import type { Scheduler } from './scheduler.ts';
import { transferListOf } from './transfer.ts';
import type { EventSources, Implementation } from './service-types.ts';

export interface RpcProblem {
  readonly code: RpcErrorCode;
  readonly message: string;
  readonly method?: string;
}

export interface RpcServerOptions {
  /** Times the event coalescing windows. */
  readonly scheduler: Scheduler;
  /** Least time between two messages of one event (default 34 ms: ≤ 30 per second). */
  readonly eventIntervalMs?: number;
  /** Calls in flight per connection before new ones are refused with OVERLOADED (default 256). */
  readonly maxPendingCalls?: number;
  /** Every refused message and failed call, for the host's log. */
  readonly onProblem?: (problem: RpcProblem) => void;
}

interface Subscription {
  readonly source: Disposable;
  readonly coalescer: EventCoalescer;
}

type AnyMethod = (...args: unknown[]) => unknown;

export class RpcServer<Api, Events> implements Disposable {
  private readonly pending = new Map<number, Cancellation>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly store = new DisposableStore();
  private readonly maxPending: number;
  private closed = false;

  constructor(
    private readonly port: PortLike,
    private readonly contract: Contract<Api, Events>,
    private readonly implementation: Implementation<Api>,
    private readonly events: EventSources<Events>,
    private readonly options: RpcServerOptions,
  ) {
    this.maxPending = options.maxPendingCalls ?? 256;
    this.store.add(port.onMessage((raw) => this.receive(raw)));
    this.store.add(port.onClose(() => this.shutDown()));
    this.store.add(toDisposable(() => this.shutDown()));
  }

  /** Calls in flight (for tests and diagnostics). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Stops serving and closes the port; calls in flight are aborted and not answered. */
  dispose(): void {
    this.store.dispose();
    this.port.close();
  }

  private receive(raw: unknown): void {
    try {
      this.handle(raw);
    } catch (e) {
      // Only a broken implementation of the port or of onProblem gets here; stay alive regardless.
      this.report({ code: RpcErrorCode.INTERNAL, message: `while handling a message: ${describe(e)}` });
    }
  }

  private handle(raw: unknown): void {
    if (this.closed) return;
    if (raw instanceof MalformedFrame) return this.reject(null, RpcErrorCode.INVALID_MESSAGE, `malformed frame: ${raw.reason}`);
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.reject(parsed.id, RpcErrorCode.INVALID_MESSAGE, parsed.reason);
    const m = parsed.message;
    switch (m.type) {
      case 'call':
        return this.call(m);
      case 'cancel':
        return this.cancel(m.id);
      case 'listen':
        return this.listen(m.event);
      case 'unlisten':
        return this.unlisten(m.event);
    }
  }

  private call(m: CallMessage): void {
    const { id, method } = m;
    if (this.pending.has(id)) return this.reject(id, RpcErrorCode.INVALID_MESSAGE, `call id ${id} is already in flight`, method);
    if (!hasOwn(this.contract.methods, method)) {
      return this.reject(id, RpcErrorCode.UNKNOWN_METHOD, `${this.contract.name} has no method "${clip(method, 128)}"`, method);
    }
    if (this.pending.size >= this.maxPending) return this.reject(id, RpcErrorCode.OVERLOADED, `more than ${this.maxPending} calls in flight`, method);
    const spec = (this.contract.methods as Record<string, MethodSpec<unknown[], unknown>>)[method];
    const parsed = spec.args.safeParse(m.args);
    if (!parsed.success) return this.reject(id, RpcErrorCode.INVALID_ARGUMENTS, `${method}: ${formatIssues(parsed.error.issues)}`, method);
    const fn = (this.implementation as unknown as Record<string, AnyMethod>)[method];
    if (typeof fn !== 'function') return this.reject(id, RpcErrorCode.INTERNAL, `${method} is not implemented`, method);

    const cancellation = createCancellation();
    this.pending.set(id, cancellation);
    let result: unknown;
    try {
      result = fn.apply(this.implementation, [...padded(parsed.data, arityOf(spec)), { signal: cancellation.signal }]);
    } catch (e) {
      return this.fail(id, cancellation, method, e);
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.answer(id, cancellation, spec, method, value),
        (e: unknown) => this.fail(id, cancellation, method, e),
      );
    } else {
      this.answer(id, cancellation, spec, method, result);
    }
  }

  /** Sends a result unless the call was cancelled (already answered) or the port closed meanwhile. */
  private answer(id: number, c: Cancellation, spec: MethodSpec<unknown[], unknown>, method: string, value: unknown): void {
    if (this.pending.get(id) !== c) return;
    this.pending.delete(id);
    let transfer: ArrayBuffer[] = [];
    try {
      if (spec.transfer) transfer = transferListOf(spec.transfer(value));
    } catch {
      transfer = []; // a transfer list is an optimisation: copy when it cannot be made
    }
    try {
      this.port.postMessage({ type: 'result', id, value } satisfies ServerMessage, transfer);
    } catch (e) {
      this.reject(id, RpcErrorCode.INTERNAL, `${method}: the result could not be sent: ${describe(e)}`, method);
    }
  }

  private fail(id: number, c: Cancellation, method: string, e: unknown): void {
    if (this.pending.get(id) !== c) return;
    this.pending.delete(id);
    if (e instanceof RpcError) this.reject(id, e.code, e.message, method);
    else this.reject(id, RpcErrorCode.INTERNAL, `${method} failed: ${describe(e)}`, method);
  }

  private cancel(id: number): void {
    const c = this.pending.get(id);
    if (!c) return; // already answered: the answer and the cancel crossed
    this.pending.delete(id);
    c.abort();
    this.send({ type: 'error', id, code: RpcErrorCode.CANCELLED, message: 'cancelled by the caller' });
  }

  private listen(event: string): void {
    if (!hasOwn(this.contract.events, event)) return this.reject(null, RpcErrorCode.UNKNOWN_EVENT, `${this.contract.name} has no event "${clip(event, 128)}"`);
    if (this.subscriptions.has(event)) return;
    const source = (this.events as Record<string, EventSources<{ e: unknown }>['e']>)[event];
    if (typeof source !== 'function') return this.reject(null, RpcErrorCode.INTERNAL, `event ${event} has no source`);
    const spec = (this.contract.events as Record<string, EventSpec>)[event];
    const coalescer = new EventCoalescer(spec, this.options.scheduler, this.options.eventIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS, (values, dropped) =>
      this.send({ type: 'event', event, values, dropped }),
    );
    this.subscriptions.set(event, { source: source((value) => coalescer.push(value)), coalescer });
  }

  private unlisten(event: string): void {
    const s = this.subscriptions.get(event);
    if (!s) return;
    this.subscriptions.delete(event);
    s.source.dispose();
    s.coalescer.dispose();
  }

  private shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.pending.values()) c.abort();
    this.pending.clear();
    for (const event of [...this.subscriptions.keys()]) this.unlisten(event);
  }

  private reject(id: number | null, code: RpcErrorCode, message: string, method?: string): void {
    const text = clip(message);
    this.report(method === undefined ? { code, message: text } : { code, message: text, method });
    this.send({ type: 'error', id, code, message: text });
  }

  private send(message: ServerMessage): void {
    if (this.closed) return;
    try {
      this.port.postMessage(message);
    } catch (e) {
      this.report({ code: RpcErrorCode.INTERNAL, message: `could not send a ${message.type} message: ${describe(e)}` });
    }
  }

  private report(problem: RpcProblem): void {
    try {
      this.options.onProblem?.(problem);
    } catch {
      // a logger that throws must not take the server down
    }
  }
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** The declared parameter count of a tuple validator, so the call context lands after all of them. */
function arityOf(spec: MethodSpec<unknown[], unknown>): number {
  const def = (spec.args as unknown as { def?: { type?: string; items?: unknown[] } }).def;
  return def?.type === 'tuple' && Array.isArray(def.items) ? def.items.length : 0;
}

function padded(args: readonly unknown[], arity: number): unknown[] {
  const out = [...args];
  while (out.length < arity) out.push(undefined);
  return out;
}

function formatIssues(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const [first, ...rest] = i.path;
      const where = typeof first === 'number' ? `argument ${first + 1}${rest.map((k) => `.${String(k)}`).join('')}` : 'arguments';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

function describe(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'unprintable error';
  }
}
