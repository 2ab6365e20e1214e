/**
 * Simulation mode (Packet Tracer's, with the fabric's verdicts): play at a speed, pause, step one
 * kernel event or to the next packet event, reset; the event list, the selected event with its
 * frame and path, and what the canvas animates. Time-moving calls go through the simulation store
 * where it has them (so its status, busy mark and capture page stay right) and straight to the
 * contract otherwise; afterwards the event list, the packets in flight and the tap badges are
 * fetched again, each a bounded call.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LoggedEvent, PacketInFlightRecord, TracePath } from '../../../core/contract/simulation.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useAnimationStore, type AnimationVerdict, type PacketInFlight } from '../stores/animation.ts';
import { useConnectionStore } from '../stores/connection.ts';
import { useSelectionStore } from '../stores/selection.ts';
import { useSimulationStore } from '../stores/simulation.ts';
import { Pacer, type PacerDeps, type Speed } from './pacer.ts';

/** Rows of the event list shown and fetched at once. */
export const EVENT_PAGE_ROWS = 200;
/** Kernel events one "step to next packet" may run before giving up (a long quiet stretch). */
export const STEP_TO_PACKET_LIMIT = 100_000;

export const SPEEDS: readonly { readonly value: Speed; readonly label: string }[] = [
  { value: 1, label: '1×' },
  { value: 0.1, label: '0.1×' },
  { value: 0.01, label: '0.01×' },
  { value: 0.001, label: '0.001×' },
  { value: 'max', label: 'As fast as possible' },
];

/** Wall clock and timer: the page's by default, a test's fake when given. */
export interface ModeClock {
  readonly clock: PacerDeps['clock'];
  readonly schedule: PacerDeps['schedule'];
}

