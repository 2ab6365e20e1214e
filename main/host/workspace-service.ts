/**
 * The workspace contract's implementation: the store's rows, plus what is not rows — the draft
 * autosave, the capture files beside the database (save from the simulation, import, export) and
 * open capture views (a CaptureQuery over a file's frames, paged like the live capture).
 *
 * Paths come from the renderer (a file dialog's answer), so they are checked here: absolute, and
 * never inside the workspace folder (an export must not overwrite the database or a catalogued file).
 */
import { randomUUID } from 'node:crypto';
import { copyFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Emitter, type Disposable } from '../../core/base/event.ts';
import { MAX_IMPORT_BYTES } from '../../core/contract/limits.ts';
import type { CaptureEntry, CaptureImportResult, WorkspaceApi, WorkspaceEvents } from '../../core/contract/workspace.ts';
import { RpcError, RpcErrorCode } from '../../core/rpc/errors.ts';
import type { Scheduler } from '../../core/rpc/scheduler.ts';
import type { EventSources, Implementation } from '../../core/rpc/service-types.ts';
import { DraftAutosave } from './autosave.ts';
import { ioError, loadCapture, type LoadedCapture } from './capture-loader.ts';
import { WorkspaceError, type WorkspaceStore } from './workspace-store.ts';

export interface WorkspaceServiceOptions {
  /** The running simulation's capture as pcapng (the supervisor's exportPcapng). */
  readonly exportPcapng: () => Promise<Uint8Array>;
  readonly scheduler: Scheduler;
  /** Autosave quiet period, ms (default 1000). */
  readonly autosaveDelayMs?: number;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/** Open capture views kept at once; opening one more closes the least recently used. */
const MAX_OPEN_VIEWS = 8;

export class WorkspaceService implements Disposable {
  readonly implementation: Implementation<WorkspaceApi>;
  readonly events: EventSources<WorkspaceEvents>;
  private readonly topologiesChanged = new Emitter<WorkspaceEvents['topologiesChanged']>();
  private readonly draftSaved = new Emitter<WorkspaceEvents['draftSaved']>();
  private readonly capturesChanged = new Emitter<WorkspaceEvents['capturesChanged']>();
  private readonly settingChanged = new Emitter<WorkspaceEvents['settingChanged']>();
  private readonly autosave: DraftAutosave;
  private readonly views = new Map<number, { captureId: number; capture: LoadedCapture }>();
  private nextViewId = 1;

