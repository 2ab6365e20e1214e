/**
 * Topology documents: the public surface of core/topology. The fabric builder and the lab runner
 * consume ResolvedTopology; the editors work on the document and its diagnostics.
 */
export { loadTopology, type LoadOptions, type LoadResult } from './load.ts';
export { validateDocument, type ValidateOptions, type ValidateResult } from './validate.ts';
export { normalize, type NormalizeResult } from './normalize.ts';
export { migrate, migrations, type Migration, type MigrationRegistry, type DocumentValue } from './migrations.ts';
export { topologySchema, CURRENT_VERSION, type TopologyDocument } from './schema/document.ts';
export type * from './schema/document.ts';
export { topologyJsonSchema, topologyJsonSchemaText } from './schema/json-schema.ts';
export {
  DIAGNOSTIC_CODES, formatDiagnostic, formatPath,
  type DiagnosticCode, type DocPath, type PathDiagnostic, type TopologyDiagnostic, type Severity,
} from './diagnostics.ts';
export type * from './resolved.ts';
export { NACL_FINAL_RULE, PROTOCOL_NUMBERS } from './resolved.ts';
export type { SourceFormat } from './source/parse-source.ts';
export { applyChange, applyChanges, type TopologyChange } from './edit.ts';
export { EditHistory, applyTracked, invertChange, HISTORY_LIMIT, type HistoryEntry } from './history.ts';
