/**
 * "The person is not scrolling, pointing or typing right now." Monaco's set-up is two long
 * main-thread tasks (~145 ms evaluating its module, ~200 ms building the editor) that nobody needs
 * in the first second; run while someone scrolls the packet list the moment it appears, each one
 * drops frames (bench:ui's scroll p95 tail was mostly these). So after start-up has settled
 * (`rpc/settled.ts`) each step also waits for a short spell without input. The plain text area
 * serves meanwhile, and the wait is bounded: continuous input for `maxWaitMs` goes ahead anyway.
 */

/** The input events that say someone is using the page now. `scroll` does not bubble: listened to in capture. */
export const INTERACTION_EVENTS = ['scroll', 'wheel', 'pointerdown', 'pointermove', 'keydown', 'touchmove'] as const;

export interface InteractionTarget {
  addEventListener(type: string, listener: () => void, options: { capture: boolean; passive: boolean }): void;
  removeEventListener(type: string, listener: () => void, options: { capture: boolean }): void;
}

export interface InteractionTracker {
  /** When input last arrived (`now`'s clock), or -Infinity before any. */
  readonly lastInput: number;
  dispose(): void;
}

export function trackInteraction(target: InteractionTarget, now: () => number = () => performance.now()): InteractionTracker {
  let lastInput = -Infinity;
  const onInput = () => {
    lastInput = now();
  };
  for (const type of INTERACTION_EVENTS) target.addEventListener(type, onInput, { capture: true, passive: true });
  return {
    get lastInput() {
      return lastInput;
    },
    dispose() {
      for (const type of INTERACTION_EVENTS) target.removeEventListener(type, onInput, { capture: true });
    },
  };
}

export interface QuietOptions {
  /** How long without input counts as quiet (default 300 ms). */
  readonly quietMs?: number;
  /** How often to look (default 50 ms). */
  readonly pollMs?: number;
  /** Go ahead after this long whatever the input (default 10 s). */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once no input has arrived for `quietMs` (at once if none came lately), or after `maxWaitMs`. */
export async function interactionQuiet(tracker: Pick<InteractionTracker, 'lastInput'>, options: QuietOptions = {}): Promise<void> {
  const quietMs = options.quietMs ?? 300;
  const pollMs = options.pollMs ?? 50;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const start = now();
  for (;;) {
    const t = now();
    if (t - tracker.lastInput >= quietMs || t - start >= maxWaitMs) return;
    await sleep(Math.min(pollMs, quietMs - (t - tracker.lastInput)));
  }
}
