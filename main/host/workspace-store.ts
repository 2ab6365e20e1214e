/**
 * The workspace on disk (DESIGN.md §7): `<dir>/workspace.db`, a SQLite database in WAL mode (the
 * app reads while it writes; a crash mid-write leaves the last commit intact), and
 * `<dir>/captures/`, the pcapng (or imported pcap) files the capture catalogue lists.
 *
 * Opening runs the numbered migrations (migrations/) up to this build's schema version; a database
 * written by a newer build is refused rather than damaged. This class is only storage: rows in,
 * rows out. workspace-service.ts puts the contract, autosave and files on top.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type {
  CaptureEntry, JsonValue, LabProgress, RecentFile, RecentFileKind, RecordRunInput, RunRecord, SaveTopologyInput, TopologyDocument, TopologyDraft,
  TopologyRevisionInfo, TopologySummary,
} from '../../core/contract/workspace.ts';
import { MAX_RECENT_FILES } from '../../core/contract/limits.ts';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.ts';
import { SqliteDb, type Sql } from './sqlite.ts';

export const DATABASE_FILE = 'workspace.db';
export const CAPTURES_DIR = 'captures';

export interface WorkspaceStoreOptions {
  /** Migrations to apply (tests open with a prefix to make an older database). */
  readonly migrations?: readonly Migration[];
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
}

/** A request the data does not allow (saving to a topology that does not exist). */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}

/** Draft slot 0 is the unsaved "new topology". */
const slotOf = (topologyId: number | null) => topologyId ?? 0;

export class WorkspaceStore {
  readonly dir: string;
  readonly capturesDir: string;

  private constructor(
    private readonly db: SqliteDb,
    dir: string,
    readonly schemaVersion: number,
    readonly journalMode: string,
    private readonly now: () => number,
  ) {
    this.dir = dir;
    this.capturesDir = join(dir, CAPTURES_DIR);
  }

