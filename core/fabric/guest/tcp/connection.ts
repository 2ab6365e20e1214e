/**
 * One TCP connection: the state machine of RFC 9293 (the RFC 793 rules with RFC 5961's protections
 * against blind resets and SYNs), with
 *  - MSS, window scaling, SACK-permitted and timestamps negotiated on the SYNs (RFC 7323, 2018);
 *  - a send queue cut into segments of at most the effective MSS (minus the options they carry);
 *  - a fixed receive window, in-order data handed to the application at once, out-of-order data
 *    held in a `Reassembly` and reported back with SACK blocks;
 *  - ACKs delayed up to 40 ms or until a second segment arrives (RFC 1122 §4.2.3.2, RFC 5681 §4.2),
 *    immediate for out-of-order data, hole fills, FINs and unacceptable segments;
 *  - retransmission on timeout (RFC 6298: Karn, backoff, give-up after a retry limit) by going back
 *    to the oldest unacknowledged byte; fast retransmit after three duplicate ACKs and NewReno fast
 *    recovery (RFC 6582), using the peer's SACK blocks to resend the holes it reports;
 *  - slow start and congestion avoidance (RFC 5681);
 *  - a persist timer that probes a zero window;
 *  - path-MTU reaction: an ICMP "fragmentation needed" lowers the MSS and re-sends what no longer fits.
 *
 * Sequence variables follow RFC 9293 §3.3.1, plus `sndMax`, the highest sequence number ever sent:
 * after a timeout `sndNxt` goes back to `sndUna` and climbs again while `sndMax` stays, so a
 * segment below `sndMax` is a retransmission and ACKs up to `sndMax` are acceptable.
 *
 * Output happens in `output()`, which looks at the state and sends what is due: a SYN, data and
 * FIN within the send and congestion windows, or a bare ACK. While a segment is being processed
 * (`input`) the application's calls from its callbacks only queue; `output()` runs once at the end.
 */
import type { Ipv4 } from '../../../base/addr.ts';
import type { EventHandler } from '../../../sim/simulator.ts';
import { Reassembly } from './reassembly.ts';
import { RtoEstimator } from './rto.ts';
import { ACK, FIN, MAX_SACK_BLOCKS, PSH, RST, SYN, type Segment, TS_OPTION_LEN, fillChecksum, sackOptionLen, writeHeader, writeU32 } from './segment.ts';
import { SendBuffer } from './send-buffer.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from './seq.ts';
import { Deadline } from './timer.ts';
import type { TcpCloseReason, TcpConfig, TcpEnv, TcpHandler, TcpSocket, TcpState, TcpStats } from './types.ts';

/** MSS assumed when the peer's SYN carries no MSS option (RFC 9293 §3.7.1). */
export const DEFAULT_MSS = 536;
/** Smallest MSS we accept from a peer or a path (Linux TCP_MIN_MSS): options always leave room for data. */
export const MIN_MSS = 88;
/** Smallest path MTU an ICMP message can push us to (Linux min_pmtu). */
export const MIN_PMTU = 552;
/** Largest window-scale shift (RFC 7323 §2.3). */
const MAX_WSCALE = 14;
/** Duplicate ACKs that trigger fast retransmit (RFC 5681 §3.2). */
const DUP_ACK_THRESHOLD = 3;
/** Cap of the congestion window, to keep it a small integer. */
const MAX_CWND = 1 << 30;
const IP_TCP_HEADERS = 40;

const TIMER_RTX = 1;
const TIMER_DELACK = 2;
const TIMER_TIME_WAIT = 3;

/** What a connection needs from its stack. */
export interface ConnectionHost {
  readonly env: TcpEnv;
  readonly config: TcpConfig;
  readonly stats: TcpStats;
  /** Where segments are built; `transmit` sends its first `len` bytes. */
  readonly scratch: Uint8Array;
  transmit(remote: Ipv4, len: number): void;
  sendReset(remote: Ipv4, localPort: number, remotePort: number, seq: number, ack: number, flags: number): void;
  removeConnection(c: TcpConnection): void;
}

/** The listener side of a passive open, as a connection sees it. */
export interface ListenerLink {
  /** Connections of this listener still in SYN_RECEIVED. */
  halfOpen: number;
  /** Asks the application for the handler of an accepted connection. */
  acceptConnection(s: TcpSocket): TcpHandler;
}

export class TcpConnection implements TcpSocket, EventHandler<unknown> {
  state: TcpState = 'CLOSED';
  readonly localIp: Ipv4;
  bytesSent = 0;
  bytesReceived = 0;
  retransmissions = 0;
  /** An ICMP soft error arrived (RFC 1122 §4.2.3.9): a later give-up reports `unreachable`. */
  softError = false;

  // Send sequence space.
  private iss = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private maxSndWnd = 0;
  /** Shift applied to the windows the peer advertises. */
  private sndShift = 0;

  // Receive sequence space.
  private irs = 0;
  private rcvNxt = 0;
  /** Shift applied to the windows we advertise. */
  private rcvShift = 0;
  /** Our receive window in bytes (what we advertise, scaled back). */
  private rcvWindow: number;

  // Negotiated options.
  /** The peer's MSS option; unlimited until its SYN arrives (then 536 if it had none). */
  private peerMss = 0xffff;
  /** Set by ICMP fragmentation-needed: the path's MTU − 40. */
  private pmtuMss = 0xffff;
  private wscaleOk = false;
  private sackOk = false;
  private tsOk = false;
  private tsRecent = 0;
  private tsOffset = 0;
  private lastAckSent = 0;

  // Send queue: sendBuf[0] is the byte at sequence number sendBase.
  private readonly sendBuf = new SendBuffer();
  private sendBase = 0;
  /** The application closed: a FIN follows the queued data. */
  private finQueued = false;
  private drainedPending = false;

