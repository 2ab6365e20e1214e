import type { CaptureSession, DissectionEngine } from '../dissect/engine.ts';
import { fieldIdLimit, type FieldDef } from '../dissect/field.ts';
import type { FrameRecord } from '../dissect/frame-record.ts';
import type { FieldRegistry } from '../dissect/registry.ts';
import { FilterSink } from '../dissect/sink.ts';
import { compileTest } from './compile.ts';
import { FilterFailure, type FilterError } from './error.ts';
import { parse } from './parser.ts';
import { SemanticChecker } from './semcheck.ts';

/**
 * The display-filter language of Wireshark 4.0, compiled once and evaluated per frame:
 *
 *   scanner.ts → parser.ts (syntax tree, ast.ts) → semcheck.ts (typed form, ir.ts)
 *     → compile.ts (closures) → CompiledFilter.matches(sink, frameBytes)
 *
 * Usage:
 *
 *   const r = compileFilter('ip.addr == 10.0.0.0/16 && tcp.flags.syn == 1', engine.fields);
 *   if (!r.ok) underline(r.error.start, r.error.end, r.error.message);
 *   const runner = new FilterRunner(r.filter);
 *   for (const frame of frames) if (runner.run(session, frame)) show(frame);
 */

export interface CompiledFilter {
  /** The filter text as given. */
  readonly text: string;
  /** The fields a FilterSink must keep for `matches` (and nothing more). */
  readonly fields: readonly FieldDef[];
  /** True when `matches` reads the frame bytes argument (`frame[…]`, `frame contains …`). */
  readonly needsFrameBytes: boolean;
  /** True for the empty filter, which matches every frame. */
  readonly matchesAll: boolean;
  /** Evaluates the filter on one frame's dissection. Never throws. */
  matches(sink: FilterSink, frameBytes: Uint8Array): boolean;
}

export type CompileResult = { readonly ok: true; readonly filter: CompiledFilter } | { readonly ok: false; readonly error: FilterError };

/** Prefix of the message for an unexpected exception inside the compiler (a bug). */
export const INTERNAL_ERROR = 'Internal error in the filter compiler:';

/** Longest filter text accepted; longer input is refused without being scanned. */
export const MAX_FILTER_LENGTH = 1 << 16;

/** Compiles a display filter. Never throws: every problem is a positioned error. */
export function compileFilter(text: string, registry: FieldRegistry): CompileResult {
  if (text.length > MAX_FILTER_LENGTH) {
    return { ok: false, error: { message: `The filter is too long (more than ${MAX_FILTER_LENGTH} characters).`, start: 0, end: text.length } };
  }
  try {
    const ast = parse(text);
    const test = new SemanticChecker(registry, text).check(ast);
    const { predicate, fields, needsFrameBytes } = compileTest(test);
    const filter: CompiledFilter = {
      text,
      fields: [...fields],
      needsFrameBytes,
      matchesAll: test.t === 'true',
      matches: predicate,
    };
    return { ok: true, filter };
  } catch (e) {
    if (e instanceof FilterFailure) return { ok: false, error: e.toError() };
    // A stack overflow on a pathological input: report it rather than throw.
    if (e instanceof RangeError) return { ok: false, error: { message: 'Filter expression is nested too deeply.', start: 0, end: text.length } };
    // A bug in the compiler must not take the filter bar down; the fuzz tests look for this.
    return { ok: false, error: { message: `${INTERNAL_ERROR} ${e instanceof Error ? e.message : String(e)}`, start: 0, end: text.length } };
  }
}

/** Only checks a filter, for the filter bar's red/green state. */
export function checkFilter(text: string, registry: FieldRegistry): FilterError | null {
  const r = compileFilter(text, registry);
  return r.ok ? null : r.error;
}

/**
 * Runs a compiled filter over frames: owns a FilterSink that keeps only the filter's fields,
 * dissects each frame into it (no tree, no columns) and evaluates the predicate.
 */
export class FilterRunner {
  readonly sink: FilterSink;

  constructor(
    readonly filter: CompiledFilter,
    idLimit: number = fieldIdLimit(),
  ) {
    this.sink = new FilterSink(filter.fields, idLimit);
  }

  /**
   * A session pruned for this filter: it skips protocols that can add none of the filter's
   * fields, so it serves this runner's passes only (never trees or other filters).
   */
  newSession(engine: DissectionEngine): CaptureSession {
    return engine.newSession({ wanted: this.filter.fields });
  }

  /** Dissects `frame` in `session` (frames in order on a first pass) and tests it. */
  run(session: CaptureSession, frame: FrameRecord): boolean {
    const sink = this.sink;
    sink.reset();
    session.dissect(frame, sink, false);
    return this.filter.matches(sink, frame.bytes);
  }

  /** Tests the sink as the caller filled it (for passes that dissect once for several filters). */
  test(frameBytes: Uint8Array): boolean {
    return this.filter.matches(this.sink, frameBytes);
  }
}
