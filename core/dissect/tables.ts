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
