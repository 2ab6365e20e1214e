import { allocateFieldId, type FieldDef, type FieldSpec } from './field.ts';
import type { DissectContext } from './context.ts';

/**
 * A dissector reads the bytes of its protocol in `[offset, end)` of the frame (absolute offsets, so
 * byte ranges in the tree are frame offsets the hex pane can use directly) and hands the payload on
 * through a dissector table. It may be given a small hand-off value by its caller.
 */
export type Dissector = (ctx: DissectContext, offset: number, end: number, data?: unknown) => void;

/** A heuristic sub-dissector: returns false without touching the tree when the bytes are not its own. */
export type Heuristic = (ctx: DissectContext, offset: number, end: number) => boolean;

export interface ProtocolSpec<F extends Record<string, FieldSpec>> {
  /** Filter name of the protocol itself: `udp`. */
  readonly abbrev: string;
  /** Long name for the tree: `User Datagram Protocol`. */
  readonly name: string;
  /** Short name for the Protocol column: `UDP`. */
  readonly short: string;
  readonly fields: F;
}

/** A protocol as the engine knows it: its field defs with ids, and how it is reached. */
export interface ProtocolModule<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  readonly abbrev: string;
  readonly name: string;
  readonly short: string;
  /** The protocol's own field (type 'protocol'): `udp`. */
  readonly proto: FieldDef;
  readonly fields: { readonly [K in keyof F]: FieldDef };
  /** Table entries that lead here: `[['udp.port', 6081]]`. */
  readonly handoffs: ReadonlyArray<readonly [table: string, key: number]>;
  /** Heuristic tables this protocol tries itself in: `[['tcp', isHttp]]`. */
  readonly heuristics: ReadonlyArray<readonly [table: string, test: Heuristic]>;
  readonly dissect: Dissector;
  /**
   * What the dissector may hand off to, for pruning filter passes (see DissectorTables.pruneMask);
   * null when undeclared: such a protocol is always run.
   */
  readonly calls: ProtocolCalls | null;
  /**
   * The conversation state the dissector keeps across frames, for pruned filter passes (see
   * ConversationState); null or absent when it keeps none or does not say.
   */
  readonly state?: ConversationState | null;
}

/**
 * What a dissector's conversation tracking (TCP streams, UDP streams, ICMP request/response)
 * affects. A session pruned for a filter pass that wants only `stateless` fields of the protocol —
 * and, when `handoff` is true, runs no protocol after it — lets the dissector skip the tracking
 * (DissectContext.tracks): nothing that pass can see depends on it.
 */
export interface ConversationState {
  /** The protocol's fields whose value and presence never depend on other frames. */
  readonly stateless: readonly FieldDef[];
  /** Whether the hand-off depends on the state (TCP does not hand retransmissions on). */
  readonly handoff: boolean;
}

/** Where a dissector's sub-tree can go: tables it calls, protocols it calls by name, foreign fields it adds. */
export interface ProtocolCalls {
  /** Dissector tables and heuristic lists it hands off through (`ethertype`, `udp.port`, `udp`). */
  readonly tables?: readonly string[];
  /** Protocols it calls by abbrev (callProtocol, tables.run, `data` for ctx.data). */
  readonly protocols?: readonly string[];
  /** Fields declared by another module that this dissector adds itself (Geneve adds `underlay.*`). */
  readonly fields?: readonly FieldDef[];
}

export interface ProtocolDefinition<F extends Record<string, FieldSpec>> extends ProtocolSpec<F> {
  readonly handoffs?: ReadonlyArray<readonly [table: string, key: number]>;
  readonly heuristics?: ReadonlyArray<readonly [table: string, test: Heuristic]>;
  readonly calls?: ProtocolCalls;
  readonly state?: ConversationState;
  readonly dissect: Dissector;
}

/** Fields of a protocol, with ids, before its dissector is attached (the dissector refers to them). */
export function defineFields<F extends Record<string, FieldSpec>>(
  protocol: string,
  fields: F,
): { readonly [K in keyof F]: FieldDef } {
  const out: Record<string, FieldDef> = {};
  for (const [key, spec] of Object.entries(fields)) {
    out[key] = makeField(spec, allocateFieldId(), protocol);
  }
  return Object.freeze(out) as { readonly [K in keyof F]: FieldDef };
}

/**
 * Declares a protocol once: its fields get ids, its dissector and hand-offs are attached. Usage:
 *
 *   const F = defineFields('udp', { srcport: { abbrev: 'udp.srcport', … } });
 *   export const udp = defineProtocol({ abbrev: 'udp', …, fields: F, dissect(ctx, off, end) { … } });
 */
export function defineProtocol<F extends Record<string, FieldDef>>(
  def: Omit<ProtocolDefinition<F>, 'fields'> & { readonly fields: F },
): ProtocolModule<F> {
  const proto: FieldDef = makeField({ abbrev: def.abbrev, name: def.name, type: 'protocol' }, allocateFieldId(), def.abbrev);
  return Object.freeze({
    abbrev: def.abbrev,
    name: def.name,
    short: def.short,
    proto,
    fields: def.fields as { readonly [K in keyof F]: FieldDef },
    handoffs: def.handoffs ?? [],
    heuristics: def.heuristics ?? [],
    dissect: def.dissect,
    calls: def.calls ?? null,
    state: def.state ?? null,
  });
}

/**
 * Every FieldDef gets the same properties in the same order (absent ones undefined), so the hot
 * paths' `field.id` and `field.mask` loads see one object shape. Properties not in FieldSpec are
 * kept after the common ones.
 */
function makeField(spec: FieldSpec, id: number, protocol: string): FieldDef {
  const f = {
    abbrev: spec.abbrev,
    name: spec.name,
    type: spec.type,
    bits: spec.bits,
    base: spec.base,
    mask: spec.mask,
    strings: spec.strings,
    trueFalse: spec.trueFalse,
    hidden: spec.hidden,
    generated: spec.generated,
    description: spec.description,
    id,
    protocol,
  };
  for (const [k, v] of Object.entries(spec)) if (!(k in f)) (f as Record<string, unknown>)[k] = v;
  return Object.freeze(f);
}
