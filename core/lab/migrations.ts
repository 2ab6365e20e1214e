/**
 * Lab document versions, the pattern of core/topology/migrations.ts (and its `migrate`, which is
 * generic over the registry and target): a lab written as `version: n` is brought up to
 * CURRENT_LAB_VERSION by pure functions on plain values before schema validation. The same
 * registry serves lab.yaml and solution.yaml, which share their version.
 *
 * Adding version 2: change schema.ts, set CURRENT_LAB_VERSION = 2 and register
 * `1: (doc) => ({ ...doc, version: 2, … })` here; tests/core/lab/labs.test.ts then checks that
 * every shipped lab still loads.
 */
import type { Result } from '../base/result.ts';
import { migrate, type DocumentValue, type MigrationRegistry } from '../topology/migrations.ts';
import { CURRENT_LAB_VERSION } from './schema.ts';

/** Version 1 is the first lab format: nothing to migrate from yet. */
export const labMigrations: MigrationRegistry = Object.freeze({});

export function migrateLab(value: DocumentValue, from: number, registry: MigrationRegistry = labMigrations, target = CURRENT_LAB_VERSION):
  Result<{ readonly value: DocumentValue; readonly applied: readonly number[] }, { readonly code: 'version-too-new' | 'migration-failed'; readonly message: string }> {
  return migrate(value, from, registry, target);
}
