/**
 * The part of AbortSignal the RPC uses. Core's ES2022 library has no AbortSignal, but the DOM's and
 * Node's fit this shape, so callers pass theirs; the server hands implementations its own.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface Cancellation {
  readonly signal: AbortSignalLike;
  /** Aborts the signal (once; later calls do nothing). */
  abort(): void;
}

/** A signal with its trigger, for the server's calls: an AbortController without the DOM. */
export function createCancellation(): Cancellation {
  let aborted = false;
  let listeners: (() => void)[] = [];
  return {
    signal: {
      get aborted() {
        return aborted;
      },
      addEventListener(_type, listener) {
        if (!aborted) listeners.push(listener);
      },
      removeEventListener(_type, listener) {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      },
    },
    abort() {
      if (aborted) return;
      aborted = true;
      const ls = listeners;
      listeners = [];
      for (const l of ls) l();
    },
  };
}
