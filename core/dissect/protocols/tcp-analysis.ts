/**
 * TCP conversation state and sequence analysis, after Wireshark 4.0's packet-tcp.c
 * (tcp_analyze_sequence_number and friends): relative sequence numbers, window scaling, ACK/RTT
 * matching, bytes in flight, retransmissions, duplicate ACKs, zero windows, keep-alives, and the
 * conversation completeness bits. Conditions and their order follow Wireshark, so the verdicts
 * match tshark's on the same frames.
 *
 * All of it runs once per frame on the in-order first pass; what a frame shows is logged in
 * typed-array columns so a later re-dissection of that frame shows the same.
 */
import { FrameLog, grown } from './tcp-conversations.ts';

/** Analysis flags (Wireshark's TCP_A_* values). */
export const TA = {
  retransmission: 0x0001,
  lostPacket: 0x0002,
  ackLostPacket: 0x0004,
  keepAlive: 0x0008,
  duplicateAck: 0x0010,
  zeroWindow: 0x0020,
  zeroWindowProbe: 0x0040,
  zeroWindowProbeAck: 0x0080,
  keepAliveAck: 0x0100,
  outOfOrder: 0x0200,
  fastRetransmission: 0x0400,
  windowUpdate: 0x0800,
  windowFull: 0x1000,
  reusedPorts: 0x2000,
  spuriousRetransmission: 0x4000,
} as const;

/** Conversation completeness bits (tcp.completeness). */
export const COMPLETENESS = { synSent: 1, synAck: 2, ack: 4, data: 8, fin: 16, rst: 32 } as const;

export const TH = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20 } as const;

/** Wireshark keeps at most this many unacknowledged segments per direction. */
const MAX_UNACKED = 10000;

const gtSeq = (a: number, b: number) => ((b - a) | 0) < 0;
const ltSeq = (a: number, b: number) => ((a - b) | 0) < 0;
const leSeq = (a: number, b: number) => ((a - b) | 0) <= 0;

/** One direction of a conversation (Wireshark's tcp_flow_t with its tcp_analyze_seq_flow_info_t). */
export class TcpFlow {
  baseSeq = 0;
  baseSet = false;
  /** -1 unknown, -2 no scaling used, else the shift count. */
  winScale = -1;
  /** The last raw window value sent (-1 before any). */
  window = -1;
  /** Whether `window` came from a SYN (SYN windows are never scaled). */
  windowFromSyn = false;
  nextseq = 0;
  nextseqFrame = 0;
  nextseqTime = 0;
  maxseqtobeacked = 0;
  lastack = 0;
  lastackTime = 0;
  lastnondupack = 0;
  dupacknum = 0;
  validBif = true;
  pushBytesSent = 0;
  pushSetLast = false;
  lastSegmentFlags = 0;
  // Unacknowledged segments in sending order (Wireshark walks its list newest first), four numbers
  // each (SEG_FRAME, SEG_SEQ, SEG_NEXT, SEG_TIME) in one typed array, so that tracking them
  // allocates nothing per segment and a flow costs one small array, made at its first segment.
  segCount = 0;
  segs: Float64Array = NO_SEGMENTS;

  addSegment(frame: number, seq: number, next: number, time: number): void {
    const at = this.segCount * SEG;
    if (at === this.segs.length) this.segs = grown(this.segs, Math.max(2 * SEG, 2 * at));
    const segs = this.segs;
    segs[at + SEG_FRAME] = frame;
    segs[at + SEG_SEQ] = seq;
    segs[at + SEG_NEXT] = next;
    segs[at + SEG_TIME] = time;
    this.segCount++;
  }

  removeSegment(i: number): void {
    const n = --this.segCount;
    if (i < n) this.segs.copyWithin(i * SEG, (i + 1) * SEG, (n + 1) * SEG);
  }
}

/** Fields of one unacknowledged segment in TcpFlow.segs: index `i * SEG + SEG_…`. */
export const SEG = 4;
export const SEG_FRAME = 0;
export const SEG_SEQ = 1;
export const SEG_NEXT = 2;
export const SEG_TIME = 3;
const NO_SEGMENTS = new Float64Array(0);

export class TcpConversation {
  readonly flows: [TcpFlow, TcpFlow] = [new TcpFlow(), new TcpFlow()];
  completeness = 0;
  serverPort = 0;
  /** Time of the most recent SYN, or -1. */
  tsMruSyn = -1;
  /** The initial RTT (0 = not known yet) and the frame that measured it. */
  firstRtt = 0;
  firstRttFrame = 0;
  tsPrev: number;
  /** The flow whose FIN came first (-1 before any): its FINs are active, the other's passive. */
  closingInitiator = -1;

