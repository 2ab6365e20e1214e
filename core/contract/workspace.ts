/**
 * The workspace service as seen from the renderer: everything the app keeps between launches
 * (DESIGN.md §7). Topologies with their history (each save a new revision) and an autosaved draft,
 * runs, lab progress, the capture catalogue (pcapng files beside the database, imported or saved
 * from the simulation), settings and recent files. It also opens saved or imported captures for
 * viewing through the same page / detail / hex shapes the simulation's live capture uses.
 *
 * Times (`savedAt`, `createdAt` …) are wall-clock milliseconds since the epoch, set by the host.
 * Paths are the host's file-system paths (chosen in a dialog on the desktop).
 */
import type { CapturePage, FrameDetail } from '../service/capture-query.ts';
import {
  MAX_FILTER_CHARS, MAX_IMPORT_BYTES, MAX_JSON_CHARS, MAX_KEY_CHARS, MAX_MESSAGE_CHARS, MAX_PAGE_ROWS, MAX_PATH_CHARS, MAX_TITLE_CHARS,
  MAX_TOPOLOGY_CHARS,
} from './limits.ts';
import type { Contract, EventSpecs, MethodSpecs } from './spec.ts';
import { z } from './zod.ts';

export type { CapturePage, FrameDetail };

/** What settings and lab state may hold: plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WorkspaceInfo {
  readonly dir: string;
  /** The database's schema version after migrations (PRAGMA user_version). */
  readonly schemaVersion: number;
  /** 'wal' once the store is open. */
  readonly journalMode: string;
}

export interface TopologySummary {
  readonly id: number;
  readonly name: string;
  /** The newest revision (1 after the first save). */
  readonly revision: number;
  readonly updatedAt: number;
  /** An autosaved draft newer than the last revision exists. */
  readonly hasDraft: boolean;
}

export interface TopologyDocument {
  readonly id: number;
  readonly name: string;
  readonly revision: number;
  readonly text: string;
  readonly savedAt: number;
}

export interface TopologyRevisionInfo {
  readonly topologyId: number;
  readonly revision: number;
  readonly savedAt: number;
  readonly message: string | null;
  /** Length of the document text. */
  readonly chars: number;
}

export interface SaveTopologyInput {
  /** Omitted for a new topology. */
  readonly id?: number;
  readonly name: string;
  readonly text: string;
  readonly message?: string;
}

/** The autosaved draft of a topology; topologyId null is the unsaved "new topology". */
export interface TopologyDraft {
  readonly topologyId: number | null;
  readonly text: string;
  readonly savedAt: number;
}

export interface DraftSaved {
  readonly topologyId: number | null;
  readonly savedAt: number;
  readonly chars: number;
}

export interface RecordRunInput {
  readonly topologyId?: number;
  readonly revision?: number;
  readonly seed: number;
  readonly virtualTimeNs: number;
  readonly frames: number;
  readonly note?: string;
}

export interface RunRecord {
  readonly id: number;
  readonly topologyId: number | null;
  readonly revision: number | null;
  readonly seed: number;
  readonly virtualTimeNs: number;
  readonly frames: number;
  readonly note: string | null;
  readonly recordedAt: number;
}

export interface LabProgress {
  readonly labId: string;
  /** The step the learner is on (0-based). */
  readonly step: number;
  readonly completed: boolean;
  /** Whatever the lab runner keeps (answers, hints used). */
  readonly state: JsonValue;
  readonly updatedAt: number;
}

export interface CaptureEntry {
  readonly id: number;
  readonly name: string;
  /** The file under `<workspace>/captures/`. */
  readonly fileName: string;
  readonly source: 'simulation' | 'import';
  /** Imports keep their format; saves are always pcapng. */
  readonly format: 'pcap' | 'pcapng';
  readonly frames: number;
  readonly bytes: number;
  readonly runId: number | null;
  readonly createdAt: number;
}

/** Why a capture file was refused, with where (core/pcap's CaptureError, as plain data). */
export interface CaptureFileError {
  readonly kind: 'truncated' | 'malformed' | 'unsupported' | 'limit' | 'io';
  readonly message: string;
  /** 1-based block (pcapng) or record (pcap) number; 0 for the file header. */
  readonly blockNumber: number;
  readonly blockType: string;
  /** Byte offset of that block in the file. */
  readonly offset: number;
}