  // Receive side.
  private readonly ooo = new Reassembly();
  private ackNow = false;
  private delayedSegs = 0;

  // Round-trip timing and retransmission.
  private readonly rto: RtoEstimator;
  private timing = false;
  private rttSeq = 0;
  private rttStart = 0;
  /** Consecutive timer expiries (or unanswered window probes) without progress. */
  private retries = 0;
  /** The retransmission timer is running as the persist timer (zero window). */
  private persist = false;

  // Congestion control (RFC 5681, RFC 6582).
  private cwndBytes = 0;
  private ssthresh = MAX_CWND;
  private dupAcks = 0;
  private inRecovery = false;
  private recover = 0;
  /** In recovery: the end of the last retransmitted range. */
  private rexmitNext = 0;
  /** The peer's SACK blocks above sndUna: sorted, disjoint [left, right) pairs. */
  private sacked: number[] = [];
  /** Largest options + payload of a data segment sent since the flight was last empty (for PMTU). */
  private largestInFlight = 0;

  private readonly rtx: Deadline;
  private readonly delack: Deadline;
  private readonly timeWait: Deadline;
  private inInput = false;
  private inOutput = false;
  private rollbackPending = false;
  private closedReported = false;
  private countedHalfOpen = false;
  /** Simultaneous open: the next SYN-ACK answers the peer's SYN and is no retransmission. */
  private simultaneousSynAck = false;
  private readonly sackScratch = new Uint32Array(2 * MAX_SACK_BLOCKS);

  constructor(
    private readonly host: ConnectionHost,
    readonly localPort: number,
    readonly remoteIp: Ipv4,
    readonly remotePort: number,
    /** The listener that created this connection (passive open), or null (active open). */
    readonly listener: ListenerLink | null,
    private handler: TcpHandler | null,
  ) {
    const { env, config } = host;
    this.localIp = env.localIp;
    this.rto = new RtoEstimator(config);
    this.rtx = new Deadline(env.sim, this, TIMER_RTX);
    this.delack = new Deadline(env.sim, this, TIMER_DELACK);
    this.timeWait = new Deadline(env.sim, this, TIMER_TIME_WAIT);
    this.rcvWindow = Math.min(config.receiveWindow, 0xffff);
  }

  // ── TcpSocket ──────────────────────────────────────────────────────────────────────────────────

  /** Effective send MSS: min(peer's MSS option, our path's MSS, what ICMP taught us). */
  get mss(): number {
    return Math.max(MIN_MSS, Math.min(this.peerMss, this.pmtuMss, clampMss(this.host.env.mss(this.remoteIp))));
  }

  get bufferedAmount(): number {
    return this.sendBuf.length;
  }

  get cwnd(): number {
    return this.cwndBytes;
  }

  get srttNs(): number {
    return Math.round(this.rto.srtt);
  }

  get rtoNs(): number {
    return this.rto.rto;
  }

  send(bytes: Uint8Array): void {
    const open = this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED' || this.state === 'ESTABLISHED' || this.state === 'CLOSE_WAIT';
    if (!open || this.finQueued) throw new Error(`TCP send: the connection is ${this.state}${this.finQueued ? ' and closing' : ''}`);
    if (bytes.length === 0) return;
    this.sendBuf.push(bytes);
    this.requestOutput();
  }

  close(): void {
    switch (this.state) {
      case 'SYN_SENT':
        this.terminate('closed');
        return;
      case 'SYN_RECEIVED':
        this.finQueued = true; // sent once established (RFC 9293 §3.10.4)
        return;
      case 'ESTABLISHED':
        this.finQueued = true;
        this.state = 'FIN_WAIT_1';
        this.requestOutput();
        return;
      case 'CLOSE_WAIT':
        this.finQueued = true;
        this.state = 'LAST_ACK';
        this.requestOutput();
        return;
      default:
        return; // already closing or closed
    }
  }

  abort(): void {
    switch (this.state) {
      case 'CLOSED':
        return;
      case 'SYN_RECEIVED':
      case 'ESTABLISHED':
      case 'FIN_WAIT_1':
      case 'FIN_WAIT_2':
      case 'CLOSE_WAIT':
        this.host.sendReset(this.remoteIp, this.localPort, this.remotePort, this.sndMax, this.rcvNxt, RST | ACK);
        break;
      default:
        break; // SYN_SENT, CLOSING, LAST_ACK, TIME_WAIT: no RST (RFC 9293 §3.10.5)
    }
    this.terminate('reset');
  }

  // ── Opening ────────────────────────────────────────────────────────────────────────────────────

  /** Active open: choose the ISS and send the SYN. */
  openActive(): void {
    this.initSend();
    this.state = 'SYN_SENT';
    this.output();
  }

  /** Passive open from a listener's SYN: record the peer's options and answer with a SYN-ACK. */
  openPassive(seg: Segment): void {
    this.initSend();
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.applySynOptions(seg);
    if (this.tsOk) this.tsRecent = seg.tsVal;
    this.sndWnd = seg.window;
    this.maxSndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = this.iss;
    this.state = 'SYN_RECEIVED';
    if (this.listener) {
      this.listener.halfOpen++;
      this.countedHalfOpen = true;
    }
    this.output();
  }

  private initSend(): void {
    const { rng } = this.host.env;
    this.iss = rng.nextU32();
    this.tsOffset = rng.nextU32();
    this.sndUna = this.sndNxt = this.sndMax = this.iss;
    this.sendBase = seqAdd(this.iss, 1);
    this.recover = this.rexmitNext = this.iss;
  }