  constructor(
    readonly id: number,
    readonly stream: number,
    readonly created: number,
    readonly tsFirst: number,
  ) {
    this.tsPrev = tsFirst;
  }
}

/** What the analysis of one segment found (Wireshark's struct tcp_acked). */
export class TcpAcked {
  present = false;
  flags = 0;
  frameAcked = 0;
  ackRtt = 0;
  bytesInFlight = 0;
  pushBytesSent = 0;
  dupackNum = 0;
  dupackFrame = 0;
  rto = 0;
  rtoFrame = 0;

  reset(): void {
    this.present = false;
    this.flags = 0;
    this.frameAcked = 0;
    this.ackRtt = 0;
    this.bytesInFlight = 0;
    this.pushBytesSent = 0;
    this.dupackNum = 0;
    this.dupackFrame = 0;
    this.rto = 0;
    this.rtoFrame = 0;
  }
}

/** Per-frame results of the first pass. */
export class TcpLog extends FrameLog {
  conv = new Uint32Array(0);
  /** Bit 0: flow index; bit 1: analysis present. */
  bits = new Uint8Array(0);
  completeness = new Uint8Array(0);
  winScale = new Int8Array(0);
  delta = new Float64Array(0);
  taFlags = new Uint32Array(0);
  acksFrame = new Uint32Array(0);
  ackRtt = new Float64Array(0);
  bytesInFlight = new Uint32Array(0);
  pushBytes = new Uint32Array(0);
  dupackNum = new Uint32Array(0);
  dupackFrame = new Uint32Array(0);
  rto = new Float64Array(0);
  rtoFrame = new Uint32Array(0);

  protected resize(capacity: number): void {
    this.conv = grown(this.conv, capacity);
    this.bits = grown(this.bits, capacity);
    this.completeness = grown(this.completeness, capacity);
    this.winScale = grown(this.winScale, capacity);
    this.delta = grown(this.delta, capacity);
    this.taFlags = grown(this.taFlags, capacity);
    this.acksFrame = grown(this.acksFrame, capacity);
    this.ackRtt = grown(this.ackRtt, capacity);
    this.bytesInFlight = grown(this.bytesInFlight, capacity);
    this.pushBytes = grown(this.pushBytes, capacity);
    this.dupackNum = grown(this.dupackNum, capacity);
    this.dupackFrame = grown(this.dupackFrame, capacity);
    this.rto = grown(this.rto, capacity);
    this.rtoFrame = grown(this.rtoFrame, capacity);
  }

  store(i: number, ta: TcpAcked): void {
    if (ta.present) this.bits[i] |= 2;
    this.taFlags[i] = ta.flags;
    this.acksFrame[i] = ta.frameAcked;
    this.ackRtt[i] = ta.ackRtt;
    this.bytesInFlight[i] = ta.bytesInFlight;
    this.pushBytes[i] = ta.pushBytesSent;
    this.dupackNum[i] = ta.dupackNum;
    this.dupackFrame[i] = ta.dupackFrame;
    this.rto[i] = ta.rto;
    this.rtoFrame[i] = ta.rtoFrame;
  }

  load(i: number, ta: TcpAcked): void {
    ta.present = (this.bits[i] & 2) !== 0;
    ta.flags = this.taFlags[i];
    ta.frameAcked = this.acksFrame[i];
    ta.ackRtt = this.ackRtt[i];
    ta.bytesInFlight = this.bytesInFlight[i];
    ta.pushBytesSent = this.pushBytes[i];
    ta.dupackNum = this.dupackNum[i];
    ta.dupackFrame = this.dupackFrame[i];
    ta.rto = this.rto[i];
    ta.rtoFrame = this.rtoFrame[i];
  }
}

/**
 * Wireshark's tcp_analyze_sequence_number: updates both flows of `conv` for a segment sent on
 * flow `dir` at time `now` (ns) and fills `ta`. `window` is the raw (unscaled) window.
 */
