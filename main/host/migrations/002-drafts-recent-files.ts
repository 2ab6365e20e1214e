/**
 * Version 2: the autosaved topology drafts and the recent-files list. Slot 0 of `drafts` is the
 * unsaved "new topology" (a real topology id otherwise; no foreign key, so slot 0 can exist).
 */
export const draftsAndRecentFiles = {
  version: 2,
  name: 'drafts and recent files',
  sql: `
    CREATE TABLE drafts (
      slot        INTEGER PRIMARY KEY,
      text        TEXT    NOT NULL,
      saved_at    INTEGER NOT NULL
    );
    CREATE TABLE recent_files (
      path        TEXT    PRIMARY KEY,
      kind        TEXT    NOT NULL CHECK (kind IN ('topology', 'capture', 'lab')),
      opened_at   INTEGER NOT NULL
    );
  `,
};
