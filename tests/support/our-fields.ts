import { fieldIdLimit } from '../../core/dissect/field.ts';
import { createDefaultEngine } from '../../core/dissect/protocols/index.ts';
import { FilterSink } from '../../core/dissect/sink.ts';
import { readCapture } from '../../core/pcap/capture-reader.ts';
import { DEFAULT_FIELDS_OPTIONS, fieldsLine } from '../../main/cli/fields-output.ts';

/**
 * Our answer to `tshark -r FILE -T fields -e F1 -e F2 …` (occurrence=a, tab-separated), for
 * comparing with tsharkFields row by row: one pass, like tshark without -2.
 */
export function ourFields(pcapng: Uint8Array, names: readonly string[]): string[][] {
  const engine = createDefaultEngine();
  const defs = names.map((n) => {
    const d = engine.fields.get(n);
    if (!d) throw new Error(`unknown field ${n}`);
    return d;
  });
  const sink = new FilterSink(defs, fieldIdLimit());
  const session = engine.newSession();
  const rows: string[][] = [];
  for (const record of readCapture(pcapng).records) {
    sink.reset();
    session.dissect(record.toFrameRecord(), sink, false);
    rows.push(fieldsLine(defs, sink, DEFAULT_FIELDS_OPTIONS).split('\t'));
  }
  return rows;
}
