import type { FieldDef } from './field.ts';
import type { FieldSink } from './sink.ts';
import type { Heuristic, ProtocolModule } from './protocol.ts';
import * as contextModule from './context.ts';
import type { BoundsError as BoundsErrorT, DissectContext } from './context.ts';
import { Group, Severity, type Group as GroupT, type Severity as SeverityT } from './expert.ts';
import * as builtin from './builtin.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { BoundsError } = contextModule;
const { WS, dataProtocol } = builtin;

/**
 * A dissector table's name resolved once: call sites keep one (`const ETHERTYPE =
 * tableRef('ethertype')`) and pass it to `ctx.callTable` instead of the string, which spares a
 * name lookup per call. Refs are global; every engine's tables are reachable through them.
 */
export class TableRef {
  constructor(
    readonly name: string,
    /** Index into each engine's table array. */
    readonly slot: number,
  ) {}
}

const tableRefs = new Map<string, TableRef>();

/** The ref for a table name (the same object for the same name). */
export function tableRef(name: string): TableRef {
  let ref = tableRefs.get(name);
  if (ref === undefined) tableRefs.set(name, (ref = new TableRef(name, tableRefs.size)));
  return ref;
}

interface HeuristicEntry {
  readonly module: ProtocolModule;
  readonly test: Heuristic;
}

/**
 * Dissector tables (Wireshark's `ethertype`, `ip.proto`, `udp.port`, …): protocols find each other
 * only through these, so a protocol file never calls another's code. Frozen once built.
 */
export class DissectorTables {
  private readonly byKey = new Map<string, Map<number, ProtocolModule>>();
  /** The same tables for lookups: keys below 2^16 (ports, EtherTypes, IP protocols) index an array. */
  private readonly dense = new Map<string, DenseTable>();
  /** The same, indexed by TableRef slot. */
  private readonly bySlot: (DenseTable | undefined)[] = [];
  private readonly byName = new Map<string, ProtocolModule>();
  private readonly heuristics = new Map<string, HeuristicEntry[]>();
  private readonly dataModule: ProtocolModule;

  constructor(modules: readonly ProtocolModule[]) {
    for (const m of modules) {
      if (this.byName.has(m.abbrev)) throw new Error(`protocol ${m.abbrev} registered twice`);
      this.byName.set(m.abbrev, m);
      for (const [table, key] of m.handoffs) {
        let t = this.byKey.get(table);
        if (!t) this.byKey.set(table, (t = new Map()));
        t.set(key, m);
      }
      for (const [table, test] of m.heuristics) {
        let list = this.heuristics.get(table);
        if (!list) this.heuristics.set(table, (list = []));
        list.push({ module: m, test });
      }
    }
    for (const [name, t] of this.byKey) {
      const dense = new DenseTable(t);
      this.dense.set(name, dense);
      const slot = tableRef(name).slot;
      while (this.bySlot.length <= slot) this.bySlot.push(undefined);
      this.bySlot[slot] = dense;
    }
    this.dataModule = this.byName.get('data') ?? dataProtocol;
  }

  lookup(table: string | TableRef, key: number): ProtocolModule | undefined {
    return this.table(table)?.get(key);
  }

  private table(table: string | TableRef): DenseTable | undefined {
    return typeof table === 'string' ? this.dense.get(table) : this.bySlot[table.slot];
  }

  protocol(abbrev: string): ProtocolModule | undefined {
    return this.byName.get(abbrev);
  }

  call(ctx: DissectContext, table: string | TableRef, key: number, offset: number, end: number, data?: unknown): boolean {
    const t = typeof table === 'string' ? this.dense.get(table) : this.bySlot[table.slot];
    if (t === undefined) return false;
    const m = t.get(key);
    if (m === undefined) return false;
    this.run(ctx, m, offset, end, data);
    return true;
  }

  callByName(ctx: DissectContext, abbrev: string, offset: number, end: number, data?: unknown): boolean {
    const m = this.byName.get(abbrev);
    if (!m) return false;
    this.run(ctx, m, offset, end, data);
    return true;
  }

  callHeuristics(ctx: DissectContext, table: string, offset: number, end: number): boolean {
    const list = this.heuristics.get(table);
    if (!list) return false;
    const skip = ctx.skip;
    for (let i = 0; i < list.length; i++) {
      const h = list[i];
      // A pruned pass need not test a skipped heuristic when nothing after it (the later
      // heuristics, then the callers' fallback, `data`) can add a field: the outcome is unseen.
      if (skip !== null && skip[h.module.proto.id] === 1 && this.restSkipped(list, i + 1, skip)) return false;
      let taken = false;
      try {
        taken = h.test(ctx, offset, end);
      } catch (e) {
        if (!(e instanceof BoundsError)) throw e;
      }
      if (taken) {
        this.run(ctx, h.module, offset, end, undefined);
        return true;
      }
    }
    return false;
  }

