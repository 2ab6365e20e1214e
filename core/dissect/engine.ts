import type { ProtocolModule } from './protocol.ts';
import { fieldIdLimit, type FieldDef } from './field.ts';
import { DissectorTables } from './tables.ts';
import { FieldRegistry } from './registry.ts';
import { CaptureState } from './capture-state.ts';
import { DissectContext } from './context.ts';
import type { FrameRecord } from './frame-record.ts';
import { TreeSink, type FieldSink } from './sink.ts';
import * as frameModule from './frame.ts';
import { WS, dataProtocol } from './builtin.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { FRAME, frameProtocol, pktCommentProtocol } = frameModule;

/**
 * The dissection engine: the protocol modules, their tables and field registry. Stateless itself;
 * each capture gets a session that carries conversation state from frame to frame.
 */
export class DissectionEngine {
  readonly tables: DissectorTables;
  readonly fields: FieldRegistry;

  constructor(modules: readonly ProtocolModule[]) {
    const all = [frameProtocol, pktCommentProtocol, dataProtocol, ...modules];
    this.tables = new DissectorTables(all);
    this.fields = new FieldRegistry(all, [WS]);
  }

  /**
   * A capture session. With `wanted` (a filter's fields), the session is pruned for that one pass:
   * protocols whose sub-tree can add none of those fields are not run (their conversation state is
   * then not kept), so it may only serve sinks wanting a subset of `wanted`, never trees; its
   * results list no expert infos (only an expert item's own wanted field is added).
   */
  newSession(options: SessionOptions = {}): CaptureSession {
    return new CaptureSession(this, options);
  }
}

export interface SessionOptions {
  /** Prune the session for a filter pass that wants only these fields (see newSession). */
  readonly wanted?: Iterable<FieldDef>;
}

/** What one frame's dissection produced besides the fields: read it before the next frame. */
export type DissectResult = DissectContext;

/** Dissects the frames of one capture in order, keeping conversation state between them. */
export class CaptureSession {
  readonly state = new CaptureState();
  private readonly ctx: DissectContext;

  /** Protocols skipped in this session (a pruned filter-pass session), or null. */
  readonly skip: Uint8Array | null;
  private lastSink: FieldSink | null = null;
  private sinkWantsComments = true;
  private sinkIsTree = false;
  private sinkWantsProtocols = false;

  constructor(
    readonly engine: DissectionEngine,
    options: SessionOptions = {},
  ) {
    this.ctx = new DissectContext(engine.tables, this.state);
    const masks = options.wanted ? engine.tables.pruneMasks(options.wanted, fieldIdLimit()) : null;
    this.skip = masks ? masks.skip : null;
    this.ctx.skip = this.skip;
    this.ctx.untracked = masks ? masks.untracked : null;
  }

  /** True when this session was pruned for a filter pass (it then refuses trees). */
  get pruned(): boolean {
    return this.skip !== null;
  }

  /**
   * Dissects one frame into `sink`. Columns are computed only when asked (the packet list wants
   * them, a filter pass does not). Never throws for any bytes.
   */
  dissect(frame: FrameRecord, sink: FieldSink, columns = true): DissectResult {
    const ctx = this.ctx;
    if (this.skip !== null && sink.keepsLabels) throw new Error('a session pruned for a filter pass cannot build trees');
    if (sink !== this.lastSink) {
      this.lastSink = sink;
      this.sinkWantsComments = sink.keepsLabels || COMMENT_FIELDS.some((f) => sink.wants(f));
      this.sinkIsTree = sink instanceof TreeSink;
      this.sinkWantsProtocols = sink.wants(FRAME.protocols);
      ctx.fieldsWanted = this.engine.tables.fieldsWantedMask(sink, fieldIdLimit());
    }
    ctx.reset(frame, sink, columns);
    // Comments (and their expert items) only when something can see them.
    ctx.wantComments = columns || this.sinkWantsComments;
    this.engine.tables.run(ctx, frameProtocol, 0, frame.bytes.length, undefined);
    if (this.sinkIsTree) {
      const node = findProtocolsNode(sink as TreeSink);
      // frame.protocols leaves out `frame` itself, as Wireshark does.
      if (node) node.value = ctx.protocols.slice(1).join(':');
    } else if (this.sinkWantsProtocols) {
      sink.add(FRAME.protocols, 0, 0, ctx.protocols.slice(1).join(':'));
    }
    if (frame.number > this.state.lastFrameNumber) this.state.lastFrameNumber = frame.number;
    return ctx;
  }

  /**
   * Counts frame `number` as passed in order without dissecting it: a filter pass took its outcome
   * from an earlier frame with the same bytes whose dissection read no state (SameBytesOutcomes),
   * so this one would have read and written none either.
   */
  passOver(number: number): void {
    if (number > this.state.lastFrameNumber) this.state.lastFrameNumber = number;
  }

  /** Full tree of one frame, for the detail and hex panes or `-V`. */
  tree(frame: FrameRecord): { tree: TreeSink; result: DissectResult } {
    const tree = new TreeSink();
    const result = this.dissect(frame, tree, true);
    return { tree, result };
  }
}

/** Fields the pkt_comment protocol contributes to: without any of them wanted, comments are not decoded. */
const COMMENT_FIELDS: readonly FieldDef[] = [
  pktCommentProtocol.proto,
  FRAME.comment,
  FRAME.commentExpert,
  FRAME.protocols,
  WS.expert,
  WS.expertMessage,
  WS.expertSeverity,
  WS.expertGroup,
];

function findProtocolsNode(sink: TreeSink) {
  const frameNode = sink.root.children.find((n) => n.field === frameProtocol.proto);
  return frameNode?.children.find((n) => n.field === FRAME.protocols);
}
