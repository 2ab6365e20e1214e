/** The display-filter language (Wireshark 4.0): see filter.ts for the pipeline. */
export { compileFilter, checkFilter, FilterRunner, INTERNAL_ERROR, MAX_FILTER_LENGTH, type CompiledFilter, type CompileResult } from './filter.ts';
export type { FilterError } from './error.ts';
export { completeFilter, type Completion, type CompletionKind, type CompletionResult } from './complete.ts';
export { compileRegex, type Regex } from './regex.ts';