export type CaptureImportResult = { readonly ok: true; readonly capture: CaptureEntry } | { readonly ok: false; readonly error: CaptureFileError };

/** An open capture: page it with viewPage, read frames with viewDetail / viewHex, then closeView. */
export interface CaptureView {
  readonly viewId: number;
  readonly captureId: number;
  readonly frames: number;
  /** Interface names, by capture point id. */
  readonly points: string[];
}

export type OpenCaptureResult = { readonly ok: true; readonly view: CaptureView } | { readonly ok: false; readonly error: CaptureFileError };

export type RecentFileKind = 'topology' | 'capture' | 'lab';

export interface RecentFile {
  readonly path: string;
  readonly kind: RecentFileKind;
  readonly openedAt: number;
}

export interface WorkspaceApi {
  info(): WorkspaceInfo;

  listTopologies(): TopologySummary[];
  /** The newest revision, or the one asked for; null when there is no such topology or revision. */
  getTopology(id: number, revision?: number): TopologyDocument | null;
  /** Saves a new revision (a new topology when `id` is omitted) and drops its draft. */
  saveTopology(input: SaveTopologyInput): TopologySummary;
  renameTopology(id: number, name: string): boolean;
  deleteTopology(id: number): boolean;
  /** Every revision, newest first (metadata only: fetch a text with getTopology). */
  topologyHistory(id: number): TopologyRevisionInfo[];

  /** Autosave: keeps the draft now and writes it to disk after a short quiet period. */
  saveDraft(topologyId: number | null, text: string): void;
  getDraft(topologyId: number | null): TopologyDraft | null;
  discardDraft(topologyId: number | null): void;

  recordRun(input: RecordRunInput): RunRecord;
  /** Newest first; only one topology's when `topologyId` is given. */
  listRuns(topologyId?: number): RunRecord[];

  /** One lab's progress, or every lab's when `labId` is omitted. */
  listLabProgress(labId?: string): LabProgress[];
  setLabProgress(labId: string, step: number, completed: boolean, state?: JsonValue): LabProgress;

  listCaptures(): CaptureEntry[];
  /** Saves the running simulation's whole capture as a pcapng file in the catalogue. */
  saveCapture(name: string, runId?: number): CaptureEntry;
  /** Validates a pcap/pcapng file, copies it into the workspace and catalogues it. */
  importCapture(path: string): CaptureImportResult;
  /** The same for bytes (browser mode: the page read the file itself). */
  importCaptureBytes(name: string, bytes: Uint8Array): CaptureImportResult;
  /** Copies a catalogued file to `destinationPath`; false when there is no such capture. */
  exportCapture(id: number, destinationPath: string): boolean;
  /** The file's bytes (browser mode downloads them); null when there is no such capture. */
  captureBytes(id: number): Uint8Array | null;
  deleteCapture(id: number): boolean;
  openCapture(id: number): OpenCaptureResult;
  viewPage(viewId: number, offset: number, count: number, filter?: string): CapturePage;
  viewDetail(viewId: number, frame: number): FrameDetail | null;
  viewHex(viewId: number, frame: number): Uint8Array | null;
  closeView(viewId: number): boolean;

  getSettings(): Record<string, JsonValue>;
  setSetting(key: string, value: JsonValue): void;
  removeSetting(key: string): boolean;

  /** Newest first. */
  recentFiles(): RecentFile[];
  /** Moves `path` to the front (bounded list); returns the new list. */
  addRecentFile(path: string, kind: RecentFileKind): RecentFile[];
  clearRecentFiles(): void;
}

export interface WorkspaceEvents {
  /** A topology was saved, renamed or deleted. */
  readonly topologiesChanged: { readonly id: number };
  /** The autosave wrote a draft to disk. */
  readonly draftSaved: DraftSaved;
  /** The capture catalogue changed (saved, imported, deleted). */
  readonly capturesChanged: { readonly count: number };
  readonly settingChanged: { readonly key: string; readonly value: JsonValue | null };
}

