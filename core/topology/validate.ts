/**
 * A document value (parsed from text, or built in memory by the visual editor) → the typed
 * document and the resolved topology, or every problem found, located by path. Versions are
 * checked and migrated first, then the schema, then meaning (normalize). The schema stage must
 * pass before meaning is checked: the resolver relies on the types it guarantees.
 */
import type { PathDiagnostic } from './diagnostics.ts';
import { migrate, migrations as defaultMigrations, type DocumentValue, type MigrationRegistry } from './migrations.ts';
import { normalize } from './normalize.ts';
import type { ResolvedTopology } from './resolved.ts';
import { CURRENT_VERSION, topologySchema, type TopologyDocument } from './schema/document.ts';
import { describeValue, issuesToDiagnostics } from './schema/issues.ts';
import { pruneInvalid } from './schema/prune.ts';

export interface ValidateOptions {
  /** Migrations to use instead of the built-in registry (tests, and future formats). */
  readonly migrations?: MigrationRegistry;
}

export type ValidateResult =
  | {
      readonly ok: true;
      readonly document: TopologyDocument;
      readonly topology: ResolvedTopology;
      /** Warnings only. */
      readonly diagnostics: readonly PathDiagnostic[];
      /** The version the value was written in, when it was migrated. */
      readonly migratedFrom: number | null;
    }
  | {
      readonly ok: false;
      /** Present when the value passed the schema, so editors can still show its objects. */
      readonly document: TopologyDocument | null;
      readonly diagnostics: readonly PathDiagnostic[];
      readonly migratedFrom: number | null;
    };

export function validateDocument(value: unknown, options: ValidateOptions = {}): ValidateResult {
  const fail = (diagnostics: PathDiagnostic[], migratedFrom: number | null = null, document: TopologyDocument | null = null): ValidateResult =>
    ({ ok: false, document, diagnostics, migratedFrom });
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    return fail([{ code: 'not-a-mapping', severity: 'error', path: [], message: `a topology document is a mapping that starts with "version: ${CURRENT_VERSION}", not ${describeValue(value)}` }]);
  }
  const raw = value as DocumentValue;
  const version = raw.version;
  if (version === undefined) {
    return fail([{ code: 'version-missing', severity: 'error', path: [], message: `the document needs "version: ${CURRENT_VERSION}" at the top` }]);
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return fail([{ code: 'version-invalid', severity: 'error', path: ['version'], message: `version must be a whole number such as ${CURRENT_VERSION}, got ${describeValue(version)}` }]);
  }
  const migrated = migrate(raw, version, options.migrations ?? defaultMigrations);
  if (!migrated.ok) return fail([{ code: migrated.error.code, severity: 'error', path: ['version'], message: migrated.error.message }]);
  const migratedFrom = migrated.value.applied.length > 0 ? version : null;

  const parsed = topologySchema.safeParse(migrated.value.value, { reportInput: true });
  if (!parsed.success) {
    const diagnostics = issuesToDiagnostics(parsed.error.issues, topologySchema);
    // Check the meaning of what did pass too, so every error shows at once (schema/prune.ts).
    const pruned = pruneInvalid({ ...migrated.value.value }, parsed.error.issues);
    const retry = topologySchema.safeParse(pruned.value);
    if (retry.success) diagnostics.push(...normalize(retry.data, pruned.unchecked).diagnostics);
    return fail(diagnostics, migratedFrom);
  }
  const result = normalize(parsed.data);
  if (!result.ok) return fail([...result.diagnostics], migratedFrom, parsed.data);
  return { ok: true, document: parsed.data, topology: result.topology, diagnostics: result.diagnostics, migratedFrom };
}
