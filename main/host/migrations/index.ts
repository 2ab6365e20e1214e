/**
 * The workspace database's migrations, numbered from 1 and applied in order, each in its own
 * transaction together with the `PRAGMA user_version` bump that records it. A migration, once
 * shipped, is never edited: change the schema with a new one.
 */
import { initial } from './001-initial.ts';
import { draftsAndRecentFiles } from './002-drafts-recent-files.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, draftsAndRecentFiles];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
