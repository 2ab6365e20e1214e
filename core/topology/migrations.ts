/**
 * Document versions. A document says which format it is in (`version: n`); an older one is
 * brought up to CURRENT_VERSION by applying migrations[n], migrations[n+1], … in turn. Each
 * migration is a pure function from a version-n document to a version-(n+1) document, on plain
 * values before schema validation (the schema knows only the current version). It must not mutate
 * its input and must set `version` to n+1; migrate() checks the latter.
 *
 * Adding version 2: change the v1 schema into v2 (schema/document.ts), set CURRENT_VERSION = 2,
 * and register `1: (doc) => ({ ...doc, version: 2, … })` below, with a test that every file in
 * resources/topologies still loads. Comments and key order of an old YAML file are not carried
 * through a migration: the editor offers to rewrite the file in the new version.
 */
import { err, ok, type Result } from '../base/result.ts';
import { CURRENT_VERSION } from './schema/document.ts';

export type DocumentValue = Readonly<Record<string, unknown>>;
export type Migration = (doc: DocumentValue) => Record<string, unknown>;
/** Keyed by the version a migration starts from. */
export type MigrationRegistry = Readonly<Record<number, Migration>>;

/** Version 1 is the first released format: nothing to migrate from yet. */
export const migrations: MigrationRegistry = Object.freeze({});

export interface Migrated { readonly value: DocumentValue; readonly from: number; readonly applied: readonly number[] }
export interface MigrationFailure { readonly code: 'version-too-new' | 'migration-failed'; readonly message: string }

export function migrate(
  value: DocumentValue,
  from: number,
  registry: MigrationRegistry = migrations,
  target: number = CURRENT_VERSION,
): Result<Migrated, MigrationFailure> {
  if (from > target) {
    return err({ code: 'version-too-new', message: `version ${from} is newer than this Underlay understands (${target}): update Underlay` });
  }
  let doc = value;
  const applied: number[] = [];
  for (let v = from; v < target; v++) {
    const step = Object.hasOwn(registry, v) ? registry[v] : undefined;
    if (!step) return err({ code: 'migration-failed', message: `no migration from version ${v} to ${v + 1}` });
    let next: Record<string, unknown>;
    try {
      next = step(doc);
    } catch (e) {
      return err({ code: 'migration-failed', message: `migration from version ${v} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
    if (typeof next !== 'object' || next === null || next.version !== v + 1) {
      return err({ code: 'migration-failed', message: `migration from version ${v} did not produce a version ${v + 1} document` });
    }
    doc = next;
    applied.push(v);
  }
  return ok({ value: doc, from, applied });
}
