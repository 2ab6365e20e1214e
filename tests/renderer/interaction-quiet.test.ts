// @vitest-environment happy-dom
/** interactionQuiet: Monaco's long set-up steps wait for a spell without input; never forever. */
import { describe, expect, it } from 'vitest';
import { INTERACTION_EVENTS, interactionQuiet, trackInteraction } from '../../renderer/src/editor/text/interaction-quiet.ts';

/** A virtual clock whose sleeps let the test fire input at given times. */
function clock(script: (t: number) => void) {
  let t = 1000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      script(t);
    },
    get t() {
      return t;
    },
  };
}

describe('trackInteraction', () => {
  it('notes the time of every kind of input, scroll in capture (it does not bubble), until disposed', () => {
    const listeners = new Map<string, { listener: () => void; capture: boolean }>();
    const target = {
      addEventListener: (type: string, listener: () => void, o: { capture: boolean; passive: boolean }) => void listeners.set(type, { listener, capture: o.capture }),
      removeEventListener: (type: string) => void listeners.delete(type),
    };
    let now = 5;
    const tracker = trackInteraction(target, () => now);
    expect(tracker.lastInput).toBe(-Infinity);
    expect([...listeners.keys()].sort()).toEqual([...INTERACTION_EVENTS].sort());
    expect(listeners.get('scroll')?.capture).toBe(true);
    now = 42;
    listeners.get('wheel')!.listener();
    expect(tracker.lastInput).toBe(42);
    now = 50;
    listeners.get('scroll')!.listener();
    expect(tracker.lastInput).toBe(50);
    tracker.dispose();
    expect(listeners.size).toBe(0);
  });

  it('hears a real element scroll on the document', () => {
    const tracker = trackInteraction(document, () => 7);
    const el = document.createElement('div');
    document.body.append(el);
    el.dispatchEvent(new Event('scroll')); // does not bubble: only a capture listener sees it
    expect(tracker.lastInput).toBe(7);
    tracker.dispose();
    el.remove();
  });
});

describe('interactionQuiet', () => {
  it('resolves at once when there has been no input lately', async () => {
    const c = clock(() => {});
    await interactionQuiet({ lastInput: -Infinity }, c);
    expect(c.t).toBe(1000);
    await interactionQuiet({ lastInput: 600 }, { ...c, quietMs: 300 });
    expect(c.t).toBe(1000);
  });

  it('waits while input keeps coming, then for the quiet spell after the last', async () => {
    const tracker = { lastInput: 1000 };
    // Scrolling every 100 ms until t = 1600.
    const c = clock((t) => {
      if (t <= 1600 && t % 100 === 0) tracker.lastInput = t;
    });
    await interactionQuiet(tracker, { ...c, quietMs: 300, pollMs: 50 });
    expect(c.t).toBe(1900);
  });

  it('goes ahead after maxWaitMs of continuous input', async () => {
    const tracker = { lastInput: 1000 };
    const c = clock((t) => {
      tracker.lastInput = t;
    });
    await interactionQuiet(tracker, { ...c, quietMs: 300, pollMs: 50, maxWaitMs: 2000 });
    expect(c.t).toBe(3000);
  });
});
