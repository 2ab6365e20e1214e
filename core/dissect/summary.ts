import type { CaptureSession, DissectResult } from './engine.ts';
import type { FrameRecord } from './frame-record.ts';
import { NullSink } from './sink.ts';

/** One row of the packet list: Wireshark's default columns. */
export interface PacketSummary {
  readonly number: number;
  /** Seconds since the first frame, nine decimals (Wireshark's default time column). */
  readonly time: string;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
}

/** Dissects a frame for its columns only (no fields kept) and returns its packet-list row. */
export function summarize(session: CaptureSession, frame: FrameRecord): PacketSummary {
  return summaryOf(session, frame, session.dissect(frame, NullSink.instance, true));
}

/** The row for a frame just dissected with columns on (read before the next frame is dissected). */
export function summaryOf(session: CaptureSession, frame: FrameRecord, result: DissectResult): PacketSummary {
  return {
    number: frame.number,
    time: timeColumn(session, frame),
    source: result.columns.src,
    destination: result.columns.dst,
    protocol: result.columns.protocol,
    length: frame.originalLength,
    info: result.columns.info,
  };
}

/** The Time column of a frame: seconds since the first frame the session's first pass saw. */
export function timeColumn(session: CaptureSession, frame: FrameRecord): string {
  const st = session.state;
  return formatSeconds((frame.tsSec - st.firstSec) * 1e9 + (frame.tsNsec - st.firstNsec));
}

function formatSeconds(ns: number): string {
  const neg = ns < 0;
  const abs = Math.abs(ns);
  const sec = Math.floor(abs / 1e9);
  const frac = Math.round(abs - sec * 1e9);
  return `${neg ? '-' : ''}${sec}.${String(frac).padStart(9, '0')}`;
}
