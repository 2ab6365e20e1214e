/**
 * A captured frame as the dissector sees it (core/dissect's FrameRecord), read from the store into
 * one reused object: a pass over many frames allocates only the bytes view per frame. The packet
 * comment (frame-comment.ts) is built on first access only, so filter passes that never look at
 * `frame.comment` do not format a string per frame; the capture point is the interface.
 */
import type { FrameRecord } from '../../dissect/frame-record.ts';
import { emptyFrame, type CaptureStore, type CapturedFrame } from './capture-store.ts';
import { DIRECTION_CODE } from './capture-point.ts';
import { frameComment } from './frame-comment.ts';

const LINKTYPE_ETHERNET = 1;

export class CaptureFrameRecord implements FrameRecord {
  number = 0;
  bytes: Uint8Array = new Uint8Array(0);
  originalLength = 0;
  tsSec = 0;
  tsNsec = 0;
  interfaceId = 0;
  linkType = LINKTYPE_ETHERNET;
  interfaceName: string | undefined = undefined;
  interfaceDescription: string | undefined = undefined;
  flags: number | undefined = 0;
  private readonly meta = emptyFrame();
  private commentList: readonly string[] | null = null;

  constructor(private readonly store: CaptureStore) {}

  /** The capture metadata of the loaded frame (trace, hop, verdict, reason, rule). */
  get captured(): CapturedFrame {
    return this.meta;
  }

  get comments(): readonly string[] {
    if (this.commentList === null) {
      const m = this.meta;
      this.commentList = [frameComment(m.traceId, m.hop, m.verdict, m.reason, m.rule)];
    }
    return this.commentList;
  }

  /** Loads frame `n`; false when it is not held. */
  load(n: number): boolean {
    const m = this.meta;
    if (!this.store.read(n, m)) return false;
    const sec = Math.floor(m.timeNs / 1e9);
    this.number = n;
    this.bytes = m.bytes;
    this.originalLength = m.originalLength;
    this.tsSec = sec;
    this.tsNsec = m.timeNs - sec * 1e9;
    this.interfaceId = m.pointId;
    const point = this.store.point(m.pointId);
    this.interfaceName = point.name;
    this.interfaceDescription = point.description;
    this.flags = DIRECTION_CODE[m.direction];
    this.commentList = null;
    return true;
  }
}
