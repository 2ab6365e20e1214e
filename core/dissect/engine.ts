import type { ProtocolModule } from './protocol.ts';
import { DissectorTables } from './tables.ts';
import { FieldRegistry } from './registry.ts';
import { CaptureState } from './capture-state.ts';
import { DissectContext } from './context.ts';
import type { FrameRecord } from './frame-record.ts';
import { TreeSink, type FieldSink } from './sink.ts';
import { FRAME, frameProtocol, pktCommentProtocol } from './frame.ts';
import { WS, dataProtocol } from './builtin.ts';

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

  newSession(): CaptureSession {
    return new CaptureSession(this);
  }
}

/** What one frame's dissection produced besides the fields: read it before the next frame. */
export type DissectResult = DissectContext;

/** Dissects the frames of one capture in order, keeping conversation state between them. */
export class CaptureSession {
  readonly state = new CaptureState();
  private readonly ctx: DissectContext;

  constructor(readonly engine: DissectionEngine) {
    this.ctx = new DissectContext(engine.tables, this.state);
  }

  /**
   * Dissects one frame into `sink`. Columns are computed only when asked (the packet list wants
   * them, a filter pass does not). Never throws for any bytes.
   */
  dissect(frame: FrameRecord, sink: FieldSink, columns = true): DissectResult {
    const ctx = this.ctx;
    ctx.reset(frame, sink, columns);
    this.engine.tables.run(ctx, frameProtocol, 0, frame.bytes.length, undefined);
    if (sink instanceof TreeSink) {
      const node = findProtocolsNode(sink);
      // frame.protocols leaves out `frame` itself, as Wireshark does.
      if (node) node.value = ctx.protocols.slice(1).join(':');
    } else if (sink.wants(FRAME.protocols)) {
      sink.add(FRAME.protocols, 0, 0, ctx.protocols.slice(1).join(':'));
    }
    if (frame.number > this.state.lastFrameNumber) this.state.lastFrameNumber = frame.number;
    return ctx;
  }

  /** Full tree of one frame, for the detail and hex panes or `-V`. */
  tree(frame: FrameRecord): { tree: TreeSink; result: DissectResult } {
    const tree = new TreeSink();
    const result = this.dissect(frame, tree, true);
    return { tree, result };
  }
}

function findProtocolsNode(sink: TreeSink) {
  const frameNode = sink.root.children.find((n) => n.field === frameProtocol.proto);
  return frameNode?.children.find((n) => n.field === FRAME.protocols);
}