  constructor(
    private readonly store: WorkspaceStore,
    private readonly options: WorkspaceServiceOptions,
  ) {
    const now = options.now ?? Date.now;
    this.autosave = new DraftAutosave(options.scheduler, options.autosaveDelayMs ?? 1000, now, async (slot, draft) => {
      try {
        await store.writeDraft(slot, draft.text, draft.savedAt);
        this.draftSaved.fire({ topologyId: slot, savedAt: draft.savedAt, chars: draft.text.length });
      } catch (e) {
        options.log?.(`autosave failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    this.events = {
      topologiesChanged: this.topologiesChanged.event,
      draftSaved: this.draftSaved.event,
      capturesChanged: this.capturesChanged.event,
      settingChanged: this.settingChanged.event,
    };
    this.implementation = this.createImplementation();
  }

  /** Writes any draft still waiting for its quiet period; views are closed. */
  async dispose(): Promise<void> {
    await this.autosave.flush();
    this.views.clear();
    for (const e of [this.topologiesChanged, this.draftSaved, this.capturesChanged, this.settingChanged]) e.dispose();
  }

  private createImplementation(): Implementation<WorkspaceApi> {
    const s = this.store;
    return {
      info: () => ({ dir: s.dir, schemaVersion: s.schemaVersion, journalMode: s.journalMode }),

      listTopologies: () => s.listTopologies(),
      getTopology: (id, revision) => s.getTopology(id, revision),
      saveTopology: async (input) => {
        this.autosave.cancel(input.id ?? null);
        const saved = await domain(s.saveTopology(input));
        this.topologiesChanged.fire({ id: saved.id });
        return saved;
      },
      renameTopology: async (id, name) => this.changed(id, await s.renameTopology(id, name)),
      deleteTopology: async (id) => {
        this.autosave.cancel(id);
        return this.changed(id, await s.deleteTopology(id));
      },
      topologyHistory: (id) => s.topologyHistory(id),

      saveDraft: (topologyId, text) => this.autosave.update(topologyId, text),
      getDraft: async (topologyId) => {
        const held = this.autosave.peek(topologyId);
        return held ? { topologyId, ...held } : s.readDraft(topologyId);
      },
      discardDraft: async (topologyId) => {
        this.autosave.cancel(topologyId);
        await s.deleteDraft(topologyId);
      },

      recordRun: (input) => s.recordRun(input),
      listRuns: (topologyId) => s.listRuns(topologyId),

      listLabProgress: (labId) => s.listLabProgress(labId),
      setLabProgress: (labId, step, completed, state) => s.setLabProgress(labId, step, completed, state ?? null),

      listCaptures: () => s.listCaptures(),
      saveCapture: async (name, runId) => {
        const bytes = await this.options.exportPcapng();
        const loaded = loadCapture(bytes); // counts the frames, and proves the file reads back
        if (!loaded.ok) throw new RpcError(RpcErrorCode.INTERNAL, `the simulation's capture does not read back: ${loaded.error.message}`);
        return this.catalogue(name, 'simulation', 'pcapng', bytes, loaded.capture.frames, runId ?? null);
      },
      importCapture: async (path) => {
        const file = checkedPath(path, s.dir);
        let bytes: Uint8Array;
        try {
          const size = (await stat(file)).size;
          if (size > MAX_IMPORT_BYTES) {
            return { ok: false, error: { kind: 'limit', message: `${path}: ${size} bytes, more than the ${MAX_IMPORT_BYTES} a capture view holds`, blockNumber: 0, blockType: 'header', offset: 0 } };
          }
          bytes = await readFile(file);
        } catch (e) {
          return { ok: false, error: ioError(path, e) };
        }
        return this.importBytes(baseName(file), bytes);
      },
      importCaptureBytes: (name, bytes) => this.importBytes(name, bytes),
      exportCapture: async (id, destinationPath) => {
        const target = checkedPath(destinationPath, s.dir);
        const entry = await s.getCapture(id);
        if (!entry) return false;
        await copyFile(s.capturePath(entry), target);
        return true;
      },
      captureBytes: async (id) => {
        const entry = await s.getCapture(id);
        return entry ? new Uint8Array(await readFile(s.capturePath(entry))) : null;
      },
      deleteCapture: async (id) => {
        const entry = await s.getCapture(id);
        if (!entry || !(await s.deleteCapture(id))) return false;
        await rm(s.capturePath(entry), { force: true });
        for (const [viewId, v] of this.views) if (v.captureId === id) this.views.delete(viewId);
        this.capturesChanged.fire({ count: (await s.listCaptures()).length });
        return true;
      },
      openCapture: async (id) => {
        const entry = await s.getCapture(id);
        if (!entry) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `no capture ${id}`);
        let bytes: Uint8Array;
        try {
          bytes = await readFile(s.capturePath(entry));
        } catch (e) {
          return { ok: false, error: ioError(entry.fileName, e) };
        }
        const loaded = loadCapture(bytes);
        if (!loaded.ok) return loaded;
        if (this.views.size >= MAX_OPEN_VIEWS) this.views.delete(this.views.keys().next().value!);
        const viewId = this.nextViewId++;
        this.views.set(viewId, { captureId: id, capture: loaded.capture });
        return { ok: true, view: { viewId, captureId: id, frames: loaded.capture.frames, points: loaded.capture.points } };
      },
      viewPage: (viewId, offset, count, filter) => this.view(viewId).page(offset, count, filter),
      viewDetail: (viewId, frame) => this.view(viewId).detail(frame),
      viewHex: (viewId, frame) => this.view(viewId).hex(frame),
      closeView: (viewId) => this.views.delete(viewId),

      getSettings: () => s.getSettings(),
      setSetting: async (key, value) => {
        await s.setSetting(key, value);
        this.settingChanged.fire({ key, value });
      },
      removeSetting: async (key) => {
        const removed = await s.removeSetting(key);
        if (removed) this.settingChanged.fire({ key, value: null });
        return removed;
      },

      recentFiles: () => s.recentFiles(),
      addRecentFile: (path, kind) => s.addRecentFile(path, kind),
      clearRecentFiles: () => s.clearRecentFiles(),
    };
  }

  private changed(id: number, changed: boolean): boolean {
    if (changed) this.topologiesChanged.fire({ id });
    return changed;
  }

  private view(viewId: number) {
    const v = this.views.get(viewId);
    if (!v) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `no open capture view ${viewId} (closed, or closed to make room)`);
    // Least recently used first: a view in use moves to the back.
    this.views.delete(viewId);
    this.views.set(viewId, v);
    return v.capture.query;
  }

  /** Validates with the core readers; only a file that reads completely is kept. */
  private async importBytes(name: string, bytes: Uint8Array): Promise<CaptureImportResult> {
    const loaded = loadCapture(bytes);
    if (!loaded.ok) return loaded;
    const capture = await this.catalogue(name, 'import', loaded.capture.format, bytes, loaded.capture.frames, null);
    return { ok: true, capture };
  }

  private async catalogue(name: string, source: CaptureEntry['source'], format: CaptureEntry['format'], bytes: Uint8Array, frames: number, runId: number | null): Promise<CaptureEntry> {
    const fileName = `${slug(name)}-${randomUUID().slice(0, 8)}.${format}`;
    const path = join(this.store.capturesDir, fileName);
    await writeFile(path, bytes, { flag: 'wx' });
    try {
      const entry = await this.store.addCapture({ name, fileName, source, format, frames, bytes: bytes.byteLength, runId });
      this.capturesChanged.fire({ count: (await this.store.listCaptures()).length });
      return entry;
    } catch (e) {
      await rm(path, { force: true }); // no file without its catalogue row
      throw e;
    }
  }
}

/** Store refusals (no such topology) are the caller's mistake, not the host's failure. */
async function domain<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof WorkspaceError) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, e.message);
    throw e;
  }
}

/** An absolute path outside the workspace folder. */
function checkedPath(path: string, workspaceDir: string): string {
  if (!isAbsolute(path)) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `not an absolute path: ${path}`);
  const full = resolve(path);
  const rel = relative(workspaceDir, full);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new RpcError(RpcErrorCode.INVALID_ARGUMENTS, `${path} is inside the workspace folder`);
  return full;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop()!.replace(/\.(pcapng|pcap|cap)$/i, '') || 'capture';
}

/** A file-name-safe form of a display name. */
function slug(name: string): string {
  return name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'capture';
}
