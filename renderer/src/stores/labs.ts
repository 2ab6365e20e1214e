/**
 * Guided labs as the page sees them: the catalogue with each lab's saved progress, the open lab
 * (its steps, hints revealed so far, the last check's results), and the actions of the lab panel.
 * "Start" puts the lab's topology in the editor and loads it into the simulation — the same world
 * the consoles drive — and the host plays the lab's scenario into it, so "check" grades the
 * learner's own run. (The run controls' Reset reloads the topology without the scenario: the
 * panel's "Restart lab" is the lab's reset.) Progress lives in the workspace
 * store on the host (labs contract); after a reload the store reads it back and reopens the lab
 * worked on last.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LabCheckReport, LabProgressState, LabSummary, OpenedLab } from '../../../core/contract/labs.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useConnectionStore } from './connection.ts';
import { useSimulationStore } from './simulation.ts';
import { useWorkspaceStore } from './workspace.ts';


export const useLabsStore = defineStore('labs', () => {
  const connection = useConnectionStore();
  const simulation = useSimulationStore();
  const workspace = useWorkspaceStore();

  const catalogue = shallowRef<readonly LabSummary[]>([]);
  /** Saved progress by lab id. */
  const progress = shallowRef<ReadonlyMap<string, LabProgressState>>(new Map());
  const current = shallowRef<OpenedLab | null>(null);
  /** Texts of the general hints revealed for the open lab, in order. */
  const hints = shallowRef<readonly string[]>([]);
  const report = shallowRef<LabCheckReport | null>(null);
  /** The lab's scenario actions that did not apply to the loaded topology (skipped), in words. */
  const scenarioProblems = shallowRef<readonly string[]>([]);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);

  const api = computed(() => connection.clients?.labs.api ?? null);
  const currentProgress = computed(() => (current.value ? (progress.value.get(current.value.id) ?? null) : null));
  /** The catalogue grouped by topic, in catalogue order. */
  const byTopic = computed(() => {
    const groups = new Map<string, LabSummary[]>();
    for (const l of catalogue.value) {
      let g = groups.get(l.topic);
      if (!g) groups.set(l.topic, (g = []));
      g.push(l);
    }
    return [...groups].map(([topic, labs]) => ({ topic, labs }));
  });

  watch(
    () => connection.generation,
    () => {
      if (connection.clients) void refresh(true);
    },
    { immediate: true },
  );

  async function act<T>(label: string, fn: (a: NonNullable<typeof api.value>) => Promise<T>): Promise<T | undefined> {
    const a = api.value;
    if (!a) {
      error.value = `${label}: not connected to the Underlay host.`;
      return undefined;
    }
    busy.value = label;
    try {
      const r = await fn(a);
      error.value = null;
      return r;
    } catch (e) {
      error.value = describeCallError(label, e);
      return undefined;
    } finally {
      busy.value = null;
    }
  }

  function remember(p: LabProgressState): void {
    const next = new Map(progress.value);
    next.set(p.labId, p);
    progress.value = next;
  }

  /** Catalogue and progress from the host; on the first connection, reopens the last lab worked on. */
  async function refresh(reopen = false): Promise<void> {
    await act('Listing the labs', async (a) => {
      const [list, saved] = await Promise.all([a.list(), a.progress()]);
      catalogue.value = list;
      progress.value = new Map(saved.map((p) => [p.labId, p]));
      // Newest first (the host sorts by last change): the lab the learner was on.
      const last = saved.find((p) => p.started && list.some((l) => l.id === p.labId));
      if (reopen && current.value === null && last) await openWith(a, last.labId);
    });
  }

  async function openWith(a: NonNullable<typeof api.value>, labId: string): Promise<void> {
    // A lab already worked on keeps its seed; a new one gets this workspace's learner seed.
    const seed = progress.value.get(labId)?.seed ?? (await a.learnerSeed());
    const opened = await a.open(labId, seed);
    const revealed = progress.value.get(labId)?.hintsRevealed ?? 0;
    const texts: string[] = [];
    for (let i = 0; i < Math.min(revealed, opened.hints); i++) texts.push((await a.hint(labId, seed, i)) ?? '');
    current.value = opened;
    hints.value = texts;
    report.value = null;
  }

  async function open(labId: string): Promise<void> {
    await act('Opening the lab', (a) => openWith(a, labId));
  }

  function close(): void {
    scenarioProblems.value = [];
    current.value = null;
    hints.value = [];
    report.value = null;
  }

  /** The lab's starting topology into the editor and the simulation: time zero, nothing sent yet. */
  async function start(): Promise<boolean> {
    const lab = current.value;
    if (!lab) return false;
    // The editor shows what is running, so the learner can read and change the lab's topology.
    await workspace.openFile(Object.assign(new Blob([lab.topologyText]), { name: `${lab.id}.yaml` }));
    if (!(await simulation.load(lab.topologyText, lab.id))) {
      error.value = simulation.error ?? `The lab's topology did not load: ${simulation.diagnostics[0]?.message ?? 'unknown problem'}.`;
      return false;
    }
    report.value = null;
    // The host plays the lab's scenario (faults, moves, its commands) into the world just loaded.
    const started = await act('Starting the lab', (a) => a.start(lab.id, lab.seed));
    if (!started) return false;
    remember(started.progress);
    scenarioProblems.value = started.scenarioProblems;
    return true;
  }

  /** Grades the live run. */
  async function check(): Promise<void> {
    const lab = current.value;
    if (!lab) return;
    const r = await act('Checking the lab', (a) => a.check(lab.id, lab.seed));
    if (!r) return;
    report.value = r;
    remember(r.progress);
  }

  async function revealHint(): Promise<void> {
    const lab = current.value;
    if (!lab || hints.value.length >= lab.hints) return;
    const index = hints.value.length;
    const text = await act('Revealing a hint', (a) => a.hint(lab.id, lab.seed, index));
    if (text == null) return;
    hints.value = [...hints.value, text];
    const p = currentProgress.value;
    if (p) remember({ ...p, hintsRevealed: Math.max(p.hintsRevealed, index + 1) });
    else await refresh();
  }

  async function markStep(step: number, done: boolean): Promise<void> {
    const lab = current.value;
    if (!lab) return;
    const p = await act('Saving the step', (a) => a.markStep(lab.id, step, done));
    if (p) remember(p);
  }

  /** Back to the start: the lab's topology loaded again at time zero; the saved progress stays. */
  async function reset(): Promise<void> {
    await start();
  }

  /** Forgets the open lab's saved progress (steps, hints, checks). */
  async function forget(): Promise<void> {
    const lab = current.value;
    if (!lab) return;
    await act('Forgetting the progress', async (a) => {
      await a.resetProgress(lab.id);
      progress.value = new Map((await a.progress()).map((p) => [p.labId, p]));
    });
    hints.value = [];
    report.value = null;
  }

  /** The simulation's capture as a pcapng file's bytes (the panel saves it). */
  async function captureBytes(): Promise<Uint8Array | null> {
    const a = connection.clients?.simulation.api;
    if (!a) {
      error.value = 'Exporting the capture: not connected to the Underlay host.';
      return null;
    }
    try {
      return await a.exportPcapng();
    } catch (e) {
      error.value = describeCallError('Exporting the capture', e);
      return null;
    }
  }

  return {
    catalogue, byTopic, progress, current, currentProgress, hints, report, scenarioProblems, busy, error,
    refresh, open, close, start, check, revealHint, markStep, reset, forget, captureBytes,
  };
});
