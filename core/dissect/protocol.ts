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
}

export interface ProtocolDefinition<F extends Record<string, FieldSpec>> extends ProtocolSpec<F> {
  readonly handoffs?: ReadonlyArray<readonly [table: string, key: number]>;
  readonly heuristics?: ReadonlyArray<readonly [table: string, test: Heuristic]>;
  readonly dissect: Dissector;
}

/** Fields of a protocol, with ids, before its dissector is attached (the dissector refers to them). */
export function defineFields<F extends Record<string, FieldSpec>>(
  protocol: string,
  fields: F,
): { readonly [K in keyof F]: FieldDef } {
  const out: Record<string, FieldDef> = {};
  for (const [key, spec] of Object.entries(fields)) {
    out[key] = Object.freeze({ ...spec, id: allocateFieldId(), protocol });
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
  const proto: FieldDef = Object.freeze({
    abbrev: def.abbrev,
    name: def.name,
    type: 'protocol',
    id: allocateFieldId(),
    protocol: def.abbrev,
  });
  return Object.freeze({
    abbrev: def.abbrev,
    name: def.name,
    short: def.short,
    proto,
    fields: def.fields as { readonly [K in keyof F]: FieldDef },
    handoffs: def.handoffs ?? [],
    heuristics: def.heuristics ?? [],
    dissect: def.dissect,
  });
}
