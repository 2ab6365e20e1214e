/**
 * The document being edited and where it lives: the workspace's saved topologies (each save a new
 * revision, with history), the bundled examples, or a file the person picked. The editor and the
 * simulation store both read `document.text`; saving goes through the workspace contract.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { Disposable } from '../../../core/base/event.ts';
import type { TopologyDraft, TopologyRevisionInfo, TopologySummary } from '../../../core/contract/workspace.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { examples } from '../workspace/examples.ts';
import { useConnectionStore } from './connection.ts';

export interface OpenDocument {
  /** The saved topology's id; null until first saved. */
  readonly id: number | null;
  readonly name: string;
  /** The revision it was opened at or last saved as; null when never saved. */
  readonly revision: number | null;
  /** Where it came from, for the title. */
  readonly origin: 'new' | 'example' | 'file' | 'workspace';
}

/** Quiet time after the last keystroke before the draft is sent (the host debounces the disk write too). */
export const DRAFT_DELAY_MS = 800;

/** How many topologies "Recent" shows. */
const RECENT_COUNT = 5;

const NEW_TEXT = '# A new topology: one VPC, one subnet, two instances.\nversion: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/16 }\nsubnets:\n  app: { cidr: 10.0.1.0/24 }\ninstances:\n  a: {}\n  b: {}\n';

export const useWorkspaceStore = defineStore('workspace', () => {
  const connection = useConnectionStore();
  const document = ref<OpenDocument>({ id: null, name: 'untitled', revision: null, origin: 'new' });
  /** The editor's text. */
  const text = ref(NEW_TEXT);
  /** The text as last opened or saved, to tell unsaved changes. */
  const savedText = ref(NEW_TEXT);
  const topologies = shallowRef<readonly TopologySummary[]>([]);
  const history = shallowRef<readonly TopologyRevisionInfo[]>([]);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  /** Bumped by File ▸ Save As…: the save form takes focus for a new name. */
  const saveAsRequests = ref(0);
  /** An autosaved draft newer than what is open, offered for restoring. */
  const draftOffer = shallowRef<TopologyDraft | null>(null);

  const dirty = computed(() => text.value !== savedText.value);
  const recent = computed(() => [...topologies.value].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, RECENT_COUNT));
  const sorted = computed(() => [...topologies.value].sort((a, b) => a.name.localeCompare(b.name)));
  const api = computed(() => connection.clients?.workspace.api ?? null);
  let subscriptions: Disposable[] = [];

  watch(
    () => connection.generation,
    () => {
      for (const s of subscriptions) s.dispose();
      const client = connection.clients?.workspace;
      if (!client) return;
      subscriptions = [client.events.topologiesChanged(() => void refresh())];
      void refresh();
      // Edits of a document never saved live in the "new topology" draft: offer them back.
      if (document.value.id === null && !dirty.value) void offerDraft(null, 0);
    },
    // Immediately too: a store created after the connection came up must not miss it.
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

  async function refresh(): Promise<void> {
    await act('Listing the topologies', async (a) => {
      topologies.value = await a.listTopologies();
      if (document.value.id !== null) history.value = await a.topologyHistory(document.value.id);
    });
  }

  function replace(next: OpenDocument, body: string): void {
    cancelDraft();
    draftOffer.value = null;
    document.value = next;
    text.value = body;
    savedText.value = body;
  }

  // Autosave: unsaved edits go to the workspace as the document's draft, so closing the window or
  // a crash loses nothing (DESIGN.md §7).
  let draftTimer: ReturnType<typeof setTimeout> | null = null;
  watch(text, () => {
    cancelDraft();
    if (!dirty.value) return;
    draftTimer = setTimeout(() => {
      draftTimer = null;
      const a = api.value;
      // Quietly: a draft that could not be sent is sent with the next keystroke.
      if (a) a.saveDraft(document.value.id, text.value).catch(() => {});
    }, DRAFT_DELAY_MS);
  });

  function cancelDraft(): void {
    if (draftTimer !== null) clearTimeout(draftTimer);
    draftTimer = null;
  }

  /** Offers the draft of `id` if it is newer than `savedAt` and differs from what is open. */
  async function offerDraft(id: number | null, savedAt: number): Promise<void> {
    const a = api.value;
    if (!a) return;
    try {
      const d = await a.getDraft(id);
      if (d && d.savedAt >= savedAt && d.text !== text.value && document.value.id === id) draftOffer.value = d;
    } catch {
      // No draft to offer is the ordinary case; a failing call changes nothing the user sees.
    }
  }

  function restoreDraft(): void {
    const d = draftOffer.value;
    if (!d) return;
    draftOffer.value = null;
    text.value = d.text;
  }

  async function discardDraft(): Promise<void> {
    const d = draftOffer.value;
    draftOffer.value = null;
    if (d) await act('Discarding the draft', (a) => a.discardDraft(d.topologyId));
  }

  function newDocument(): void {
    replace({ id: null, name: 'untitled', revision: null, origin: 'new' }, NEW_TEXT);
    history.value = [];
  }

  function openExample(name: string): boolean {
    const example = examples.find((e) => e.name === name);
    if (!example) return false;
    // An example is a starting point: saving it makes a new topology in the workspace.
    replace({ id: null, name: example.name, revision: null, origin: 'example' }, example.text);
    history.value = [];
    return true;
  }

  /** A file picked in the page (browser mode has no host path for it). */
  async function openFile(file: Blob & { readonly name: string }): Promise<void> {
    const body = await file.text();
    replace({ id: null, name: file.name.replace(/\.(ya?ml|json)$/i, ''), revision: null, origin: 'file' }, body);
    history.value = [];
  }

  /** Opens a saved topology at its newest revision, or at `revision`. */
  async function openSaved(id: number, revision?: number): Promise<boolean> {
    const ok = await act('Opening the topology', async (a) => {
      const doc = await a.getTopology(id, revision);
      if (!doc) return false;
      replace({ id: doc.id, name: doc.name, revision: doc.revision, origin: 'workspace' }, doc.text);
      history.value = await a.topologyHistory(doc.id);
      if (revision === undefined) await offerDraft(doc.id, doc.savedAt);
      return true;
    });
    return ok ?? false;
  }

  function requestSaveAs(): void {
    saveAsRequests.value++;
  }

  /**
   * Saves the editor's text as a new revision (a new topology the first time, or always with
   * `asNew`: Save As).
   */
  async function save(name: string, message?: string, asNew = false): Promise<boolean> {
    const body = text.value;
    const ok = await act('Saving the topology', async (a) => {
      const id = asNew ? undefined : (document.value.id ?? undefined);
      const saved = await a.saveTopology({ ...(id !== undefined ? { id } : {}), name, text: body, ...(message ? { message } : {}) });
      // Saving drops the host's draft; a pending one must not bring it back.
      cancelDraft();
      draftOffer.value = null;
      document.value = { id: saved.id, name: saved.name, revision: saved.revision, origin: 'workspace' };
      savedText.value = body;
      [topologies.value, history.value] = await Promise.all([a.listTopologies(), a.topologyHistory(saved.id)]);
      return true;
    });
    return ok ?? false;
  }

  return {
    document, text, dirty, topologies, sorted, recent, history, busy, error, examples, saveAsRequests, draftOffer,
    refresh, newDocument, openExample, openFile, openSaved, save, requestSaveAs, restoreDraft, discardDraft,
  };
});
