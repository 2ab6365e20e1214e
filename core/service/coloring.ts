/**
 * Packet-list coloring as Wireshark does it (epan/color_filters.c): rules tried in order, the first
 * that matches colours the row. Each rule is one of our display filters, compiled once against the
 * registry; a rule that does not compile (a protocol we do not dissect) is disabled with its error,
 * as Wireshark disables a bad rule.
 *
 * Evaluation piggybacks on the packet list's own dissection: `sink` keeps the union of the enabled
 * rules' fields, the row pass dissects into it (in the capture's full session, so stateful fields
 * like tcp.analysis see the first pass's state), then each rule tests the same sink.
 */
import type { FieldDef } from '../dissect/field.ts';
import { fieldIdLimit } from '../dissect/field.ts';
import type { FieldRegistry } from '../dissect/registry.ts';
import { FilterSink } from '../dissect/sink.ts';
import { compileFilter, type CompiledFilter } from '../filter/index.ts';
import { DEFAULT_COLORING_RULES, type ColoringRuleSpec } from './coloring-rules.ts';

export interface ColoringRule extends ColoringRuleSpec {
  /** False when the filter does not compile here; `disabledBecause` says why. */
  readonly enabled: boolean;
  readonly disabledBecause: string | null;
}

export class Coloring {
  readonly rules: readonly ColoringRule[];
  readonly sink: FilterSink;
  private readonly compiled: readonly (CompiledFilter | null)[];

  constructor(fields: FieldRegistry, specs: readonly ColoringRuleSpec[] = DEFAULT_COLORING_RULES) {
    const compiled: (CompiledFilter | null)[] = [];
    const rules: ColoringRule[] = [];
    const wanted = new Set<FieldDef>();
    for (const spec of specs) {
      const c = compileFilter(spec.filter, fields);
      compiled.push(c.ok ? c.filter : null);
      rules.push({ ...spec, enabled: c.ok, disabledBecause: c.ok ? null : c.error.message });
      if (c.ok) for (const f of c.filter.fields) wanted.add(f);
    }
    this.rules = rules;
    this.compiled = compiled;
    this.sink = new FilterSink(wanted, fieldIdLimit());
  }

  /** Index of the first rule matching what was just dissected into `sink`, or −1. */
  match(frameBytes: Uint8Array): number {
    for (let i = 0; i < this.compiled.length; i++) {
      const c = this.compiled[i];
      if (c !== null && c.matches(this.sink, frameBytes)) return i;
    }
    return -1;
  }
}
