/**
 * The running simulation as the page sees it: the loaded topology and its diagnostics, virtual time
 * and frame count, instances and command output (the packet list is the capture view's). Every action
 * is one or two calls on the simulation contract; failures become a sentence in `error`.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { Disposable } from '../../../core/base/event.ts';
import type { CommandOutput, SimulationStatus, TopologyDiagnostic } from '../../../core/contract/simulation.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useConnectionStore } from './connection.ts';

/** Console lines kept; older ones scroll away. */
export const MAX_OUTPUT_LINES = 2000;

export interface OutputLine {
  /** Stable key for lists. */
  readonly key: number;
  readonly instance: string;
  readonly pid: number | null;
  readonly time: number;
  readonly text: string;
  readonly kind: 'command' | 'output' | 'exit' | 'error';
}

export const useSimulationStore = defineStore('simulation', () => {
  const connection = useConnectionStore();

  /** The text of the topology last loaded successfully (what reset reloads). */
  const loadedText = ref<string | null>(null);
  const loadedName = ref<string | null>(null);
  /** Diagnostics of the last load, successful (warnings) or not (errors). */
  const diagnostics = shallowRef<readonly TopologyDiagnostic[]>([]);
  /** The text the diagnostics point into (the editor may have changed since). */
  const diagnosedText = ref('');
  const instances = ref<string[]>([]);
  const status = ref<SimulationStatus>({ time: 0, running: false, frames: 0 });
  const output = shallowRef<readonly OutputLine[]>([]);
  /** The action in progress ("Loading", "Running"…), for disabling controls and a busy hint. */
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);

  const loaded = computed(() => loadedText.value !== null);
  const api = computed(() => connection.clients?.simulation.api ?? null);
  let nextKey = 1;
  let subscriptions: Disposable[] = [];

  // Fresh clients after every (re)connection: listen again and show what the host has now.
  watch(
    () => connection.generation,
    () => {
      for (const s of subscriptions) s.dispose();
      const client = connection.clients?.simulation;
      if (!client) return;
      subscriptions = [client.events.output(onOutput), client.events.status((s) => (status.value = s))];
      // A restarted worker has replayed the run: show what it has now.
      const host = connection.clients?.host;
      if (host) subscriptions.push(host.events.workerRestarted(() => void refresh()));
      // Quietly: a host with nothing loaded yet may have no time or frames to tell.
      void refresh(loaded.value);
    },
    // Immediately too: a store created after the connection came up must not miss it.
    { immediate: true },
  );

  function onOutput(o: CommandOutput): void {
    const text = o.line ?? `exited with code ${o.exitCode ?? '?'}`;
    append({ instance: o.instance, pid: o.pid, time: o.time, text, kind: o.line === null ? 'exit' : 'output' });
  }

  // Lines arrive one by one but in bursts (an event message carries up to thousands): collect a
  // burst and publish it as one new array, so the console re-renders once per burst, not per line.
  let pending: OutputLine[] = [];
  function append(line: Omit<OutputLine, 'key'>): void {
    pending.push({ ...line, key: nextKey++ });
    if (pending.length === 1) queueMicrotask(flushOutput);
  }

  function flushOutput(): void {
    if (pending.length === 0) return;
    const next = [...output.value, ...pending];
    pending = [];
    output.value = next.length > MAX_OUTPUT_LINES ? next.slice(next.length - MAX_OUTPUT_LINES) : next;
  }

  /**
   * Calls the service; a failure becomes `error`, a success clears it. Exclusive actions (load,
   * run, step) mark the store busy, which disables the controls that would start another; quick
   * ones (pause, exec) may go in between, and must not clear the mark of the one running.
   */
  async function act<T>(label: string, fn: (a: NonNullable<typeof api.value>) => Promise<T>, exclusive = true): Promise<T | undefined> {
    const a = api.value;
    if (!a) {
      error.value = `${label}: not connected to the Underlay host.`;
      return undefined;
    }
    if (exclusive) busy.value = label;
    try {
      const result = await fn(a);
      error.value = null;
      return result;
    } catch (e) {
      error.value = describeCallError(label, e);
      return undefined;
    } finally {
      if (exclusive) busy.value = null;
    }
  }

  /** Builds a simulation from `text`; false (with diagnostics) when the document has errors. */
  async function load(text: string, name: string | null = null): Promise<boolean> {
    const ok = await act('Loading the topology', async (a) => {
      const r = await a.load(text);
      diagnostics.value = r.diagnostics;
      diagnosedText.value = text;
      if (!r.ok) return false;
      loadedText.value = text;
      loadedName.value = name;
      clearOutput();
      instances.value = await a.instances();
      await refreshWith(a);
      return true;
    });
    return ok ?? false;
  }

  /** Runs virtual time up to `untilNs` (absolute). */
  async function run(untilNs: number): Promise<void> {
    await act('Running', async (a) => {
      await a.run(untilNs);
      await refreshWith(a);
    });
  }

  async function step(events = 1): Promise<void> {
    await act('Stepping', async (a) => {
      await a.step(events);
      await refreshWith(a);
    });
  }

  async function pause(): Promise<void> {
    await act('Pausing', (a) => a.pause(), false);
  }

  /** Back to time zero: the same document built again (and the same seed, so the same run). */
  async function reset(): Promise<void> {
    if (loadedText.value !== null) await load(loadedText.value, loadedName.value);
  }

  async function exec(instance: string, command: string): Promise<void> {
    append({ instance, pid: null, time: status.value.time, text: `$ ${command}`, kind: 'command' });
    const r = await act('Running the command', (a) => a.exec(instance, command), false);
    if (r && !r.ok) append({ instance, pid: null, time: status.value.time, text: r.error, kind: 'error' });
  }

  function clearOutput(): void {
    pending = [];
    output.value = [];
  }

  /** Time, frame count and the first page of frames, as the host has them now. */
  async function refresh(reportErrors = true): Promise<void> {
    const a = api.value;
    if (!a) return;
    try {
      await refreshWith(a);
    } catch (e) {
      if (reportErrors) error.value = describeCallError('Refreshing the status', e);
    }
  }

  async function refreshWith(a: NonNullable<typeof api.value>): Promise<void> {
    // An empty page only for its total (the frames captured): rows are the capture view's, and
    // building any here would put the worker's dissection ahead of the view's first page.
    const [time, page, names] = await Promise.all([a.now(), a.capturePage(0, 0), a.instances()]);
    instances.value = names;
    status.value = { ...status.value, time, frames: page.total };
  }

  return {
    loadedText, loadedName, loaded, diagnostics, diagnosedText, instances, status, output, busy, error,
    load, run, step, pause, reset, exec, clearOutput, refresh,
  };
});
