/**
 * Where the person put things on the canvas, kept with the saved topology: the positions of both
 * views (`logical:vpcs/lab` → {x, y}) go to the workspace's settings under
 * `canvas.positions.<topology id>` a moment after they change, and come back when that topology is
 * opened again, on this page or on the next launch. Settings, not the YAML: positions are the
 * editor's business, and the document stays what the fabric reads (and what people diff).
 *
 * A document never saved has no id and nothing is written; when it is first saved (or saved as a
 * new topology) the positions it has are written under its new id.
 */
import { watch, type Ref } from 'vue';
import type { JsonValue, WorkspaceApi } from '../../../core/contract/workspace.ts';
import type { Remote } from '../../../core/rpc/service-types.ts';
import type { OpenDocument } from '../stores/workspace.ts';
import type { Point } from './model/graph.ts';

/** Quiet time after the last move before the positions are written. */
export const POSITIONS_SAVE_DELAY_MS = 600;

export const positionsKey = (topologyId: number): string => `canvas.positions.${topologyId}`;

/** The positions in a stored setting; entries that are not a finite {x, y} are left out (the settings are plain JSON anyone could have written). */
export function readPositions(stored: JsonValue | undefined): Record<string, Point> | null {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
  const out: Record<string, Point> = {};
  for (const [key, p] of Object.entries(stored)) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const { x, y } = p;
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) out[key] = { x, y };
  }
  return out;
}

export interface RememberOptions {
  readonly positions: Ref<Record<string, Point>>;
  readonly document: () => OpenDocument;
  /** The workspace service, or null while disconnected (nothing is read or written then). */
  readonly api: () => Remote<WorkspaceApi> | null;
  /** Told when a read or write failed (the status line); the canvas goes on without. */
  readonly problem: (message: string) => void;
}

export function rememberPositions(options: RememberOptions): void {
  const { positions } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** What waits to be written: the positions as they were at the change, with their topology. */
  let pending: { readonly id: number; readonly json: string } | null = null;
  /** Per topology, the positions as last read or written, to tell a real change from a restore. */
  const stored = new Map<number, string>();

  const flush = async () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const job = pending;
    pending = null;
    const api = options.api();
    // Nothing placed is nothing to keep (a document just opened starts empty).
    if (job === null || api === null || job.json === (stored.get(job.id) ?? '{}')) return;
    stored.set(job.id, job.json);
    try {
      await api.setSetting(positionsKey(job.id), JSON.parse(job.json) as JsonValue);
    } catch (e) {
      stored.delete(job.id);
      options.problem(`The canvas positions were not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const schedule = () => {
    const id = options.document().id;
    // Another document now: what the last one was waiting to write goes first, not lost.
    if (pending !== null && pending.id !== id) void flush();
    if (id === null) return;
    // The plain JSON of the moment, not the reactive object (a Vue proxy cannot be cloned onto a port).
    pending = { id, json: JSON.stringify(positions.value) };
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void flush(), POSITIONS_SAVE_DELAY_MS);
  };

  watch(positions, schedule);
  watch(options.document, async (doc, old) => {
    if (doc.id === null || doc.id === old?.id) return;
    const api = options.api();
    if (api === null) return;
    let settings: Record<string, JsonValue>;
    try {
      settings = await api.getSettings();
    } catch (e) {
      options.problem(`The canvas positions could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (options.document() !== doc) return; // another document meanwhile
    const remembered = readPositions(settings[positionsKey(doc.id)]);
    if (remembered && Object.keys(remembered).length > 0) {
      stored.set(doc.id, JSON.stringify(remembered));
      // What was placed before the answer came (a drag right after opening) wins.
      positions.value = { ...remembered, ...positions.value };
    } else {
      // Saved for the first time (or as a new topology): the positions it has go with it.
      schedule();
    }
  });
}
