import type { FieldDef } from './field.ts';
import type { Heuristic, ProtocolModule } from './protocol.ts';
import { BoundsError, type DissectContext } from './context.ts';
import { Group, Severity, type Group as GroupT, type Severity as SeverityT } from './expert.ts';
import { WS, dataProtocol } from './builtin.ts';

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
  private readonly byName = new Map<string, ProtocolModule>();
  private readonly heuristics = new Map<string, HeuristicEntry[]>();

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
  }

  lookup(table: string, key: number): ProtocolModule | undefined {
    return this.byKey.get(table)?.get(key);
  }

  protocol(abbrev: string): ProtocolModule | undefined {
    return this.byName.get(abbrev);
  }

  call(ctx: DissectContext, table: string, key: number, offset: number, end: number, data?: unknown): boolean {
    const m = this.byKey.get(table)?.get(key);
    if (!m) return false;
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
    for (const h of list) {
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

  callData(ctx: DissectContext, offset: number, end: number): void {
    if (end <= offset) return;
    const m = this.byName.get('data') ?? dataProtocol;
    this.run(ctx, m, offset, end, undefined);
  }

  /**
   * Runs one protocol's dissector. A read past the captured bytes ends this protocol (and those it
   * called) the way a tvbuff exception does in Wireshark: the tree gets a Malformed or Short marker.
   */
  run(ctx: DissectContext, m: ProtocolModule, offset: number, end: number, data: unknown): void {
    // A pruned filter pass skips protocols whose whole sub-tree can add no wanted field; the
    // caller still sees the hand-off as taken.
    const skip = ctx.skip;
    if (skip !== null && skip[m.proto.id] === 1) return;
    const outer = ctx.currentProtocol;
    ctx.currentProtocol = m.abbrev;
    const depth = ctx.sink.depth;
    try {
      m.dissect(ctx, offset, end, data);
    } catch (e) {
      if (!(e instanceof BoundsError)) throw e;
      // Close the subtrees this protocol opened; the marker goes where its caller's items go.
      ctx.sink.unwindTo(depth);
      this.markBounds(ctx, m, e);
    } finally {
      ctx.currentProtocol = outer;
    }
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
    let any = false;
    for (const m of modules) {
      if (!needed.has(m) && m.abbrev !== 'frame') {
        skip[m.proto.id] = 1;
        any = true;
      }
    }
    return any ? skip : null;
  }

  private markBounds(ctx: DissectContext, m: ProtocolModule, e: BoundsError): void {
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
    ctx.label(`Expert Info (${severityName(severity)}/${groupName(group)}): ${message}`);
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

function severityName(s: number): string {
  return WS.expertSeverity.strings?.[s] ?? String(s);
}

function groupName(g: number): string {
  return WS.expertGroup.strings?.[g] ?? String(g);
}