const id = z.int().min(1);
const title = z.string().trim().min(1).max(MAX_TITLE_CHARS);
const path = z.string().min(1).max(MAX_PATH_CHARS).refine((p) => !p.includes('\0'), 'a path cannot contain NUL');
const key = z.string().min(1).max(MAX_KEY_CHARS);
const draftSlot = z.union([id, z.null()]);
const time = z.int().min(0);

/** Any JSON value whose text is at most MAX_JSON_CHARS long. */
const json: z.ZodType<JsonValue> = z.json().refine((v) => JSON.stringify(v).length <= MAX_JSON_CHARS, `at most ${MAX_JSON_CHARS} characters of JSON`);

const workspaceMethods = {
  info: { args: z.tuple([]) },
  listTopologies: { args: z.tuple([]) },
  getTopology: { args: z.tuple([id, z.optional(id)]) },
  saveTopology: {
    args: z.tuple([
      z.strictObject({
        id: z.optional(id),
        name: title,
        text: z.string().max(MAX_TOPOLOGY_CHARS),
        message: z.optional(z.string().max(MAX_MESSAGE_CHARS)),
      }),
    ]),
  },
  renameTopology: { args: z.tuple([id, title]) },
  deleteTopology: { args: z.tuple([id]) },
  topologyHistory: { args: z.tuple([id]) },
  saveDraft: { args: z.tuple([draftSlot, z.string().max(MAX_TOPOLOGY_CHARS)]) },
  getDraft: { args: z.tuple([draftSlot]) },
  discardDraft: { args: z.tuple([draftSlot]) },
  recordRun: {
    args: z.tuple([
      z.strictObject({
        topologyId: z.optional(id),
        revision: z.optional(id),
        seed: z.int().min(0).max(0xffff_ffff),
        virtualTimeNs: time,
        frames: z.int().min(0),
        note: z.optional(z.string().max(MAX_MESSAGE_CHARS)),
      }),
    ]),
  },
  listRuns: { args: z.tuple([z.optional(id)]) },
  listLabProgress: { args: z.tuple([z.optional(key)]) },
  setLabProgress: { args: z.tuple([key, z.int().min(0).max(10_000), z.boolean(), z.optional(json)]) },
  listCaptures: { args: z.tuple([]) },
  saveCapture: { args: z.tuple([title, z.optional(id)]) },
  importCapture: { args: z.tuple([path]) },
  importCaptureBytes: { args: z.tuple([title, z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_IMPORT_BYTES, `at most ${MAX_IMPORT_BYTES} bytes`)]) },
  exportCapture: { args: z.tuple([id, path]) },
  captureBytes: { args: z.tuple([id]), transfer: (bytes) => (bytes ? [bytes] : []) },
  deleteCapture: { args: z.tuple([id]) },
  openCapture: { args: z.tuple([id]) },
  viewPage: { args: z.tuple([id, z.int().min(0), z.int().min(0).max(MAX_PAGE_ROWS), z.optional(z.string().max(MAX_FILTER_CHARS))]) },
  viewDetail: { args: z.tuple([id, id]), transfer: (detail) => detail?.sources.map((s) => s.bytes) ?? [] },
  viewHex: { args: z.tuple([id, id]), transfer: (bytes) => (bytes ? [bytes] : []) },
  closeView: { args: z.tuple([id]) },
  getSettings: { args: z.tuple([]) },
  setSetting: { args: z.tuple([key, json]) },
  removeSetting: { args: z.tuple([key]) },
  recentFiles: { args: z.tuple([]) },
  addRecentFile: { args: z.tuple([path, z.enum(['topology', 'capture', 'lab'])]) },
  clearRecentFiles: { args: z.tuple([]) },
} satisfies MethodSpecs<WorkspaceApi>;

const workspaceEvents = {
  topologiesChanged: { coalesce: 'queue', maxQueued: 100 },
  draftSaved: { coalesce: 'latest' },
  capturesChanged: { coalesce: 'latest' },
  settingChanged: { coalesce: 'queue', maxQueued: 100 },
} satisfies EventSpecs<WorkspaceEvents>;

export const workspaceContract: Contract<WorkspaceApi, WorkspaceEvents> = {
  name: 'workspace',
  methods: workspaceMethods,
  events: workspaceEvents,
};
