/**
 * Guided labs graded on evidence (DESIGN.md §8): the public surface of core/lab. Hosts (the CLI,
 * the app's worker) give file access to a lab folder; everything else is pure.
 */
export { loadLab, LAB_FILE, DEFAULT_SOLUTION_FILE, type LabFiles, type LabInstance, type LabSolution, type LabStep, type LoadLabOptions, type LoadLabResult } from './load.ts';
export { runLab, type LabAttempt, type LabRunResult } from './runner.ts';
export { evaluateCheck, checkKind, type CheckResult } from './checks/index.ts';
export { Evidence, PushRecorder, type PushRecord } from './evidence.ts';
export { formatLabDiagnostic, readLabFile, type LabDiagnostic } from './source.ts';
export { labJsonSchema, labJsonSchemaText, LAB_SCHEMA_ID } from './json-schema.ts';
export { labMigrations, migrateLab } from './migrations.ts';
export { drawVariables, substitute } from './variables.ts';
export { formatLogEntry, parseExecText, runTimeline, type LogEntry, type TimelineResult } from './timeline.ts';
export { CURRENT_LAB_VERSION, CHECK_KINDS, labSchema, solutionSchema, type CheckKind, type LabAction, type LabCheck, type LabDocument, type SolutionDocument } from './schema.ts';