const pageClock: ModeClock = {
  clock: () => performance.now(),
  schedule: (fn, ms) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

let clockOverride: ModeClock | null = null;
/** For tests: the clock the next created store paces with. */
export function useModeClock(clock: ModeClock | null): void {
  clockOverride = clock;
}

export const useSimulationModeStore = defineStore('simulationMode', () => {
  const connection = useConnectionStore();
  const simulation = useSimulationStore();
  const selection = useSelectionStore();
  const animation = useAnimationStore();
  const api = computed(() => connection.clients?.simulation.api ?? null);

  const rows = shallowRef<readonly LoggedEvent[]>([]);
  const total = ref(0);
  const firstAvailable = ref(0);
  const packets = ref(0);
  /** Offset of the page shown; `follow` keeps it on the newest events. */
  const offset = ref(0);
  const follow = ref(true);
  const selected = shallowRef<LoggedEvent | null>(null);
  const path = shallowRef<TracePath | null>(null);
  const inFlight = shallowRef<readonly PacketInFlightRecord[]>([]);
  const playing = ref(false);
  const speed = ref<Speed>(1);
  const error = ref<string | null>(null);
  /** The last step's outcome in words ("No packet event within 1000000 events."), or null. */
  const note = ref<string | null>(null);
  /** True while the mode itself calls the simulation store (its step and pause are not the user's). */
  let insideMode = false;
  /** Events that the last step or slice added (for drop/delivery flashes in the animation). */
  let lastSeen = 0;

  const clock = clockOverride ?? pageClock;
  const pacer = new Pacer({
    ...clock,
    now: () => simulation.status.time,
    runTo: async (until) => {
      const a = api.value;
      if (!a) throw new Error('not connected to the Underlay host');
      await a.run(until);
      simulation.status = { ...simulation.status, time: until };
    },
    afterSlice: async () => {
      await simulation.refresh();
      await refresh();
    },
    onStop: (e) => {
      playing.value = false;
      error.value = describeCallError('Playing', e);
    },
  });

  // The run control's own pause, run, step and reset stop play first (they are the user's word).
  simulation.$onAction(({ name }) => {
    if (name === 'pause' || name === 'run' || name === 'step' || name === 'reset' || name === 'load') {
      if (!insideMode) stop();
    }
  });

  // A new world (load, reset, a restarted worker) starts its event list over. Every load answer
  // brings a fresh diagnostics array, so its identity marks a load even of the same text (reset).
  watch(
    () => [simulation.loadedText, simulation.diagnostics, connection.generation] as const,
    () => {
      stop();
      clearSelection();
      rows.value = [];
      total.value = 0;
      lastSeen = 0;
      offset.value = 0;
      follow.value = true;
      animation.clear();
      void refresh();
    },
  );

  async function call<T>(label: string, fn: (a: NonNullable<typeof api.value>) => Promise<T>): Promise<T | undefined> {
    const a = api.value;
    if (!a) {
      error.value = `${label}: not connected to the Underlay host.`;
      return undefined;
    }
    try {
      const r = await fn(a);
      error.value = null;
      return r;
    } catch (e) {
      error.value = describeCallError(label, e);
      return undefined;
    }
  }

  /** Event page, packets in flight and tap badges as the host has them now. */
  async function refresh(): Promise<void> {
    const a = api.value;
    if (!a || !simulation.loaded) return;
    const head = await a.eventLog(follow.value ? Number.MAX_SAFE_INTEGER : offset.value, 0);
    const from = follow.value ? Math.max(head.firstAvailable, head.total - EVENT_PAGE_ROWS) : Math.max(offset.value, head.firstAvailable);
    const [page, flying, taps] = await Promise.all([a.eventLog(from, EVENT_PAGE_ROWS), a.inFlight(), a.taps()]);
    rows.value = page.rows;
    offset.value = page.offset;
    total.value = page.total;
    firstAvailable.value = page.firstAvailable;
    packets.value = page.packets;
    inFlight.value = flying;
    animation.setTaps(taps);
    publishAnimation(page.rows.filter((r) => r.seq >= lastSeen));
    lastSeen = page.total;
  }

  /** Packets on links now, plus a flash where the newest events dropped or delivered one. */
  function publishAnimation(fresh: readonly LoggedEvent[]): void {
    const now = simulation.status.time;
    const moving: PacketInFlight[] = inFlight.value.map((p) => ({
      traceId: p.traceId,
      from: p.from,
      to: p.to,
      progress: Math.min(1, Math.max(0, (now - p.sent) / Math.max(1, p.arrives - p.sent))),
      verdict: (p.fromPort.endsWith(':eni') ? 'deliver' : 'forward') as AnimationVerdict,
    }));
    for (const e of fresh) {
      if (e.kind === 'drop') moving.push({ traceId: e.traceId, from: e.component, to: e.component, progress: 1, verdict: 'drop' });
    }
    animation.setPackets(moving);
  }

  async function stepEvent(): Promise<void> {
    stop();
    note.value = null;
    insideMode = true;
    try {
      await simulation.step(1);
    } finally {
      insideMode = false;
    }
    await call('Refreshing the event list', () => refresh());
  }

  async function stepToPacket(): Promise<void> {
    stop();
    note.value = null;
    const r = await call('Stepping to the next packet', (a) => a.stepToPacket(STEP_TO_PACKET_LIMIT));
    if (r && !r.found) note.value = r.events === 0 ? 'Nothing left to run: the simulation is idle.' : `No packet event within ${r.events} events.`;
    await simulation.refresh();
    await call('Refreshing the event list', () => refresh());
    // Follow the packet just stepped to: select the newest packet event.
    if (r?.found) {
      const newest = [...rows.value].reverse().find((e) => e.kind !== 'decide');
      if (newest) await select(newest);
    }
  }

  function play(): void {
    if (!simulation.loaded) return;
    note.value = null;
    playing.value = true;
    pacer.play();
  }

  function stop(): void {
    pacer.stop();
    playing.value = false;
  }

  async function pause(): Promise<void> {
    stop();
    await simulation.pause();
    await simulation.refresh();
  }

  function setSpeed(next: Speed): void {
    speed.value = next;
    pacer.setSpeed(next);
  }

  /** Back to the start: the same topology and seed built again. */
  async function reset(): Promise<void> {
    stop();
    await simulation.reset();
  }

  /** Selects an event: its frame and trace go to the selection store, its path is fetched. */
  async function select(event: LoggedEvent | null): Promise<void> {
    selected.value = event;
    if (event === null) return clearSelection();
    selection.select({ frame: event.frame, traceId: event.traceId === 0 ? null : event.traceId });
    if (event.traceId === 0) {
      path.value = null;
      animation.highlight(null, []);
      return;
    }
    const p = await call('Fetching the path', (a) => a.tracePath(event.traceId));
    if (selected.value !== event || !p) return;
    path.value = p;
    animation.highlight(event.traceId, pathNodes(p));
  }

  function clearSelection(): void {
    selected.value = null;
    path.value = null;
    selection.clear();
    animation.highlight(null, []);
  }

  async function showPage(at: number): Promise<void> {
    follow.value = at >= total.value - EVENT_PAGE_ROWS;
    offset.value = Math.max(firstAvailable.value, at);
    await call('Fetching events', () => refresh());
  }

  return {
    rows, total, firstAvailable, packets, offset, follow, selected, path, inFlight, playing, speed, error, note,
    refresh, stepEvent, stepToPacket, play, pause, stop, setSpeed, reset, select, clearSelection, showPage,
  };
});

/** The nodes a path visits, in order, each once per visit (consecutive stages at one node collapse). */
export function pathNodes(p: TracePath): string[] {
  const nodes: string[] = [];
  for (const h of p.hops) {
    if (nodes.at(-1) !== h.node) nodes.push(h.node);
    if (h.toNode !== null && nodes.at(-1) !== h.toNode) nodes.push(h.toNode);
  }
  return nodes;
}