  private applySynOptions(seg: Segment): void {
    const { config } = this.host;
    this.peerMss = seg.mss >= 0 ? Math.max(MIN_MSS, seg.mss) : DEFAULT_MSS;
    this.wscaleOk = config.windowScaling && seg.wscale >= 0;
    this.sndShift = this.wscaleOk ? Math.min(MAX_WSCALE, seg.wscale) : 0;
    this.rcvShift = this.wscaleOk ? ourWindowShift(config.receiveWindow) : 0;
    this.rcvWindow = Math.min(config.receiveWindow, 0xffff * 2 ** this.rcvShift);
    this.sackOk = config.sack && seg.sackPermitted;
    this.tsOk = config.timestamps && seg.hasTimestamps;
  }

  /** The handshake completed: set up congestion control and tell the application. */
  private establish(): void {
    this.state = this.finQueued ? 'FIN_WAIT_1' : 'ESTABLISHED';
    // RFC 5681 §3.1: one segment if the SYN or SYN-ACK had to be retransmitted, else IW (Linux: 10).
    this.cwndBytes = (this.retransmissions > 0 ? 1 : this.host.config.initialCwndSegments) * this.smss;
    this.ssthresh = MAX_CWND;
    if (this.countedHalfOpen && this.listener) {
      this.listener.halfOpen--;
      this.countedHalfOpen = false;
    }
    if (this.listener && !this.handler) this.handler = this.listener.acceptConnection(this) ?? {};
    if (!this.isClosed) this.handler?.connected?.(this);
  }

  // ── Input ──────────────────────────────────────────────────────────────────────────────────────

  /** A segment for this connection arrived (demultiplexed and checksum-verified by the stack). */
  input(seg: Segment): void {
    this.inInput = true;
    try {
      if (this.state === 'SYN_SENT') this.inputSynSent(seg);
      else this.inputSynchronized(seg);
      if (this.drainedPending && this.state !== 'CLOSED') {
        this.drainedPending = false;
        if (this.sendBuf.length === 0) this.handler?.drained?.(this);
      }
    } finally {
      this.inInput = false;
    }
    if (this.state !== 'CLOSED') this.output();
  }

  /** RFC 9293 §3.10.7.3: SYN-SENT. */
  private inputSynSent(seg: Segment): void {
    if (seg.hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if (!seg.rst) this.host.sendReset(this.remoteIp, this.localPort, this.remotePort, seg.ack, 0, RST);
      return;
    }
    if (seg.rst) {
      if (seg.hasAck) {
        this.host.stats.resetsReceived++;
        this.terminate('refused');
      }
      return;
    }
    if (!seg.syn) return;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.applySynOptions(seg);
    if (this.tsOk) this.tsRecent = seg.tsVal;
    this.sndWnd = seg.window; // never scaled on a SYN
    this.maxSndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.hasAck ? seg.ack : this.iss;
    if (seg.hasAck) {
      this.synAcked(seg.ack);
      this.ackNow = true;
      this.establish();
    } else {
      // Simultaneous open: answer with SYN-ACK (same ISS) and wait for its ACK.
      this.state = 'SYN_RECEIVED';
      this.sndNxt = this.iss;
      this.simultaneousSynAck = true;
    }
  }

  /** Our SYN was acknowledged. */
  private synAcked(ack: number): void {
    if (this.timing && seqGe(ack, this.rttSeq)) this.rto.sample(this.host.env.sim.now() - this.rttStart);
    this.timing = false;
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    this.retries = 0;
    this.rto.resetBackoff();
    this.rtx.stop();
  }

  /** RFC 9293 §3.10.7.4: every state from SYN-RECEIVED on. */
  private inputSynchronized(seg: Segment): void {
    // Simultaneous open (RFC 9293 Figure 7): the peer's SYN-ACK acknowledges our SYN. Its sequence
    // number is already behind RCV.NXT, so the window check below would refuse it (Linux makes the same exception).
    if (this.state === 'SYN_RECEIVED' && !this.listener && seg.syn && seg.hasAck && !seg.rst && seqAdd(seg.seq, 1) === this.rcvNxt) {
      if (seqLt(this.sndUna, seg.ack) && seqLe(seg.ack, this.sndMax)) {
        this.sndWnd = seg.window; // a SYN's window is never scaled
        this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
        this.sndWl1 = seg.seq;
        this.sndWl2 = seg.ack;
        this.synAcked(seg.ack);
        this.establish();
      }
      return;
    }
    // PAWS (RFC 7323 §5.3): an older timestamp than the last one in sequence ⇒ old duplicate.
    if (this.tsOk && seg.hasTimestamps && !seg.rst && seqLt(seg.tsVal, this.tsRecent)) {
      this.ackNow = true;
      return;
    }
    // First: is the segment in the receive window?
    if (!this.acceptable(seg.seq, seg.segLen)) {
      if (this.state === 'SYN_RECEIVED' && seg.syn && !seg.hasAck && seg.seq === this.irs) {
        this.sndNxt = this.iss; // the peer did not get our SYN-ACK: send it again
        return;
      }
      if (this.state === 'TIME_WAIT' && seg.fin && !seg.rst) this.timeWait.arm(this.host.env.sim.now() + this.host.config.timeWaitNs);
      if (!seg.rst) this.ackNow = true;
      return;
    }
    // Second: RST. Exactly at RCV.NXT resets; elsewhere in the window earns a challenge ACK (RFC 5961 §3).
    if (seg.rst) {
      if (seg.seq === this.rcvNxt) this.resetReceived();
      else this.ackNow = true;
      return;
    }
    // Fourth: a SYN in the window earns a challenge ACK (RFC 5961 §4); the peer's SYN again means our SYN-ACK was lost.
    if (seg.syn) {
      if (this.state === 'SYN_RECEIVED' && seg.seq === this.irs) this.sndNxt = this.iss;
      else this.ackNow = true;
      return;
    }
    // Fifth: the ACK field.
    if (!seg.hasAck) return;
    if (this.state === 'SYN_RECEIVED') {
      if (!(seqLt(this.sndUna, seg.ack) && seqLe(seg.ack, this.sndMax))) {
        this.host.sendReset(this.remoteIp, this.localPort, this.remotePort, seg.ack, 0, RST);
        return;
      }
      this.sndWnd = seg.window * 2 ** this.sndShift;
      this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.synAcked(seg.ack);
      this.establish();
      if (this.isClosed) return;
    }
    // TS.Recent (RFC 7323 §4.3).
    if (this.tsOk && seg.hasTimestamps && seqGe(seg.tsVal, this.tsRecent) && seqLe(seg.seq, this.lastAckSent)) this.tsRecent = seg.tsVal;
    if (!this.processAck(seg)) return;
    // Seventh and eighth: data and FIN.
    this.processText(seg);
  }

