/**
 * What the user has picked, shared between views: a captured frame and the trace (tenant packet)
 * it belongs to. The simulation mode's event list sets it; the capture view watches `frame` to
 * scroll to and open that frame, and may set it back when a row is clicked there. Plain state,
 * no calls: whoever sets it knows what it picked.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useSelectionStore = defineStore('selection', () => {
  /** Capture frame number (1-based, as in capturePage rows), or null when no frame is picked. */
  const frame = ref<number | null>(null);
  /** Trace id of the picked packet (0 is never a trace), or null. */
  const traceId = ref<number | null>(null);

  /** Picks a frame and/or a trace; either may be null (an event at an untapped port has no frame). */
  function select(next: { frame?: number | null; traceId?: number | null }): void {
    frame.value = next.frame ?? null;
    traceId.value = next.traceId ?? null;
  }

  function clear(): void {
    frame.value = null;
    traceId.value = null;
  }

  return { frame, traceId, select, clear };
});