  private restSkipped(list: readonly HeuristicEntry[], from: number, skip: Uint8Array): boolean {
    if (skip[this.dataModule.proto.id] !== 1) return false;
    for (let i = from; i < list.length; i++) if (skip[list[i].module.proto.id] !== 1) return false;
    return true;
  }

  callData(ctx: DissectContext, offset: number, end: number): void {
    if (end <= offset) return;
    this.run(ctx, this.dataModule, offset, end, undefined);
  }

  /**
   * Runs one protocol's dissector. A read past the captured bytes ends this protocol (and those it
   * called) the way a tvbuff exception does in Wireshark: the tree gets a Malformed or Short marker.
   */
  run(ctx: DissectContext, m: ProtocolModule, offset: number, end: number, data: unknown): void {
    // A pruned filter pass skips protocols whose whole sub-tree can add no wanted field; the
    // caller still sees the hand-off as taken.
    const skip = ctx.skip;
    const id = m.proto.id;
    if (skip !== null && skip[id] === 1) return;
    const outer = ctx.currentProtocol;
    const outerFull = ctx.full;
    const outerTracks = ctx.tracks;
    ctx.currentProtocol = m.abbrev;
    const wanted = ctx.fieldsWanted;
    ctx.full = wanted === null || wanted[id] === 1;
    const untracked = ctx.untracked;
    ctx.tracks = untracked === null || untracked[id] !== 1;
    const depth = ctx.sinkDepth;
    try {
      m.dissect(ctx, offset, end, data);
    } catch (e) {
      if (!(e instanceof BoundsError)) throw e;
      // Close the subtrees this protocol opened; the marker goes where its caller's items go.
      ctx.unwindTo(depth);
      this.markBounds(ctx, m, e);
    } finally {
      ctx.currentProtocol = outer;
      ctx.full = outerFull;
      ctx.tracks = outerTracks;
    }
  }

  /**
   * Which protocols `sink` wants items from, indexed by the protocol item's field id (1 = some
   * field of the protocol's own is wanted), or null when it keeps everything (a tree). Dissectors
   * skip adding their own fields when none is wanted (DissectContext.full).
   */
  fieldsWantedMask(sink: FieldSink, idLimit: number): Uint8Array | null {
    if (sink.keepsLabels) return null;
    const mask = new Uint8Array(idLimit);
    for (const m of this.byName.values()) {
      let any = m.calls === null;
      for (const f of Object.values(m.fields)) if (sink.wants(f)) any = true;
      mask[m.proto.id] = any ? 1 : 0;
    }
    return mask;
  }

  /**
   * Protocols a filter pass wanting only `wanted` may skip, as a mask indexed by the protocol
   * item's field id (1 = skip), or null when nothing may be skipped. A protocol is needed when it
   * or anything it can reach through the tables, heuristics and by-name calls it declares adds a
   * wanted field; undeclared protocols are always needed. `_ws.*` and frame.protocols turn pruning
   * off (every protocol contributes to them), as do Ethernet/VLAN padding and trailers (they
   * depend on the length the network layer reports back).
   */
  pruneMask(wanted: Iterable<FieldDef>, idLimit: number): Uint8Array | null {
    return this.pruneMasks(wanted, idLimit)?.skip ?? null;
  }