  static async open(dir: string, options: WorkspaceStoreOptions = {}): Promise<WorkspaceStore> {
    const root = resolve(dir);
    await mkdir(join(root, CAPTURES_DIR), { recursive: true });
    const db = await SqliteDb.open(join(root, DATABASE_FILE));
    try {
      const journalMode = await db.exclusive(async (sql) => {
        const mode = await sql.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
        await sql.exec('PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
        return mode?.journal_mode ?? 'unknown';
      });
      const version = await migrate(db, options.migrations ?? MIGRATIONS);
      return new WorkspaceStore(db, root, version, journalMode, options.now ?? Date.now);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ---- topologies

  listTopologies(): Promise<TopologySummary[]> {
    return this.db.exclusive(async (sql) => {
      const rows = await sql.all<{ id: number; name: string; revision: number; updated_at: number; has_draft: number }>(
        `SELECT t.id, t.name, t.updated_at,
                (SELECT MAX(revision) FROM topology_revisions r WHERE r.topology_id = t.id) AS revision,
                EXISTS (SELECT 1 FROM drafts d WHERE d.slot = t.id) AS has_draft
           FROM topologies t ORDER BY t.updated_at DESC, t.id DESC`,
      );
      return rows.map((r) => ({ id: r.id, name: r.name, revision: r.revision, updatedAt: r.updated_at, hasDraft: r.has_draft === 1 }));
    });
  }

  getTopology(id: number, revision?: number): Promise<TopologyDocument | null> {
    return this.db.exclusive(async (sql) => {
      const row = await sql.get<{ name: string; revision: number; text: string; saved_at: number }>(
        `SELECT t.name, r.revision, r.text, r.saved_at FROM topologies t JOIN topology_revisions r ON r.topology_id = t.id
          WHERE t.id = ? AND r.revision = COALESCE(?, (SELECT MAX(revision) FROM topology_revisions WHERE topology_id = t.id))`,
        [id, revision ?? null],
      );
      return row ? { id, name: row.name, revision: row.revision, text: row.text, savedAt: row.saved_at } : null;
    });
  }

  /** A new revision (and a new topology when `input.id` is omitted); the topology's draft is dropped. */
  saveTopology(input: SaveTopologyInput): Promise<TopologySummary> {
    return this.db.transaction(async (sql) => {
      const at = this.now();
      let id = input.id;
      if (id === undefined) {
        id = (await sql.run('INSERT INTO topologies (name, created_at, updated_at) VALUES (?, ?, ?)', [input.name, at, at])).lastId;
      } else {
        const updated = await sql.run('UPDATE topologies SET name = ?, updated_at = ? WHERE id = ?', [input.name, at, id]);
        if (updated.changes === 0) throw new WorkspaceError(`no topology ${id}`);
      }
      const next = await sql.get<{ n: number }>('SELECT COALESCE(MAX(revision), 0) + 1 AS n FROM topology_revisions WHERE topology_id = ?', [id]);
      const revision = next!.n;
      await sql.run('INSERT INTO topology_revisions (topology_id, revision, text, message, saved_at) VALUES (?, ?, ?, ?, ?)', [
        id, revision, input.text, input.message ?? null, at,
      ]);
      await sql.run('DELETE FROM drafts WHERE slot = ?', [id]);
      if (input.id === undefined) await sql.run('DELETE FROM drafts WHERE slot = 0'); // the "new topology" draft became this one
      return { id, name: input.name, revision, updatedAt: at, hasDraft: false };
    });
  }

  renameTopology(id: number, name: string): Promise<boolean> {
    return this.db.exclusive(async (sql) => (await sql.run('UPDATE topologies SET name = ?, updated_at = ? WHERE id = ?', [name, this.now(), id])).changes > 0);
  }

  deleteTopology(id: number): Promise<boolean> {
    return this.db.transaction(async (sql) => {
      await sql.run('DELETE FROM drafts WHERE slot = ?', [id]);
      return (await sql.run('DELETE FROM topologies WHERE id = ?', [id])).changes > 0; // revisions cascade
    });
  }

  topologyHistory(id: number): Promise<TopologyRevisionInfo[]> {
    return this.db.exclusive(async (sql) => {
      const rows = await sql.all<{ revision: number; saved_at: number; message: string | null; chars: number }>(
        'SELECT revision, saved_at, message, length(text) AS chars FROM topology_revisions WHERE topology_id = ? ORDER BY revision DESC',
        [id],
      );
      return rows.map((r) => ({ topologyId: id, revision: r.revision, savedAt: r.saved_at, message: r.message, chars: r.chars }));
    });
  }

  // ---- drafts (autosave)

  writeDraft(topologyId: number | null, text: string, savedAt: number): Promise<void> {
    return this.db.exclusive(async (sql) => {
      await sql.run('INSERT INTO drafts (slot, text, saved_at) VALUES (?, ?, ?) ON CONFLICT(slot) DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at', [
        slotOf(topologyId), text, savedAt,
      ]);
    });
  }

  readDraft(topologyId: number | null): Promise<TopologyDraft | null> {
    return this.db.exclusive(async (sql) => {
      const row = await sql.get<{ text: string; saved_at: number }>('SELECT text, saved_at FROM drafts WHERE slot = ?', [slotOf(topologyId)]);
      return row ? { topologyId, text: row.text, savedAt: row.saved_at } : null;
    });
  }

  deleteDraft(topologyId: number | null): Promise<void> {
    return this.db.exclusive(async (sql) => void (await sql.run('DELETE FROM drafts WHERE slot = ?', [slotOf(topologyId)])));
  }

  // ---- runs

  recordRun(input: RecordRunInput): Promise<RunRecord> {
    return this.db.exclusive(async (sql) => {
      const at = this.now();
      const row = {
        topologyId: input.topologyId ?? null,
        revision: input.revision ?? null,
        seed: input.seed,
        virtualTimeNs: input.virtualTimeNs,
        frames: input.frames,
        note: input.note ?? null,
        recordedAt: at,
      };
      const { lastId } = await sql.run(
        'INSERT INTO runs (topology_id, revision, seed, virtual_time_ns, frames, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [row.topologyId, row.revision, row.seed, row.virtualTimeNs, row.frames, row.note, at],
      );
      return { id: lastId, ...row };
    });
  }

  listRuns(topologyId?: number): Promise<RunRecord[]> {
    return this.db.exclusive(async (sql) => {
      const rows = await sql.all<{ id: number; topology_id: number | null; revision: number | null; seed: number; virtual_time_ns: number; frames: number; note: string | null; recorded_at: number }>(
        `SELECT * FROM runs ${topologyId === undefined ? '' : 'WHERE topology_id = ?'} ORDER BY id DESC LIMIT 1000`,
        topologyId === undefined ? [] : [topologyId],
      );
      return rows.map((r) => ({
        id: r.id, topologyId: r.topology_id, revision: r.revision, seed: r.seed, virtualTimeNs: r.virtual_time_ns, frames: r.frames, note: r.note, recordedAt: r.recorded_at,
      }));
    });
  }

  // ---- lab progress

  listLabProgress(labId?: string): Promise<LabProgress[]> {
    return this.db.exclusive(async (sql) => {
      const rows = await sql.all<{ lab_id: string; step: number; completed: number; state_json: string; updated_at: number }>(
        `SELECT * FROM lab_progress ${labId === undefined ? '' : 'WHERE lab_id = ?'} ORDER BY updated_at DESC`,
        labId === undefined ? [] : [labId],
      );
      return rows.map((r) => ({ labId: r.lab_id, step: r.step, completed: r.completed === 1, state: JSON.parse(r.state_json) as JsonValue, updatedAt: r.updated_at }));
    });
  }

  setLabProgress(labId: string, step: number, completed: boolean, state: JsonValue): Promise<LabProgress> {
    return this.db.exclusive(async (sql) => {
      const at = this.now();
      await sql.run(
        `INSERT INTO lab_progress (lab_id, step, completed, state_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(lab_id) DO UPDATE SET step = excluded.step, completed = excluded.completed, state_json = excluded.state_json, updated_at = excluded.updated_at`,
        [labId, step, completed ? 1 : 0, JSON.stringify(state), at],
      );
      return { labId, step, completed, state, updatedAt: at };
    });
  }

  // ---- the capture catalogue

  addCapture(entry: Omit<CaptureEntry, 'id' | 'createdAt'>): Promise<CaptureEntry> {
    return this.db.exclusive(async (sql) => {
      const at = this.now();
      const { lastId } = await sql.run(
        'INSERT INTO captures (name, file_name, source, format, frames, bytes, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [entry.name, entry.fileName, entry.source, entry.format, entry.frames, entry.bytes, entry.runId, at],
      );
      return { ...entry, id: lastId, createdAt: at };
    });
  }

  listCaptures(): Promise<CaptureEntry[]> {
    return this.db.exclusive(async (sql) => (await sql.all<CaptureRow>('SELECT * FROM captures ORDER BY id DESC')).map(captureEntry));
  }

  getCapture(id: number): Promise<CaptureEntry | null> {
    return this.db.exclusive(async (sql) => {
      const row = await sql.get<CaptureRow>('SELECT * FROM captures WHERE id = ?', [id]);
      return row ? captureEntry(row) : null;
    });
  }

  deleteCapture(id: number): Promise<boolean> {
    return this.db.exclusive(async (sql) => (await sql.run('DELETE FROM captures WHERE id = ?', [id])).changes > 0);
  }

  /** The file of a catalogued capture. */
  capturePath(entry: CaptureEntry): string {
    return join(this.capturesDir, entry.fileName);
  }

  // ---- settings

  getSettings(): Promise<Record<string, JsonValue>> {
    return this.db.exclusive(async (sql) => {
      const out: Record<string, JsonValue> = {};
      for (const r of await sql.all<{ key: string; value_json: string }>('SELECT key, value_json FROM settings ORDER BY key')) out[r.key] = JSON.parse(r.value_json) as JsonValue;
      return out;
    });
  }

  setSetting(key: string, value: JsonValue): Promise<void> {
    return this.db.exclusive(async (sql) => {
      await sql.run('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json', [key, JSON.stringify(value)]);
    });
  }

  removeSetting(key: string): Promise<boolean> {
    return this.db.exclusive(async (sql) => (await sql.run('DELETE FROM settings WHERE key = ?', [key])).changes > 0);
  }

  // ---- recent files

  recentFiles(): Promise<RecentFile[]> {
    return this.db.exclusive((sql) => recentFiles(sql));
  }

  addRecentFile(path: string, kind: RecentFileKind): Promise<RecentFile[]> {
    return this.db.transaction(async (sql) => {
      await sql.run('INSERT INTO recent_files (path, kind, opened_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, opened_at = excluded.opened_at', [
        path, kind, this.now(),
      ]);
      await sql.run('DELETE FROM recent_files WHERE path NOT IN (SELECT path FROM recent_files ORDER BY opened_at DESC, rowid DESC LIMIT ?)', [MAX_RECENT_FILES]);
      return recentFiles(sql);
    });
  }

  clearRecentFiles(): Promise<void> {
    return this.db.exclusive(async (sql) => void (await sql.run('DELETE FROM recent_files')));
  }
}

async function recentFiles(sql: Sql): Promise<RecentFile[]> {
  const rows = await sql.all<{ path: string; kind: RecentFileKind; opened_at: number }>('SELECT path, kind, opened_at FROM recent_files ORDER BY opened_at DESC, rowid DESC');
  return rows.map((r) => ({ path: r.path, kind: r.kind, openedAt: r.opened_at }));
}

interface CaptureRow {
  id: number;
  name: string;
  file_name: string;
  source: 'simulation' | 'import';
  format: 'pcap' | 'pcapng';
  frames: number;
  bytes: number;
  run_id: number | null;
  created_at: number;
}

function captureEntry(r: CaptureRow): CaptureEntry {
  return { id: r.id, name: r.name, fileName: r.file_name, source: r.source, format: r.format, frames: r.frames, bytes: r.bytes, runId: r.run_id, createdAt: r.created_at };
}

/** Applies the migrations above the database's user_version, each with its version bump in one transaction. */
async function migrate(db: SqliteDb, migrations: readonly Migration[]): Promise<number> {
  let version = (await db.exclusive((sql) => sql.get<{ user_version: number }>('PRAGMA user_version')))!.user_version;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the workspace database has schema version ${version}, newer than this build's ${SCHEMA_VERSION}: open it with a newer Underlay`);
  }
  for (const m of migrations) {
    if (m.version <= version) continue;
    if (m.version !== version + 1) throw new Error(`migration ${m.version} (${m.name}) does not follow version ${version}`);
    await db.transaction(async (sql) => {
      await sql.exec(m.sql);
      await sql.exec(`PRAGMA user_version = ${m.version}`);
    });
    version = m.version;
  }
  return version;
}
