/**
 * Packet-list coloring as Wireshark does it (epan/color_filters.c): rules tried in order, the first
 * that matches colours the row. Each rule is one of our display filters, compiled once against the
 * registry. Wireshark knows every protocol the default rules name; we dissect fewer, and a name we
 * do not know can never be present in our frames. So, rather than disable "ICMP" for naming
 * `icmpv6`, such a name is read as absent: a test on an unknown field, or a bare unknown protocol,
 * becomes an always-false test (`!pim` then holds, as it would in Wireshark on these frames). A rule
 * that still does not compile is disabled with its error, as Wireshark disables a bad rule.
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
  /** Names in the rule this build does not dissect, read as absent. */
  readonly absent: readonly string[];
}

/** Always false: frame numbers start at 1. */
const NEVER = '(frame.number == 0)';
const KEYWORDS = new Set(['and', 'or', 'not', 'xor', 'in', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'contains', 'matches', 'any', 'all']);

/** The filter with every name the registry lacks replaced by an always-false test, and those names. */
export function absentAsFalse(filter: string, fields: FieldRegistry): { readonly text: string; readonly absent: string[] } {
  const absent: string[] = [];
  const unknown = (name: string) => !KEYWORDS.has(name) && fields.get(name) === undefined;
  // A comparison on an unknown field (with its value): false when the field is absent.
  const cmp = /("[^"]*")|\b([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=|===|!==|<=|>=|<|>|\beq\b|\bne\b|\bgt\b|\blt\b|\bge\b|\ble\b|\bin\b|\bcontains\b|\bmatches\b)\s*(\{[^}]*\}|"[^"]*"|[A-Za-z0-9_.:/-]+)/g;
  let text = filter.replace(cmp, (whole, quoted: string | undefined, name: string) => {
    if (quoted !== undefined || !unknown(name)) return whole;
    absent.push(name);
    return NEVER;
  });
  text = text.replace(/("[^"]*")|\b([A-Za-z_][A-Za-z0-9_.]*)\b/g, (whole, quoted: string | undefined, name: string) => {
    if (quoted !== undefined || !unknown(name)) return whole;
    absent.push(name);
    return NEVER;
  });
  return { text, absent: [...new Set(absent)] };
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
      const direct = compileFilter(spec.filter, fields);
      const adapted = direct.ok ? null : absentAsFalse(spec.filter, fields);
      const c = adapted ? compileFilter(adapted.text, fields) : direct;
      compiled.push(c.ok ? c.filter : null);
      rules.push({ ...spec, enabled: c.ok, disabledBecause: c.ok ? null : c.error.message, absent: adapted?.absent ?? [] });
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
