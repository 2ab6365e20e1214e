/**
 * Version 1: topologies with their history, runs, lab progress, the capture catalogue, settings.
 * Times are wall-clock ms since the epoch; virtual times integer ns.
 */
export const initial = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE topologies (
      id          INTEGER PRIMARY KEY,
      name        TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    );
    -- Each save is a revision; the newest is the topology's current text.
    CREATE TABLE topology_revisions (
      topology_id INTEGER NOT NULL REFERENCES topologies(id) ON DELETE CASCADE,
      revision    INTEGER NOT NULL,
      text        TEXT    NOT NULL,
      message     TEXT,
      saved_at    INTEGER NOT NULL,
      PRIMARY KEY (topology_id, revision)
    );
    CREATE TABLE runs (
      id              INTEGER PRIMARY KEY,
      topology_id     INTEGER REFERENCES topologies(id) ON DELETE SET NULL,
      revision        INTEGER,
      seed            INTEGER NOT NULL,
      virtual_time_ns INTEGER NOT NULL,
      frames          INTEGER NOT NULL,
      note            TEXT,
      recorded_at     INTEGER NOT NULL
    );
    CREATE INDEX runs_by_topology ON runs(topology_id, id);
    CREATE TABLE lab_progress (
      lab_id      TEXT    PRIMARY KEY,
      step        INTEGER NOT NULL,
      completed   INTEGER NOT NULL,
      state_json  TEXT    NOT NULL,
      updated_at  INTEGER NOT NULL
    );
    -- The files themselves are <workspace>/captures/<file_name>.
    CREATE TABLE captures (
      id          INTEGER PRIMARY KEY,
      name        TEXT    NOT NULL,
      file_name   TEXT    NOT NULL UNIQUE,
      source      TEXT    NOT NULL CHECK (source IN ('simulation', 'import')),
      format      TEXT    NOT NULL CHECK (format IN ('pcap', 'pcapng')),
      frames      INTEGER NOT NULL,
      bytes       INTEGER NOT NULL,
      run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
      created_at  INTEGER NOT NULL
    );
    CREATE TABLE settings (
      key         TEXT PRIMARY KEY,
      value_json  TEXT NOT NULL
    );
  `,
};