  /** RFC 9293 §3.10.7.4 "first check sequence number", with our fixed (never zero) window. */
  private acceptable(seq: number, segLen: number): boolean {
    const d = seqDiff(seq, this.rcvNxt);
    if (segLen === 0) return d >= 0 && d < this.rcvWindow;
    const last = d + segLen - 1;
    return (d >= 0 && d < this.rcvWindow) || (last >= 0 && last < this.rcvWindow);
  }

  private resetReceived(): void {
    this.host.stats.resetsReceived++;
    if (this.state === 'SYN_RECEIVED') this.terminate(this.listener ? null : 'refused');
    else if (this.state === 'TIME_WAIT') this.terminate(null);
    else this.terminate('reset');
  }

  /** The ACK field of a synchronized segment. False when the segment is to be dropped. */
  private processAck(seg: Segment): boolean {
    const ack = seg.ack;
    // RFC 5961 §5.2: acceptable ACKs lie in [SND.UNA − MAX.SND.WND, SND.NXT].
    if (seqGt(ack, this.sndMax) || seqLt(ack, seqAdd(this.sndUna, -this.maxSndWnd))) {
      this.ackNow = true;
      return false;
    }
    if (this.persist) this.retries = 0; // the peer answers our window probes
    if (this.sackOk && seg.sackCount > 0) this.updateScoreboard(seg);
    const wnd = seg.window * 2 ** this.sndShift;
    if (seqGt(ack, this.sndUna)) this.newAck(ack);
    else if (ack === this.sndUna && seg.payload.length === 0 && !seg.fin && wnd === this.sndWnd && this.sndMax !== this.sndUna) this.dupAck();
    // Window update, only from a newer segment (RFC 9293 §3.10.7.4, SND.WL1/WL2).
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack))) {
      this.sndWnd = wnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (wnd > this.maxSndWnd) this.maxSndWnd = wnd;
    }
    if (this.finQueued && this.sndUna === seqAdd(this.dataEnd, 1)) {
      // Our FIN is acknowledged.
      switch (this.state) {
        case 'FIN_WAIT_1':
          this.state = 'FIN_WAIT_2';
          break;
        case 'CLOSING':
          this.enterTimeWait();
          return false;
        case 'LAST_ACK':
          this.terminate('closed');
          return false;
        default:
          break;
      }
    }
    return true;
  }

  /** An ACK for new data: RTT sample, send queue, timers, congestion window. */
  private newAck(ack: number): void {
    const now = this.host.env.sim.now();
    const acked = seqDiff(ack, this.sndUna);
    // Karn: `timing` is cleared by every retransmission, so this sample is from a fresh segment.
    if (this.timing && seqGe(ack, this.rttSeq)) {
      this.rto.sample(now - this.rttStart);
      this.timing = false;
    }
    const dataEnd = this.dataEnd;
    const ackedTo = seqLt(ack, dataEnd) ? ack : dataEnd;
    const n = seqDiff(ackedTo, this.sendBase);
    if (n > 0) {
      this.sendBuf.drop(n);
      this.sendBase = ackedTo;
      if (this.sendBuf.length === 0) this.drainedPending = true;
    }
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    this.retries = 0;
    this.persist = false;
    this.rto.resetBackoff();
    this.pruneScoreboard();
    this.growWindow(ack, acked);
    // RFC 6298 §5.2–5.3: stop when everything is acknowledged, else restart.
    if (this.sndUna === this.sndMax) {
      this.rtx.stop();
      this.largestInFlight = 0;
    } else {
      this.rtx.arm(now + this.rto.rto);
    }
  }

  /** Congestion window on an ACK of new data: NewReno recovery, slow start or congestion avoidance. */
  private growWindow(ack: number, acked: number): void {
    const smss = this.smss;
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        // Full ACK (RFC 6582 §3.2 step 3): leave recovery with cwnd = ssthresh.
        this.inRecovery = false;
        this.dupAcks = 0;
        this.cwndBytes = this.ssthresh;
      } else {
        // Partial ACK (step 4): deflate, resend the next hole.
        this.cwndBytes = Math.max(smss, this.cwndBytes - acked + (acked >= smss ? smss : 0));
        if (seqGe(this.sndUna, this.rexmitNext)) this.retransmitAt(this.sndUna, Infinity);
        else this.retransmitNextHole();
      }
      return;
    }
    this.dupAcks = 0;
    if (this.cwndBytes < this.ssthresh) this.cwndBytes += Math.min(acked, smss);
    else this.cwndBytes += Math.max(1, Math.floor((smss * smss) / this.cwndBytes));
    if (this.cwndBytes > MAX_CWND) this.cwndBytes = MAX_CWND;
  }

  /** A duplicate ACK (RFC 5681 §2 definition): fast retransmit on the third, inflation after. */
  private dupAck(): void {
    this.dupAcks++;
    const smss = this.smss;
    if (this.inRecovery) {
      // One segment left the network: send a hole the peer's SACKs reveal, else let the window grow.
      if (!this.retransmitNextHole()) this.cwndBytes = Math.min(MAX_CWND, this.cwndBytes + smss);
      return;
    }
    // RFC 6582 §3.2 step 2: only when this ACK covers more than the last recovery point.
    if (this.dupAcks !== DUP_ACK_THRESHOLD || !seqGt(this.sndUna, this.recover)) return;
    this.host.stats.fastRetransmits++;
    this.ssthresh = Math.max(Math.floor(this.flightSize / 2), 2 * smss);
    this.recover = this.sndMax;
    this.inRecovery = true;
    this.rexmitNext = this.sndUna;
    this.retransmitAt(this.sndUna, Infinity);
    this.cwndBytes = this.ssthresh + DUP_ACK_THRESHOLD * smss;
  }

  /** Merges the segment's valid SACK blocks (within (SND.UNA, SND.MAX]) into the scoreboard. */
  private updateScoreboard(seg: Segment): void {
    const base = this.sndUna;
    const span = seqDiff(this.sndMax, base);
    const ranges: number[] = [];
    for (let i = 0; i < this.sacked.length; i += 2) ranges.push(seqDiff(this.sacked[i], base), seqDiff(this.sacked[i + 1], base));
    for (let k = 0; k < seg.sackCount; k++) {
      const l = Math.max(0, seqDiff(seg.sackBlocks[2 * k], base));
      const r = seqDiff(seg.sackBlocks[2 * k + 1], base);
      if (r <= l || r > span) continue; // empty, below SND.UNA (D-SACK) or beyond what we sent
      ranges.push(l, r);
    }
    const order: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) order.push(i);
    order.sort((a, b) => ranges[a] - ranges[b]);
    const merged: number[] = [];
    for (const i of order) {
      const n = merged.length;
      if (n > 0 && ranges[i] <= merged[n - 1]) merged[n - 1] = Math.max(merged[n - 1], ranges[i + 1]);
      else merged.push(ranges[i], ranges[i + 1]);
    }
    this.sacked = merged.map((d) => seqAdd(base, d));
  }

  private pruneScoreboard(): void {
    if (this.sacked.length === 0) return;
    const kept: number[] = [];
    for (let i = 0; i < this.sacked.length; i += 2) {
      const r = this.sacked[i + 1];
      if (seqLe(r, this.sndUna)) continue;
      kept.push(seqMax(this.sacked[i], this.sndUna), r);
    }
    this.sacked = kept;
  }

  /** Data and FIN of an acceptable segment (RFC 9293 §3.10.7.4, seventh and eighth). */
  private processText(seg: Segment): void {
    let data = seg.payload;
    let fin = seg.fin;
    if (data.length === 0 && !fin) return;
    if (this.state !== 'ESTABLISHED' && this.state !== 'FIN_WAIT_1' && this.state !== 'FIN_WAIT_2') {
      // The peer's FIN was already received: anything more is a retransmission. Re-ACK it.
      this.ackNow = true;
      if (fin && this.state === 'TIME_WAIT') this.timeWait.arm(this.host.env.sim.now() + this.host.config.timeWaitNs);
      return;
    }
    // Trim to [RCV.NXT, RCV.NXT + RCV.WND).
    let seq = seg.seq;
    const skip = seqDiff(this.rcvNxt, seq);
    if (skip > 0) {
      data = data.subarray(Math.min(skip, data.length));
      if (skip > seg.payload.length) fin = false;
      seq = this.rcvNxt;
    }
    const room = this.rcvWindow - seqDiff(seq, this.rcvNxt);
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }
    if (data.length === 0 && !fin) {
      this.ackNow = true; // a duplicate: tell the peer where we are
      return;
    }
    if (seq !== this.rcvNxt) {
      // Beyond a hole: keep it, and ACK at once so the sender sees a duplicate ACK (RFC 5681 §4.2).
      this.ooo.insert(this.rcvNxt, seq, data);
      if (fin) this.ooo.setFin(seqAdd(seq, data.length));
      this.host.stats.outOfOrder++;
      this.ackNow = true;
      return;
    }
    if (data.length > 0) {
      this.deliver(data);
      if (this.isClosed) return;
    }
    let filledHole = false;
    for (let more = this.ooo.takeNext(this.rcvNxt); more !== null; more = this.ooo.takeNext(this.rcvNxt)) {
      filledHole = true;
      this.deliver(more);
      if (this.isClosed) return;
    }
    if (fin || this.ooo.finAt(this.rcvNxt)) {
      this.ooo.clear();
      this.finReceived();
      return;
    }
    if (filledHole || !this.host.config.delayedAck) this.ackNow = true;
    else if (++this.delayedSegs >= 2) this.ackNow = true;
    else if (!this.delack.armed) this.delack.arm(this.host.env.sim.now() + this.host.config.delayedAckNs);
  }

  private deliver(bytes: Uint8Array): void {
    this.rcvNxt = seqAdd(this.rcvNxt, bytes.length);
    this.bytesReceived += bytes.length;
    this.handler?.data?.(this, bytes);
  }

  /** The peer's FIN is next in sequence. */
  private finReceived(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.ackNow = true;
    switch (this.state) {
      case 'ESTABLISHED':
        this.state = 'CLOSE_WAIT';
        this.handler?.remoteClosed?.(this);
        break;
      case 'FIN_WAIT_1':
        // Our FIN is not acknowledged yet (else we would be in FIN_WAIT_2): simultaneous close.
        this.state = 'CLOSING';
        this.handler?.remoteClosed?.(this);
        break;
      case 'FIN_WAIT_2':
        this.handler?.remoteClosed?.(this);
        if (this.state === 'FIN_WAIT_2') this.enterTimeWait();
        break;
      default:
        break;
    }
  }

  // ── ICMP ───────────────────────────────────────────────────────────────────────────────────────

  /** An ICMP error quoting our segment with sequence number `seq`. */
  icmpError(type: number, code: number, seq: number, nextHopMtu: number): void {
    // RFC 5927 §4.1: believe only errors about data in flight.
    if (!(seqLe(this.sndUna, seq) && seqLt(seq, this.sndMax))) return;
    if (type === 3 && code === 4) {
      this.pathMtuDropped(nextHopMtu);
      return;
    }
    if (type === 3 || type === 11) {
      // During the handshake an unreachable ends the attempt (as Linux); afterwards it is a soft error.
      if (type === 3 && (this.state === 'SYN_SENT' || (this.state === 'SYN_RECEIVED' && !this.listener))) this.terminate('unreachable');
      else this.softError = true;
    }
  }

  /** ICMP fragmentation needed (RFC 1191): lower the MSS and re-send what no longer fits. */
  private pathMtuDropped(nextHopMtu: number): void {
    if (!(nextHopMtu >= 68)) return; // 0: a pre-RFC 1191 router; nothing to learn
    const newMss = Math.max(MIN_PMTU, Math.floor(nextHopMtu)) - IP_TCP_HEADERS;
    if (newMss < this.pmtuMss) this.pmtuMss = newMss;
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED' || this.sndUna === this.sndMax) return;
    // Segments in flight that no longer fit: go back to SND.UNA and send again in segments of the
    // new size (Linux tcp_simple_retransmit). Not a congestion signal. Later ICMPs about the same
    // flight find it re-cut already and change nothing.
    if (this.largestInFlight <= newMss) return;
    this.largestInFlight = 0;
    this.timing = false;
    this.rollbackPending = true;
    this.requestOutput();
  }

  // ── Timers ─────────────────────────────────────────────────────────────────────────────────────

  handleEvent(kind: number): void {
    switch (kind) {
      case TIMER_RTX:
        if (this.rtx.expired()) this.onRetransmitTimer();
        break;
      case TIMER_DELACK:
        if (this.delack.expired()) {
          this.ackNow = true;
          this.output();
        }
        break;
      case TIMER_TIME_WAIT:
        if (this.timeWait.expired()) this.terminate(null);
        break;
    }
  }

  private onRetransmitTimer(): void {
    const { config, stats, env } = this.host;
    if (this.persist) {
      this.sendWindowProbe();
      return;
    }
    stats.timeouts++;
    this.retries++;
    const limit = this.state === 'SYN_SENT' ? config.synRetries : this.state === 'SYN_RECEIVED' ? config.synAckRetries : config.maxRetries;
    if (this.retries > limit) {
      this.giveUp();
      return;
    }
    this.rto.backoff();
    if (this.state !== 'SYN_SENT' && this.state !== 'SYN_RECEIVED') {
      // RFC 5681 §3.1 eq. 4 on the first timeout of a segment; loss window of one segment.
      if (this.retries === 1) this.ssthresh = Math.max(Math.floor(this.flightSize / 2), 2 * this.smss);
      this.cwndBytes = this.smss;
      this.inRecovery = false;
      this.dupAcks = 0;
      this.recover = this.sndMax;
      this.sacked = []; // RFC 2018 §8: forget SACK information after a timeout
    }
    this.timing = false;
    this.sndNxt = this.sndUna; // go back: resend from the oldest unacknowledged byte (or the SYN)
    this.rtx.arm(env.sim.now() + this.rto.rto);
    this.output();
  }

  /** Persist timer: a segment with an old sequence number makes the peer report its window. */
  private sendWindowProbe(): void {
    this.retries++;
    if (this.retries > this.host.config.maxRetries) {
      this.giveUp();
      return;
    }
    this.emit(seqAdd(this.sndUna, -1), ACK, 0, 0);
    this.rto.backoff();
    this.rtx.arm(this.host.env.sim.now() + this.rto.rto);
  }

  private giveUp(): void {
    // A half-open passive connection just disappears; the listener stays.
    if (this.state === 'SYN_RECEIVED' && this.listener) this.terminate(null);
    else this.terminate(this.softError ? 'unreachable' : 'timeout');
  }

  // ── Output ─────────────────────────────────────────────────────────────────────────────────────

  private requestOutput(): void {
    if (!this.inInput) this.output();
  }

  /** Sends whatever is due now: SYN, data and FIN within the windows, or a bare ACK. */
  private output(): void {
    if (this.inOutput) return;
    this.inOutput = true;
    try {
      this.outputNow();
    } finally {
      this.inOutput = false;
    }
  }

  private outputNow(): void {
    switch (this.state) {
      case 'CLOSED':
      case 'LISTEN':
        return;
      case 'SYN_SENT':
      case 'SYN_RECEIVED':
        if (this.sndNxt === this.iss) this.sendSyn();
        else if (this.ackNow && this.state === 'SYN_RECEIVED') this.sendAck();
        this.ackNow = false;
        this.updateRetransmitTimer();
        return;
      case 'TIME_WAIT':
        if (this.ackNow) this.sendAck();
        return;
      default:
        break;
    }
    let sent = false;
    do {
      if (this.rollbackPending) {
        this.rollbackPending = false;
        this.sndNxt = this.sndUna;
      }
      while (!this.rollbackPending && this.sendNextSegment()) sent = true;
    } while (this.rollbackPending);
    if (this.ackNow && !sent) this.sendAck();
    this.updateRetransmitTimer();
  }

  /** Sends the next segment of new (or, after going back, repeated) data or the FIN; false when nothing may go. */
  private sendNextSegment(): boolean {
    const finAllowed = this.finQueued && (this.state === 'FIN_WAIT_1' || this.state === 'CLOSING' || this.state === 'LAST_ACK');
    const unsent = seqDiff(this.dataEnd, this.sndNxt); // −1 once the FIN is out
    const finDue = finAllowed && unsent >= 0;
    if (unsent <= 0 && !finDue) return false;
    const maxPayload = this.maxPayload();
    let len = Math.min(Math.max(unsent, 0), maxPayload);
    if (len > 0) {
      const inFlight = seqDiff(this.sndNxt, this.sndUna);
      const usable = Math.min(this.sndWnd, this.cwndBytes) - inFlight;
      if (len > usable) {
        len = Math.max(0, usable);
        // Sender-side silly-window avoidance (RFC 9293 §3.8.6.2.1): no runt while data is in flight.
        if (len === 0 || (len < maxPayload && inFlight > 0)) return false;
      }
    }
    const seq = this.sndNxt;
    const fin = finDue && len === unsent;
    const retransmit = seqLt(seq, this.sndMax);
    this.sendData(seq, len, fin);
    const end = seqAdd(seq, len + (fin ? 1 : 0));
    this.sndNxt = end;
    if (seqGt(end, this.sndMax)) {
      this.bytesSent += Math.max(0, seqDiff(seqAdd(seq, len), this.sndMax));
      if (!this.timing && !retransmit) {
        this.timing = true;
        this.rttSeq = end;
        this.rttStart = this.host.env.sim.now();
      }
      this.sndMax = end;
    }
    return true;
  }

  /** Sends one segment at `seq` that was sent before (fast retransmit, partial ACK, SACK hole). */
  private retransmitAt(seq: number, limit: number): boolean {
    const upTo = seqLt(this.sndMax, this.dataEnd) ? this.sndMax : this.dataEnd;
    const avail = seqDiff(upTo, seq);
    if (avail < 0) return false;
    const len = Math.min(avail, this.maxPayload(), limit);
    const fin = this.finQueued && seqGt(this.sndMax, this.dataEnd) && seqAdd(seq, len) === this.dataEnd;
    if (len === 0 && !fin) return false;
    this.sendData(seq, len, fin);
    this.rexmitNext = seqAdd(seq, len + (fin ? 1 : 0));
    return true;
  }

  /** In recovery: resends the first hole at or after `rexmitNext` below the highest SACKed byte. */
  private retransmitNextHole(): boolean {
    if (this.sacked.length === 0) return false;
    let s = seqMax(this.rexmitNext, this.sndUna);
    for (let i = 0; i < this.sacked.length; i += 2) {
      const l = this.sacked[i];
      if (seqLt(s, l)) return this.retransmitAt(s, seqDiff(l, s));
      s = seqMax(s, this.sacked[i + 1]);
    }
    return false;
  }

  private sendData(seq: number, len: number, fin: boolean): void {
    const retransmit = seqLt(seq, this.sndMax);
    const end = seqAdd(seq, len);
    const flags = ACK | (fin ? FIN : 0) | (len > 0 && end === this.dataEnd ? PSH : 0);
    this.emit(seq, flags, seqDiff(seq, this.sendBase), len);
    if (retransmit) this.countRetransmission();
  }

  private sendSyn(): void {
    const retransmit = this.sndMax !== this.iss && !this.simultaneousSynAck;
    this.simultaneousSynAck = false;
    const flags = this.state === 'SYN_RECEIVED' ? SYN | ACK : SYN;
    this.emit(this.iss, flags, 0, 0);
    this.sndNxt = seqAdd(this.iss, 1);
    if (retransmit) {
      this.countRetransmission();
    } else {
      this.sndMax = this.sndNxt;
      this.timing = true;
      this.rttSeq = this.sndNxt;
      this.rttStart = this.host.env.sim.now();
    }
  }

  private sendAck(): void {
    this.emit(this.sndNxt, ACK, 0, 0);
  }

  private countRetransmission(): void {
    this.retransmissions++;
    this.host.stats.retransmissions++;
    this.timing = false; // Karn: no RTT sample from anything sent twice
  }

  /** RFC 6298 §5.1 (start when data is outstanding) and the persist timer for a zero window. */
  private updateRetransmitTimer(): void {
    const now = this.host.env.sim.now();
    if (this.sndUna !== this.sndMax) {
      if (this.persist) {
        this.persist = false;
        this.rtx.stop();
      }
      if (!this.rtx.armed) this.rtx.arm(now + this.rto.rto);
    } else if (this.sndWnd === 0 && seqGt(this.dataEnd, this.sndNxt)) {
      if (!this.persist || !this.rtx.armed) {
        this.persist = true;
        this.rtx.arm(now + this.rto.rto);
      }
    } else if (this.persist) {
      this.persist = false;
      this.rtx.stop();
    }
  }

  /**
   * Builds and sends one segment: header, options, `len` bytes of the send queue from `bufOffset`.
   * Every segment but a SYN carries ACK, so this is also where pending ACKs are settled.
   */
  private emit(seq: number, flags: number, bufOffset: number, len: number): void {
    const buf = this.host.scratch;
    let at = 20;
    if (flags & SYN) {
      at = this.writeSynOptions(buf, at);
    } else {
      if (this.tsOk) at = this.writeTimestamps(buf, at);
      if (this.sackOk && !this.ooo.isEmpty) {
        const n = this.ooo.sackBlocks(this.rcvNxt, this.sackScratch, this.tsOk ? 3 : MAX_SACK_BLOCKS);
        if (n > 0) {
          buf[at] = 1;
          buf[at + 1] = 1;
          buf[at + 2] = 5;
          buf[at + 3] = 2 + 8 * n;
          for (let k = 0; k < 2 * n; k++) writeU32(buf, at + 4 + 4 * k, this.sackScratch[k]);
          at += sackOptionLen(n);
        }
      }
    }
    if (len > 0) this.sendBuf.copyOut(bufOffset, len, buf, at);
    const window = flags & SYN ? Math.min(0xffff, this.rcvWindow) : Math.min(0xffff, Math.floor(this.rcvWindow / 2 ** this.rcvShift));
    writeHeader(buf, this.localPort, this.remotePort, seq, flags & ACK ? this.rcvNxt : 0, flags, window, at);
    fillChecksum(buf, at + len, this.localIp, this.remoteIp);
    // Noted before sending, so that an ICMP error the IP layer raises at once finds it.
    if (len > 0 && at - 20 + len > this.largestInFlight) this.largestInFlight = at - 20 + len;
    this.host.transmit(this.remoteIp, at + len);
    if (flags & ACK) {
      this.ackNow = false;
      this.delayedSegs = 0;
      this.delack.stop();
      this.lastAckSent = this.rcvNxt;
    }
  }

  /** SYN options in Linux's order: MSS, SACK-permitted, timestamps, NOP, window scale. */
  private writeSynOptions(buf: Uint8Array, at: number): number {
    const { config, env } = this.host;
    const active = this.state === 'SYN_SENT';
    const sack = active ? config.sack : this.sackOk;
    const ts = active ? config.timestamps : this.tsOk;
    const ws = active ? config.windowScaling : this.wscaleOk;
    const mss = clampMss(env.mss(this.remoteIp));
    buf[at++] = 2;
    buf[at++] = 4;
    buf[at++] = mss >>> 8;
    buf[at++] = mss & 0xff;
    if (sack && ts) {
      buf[at++] = 4;
      buf[at++] = 2;
      at = this.writeTimestampBody(buf, at);
    } else if (sack) {
      buf[at++] = 1;
      buf[at++] = 1;
      buf[at++] = 4;
      buf[at++] = 2;
    } else if (ts) {
      at = this.writeTimestamps(buf, at);
    }
    if (ws) {
      buf[at++] = 1;
      buf[at++] = 3;
      buf[at++] = 3;
      buf[at++] = ourWindowShift(config.receiveWindow);
    }
    return at;
  }

  private writeTimestamps(buf: Uint8Array, at: number): number {
    buf[at] = 1;
    buf[at + 1] = 1;
    return this.writeTimestampBody(buf, at + 2);
  }

  /** Kind 8, length 10, TSval (a 1 ms clock with a per-connection offset, as Linux), TSecr. */
  private writeTimestampBody(buf: Uint8Array, at: number): number {
    const tsVal = (Math.floor(this.host.env.sim.now() / 1_000_000) + this.tsOffset) >>> 0;
    buf[at] = 8;
    buf[at + 1] = 10;
    writeU32(buf, at + 2, tsVal);
    writeU32(buf, at + 6, this.state === 'SYN_SENT' ? 0 : this.tsRecent);
    return at + 10;
  }

  // ── Endings ────────────────────────────────────────────────────────────────────────────────────

  private enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.rtx.stop();
    this.timeWait.arm(this.host.env.sim.now() + this.host.config.timeWaitNs);
    this.report('closed');
  }

  /** TIME_WAIT ends early because the peer opens the same connection again (RFC 9293 §3.6.1). */
  acceptsNewSyn(seg: Segment): boolean {
    return this.state === 'TIME_WAIT' && seg.syn && !seg.hasAck && !seg.rst && seqGt(seg.seq, this.rcvNxt);
  }

  /** Goes to CLOSED, leaves the stack and reports `reason` (null: nothing to report). */
  terminate(reason: TcpCloseReason | null): void {
    if (this.state === 'CLOSED') return;
    if ((this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED') && reason !== null && reason !== 'closed') this.host.stats.failedOpens++;
    this.state = 'CLOSED';
    if (this.countedHalfOpen && this.listener) {
      this.listener.halfOpen--;
      this.countedHalfOpen = false;
    }
    this.rtx.dispose();
    this.delack.dispose();
    this.timeWait.dispose();
    this.host.removeConnection(this);
    if (reason !== null) this.report(reason);
  }

  private report(reason: TcpCloseReason): void {
    if (this.closedReported || !this.handler) return;
    this.closedReported = true;
    this.handler.closed?.(this, reason);
  }

  // ── Derived values ─────────────────────────────────────────────────────────────────────────────

  /** A getter, so that TypeScript does not narrow `state` across application callbacks. */
  private get isClosed(): boolean {
    return this.state === 'CLOSED';
  }

  /** Sequence number after the last queued data byte (where the FIN goes). */
  private get dataEnd(): number {
    return seqAdd(this.sendBase, this.sendBuf.length);
  }

  /** Sender MSS for congestion control: the effective MSS minus the options every segment carries. */
  private get smss(): number {
    return this.mss - (this.tsOk ? TS_OPTION_LEN : 0);
  }

  /** Payload that fits in the next segment with the options it will carry. */
  private maxPayload(): number {
    const sack = this.sackOk && !this.ooo.isEmpty ? sackOptionLen(this.tsOk ? 3 : MAX_SACK_BLOCKS) : 0;
    return this.smss - sack;
  }

  private get flightSize(): number {
    return seqDiff(this.sndMax, this.sndUna);
  }
}

/** An MSS from the IP layer, made a valid 16-bit option value. */
function clampMss(mss: number): number {
  return Number.isFinite(mss) ? Math.min(0xffff, Math.max(MIN_MSS, Math.floor(mss))) : DEFAULT_MSS;
}

/** The smallest window-scale shift that lets a 16-bit field carry `window` bytes. */
export function ourWindowShift(window: number): number {
  let shift = 0;
  while (shift < MAX_WSCALE && window / 2 ** shift > 0xffff) shift++;
  return shift;
}
