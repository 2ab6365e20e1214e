/**
 * The workspace database: migrations from nothing and from an older version, WAL mode, and each
 * table's behaviour (topology history, runs, lab progress, settings, recent files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT_FILES } from '../../../core/contract/limits.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../main/host/migrations/index.ts';
import { DATABASE_FILE, WorkspaceStore } from '../../../main/host/workspace-store.ts';

let dir: string;
let clock = 1_000;
const now = () => ++clock;
const open = (migrations = MIGRATIONS) => WorkspaceStore.open(dir, { now, migrations });

function rawQuery<T>(sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, DATABASE_FILE), (err) => {
      if (err) return reject(err);
      db.all<T>(sql, (e, rows) => db.close(() => (e ? reject(e) : resolve(rows))));
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('builds the whole schema in an empty folder, in WAL mode', async () => {
    const store = await open();
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(store.journalMode).toBe('wal');
    await store.close();
    const tables = (await rawQuery<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['captures', 'drafts', 'lab_progress', 'recent_files', 'runs', 'settings', 'topologies', 'topology_revisions']));
    expect(await rawQuery('PRAGMA user_version')).toEqual([{ user_version: SCHEMA_VERSION }]);
    // WAL is a property of the file: it stays on for every later connection.
    expect(await rawQuery('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('upgrades a version-1 database and keeps its data', async () => {
    const old = await open(MIGRATIONS.slice(0, 1));
    expect(old.schemaVersion).toBe(1);
    await old.close();
    // Rows as a version-1 build wrote them.
    await rawQuery("INSERT INTO topologies (id, name, created_at, updated_at) VALUES (1, 'kept', 1, 1)");
    await rawQuery("INSERT INTO topology_revisions VALUES (1, 1, 'version: 1', NULL, 1)");
    await rawQuery(`INSERT INTO settings VALUES ('theme', '"dark"')`);

    const store = await open();
    expect(store.schemaVersion).toBe(2);
    expect(await store.getTopology(1)).toMatchObject({ name: 'kept', text: 'version: 1', revision: 1 });
    expect(await store.getSettings()).toEqual({ theme: 'dark' });
    await store.writeDraft(1, 'draft', 5);
    expect(await store.readDraft(1)).toEqual({ topologyId: 1, text: 'draft', savedAt: 5 });
    await store.close();
  });

  it('refuses a database from a newer build', async () => {
    (await open()).close();
    await rawQuery('PRAGMA user_version = 99');
    await expect(open()).rejects.toThrow(/schema version 99, newer/);
  });
});

describe('tables', () => {
  let store: WorkspaceStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(() => store.close());

  it('keeps every saved revision of a topology', async () => {
    const first = await store.saveTopology({ name: 'lab', text: 'a: 1', message: 'first' });
    expect(first).toMatchObject({ revision: 1, hasDraft: false });
    await store.writeDraft(first.id, 'a: 2 (typing)', 10);
    expect((await store.listTopologies())[0].hasDraft).toBe(true);
    const second = await store.saveTopology({ id: first.id, name: 'lab v2', text: 'a: 2' });
    expect(second).toMatchObject({ id: first.id, revision: 2 });
    expect(await store.readDraft(first.id)).toBeNull(); // saving drops the draft
    expect(await store.getTopology(first.id)).toMatchObject({ name: 'lab v2', revision: 2, text: 'a: 2' });
    expect(await store.getTopology(first.id, 1)).toMatchObject({ revision: 1, text: 'a: 1' });
    expect(await store.getTopology(first.id, 3)).toBeNull();
    const history = await store.topologyHistory(first.id);
    expect(history.map((h) => [h.revision, h.message, h.chars])).toEqual([[2, null, 4], [1, 'first', 4]]);
    await expect(store.saveTopology({ id: 99, name: 'x', text: '' })).rejects.toThrow(/no topology 99/);
    expect(await store.renameTopology(first.id, 'renamed')).toBe(true);
    expect(await store.deleteTopology(first.id)).toBe(true);
    expect(await store.topologyHistory(first.id)).toEqual([]); // revisions went with it
    expect(await store.listTopologies()).toEqual([]);
  });

  it('a new topology takes over the unsaved draft', async () => {
    await store.writeDraft(null, 'new one', 3);
    expect(await store.readDraft(null)).toMatchObject({ topologyId: null, text: 'new one' });
    await store.saveTopology({ name: 'new', text: 'new one' });
    expect(await store.readDraft(null)).toBeNull();
  });

  it('records runs, newest first, per topology', async () => {
    const t = await store.saveTopology({ name: 't', text: '' });
    await store.recordRun({ topologyId: t.id, revision: 1, seed: 7, virtualTimeNs: 5e9, frames: 12 });
    await store.recordRun({ seed: 1, virtualTimeNs: 0, frames: 0, note: 'scratch' });
    expect((await store.listRuns()).map((r) => r.note)).toEqual(['scratch', null]);
    expect(await store.listRuns(t.id)).toMatchObject([{ seed: 7, virtualTimeNs: 5e9, frames: 12, revision: 1 }]);
  });

  it('keeps lab progress per lab', async () => {
    await store.setLabProgress('sg-basics', 1, false, { hints: 2 });
    await store.setLabProgress('sg-basics', 3, true, { hints: 3 });
    await store.setLabProgress('nacl', 0, false, null);
    expect(await store.listLabProgress('sg-basics')).toMatchObject([{ labId: 'sg-basics', step: 3, completed: true, state: { hints: 3 } }]);
    expect((await store.listLabProgress()).map((l) => l.labId).sort()).toEqual(['nacl', 'sg-basics']);
  });

  it('stores settings as JSON values', async () => {
    await store.setSetting('theme', 'dark');
    await store.setSetting('capture.columns', ['No.', 'Time', { name: 'Info', width: 300 }]);
    await store.setSetting('theme', 'light');
    expect(await store.getSettings()).toEqual({ 'capture.columns': ['No.', 'Time', { name: 'Info', width: 300 }], theme: 'light' });
    expect(await store.removeSetting('theme')).toBe(true);
    expect(await store.removeSetting('theme')).toBe(false);
  });

  it('keeps a bounded list of recent files, most recent first', async () => {
    for (let i = 0; i < MAX_RECENT_FILES + 5; i++) await store.addRecentFile(`/labs/t${i}.yaml`, 'topology');
    const again = await store.addRecentFile('/labs/t10.yaml', 'topology');
    expect(again).toHaveLength(MAX_RECENT_FILES);
    expect(again[0].path).toBe('/labs/t10.yaml');
    expect(again[1].path).toBe(`/labs/t${MAX_RECENT_FILES + 4}.yaml`);
    expect(again.some((f) => f.path === '/labs/t0.yaml')).toBe(false);
    await store.clearRecentFiles();
    expect(await store.recentFiles()).toEqual([]);
  });
});
