/**
 * "The page's start-up answers are in": the connection is up, no call is waiting for its answer on
 * any client, and that has held for a short quiet spell (stores ask on a timer after connecting,
 * so a single look at zero could come before they asked), then one animation frame more so what
 * arrived is drawn. Heavy optional set-up (Monaco's, a long main-thread task) waits for it, so
 * what the person came to see — the packet list's first rows — is not queued behind it.
 *
 * Never waits forever: after `maxWaitMs` it resolves anyway (a busy host, calls that stay open),
 * and a connection that failed resolves at once (nothing more will arrive).
 */

/** What it reads of the connection store (a plain object in tests). */
export interface SettleSource {
  readonly phase: string;
  readonly clients: object | null;
}

export interface SettleOptions {
  /** How often to look (default 25 ms). */
  readonly pollMs?: number;
  /** How long nothing may be pending before it counts as settled (default 100 ms). */
  readonly quietMs?: number;
  /** Resolve after this long whatever the state (default 2500 ms). */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** One frame drawn (default requestAnimationFrame, then a task, when the page has it). */
  readonly nextFrame?: () => Promise<void>;
}

/** Calls in flight over every client the source holds (each an RpcClient with `pendingCalls`). */
export function pendingOf(source: SettleSource): number {
  if (source.clients === null) return 0;
  let n = 0;
  for (const c of Object.values(source.clients) as unknown[]) {
    const p = (c as { pendingCalls?: unknown }).pendingCalls;
    if (typeof p === 'number') n += p;
  }
  return n;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const defaultFrame = () =>
  new Promise<void>((resolve) => {
    if (typeof requestAnimationFrame !== 'function') return void setTimeout(resolve, 0);
    requestAnimationFrame(() => setTimeout(resolve, 0));
  });

/** Resolves once start-up has settled as the file comment says (or the wait ran out). */
export async function startUpSettled(source: SettleSource, options: SettleOptions = {}): Promise<void> {
  const pollMs = options.pollMs ?? 25;
  const quietMs = options.quietMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 2500;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const start = now();
  let quietSince: number | null = null;
  for (;;) {
    const t = now();
    if (source.phase === 'failed' || t - start >= maxWaitMs) return;
    const idle = source.phase === 'connected' && pendingOf(source) === 0;
    if (!idle) quietSince = null;
    else {
      quietSince ??= t;
      if (t - quietSince >= quietMs) break;
    }
    await sleep(pollMs);
  }
  await (options.nextFrame ?? defaultFrame)();
}
