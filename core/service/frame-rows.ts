/**
 * Packet-list rows built from a binary page's records (frame-page.ts), where the page is drawn:
 * the same dissectors, summary columns and coloring rules as the worker's list (capture-query.ts
 * rowsWith, capture-list.ts), over one frame at a time.
 *
 * A row built from one frame alone equals the worker's row only when its dissection needs nothing
 * from other frames. Wireshark's cross-frame state lives, here as there, in the capture session:
 * the first frame's time (given: the page carries the worker's `originNs`), and each protocol's
 * store in `CaptureState` (IPv4 reassembly, TCP sequence analysis, ICMP and DNS request/response
 * matching, HTTP, ARP, ESP…). The builder watches which stores a frame's dissection opens: a frame
 * that opens any store but the ones listed in SELF_CONTAINED (whose contents reach no column and
 * no field a coloring rule reads) gets no row here — its row must come from the worker, which
 * built it in the capture's own session (`captureRows`).
 */
import type { CaptureSession, DissectionEngine } from '../dissect/engine.ts';
import type { FrameRecord } from '../dissect/frame-record.ts';
import { createDefaultEngine } from '../dissect/protocols/index.ts';
import { timeColumn } from '../dissect/summary.ts';
import { DIRECTION_CODE } from '../fabric/capture/capture-point.ts';
import { frameComment } from '../fabric/capture/frame-comment.ts';
import type { ListRow } from './capture-list.ts';
import { Coloring } from './coloring.ts';
import type { FrameEntry } from './frame-page.ts';

/**
 * Session stores whose contents no column nor any default coloring rule reads: UDP's stream index
 * and per-stream times (udp.stream, udp.time_*), and the VLAN id of the frame being dissected.
 */
export const SELF_CONTAINED: ReadonlySet<string> = new Set(['udp', 'vlan']);

const LINKTYPE_ETHERNET = 1;

/** Rows one session builds before a fresh one is made (the stores of the frames seen so far are dropped). */
const SESSION_ROWS = 4096;

export class FrameRowBuilder {
  readonly coloring: Coloring;
  /** Rows built here, and frames sent to the worker instead (for the benchmark and tests). */
  built = 0;
  deferred = 0;
  private session: CaptureSession | null = null;
  private sessionRows = 0;
  private crossFrame = false;

  constructor(private readonly engine: DissectionEngine = createDefaultEngine()) {
    this.coloring = new Coloring(engine.fields);
  }

  /**
   * The row of a page entry, or null when its columns depend on other frames (ask the worker).
   * `originNs` is the page's: the time the Time column counts from.
   *
   * Frames are dissected one by one in a session of this builder's, each as if first seen
   * (`lastFrameNumber` reset). What one frame leaves in the session cannot reach another's row:
   * a row is only kept when its dissection opened no store but the self-contained ones, so it read
   * nothing another frame wrote but those.
   */
  build(e: FrameEntry, originNs: number): ListRow | null {
    if (this.session === null || this.sessionRows >= SESSION_ROWS) {
      this.session = this.engine.newSession();
      this.sessionRows = 0;
      watchStores(this.session, () => (this.crossFrame = true));
    }
    const session = this.session;
    this.sessionRows++;
    this.crossFrame = false;
    const st = session.state;
    const firstSec = Math.floor(originNs / 1e9);
    st.firstSec = firstSec;
    st.firstNsec = originNs - firstSec * 1e9;
    st.lastFrameNumber = 0;
    const tsSec = Math.floor(e.timeNs / 1e9);
    const record: FrameRecord = {
      number: e.number,
      bytes: e.bytes,
      originalLength: e.originalLength,
      tsSec,
      tsNsec: e.timeNs - tsSec * 1e9,
      interfaceId: e.pointId,
      linkType: LINKTYPE_ETHERNET,
      interfaceName: e.point,
      interfaceDescription: e.pointDescription,
      flags: DIRECTION_CODE[e.direction],
      comments: [frameComment(e.traceId, e.hop, e.verdict, e.reason, e.rule === null ? null : { kind: 'substrate', name: '', index: -1, text: e.rule, origin: null })],
    };
    const sink = this.coloring.sink;
    sink.reset();
    const result = session.dissect(record, sink, true);
    if (this.crossFrame) {
      this.deferred++;
      return null;
    }
    this.built++;
    const columns = result.columns;
    return {
      number: e.number,
      time: timeColumn(session, record),
      source: columns.src,
      destination: columns.dst,
      protocol: columns.protocol,
      length: e.originalLength,
      info: columns.info,
      pointId: e.pointId,
      point: e.point,
      direction: e.direction,
      traceId: e.traceId,
      hop: e.hop,
      verdict: e.verdict,
      reason: e.reason,
      rule: e.rule,
      timeNs: e.timeNs,
      deltaDisplayedNs: e.deltaDisplayedNs,
      coloring: this.coloring.match(e.bytes),
    };
  }
}

/** Calls `opened` when the dissection opens a session store other than the self-contained ones. */
function watchStores(session: CaptureSession, opened: () => void): void {
  const state = session.state;
  const get = state.get.bind(state);
  state.get = <T>(key: string, create: () => T): T => {
    if (!SELF_CONTAINED.has(key)) opened();
    return get(key, create);
  };
}