  /**
   * The masks of a pruned filter pass: `skip` (see pruneMask) and `untracked`, the protocols that
   * may skip their conversation tracking (see ConversationState): they declare it, every wanted
   * field of theirs is stateless, and, when their hand-off depends on the state, no protocol they
   * can hand on to runs. Null when nothing may be pruned.
   */
  pruneMasks(wanted: Iterable<FieldDef>, idLimit: number): { skip: Uint8Array; untracked: Uint8Array } | null {
    const want = new Uint8Array(idLimit);
    for (const f of wanted) {
      if (f.protocol === '_ws' || f.abbrev === 'frame.protocols') return null;
      if (f.abbrev === 'eth.padding' || f.abbrev === 'eth.trailer' || f.protocol === 'vlan') return null;
      want[f.id] = 1;
    }
    const modules = [...this.byName.values()];
    const owns = (m: ProtocolModule): boolean => {
      if (want[m.proto.id]) return true;
      for (const f of Object.values(m.fields)) if (want[f.id]) return true;
      for (const f of m.calls?.fields ?? []) if (want[f.id]) return true;
      return false;
    };
    const edges = new Map<ProtocolModule, ProtocolModule[]>();
    for (const m of modules) {
      const out: ProtocolModule[] = [];
      for (const t of m.calls?.tables ?? []) {
        for (const target of this.byKey.get(t)?.values() ?? []) out.push(target);
        for (const h of this.heuristics.get(t) ?? []) out.push(h.module);
      }
      for (const name of m.calls?.protocols ?? []) {
        const target = this.byName.get(name);
        if (target) out.push(target);
      }
      edges.set(m, out);
    }
    const needed = new Set<ProtocolModule>();
    for (const m of modules) if (m.calls === null || owns(m)) needed.add(m);
    for (let changed = true; changed; ) {
      changed = false;
      for (const m of modules) {
        if (needed.has(m)) continue;
        if (edges.get(m)!.some((t) => needed.has(t))) {
          needed.add(m);
          changed = true;
        }
      }
    }
    const skip = new Uint8Array(idLimit);
    const untracked = new Uint8Array(idLimit);
    let any = false;
    for (const m of modules) {
      if (!needed.has(m) && m.abbrev !== 'frame') {
        skip[m.proto.id] = 1;
        any = true;
        continue;
      }
      const state = m.state;
      if (!state) continue;
      if (state.handoff && edges.get(m)!.some((t) => needed.has(t))) continue;
      const stateless = new Set(state.stateless);
      let free = true;
      for (const f of Object.values(m.fields)) if (want[f.id] && !stateless.has(f)) free = false;
      if (free) {
        untracked[m.proto.id] = 1;
        any = true;
      }
    }
    return any ? { skip, untracked } : null;
  }

  private markBounds(ctx: DissectContext, m: ProtocolModule, e: BoundsErrorT): void {
    if (e.kind === 'short') {
      ctx.value(WS.short, e.offset, 0, null);
      ctx.label(`[Packet size limited during capture: ${m.short} truncated]`);
      return;
    }
    ctx.value(WS.malformed, e.offset, 0, null);
    ctx.label(`[Malformed Packet: ${m.short}]`);
    ctx.enter();
    this.addExpertItems(ctx, Severity.error, Group.malformed, 'Malformed Packet (Exception occurred)', e.offset, 0);
    ctx.leave();
    ctx.expertInfos.push({
      severity: Severity.error,
      group: Group.malformed,
      message: 'Malformed Packet (Exception occurred)',
      protocol: m.abbrev,
      offset: e.offset,
      length: 0,
    });
    // Wireshark appends without a separator (show_exception.c): `Encapsulated IPv4[Malformed Packet]`.
    if (ctx.wantColumns && !ctx.columns.info.endsWith('[Malformed Packet]')) ctx.columns.info += '[Malformed Packet]';
  }

  /** The `_ws.expert` subtree Wireshark adds for every expert item, so filters can select them. */
  addExpertItems(
    ctx: DissectContext,
    severity: SeverityT,
    group: GroupT,
    message: string,
    offset: number,
    length: number,
    field?: FieldDef,
  ): void {
    ctx.value(WS.expert, offset, length, null);
    if (ctx.tree) ctx.label(`Expert Info (${severityName(severity)}/${groupName(group)}): ${message}`);
    ctx.enter();
    if (field) {
      ctx.value(field, offset, length, null);
      ctx.label(message);
    }
    ctx.value(WS.expertMessage, offset, length, message);
    ctx.value(WS.expertSeverity, offset, length, severity);
    ctx.value(WS.expertGroup, offset, length, group);
    ctx.leave();
  }
}

/** One dissector table for lookups: an array for keys below 2^16, a map for the rest. */
class DenseTable {
  private readonly small: (ProtocolModule | undefined)[];
  private readonly large = new Map<number, ProtocolModule>();

  constructor(entries: ReadonlyMap<number, ProtocolModule>) {
    let max = -1;
    for (const key of entries.keys()) if (Number.isInteger(key) && key >= 0 && key < 0x10000 && key > max) max = key;
    this.small = new Array<ProtocolModule | undefined>(max + 1).fill(undefined);
    for (const [key, m] of entries) {
      if (Number.isInteger(key) && key >= 0 && key <= max) this.small[key] = m;
      else this.large.set(key, m);
    }
  }

  get(key: number): ProtocolModule | undefined {
    if (key >= 0 && key < this.small.length) {
      // an integer below 2^16 here; other numbers (1.5) miss the array and try the map
      const m = this.small[key];
      if (m !== undefined || Number.isInteger(key)) return m;
    }
    return this.large.size === 0 ? undefined : this.large.get(key);
  }
}

function severityName(s: number): string {
  return WS.expertSeverity.strings?.[s] ?? String(s);
}

function groupName(g: number): string {
  return WS.expertGroup.strings?.[g] ?? String(g);
}