export function analyzeSequence(
  conv: TcpConversation,
  dir: 0 | 1,
  frame: number,
  now: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  window: number,
  ta: TcpAcked,
): void {
  const fwd = conv.flows[dir];
  const rev = conv.flows[dir ^ 1];
  if (!fwd.baseSet) {
    fwd.baseSeq = flags & TH.syn ? seq : (seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  if (!rev.baseSet && flags & TH.ack) {
    rev.baseSeq = (ack - 1) >>> 0;
    rev.baseSet = true;
  }
  if (flags & TH.ack) rev.validBif = true;

  const noSynFinRst = (flags & (TH.syn | TH.fin | TH.rst)) === 0;
  // A zero window probe: the next byte, alone, into a zero window.
  let skipToFinishedFwd = false;
  if (seglen === 1 && seq === fwd.nextseq && rev.window === 0) {
    mark(ta, TA.zeroWindowProbe);
    skipToFinishedFwd = true;
  }
  if (!skipToFinishedFwd) {
    if (window === 0 && noSynFinRst) mark(ta, TA.zeroWindow);
    if (fwd.nextseq && gtSeq(seq, fwd.nextseq) && (flags & TH.rst) === 0) {
      mark(ta, TA.lostPacket);
      fwd.validBif = false;
    }
    if ((seglen === 0 || seglen === 1) && seq === ((fwd.nextseq - 1) >>> 0) && noSynFinRst) mark(ta, TA.keepAlive);
    if (seglen === 0 && window && window !== fwd.window && seq === fwd.nextseq && ack === fwd.lastack && noSynFinRst) {
      mark(ta, TA.windowUpdate);
    }
    if (seglen > 0 && rev.winScale !== -1 && noSynFinRst) {
      const shift = rev.windowFromSyn || rev.winScale === -2 ? 0 : rev.winScale;
      if (((seq + seglen) >>> 0) === ((rev.lastack + rev.window * 2 ** shift) >>> 0)) mark(ta, TA.windowFull);
    }
    const sameAck = seglen === 0 && window === fwd.window && seq === fwd.nextseq && ack === fwd.lastack && noSynFinRst;
    if (sameAck && window && rev.lastSegmentFlags & TA.keepAlive) {
      mark(ta, TA.keepAliveAck);
      skipToFinishedFwd = true;
    } else if (sameAck && window === 0 && rev.lastSegmentFlags & TA.zeroWindowProbe) {
      mark(ta, TA.zeroWindowProbeAck);
      skipToFinishedFwd = true;
    } else if (sameAck && window) {
      fwd.dupacknum++;
      mark(ta, TA.duplicateAck);
      ta.dupackNum = fwd.dupacknum;
      ta.dupackFrame = fwd.lastnondupack;
    }
  }

  // finished_fwd:
  if (ack !== fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  if (rev.maxseqtobeacked && gtSeq(ack, rev.maxseqtobeacked) && flags & TH.ack) {
    mark(ta, TA.ackLostPacket);
    rev.maxseqtobeacked = rev.nextseq;
  }

  // Retransmission, fast retransmission, spurious retransmission or out-of-order.
  if ((seglen > 0 || flags & (TH.syn | TH.fin)) && !(ta.flags & TA.keepAlive)) {
    classifyRetransmission(conv, fwd, rev, now, seq, seglen, flags, ta);
  }

  let nextseq = (seq + seglen) >>> 0;
  if ((seglen || flags & (TH.syn | TH.fin)) && fwd.segCount < MAX_UNACKED) {
    if (flags & (TH.syn | TH.fin)) nextseq = (nextseq + 1) >>> 0;
    fwd.addSegment(frame, seq, nextseq, now);
  }
  const probe = (ta.flags & TA.zeroWindowProbe) !== 0;
  if (gtSeq(nextseq, fwd.nextseq) || !fwd.nextseq) {
    if (!probe) {
      fwd.nextseq = nextseq;
      fwd.nextseqFrame = frame;
      fwd.nextseqTime = now;
    }
  }
  if (seq === fwd.maxseqtobeacked || !fwd.maxseqtobeacked) {
    if (!probe) fwd.maxseqtobeacked = fwd.nextseq;
  }
  fwd.window = window;
  fwd.windowFromSyn = (flags & TH.syn) !== 0;
  fwd.lastack = ack;
  fwd.lastackTime = now;
  fwd.lastSegmentFlags = ta.present ? ta.flags : 0;

  // Segments of the other direction this one acknowledges (newest first, as Wireshark's list).
  const rs = rev.segs;
  for (let i = rev.segCount - 1; i >= 0; i--) {
    const at = i * SEG;
    const segNext = rs[at + SEG_NEXT];
    if (ack === segNext) {
      ta.present = true;
      ta.frameAcked = rs[at + SEG_FRAME];
      ta.ackRtt = now - rs[at + SEG_TIME];
    } else if (gtSeq(ack, rs[at + SEG_SEQ]) && leSeq(ack, segNext)) {
      rs[at + SEG_SEQ] = ack;
      continue;
    } else if (gtSeq(segNext, ack)) {
      continue;
    }
    rev.removeSegment(i);
  }

  // Bytes in flight after this segment, and bytes sent since the last PSH.
  const n = fwd.segCount;
  if (seglen !== 0 && n > 0 && fwd.validBif) {
    const fs = fwd.segs;
    let first = (fs[(n - 1) * SEG + SEG_SEQ] - fwd.baseSeq) >>> 0;
    let last = (fs[(n - 1) * SEG + SEG_NEXT] - fwd.baseSeq) >>> 0;
    for (let i = n - 1; i >= 0; i--) {
      const s = (fs[i * SEG + SEG_SEQ] - fwd.baseSeq) >>> 0;
      const e = (fs[i * SEG + SEG_NEXT] - fwd.baseSeq) >>> 0;
      if (e > last) last = e;
      if (s < first) first = s;
    }
    const inFlight = (last - first) >>> 0;
    if (inFlight > 0 && inFlight < 2000000000) {
      ta.present = true;
      ta.bytesInFlight = inFlight;
    }
    if (flags & TH.psh) {
      fwd.pushBytesSent = fwd.pushSetLast ? seglen : fwd.pushBytesSent + seglen;
      fwd.pushSetLast = true;
    } else if (fwd.pushSetLast) {
      fwd.pushBytesSent = seglen;
      fwd.pushSetLast = false;
    } else {
      fwd.pushBytesSent += seglen;
    }
    ta.present = true;
    ta.pushBytesSent = fwd.pushBytesSent;
  }
}

function mark(ta: TcpAcked, flag: number): void {
  ta.present = true;
  ta.flags |= flag;
}

function classifyRetransmission(
  conv: TcpConversation,
  fwd: TcpFlow,
  rev: TcpFlow,
  now: number,
  seq: number,
  seglen: number,
  flags: number,
  ta: TcpAcked,
): void {
  let notAdvanced = fwd.nextseq !== 0 && ltSeq(seq, fwd.nextseq);
  // A segment of more than one byte starting one before nextseq (after a probe) brings new data.
  if (seglen > 1 && ((fwd.nextseq - 1) >>> 0) === seq) notAdvanced = false;
  // Fast retransmission: at least two duplicate ACKs for this sequence number, within 20 ms.
  if (notAdvanced && rev.dupacknum >= 2 && rev.lastack === seq && now - rev.lastackTime < 20_000_000) {
    mark(ta, TA.fastRetransmission);
    return;
  }
  // Out of order: soon after the highest segment (within the iRTT, or 3 ms), not a plain resend.
  const threshold = conv.firstRtt !== 0 ? conv.firstRtt : 3_000_000;
  const span = seglen + (flags & (TH.syn | TH.fin) ? 1 : 0);
  if (notAdvanced && now - fwd.nextseqTime < threshold && fwd.nextseq !== ((seq + span) >>> 0)) {
    mark(ta, TA.outOfOrder);
    return;
  }
  // Spurious: every byte of it was already acknowledged (whether or not it advances nextseq).
  if (seglen > 0 && rev.lastack && leSeq((seq + seglen) >>> 0, rev.lastack)) {
    mark(ta, TA.spuriousRetransmission);
    return;
  }
  if (!notAdvanced) return;
  mark(ta, TA.retransmission);
  // The RTO runs from the eldest unacknowledged segment at or before this one, else from the
  // segment that last advanced nextseq.
  ta.rto = now - fwd.nextseqTime;
  ta.rtoFrame = fwd.nextseqFrame;
  const fs = fwd.segs;
  for (let i = 0; i < fwd.segCount; i++) {
    if (leSeq(fs[i * SEG + SEG_SEQ], seq)) {
      ta.rto = now - fs[i * SEG + SEG_TIME];
      ta.rtoFrame = fs[i * SEG + SEG_FRAME];
      break;
    }
  }
}

/**
 * Completeness bits a segment adds (observed from tshark 4.0.17): a SYN always counts; anything
 * else counts only once the conversation existed before this frame. RST counts alone; FIN, data
 * and a bare ACK count only with the ACK flag.
 */
export function completenessOf(flags: number, seglen: number, convIsNew: boolean): number {
  if (flags & TH.syn) {
    if (!(flags & TH.ack)) return COMPLETENESS.synSent;
    return convIsNew ? 0 : COMPLETENESS.synAck;
  }
  if (convIsNew) return 0;
  let bits = 0;
  if (flags & TH.rst) bits |= COMPLETENESS.rst;
  if (flags & TH.ack) {
    bits |= seglen > 0 ? COMPLETENESS.data : COMPLETENESS.ack;
    if (flags & TH.fin) bits |= COMPLETENESS.fin;
  }
  return bits;
}

/** The label Wireshark gives a completeness value (conversation_completeness_fill). */
export function completenessLabel(v: number): string {
  const core = v & 0x0f;
  const ends = v & 0x30;
  if (v === 1) return `Incomplete, SYN_SENT (${v})`;
  if (v === 3) return `Incomplete, CLIENT_ESTABLISHED (${v})`;
  if (v === 7) return `Incomplete, ESTABLISHED (${v})`;
  if (v === 15) return `Incomplete, DATA (${v})`;
  if (core === 15 && ends) return `Complete, WITH_DATA (${v})`;
  if (core === 7 && ends) return `Complete, NO_DATA (${v})`;
  return `Incomplete (${v})`;
}
