import { createDefaultEngine } from '../../core/dissect/protocols/index.ts';
import type { FieldDef } from '../../core/dissect/field.ts';
import { fieldIdLimit } from '../../core/dissect/field.ts';
import { FilterSink, NullSink } from '../../core/dissect/sink.ts';
import { summaryOf } from '../../core/dissect/summary.ts';
import { treeText } from '../../core/dissect/tree-text.ts';
import { compileFilter, type CompiledFilter } from '../../core/filter/index.ts';
import type { CaptureRecord } from '../../core/pcap/record.ts';
import { readCaptureFileSync } from '../capture-file.ts';
import { parseArgs, UsageError } from './args.ts';
import { DEFAULT_FIELDS_OPTIONS, fieldsLine, headerLine, parseFieldsOption, type FieldsOptions } from './fields-output.ts';
import type { Output } from './output.ts';
import { summaryLine } from './summary-line.ts';

export const READ_USAGE = `usage: underlay read FILE [options]

Reads a pcap or pcapng file the way tshark does.

  -r FILE            the capture file (or give it as the first argument)
  -Y FILTER          show only frames matching a Wireshark display filter
  -T fields          print chosen fields instead of summary lines (with -e)
  -e FIELD           a field to print with -T fields (repeatable)
  -E name=value      -T fields options: header=y|n, separator=/t|/s|c,
                     occurrence=f|l|a, aggregator=,|/s|c, quote=d|s|n
  -V                 print the full protocol tree of each frame
  -c N               stop after N matching frames
`;

const WITH_VALUE = new Set(['-r', '-Y', '-T', '-e', '-E', '-c']);
const BOOLEANS = new Set(['-V', '-h', '--help']);

/** A filter error as tshark prints it: the message, the filter, and a caret under the culprit. */
export function filterErrorText(filter: string, message: string, start: number, end: number): string {
  const width = Math.max(1, end - start);
  return `underlay: ${message}\n    ${filter}\n    ${' '.repeat(start)}^${'~'.repeat(width - 1)}`;
}

/** `underlay read`: returns the exit status (0 ok, 2 bad filter, file or usage, as tshark). */
export function readCommand(argv: readonly string[], out: Output, err: Output): number {
  let args;
  try {
    args = parseArgs(argv, WITH_VALUE, BOOLEANS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.line(`underlay read: ${e.message}\n\n${READ_USAGE}`);
    return 2;
  }
  if (args.flags.has('-h') || args.flags.has('--help')) {
    out.line(READ_USAGE);
    return 0;
  }
  const file = args.options.get('-r')?.at(-1) ?? args.positional[0];
  if (!file || args.positional.length > (args.options.has('-r') ? 0 : 1)) {
    err.line(`underlay read: give exactly one capture file\n\n${READ_USAGE}`);
    return 2;
  }
  const mode = args.options.get('-T')?.at(-1);
  if (mode !== undefined && mode !== 'fields') {
    err.line(`underlay read: -T ${mode} is not supported (use -T fields, or -V for the tree)`);
    return 2;
  }
  const limitText = args.options.get('-c')?.at(-1);
  const limit = limitText === undefined ? Infinity : Number(limitText);
  if (!(limit > 0) || !Number.isInteger(limit === Infinity ? 1 : limit)) {
    err.line(`underlay read: -c needs a positive whole number, not "${limitText}"`);
    return 2;
  }

  const engine = createDefaultEngine();
  const registry = engine.fields;

  let filter: CompiledFilter | null = null;
  const filterText = args.options.get('-Y')?.at(-1);
  if (filterText !== undefined) {
    const compiled = compileFilter(filterText, registry);
    if (!compiled.ok) {
      err.line(filterErrorText(filterText, compiled.error.message, compiled.error.start, compiled.error.end));
      return 2;
    }
    if (!compiled.filter.matchesAll) filter = compiled.filter;
  }

  const fields: FieldDef[] = [];
  const fieldsOpts: FieldsOptions = { ...DEFAULT_FIELDS_OPTIONS };
  if (mode === 'fields') {
    const names = args.options.get('-e') ?? [];
    if (names.length === 0) {
      err.line('underlay read: -T fields needs at least one -e FIELD');
      return 2;
    }
    const unknown = names.filter((n) => !registry.get(n));
    if (unknown.length) {
      err.line(`underlay read: Some fields aren't valid:\n${unknown.map((n) => `\t${n}`).join('\n')}`);
      return 2;
    }
    for (const n of names) fields.push(registry.get(n)!);
    try {
      for (const spec of args.options.get('-E') ?? []) parseFieldsOption(fieldsOpts, spec);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err.line(`underlay read: ${e.message}`);
      return 2;
    }
    if (fieldsOpts.header) out.line(headerLine(fields, fieldsOpts));
  } else if (args.options.has('-e')) {
    err.line('underlay read: -e needs -T fields');
    return 2;
  }

  const session = engine.newSession();
  const verbose = args.flags.has('-V');
  // One sink keeps what the filter and the -e fields need, so each frame is dissected once.
  const sink = filter || fields.length ? new FilterSink([...(filter?.fields ?? []), ...fields], fieldIdLimit()) : null;
  let shown = 0;
  let stop = false;

  const summaries = mode !== 'fields' && !verbose;
  const onRecord = (rec: CaptureRecord) => {
    if (stop || out.closed) return;
    // Each frame is dissected once on this pass (columns only when summary lines are printed).
    sink?.reset();
    const result = session.dissect(rec, sink ?? NullSink.instance, summaries);
    if (filter && !filter.matches(sink!, rec.bytes)) return;
    if (mode === 'fields') {
      out.line(fieldsLine(fields, sink!, fieldsOpts));
    } else if (verbose) {
      // The tree pass re-dissects this frame; conversation state was recorded on the first pass.
      const frame = rec.toFrameRecord();
      const { tree } = session.tree(frame);
      for (const line of treeText(tree)) out.line(line);
      out.line('');
    } else {
      out.line(summaryLine(summaryOf(session, rec, result)));
    }
    if (++shown >= limit) stop = true;
  };

  // Nothing outlives a record's callback (a -V tree is printed at once), so read buffers are reused.
  const result = readCaptureFileSync(file, onRecord, { reuseBuffers: true });
  out.flush();
  if (result.error) {
    err.line(`underlay read: ${result.error.message}`);
    return 2;
  }
  return 0;
}
