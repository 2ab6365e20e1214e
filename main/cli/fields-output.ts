import type { FieldDef } from '../../core/dissect/field.ts';
import { formatValue } from '../../core/dissect/format.ts';
import type { FilterSink } from '../../core/dissect/sink.ts';
import { UsageError } from './args.ts';

/** tshark's `-E` options for `-T fields`. */
export interface FieldsOptions {
  header: boolean;
  separator: string;
  occurrence: 'f' | 'l' | 'a';
  aggregator: string;
  quote: '' | '"' | "'";
}

export const DEFAULT_FIELDS_OPTIONS: FieldsOptions = { header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };

/** Parses `-E name=value` as tshark does (`/t` tab, `/s` space for separator and aggregator). */
export function parseFieldsOption(opts: FieldsOptions, spec: string): void {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new UsageError(`invalid -E option "${spec}": expected name=value`);
  const name = spec.slice(0, eq);
  const value = spec.slice(eq + 1);
  const unslash = (v: string) => (v === '/t' ? '\t' : v === '/s' ? ' ' : v);
  switch (name) {
    case 'header':
      if (value !== 'y' && value !== 'n') throw new UsageError(`invalid -E header value "${value}": use y or n`);
      opts.header = value === 'y';
      return;
    case 'separator':
      opts.separator = unslash(value);
      return;
    case 'aggregator':
      opts.aggregator = unslash(value);
      return;
    case 'occurrence':
      if (value !== 'f' && value !== 'l' && value !== 'a') throw new UsageError(`invalid -E occurrence value "${value}": use f, l or a`);
      opts.occurrence = value;
      return;
    case 'quote':
      if (value === 'd') opts.quote = '"';
      else if (value === 's') opts.quote = "'";
      else if (value === 'n') opts.quote = '';
      else throw new UsageError(`invalid -E quote value "${value}": use d, s or n`);
      return;
    default:
      throw new UsageError(`invalid -E option "${name}"`);
  }
}

/** One output line: each field's occurrences joined by the aggregator, fields by the separator. */
export function fieldsLine(fields: readonly FieldDef[], sink: FilterSink, opts: FieldsOptions): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += opts.separator;
    const f = fields[i];
    const n = sink.count(f);
    let text = '';
    if (n > 0) {
      if (opts.occurrence === 'f') text = formatValue(f, sink.value(f, 0));
      else if (opts.occurrence === 'l') text = formatValue(f, sink.value(f, n - 1));
      else {
        for (let k = 0; k < n; k++) {
          if (k > 0) text += opts.aggregator;
          text += formatValue(f, sink.value(f, k));
        }
      }
    }
    line += opts.quote ? `${opts.quote}${text}${opts.quote}` : text;
  }
  return line;
}

export function headerLine(fields: readonly FieldDef[], opts: Pick<FieldsOptions, "separator">): string {
  // tshark does not quote the header line, even with -E quote.
  return fields.map((f) => f.abbrev).join(opts.separator);
}
