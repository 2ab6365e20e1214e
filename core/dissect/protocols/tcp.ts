import * as wire from '../../wire/tcp.ts';
import { FieldGroup as FieldGroupImport } from '../field.ts';
import { defineProtocol } from '../protocol.ts';
import type { DissectContext } from '../context.ts';
import { BoundsError as BoundsErrorImport } from '../context.ts';
import { Group as GroupImport, Severity as SeverityImport } from '../expert.ts';
import type { TreeNode, TreeSink } from '../sink.ts';
import type { IpPayloadInfo } from './ip-info.ts';
import * as ipHandoff from './ip-handoff.ts';
import { TCP } from './tcp-fields.ts';
import * as analysis from './tcp-analysis.ts';
import { TcpAcked, TcpConversation, TcpLog } from './tcp-analysis.ts';
import * as conversations from './tcp-conversations.ts';
import { EndpointPairMap } from './tcp-conversations.ts';
import * as options from './tcp-options.ts';
import { TcpOptionScratch } from './tcp-options.ts';
import * as udpHelpers from './udp.ts';
import { tableRef } from '../tables.ts';

const TCP_PORT = tableRef('tcp.port');

// Imported bindings used per frame are read once here: the CommonJS-style transforms that tsx and
// Vitest apply turn every access to an imported binding into a getter call.
const { TCP_HEADER_LEN, TCP_PROTOCOL, TcpField } = wire;
const F = TCP;
const BoundsError = BoundsErrorImport;
const Group = GroupImport;
const Severity = SeverityImport;
const FieldGroup = FieldGroupImport;
const { COMPLETENESS, TA, TH, analyzeSequence, completenessLabel, completenessOf } = analysis;
const { flowIndex, relativeNanos } = conversations;
const { dissectTcpOptions } = options;
const { hex4, openText, seconds } = udpHelpers;
const { ipv4PayloadInfo } = ipHandoff;

export { TCP as TCP_FIELDS } from './tcp-fields.ts';

/** Capture-wide TCP state: conversations by endpoints, the per-frame log, reusable scratch. */
class TcpState {
  readonly byEndpoints = new EndpointPairMap<TcpConversation>();
  readonly conversations: TcpConversation[] = [];
  readonly log = new TcpLog();
  readonly ta = new TcpAcked();
  readonly options = new TcpOptionScratch();
  streams = 0;

  open(now: number, frame: number, src: number, sport: number, dst: number, dport: number): TcpConversation {
    const conv = new TcpConversation(this.conversations.length, this.streams++, frame, now);
    this.conversations.push(conv);
    this.byEndpoints.set(src, sport, dst, dport, conv);
    return conv;
  }
}

const newTcpState = () => new TcpState();

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_LETTERS = 'RRRACEUAPRSF';

/** `PSH, ACK` (Info and the Flags label); `<None>` without flags. */
function flagNames(flags: number): string {
  let s = '';
  for (let i = 0; i < 9; i++) if (flags & (1 << i)) s = s ? `${s}, ${FLAG_NAMES[i]}` : FLAG_NAMES[i];
  if (flags & 0xe00) s = s ? `${s}, Reserved` : 'Reserved';
  return s || '<None>';
}

/** `·······AP···`: one letter per set bit of the 12, a middle dot per clear one. */
function flagLetters(flags: number): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? FLAG_LETTERS[i] : '·';
  return s;
}

/** The flags item with its bits, and every other TCP field. */
const TCP_FLAG_FIELDS = new FieldGroup([
  F.flags, F.flagsRes, F.flagsAe, F.flagsCwr, F.flagsEce, F.flagsUrg, F.flagsAck, F.flagsPush, F.flagsReset, F.flagsSyn, F.flagsFin,
  F.flagsStr,
]);
/** The fields of the experts the flags raise. */
const FLAG_EXPERT_FIELDS = new FieldGroup([F.connectionRst, F.connectionSyn, F.connectionSynack, F.connectionFin, F.finActive, F.finPassive]);
/** Every field the option walk (tcp-options.ts) adds, and the missing-MSS note after it. */
const TCP_OPTION_FIELDS = new FieldGroup([
  F.optEol, F.optNop, F.optMss, F.optWscale, F.optSackPerm, F.optSack, F.optTimestamp, F.optExperimental, F.optUnknown, F.optionKind,
  F.optionLen, F.mssVal, F.wscaleShift, F.wscaleMultiplier, F.tsval, F.tsecr, F.expExid, F.expData, F.unknownPayload, F.sackLe, F.sackRe,
  F.sackCount, F.dsackLe, F.dsackRe, F.dsack, F.nop4, F.nonZeroAfterEol, F.optionLenInvalid, F.mssPresent, F.wscaleShiftInvalid,
  F.mssAbsent,
]);
const TCP_OTHER_FIELDS = new FieldGroup(Object.values(F).filter((f) => !TCP_FLAG_FIELDS.fields.includes(f)));

/** Analysis flags whose segment is not handed to sub-dissectors (tshark 4.0's default). */
const NO_SUBDISSECTION = TA.retransmission | TA.outOfOrder | TA.spuriousRetransmission;

/**
 * TCP over IPv4 (ip.proto 6). Fields, Info and tree as tshark 4.0 shows them by default: relative
 * sequence numbers, window scaling from the handshake, stream index and completeness, per-stream
 * times, SEQ/ACK analysis, options; then the payload to `tcp.port` (the server port seen in the
 * handshake first, then the low port), the `tcp` heuristics, or `data`. No reassembly.
 */
export const tcp = defineProtocol({
  abbrev: 'tcp',
  calls: { tables: ['tcp.port', 'tcp'], protocols: ['data'] },
  name: 'Transmission Control Protocol',
  short: 'TCP',
  fields: F,
  handoffs: [['ip.proto', TCP_PROTOCOL]],
  // Relative numbers, streams, window scaling, the analysis and which segments are handed on
  // depend on the conversation; the header's own values do not.
  state: {
    stateless: [
      F.srcport, F.dstport, F.port, F.len, F.seqRaw, F.ackRaw, F.hdrLen, F.flags, F.flagsRes, F.flagsAe, F.flagsCwr, F.flagsEce,
      F.flagsUrg, F.flagsAck, F.flagsPush, F.flagsReset, F.flagsSyn, F.flagsFin, F.flagsStr, F.windowSizeValue, F.checksum,
      F.checksumStatus, F.urgentPointer, F.options, F.optionKind, F.optionLen, F.optEol, F.optNop, F.optMss, F.optWscale,
      F.optSackPerm, F.optSack, F.optTimestamp, F.optExperimental, F.optUnknown, F.mssVal, F.wscaleShift, F.wscaleMultiplier,
      F.sackCount, F.tsval, F.tsecr, F.mssAbsent, F.mssPresent, F.expExid, F.expData, F.unknownPayload, F.connectionSyn,
      F.connectionSynack, F.connectionFin, F.connectionRst, F.ackNonzero, F.urgentNonzero, F.wscaleShiftInvalid,
      F.optionLenInvalid, F.nop4, F.nonZeroAfterEol, F.shortSegment, F.bogusHeaderLength, F.payload,
    ],
    handoff: true,
  },
  dissect: dissectTcp,
});

function dissectTcp(ctx: DissectContext, offset: number, end: number, data?: unknown): void {
  const info = typeof data === 'object' && data !== null ? (data as IpPayloadInfo) : undefined;
  const reported = info ? info.length : end - offset;
  // Inside the datagram an ICMP error quotes, or a fragment not reassembled, the segment length is
  // unknown: no segment length, no sequence analysis, no payload (Wireshark's in_error_pkt/fragmented).
  const ipv4 = ipv4PayloadInfo(data);
  const inError = ipv4 !== null && ipv4.inErrorPacket;
  const fragmented = ipv4 !== null && ipv4.fragmented;
  const src = info ? info.src : 0;
  const dst = info ? info.dst : 0;
  // Conversations and the sequence analysis; a pruned pass that cannot see them skips them.
  const tracks = ctx.tracks;
  const layer = tracks ? ctx.layerOf('tcp') : 0;
  const cols = ctx.wantColumns;
  const tree = ctx.tree;
  // Without any TCP field wanted the header is still read, judged and handed on, with no items.
  const full = ctx.full;
  // Finer: a pass wanting only flag fields (tcp.flags.syn) skips the other items, and the reverse.
  const flg = full && ctx.wantsAnyOf(TCP_FLAG_FIELDS);
  const rest = full && ctx.wantsAnyOf(TCP_OTHER_FIELDS);

  // Reads stop where IP says the segment ends, as in Wireshark's tvbuff, not at the frame's end.
  need(reported, 4, offset);
  const sport = ctx.u16(offset + TcpField.srcPort);
  const dport = ctx.u16(offset + TcpField.dstPort);
  if (cols) {
    ctx.setProtocolColumn('TCP');
    ctx.setInfo(`${sport} → ${dport}`);
  }
  ctx.openProtocol(tcp.proto, offset, Math.max(0, Math.min(end, ctx.bytes.length) - offset));
  const node: TreeNode | null = tree ? (ctx.sink as TreeSink).lastNode : null;
  let label = '';
  if (node) node.label = label = `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}`;
  if (rest) {
    ctx.value(F.srcport, offset, 2, sport);
    ctx.value(F.dstport, offset + 2, 2, dport);
    ctx.value(F.port, offset, 2, sport);
    ctx.value(F.port, offset + 2, 2, dport);
  }
  if (inError) {
    // An ICMP error usually quotes 8 bytes: the sequence number is shown at once, and a header cut
    // short ends the dissection quietly, as the quoting dissector swallows the exception.
    const avail = Math.min(end, ctx.bytes.length) - offset;
    if (avail >= 8) {
      const raw = ctx.u32(offset + TcpField.seq);
      if (rest) ctx.value(F.seq, offset + TcpField.seq, 4, raw);
      if (tree) ctx.label(`Sequence Number: ${raw}`);
    }
    if (avail < TcpField.checksum) {
      ctx.leave();
      return;
    }
  }

  // The rest of the fixed header up to the window is read at once, as Wireshark does.
  need(reported, TcpField.checksum, offset);
  ctx.ensure(offset, TcpField.checksum);
  const b = ctx.bytes;
  const seq = ctx.u32(offset + TcpField.seq);
  const ack = ctx.u32(offset + TcpField.ack);
  const hlen = (b[offset + TcpField.flags] >> 4) * 4;
  const flags = ((b[offset + TcpField.flags] << 8) | b[offset + TcpField.flags + 1]) & 0x0fff;
  const win = (b[offset + TcpField.window] << 8) | b[offset + TcpField.window + 1];
  const syn = (flags & TH.syn) !== 0;
  const ackFlag = (flags & TH.ack) !== 0;

  // Conversation, stream and what the first pass logged for this frame.
  const st = ctx.state.get('tcp', newTcpState);
  const frame = ctx.frame;
  const now = relativeNanos(frame.tsSec, frame.tsNsec, ctx.state.firstSec, ctx.state.firstNsec);
  const firstPass = frame.number > ctx.state.lastFrameNumber;
  const dir = flowIndex(src, dst, sport, dport);
  const ta = st.ta;
  ta.reset();
  let conv: TcpConversation | undefined;
  let convIsNew = false;
  let completeness = 0;
  let delta = 0;
  let logIndex = -1;
  if (!tracks) {
    // no conversation in this pass: numbers stay raw, nothing is analysed or logged
  } else if (firstPass) {
    conv = st.byEndpoints.get(src, sport, dst, dport);
    if (!conv) {
      conv = st.open(now, frame.number, src, sport, dst, dport);
      convIsNew = true;
    }
    const fwd = conv.flows[dir];
    if ((flags & (TH.syn | TH.ack)) === TH.syn && fwd.baseSet && (seq !== fwd.baseSeq || conv.completeness & (COMPLETENESS.rst | COMPLETENESS.fin))) {
      // A new connection on the same ports: a new stream, starting with this SYN.
      conv = st.open(now, frame.number, src, sport, dst, dport);
      conv.completeness = COMPLETENESS.synSent;
      ta.present = true;
      ta.flags |= TA.reusedPorts;
    } else if ((flags & (TH.syn | TH.ack)) === (TH.syn | TH.ack) && fwd.baseSet && seq !== fwd.baseSeq) {
      ta.present = true;
      ta.flags |= TA.reusedPorts;
    }
    completeness = conv.completeness;
    delta = now - conv.tsPrev;
    conv.tsPrev = now;
    logIndex = st.log.append(frame.number, layer);
    st.log.conv[logIndex] = conv.id;
    st.log.bits[logIndex] = dir;
    st.log.completeness[logIndex] = completeness;
    st.log.winScale[logIndex] = conv.flows[dir].winScale;
  } else {
    const i = st.log.find(frame.number, layer);
    if (i >= 0) {
      conv = st.conversations[st.log.conv[i]];
      completeness = st.log.completeness[i];
      delta = st.log.delta[i];
      st.log.load(i, ta);
      logIndex = i;
    } else {
      conv = st.byEndpoints.get(src, sport, dst, dport);
      completeness = conv ? conv.completeness : 0;
    }
  }
  const fwd = conv ? conv.flows[dir] : undefined;
  const rev = conv ? conv.flows[dir ^ 1] : undefined;
  const winScale = logIndex >= 0 ? st.log.winScale[logIndex] : fwd ? fwd.winScale : -1;

  if (conv && rest) {
    ctx.value(F.stream, offset, 0, conv.stream);
    if (tree) ctx.label(`[Stream index: ${conv.stream}]`);
    ctx.value(F.completeness, offset, 0, completeness);
    if (tree) ctx.label(`[Conversation completeness: ${completenessLabel(completeness)}]`);
  }

  // Segment length from the length IP reports, then the sequence analysis (first pass only).
  const haveSeglen = !inError && !fragmented && reported >= hlen;
  const seglen = haveSeglen ? reported - hlen : 0;
  if (!haveSeglen && !inError && !fragmented) {
    const message =
      'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)';
    const opened = openText(ctx, message, offset, 0);
    ctx.expert(Severity.warning, Group.malformed, message, offset, 0, F.shortSegment);
    if (opened) ctx.leave();
  } else if (haveSeglen) {
    if (rest) ctx.value(F.len, offset + TcpField.flags, 1, seglen);
    if (tree) ctx.label(`[TCP Segment Len: ${seglen}]`);
    if (firstPass && conv) {
      analyzeSequence(conv, dir, frame.number, now, seq, ack, seglen, flags, win, ta);
    }
  }
  if (firstPass && conv) {
    st.log.delta[logIndex] = delta;
    if (conv && flags & TH.fin && conv.closingInitiator < 0) conv.closingInitiator = dir;
  }

  // Numbers are relative once the analysis has seen the flow (never inside an ICMP error's quote).
  const seqRel = !inError && fwd && fwd.baseSet ? (seq - fwd.baseSeq) >>> 0 : seq;
  const ackRel = !inError && ackFlag && rev && rev.baseSet ? (ack - rev.baseSeq) >>> 0 : ack;
  if (!inError && rest) {
    ctx.value(F.seq, offset + TcpField.seq, 4, seqRel);
    if (tree) ctx.label(`Sequence Number: ${seqRel}    (relative sequence number)`);
    ctx.value(F.seqRaw, offset + TcpField.seq, 4, seq);
  }
  if (node) node.label = label += `, Seq: ${seqRel}`;

  const realWindow = syn || winScale < 0 ? win : win * 2 ** winScale;
  if (cols) {
    let text = ` [${flagNames(flags)}] Seq=${seqRel}`;
    if (ackFlag) text += ` Ack=${ackRel}`;
    ctx.setInfo(ctx.columns.info + text + ` Win=${realWindow}`);
  }
  if (hlen < TCP_HEADER_LEN) {
    if (cols) ctx.setInfo(`${ctx.columns.info}, bogus TCP header length (${hlen}, must be at least ${TCP_HEADER_LEN})`);
    if (rest) ctx.value(F.hdrLen, offset + TcpField.flags, 1, hlen);
    if (tree) ctx.label(`${nibble(hlen / 4)} .... = Header Length: ${hlen} bytes (${hlen / 4})`);
    if (ctx.tree) ctx.enter();
    const message = `Bogus TCP header length (${hlen}, must be at least ${TCP_HEADER_LEN})`;
    ctx.expert(Severity.error, Group.protocol, message, offset + TcpField.flags, 1, F.bogusHeaderLength);
    if (ctx.tree) ctx.leave();
    ctx.leave();
    return;
  }

  if (haveSeglen && rest) {
    const nxtseq = (seqRel + seglen + (flags & (TH.syn | TH.fin) ? 1 : 0)) >>> 0;
    ctx.value(F.nxtseq, offset, 0, nxtseq);
    if (tree) ctx.label(`[Next Sequence Number: ${nxtseq}    (relative sequence number)]`);
  }
  if (rest) ctx.value(F.ack, offset + TcpField.ack, 4, ackRel);
  if (tree) ctx.label(ackFlag ? `Acknowledgment Number: ${ackRel}    (relative ack number)` : `Acknowledgment Number: ${ack}`);
  if (syn && ackFlag && ackRel > 1) {
    // A SYN-ACK acknowledging more than the SYN accepted data sent with it (TCP Fast Open).
    if (tree) ctx.enter();
    ctx.expert(Severity.note, Group.sequence, 'TCP SYN-ACK accepting TFO data', offset + TcpField.ack, 4, F.tfoAck);
    if (tree) ctx.leave();
  }
  if (!ackFlag && ack !== 0) {
    if (ctx.tree) ctx.enter();
    ctx.expert(Severity.note, Group.protocol, 'The acknowledgment number field is nonzero while the ACK flag is not set', offset + TcpField.ack, 4, F.ackNonzero);
    if (ctx.tree) ctx.leave();
  }
  if (rest) ctx.value(F.ackRaw, offset + TcpField.ack, 4, ack);
  if (node && ackFlag) node.label = label += `, Ack: ${ackRel}`;
  if (node && haveSeglen) node.label = label += `, Len: ${seglen}`;
  if (rest) ctx.value(F.hdrLen, offset + TcpField.flags, 1, hlen);
  if (tree) ctx.label(`${nibble(hlen / 4)} .... = Header Length: ${hlen} bytes (${hlen / 4})`);

  if (flg) addFlags(ctx, offset, flags, sport, dport, conv, dir);
  else flagExperts(ctx, offset + TcpField.flags, flags, sport, dport, conv, dir);

  const winAt = offset + TcpField.window;
  if (rest) {
    ctx.value(F.windowSizeValue, winAt, 2, win);
    ctx.value(F.windowSize, winAt, 2, realWindow);
  }
  if (tree) ctx.label(`[Calculated window size: ${realWindow}]`);
  if (!syn && conv && rest) {
    const factor = winScale >= 0 ? 2 ** winScale : winScale;
    ctx.value(F.windowSizeScalefactor, winAt, 2, factor);
    if (tree) {
      const why = winScale === -1 ? ' (unknown)' : winScale === -2 ? ' (no window scaling used)' : '';
      ctx.label(`[Window size scaling factor: ${factor}${why}]`);
    }
  }
  need(reported, TcpField.urgent, offset);
  const sum = ctx.u16(offset + TcpField.checksum);
  if (rest) {
    ctx.value(F.checksum, offset + TcpField.checksum, 2, sum);
    if (tree) ctx.label(`Checksum: 0x${hex4(sum)} [unverified]`);
    ctx.value(F.checksumStatus, offset + TcpField.checksum, 0, 2);
    if (tree) ctx.label('[Checksum Status: Unverified]');
  }
  need(reported, TCP_HEADER_LEN, offset);
  const urp = ctx.u16(offset + TcpField.urgent);
  if (rest) ctx.value(F.urgentPointer, offset + TcpField.urgent, 2, urp);
  if (flags & TH.urg) {
    if (cols) ctx.appendInfo(`Urg=${urp}`);
  } else if (urp !== 0) {
    if (ctx.tree) ctx.enter();
    ctx.expert(Severity.note, Group.protocol, 'The urgent pointer field is nonzero while the URG flag is not set', offset + TcpField.urgent, 2, F.urgentNonzero);
    if (ctx.tree) ctx.leave();
  }
  if (cols && haveSeglen) ctx.appendInfo(`Len=${seglen}`);

  // Options; the payload after them must fit in what IP says the segment is.
  if (hlen > TCP_HEADER_LEN) {
    const optAt = offset + TCP_HEADER_LEN;
    if (!haveSeglen && !inError && !fragmented) {
      // The options run past the segment: tshark shows the item (`<MISSING>`), the stream times,
      // then the exception.
      if (rest) ctx.value(F.options, optAt, hlen - TCP_HEADER_LEN, null);
      if (tree) ctx.label(`Options: (${hlen - TCP_HEADER_LEN} bytes)`);
      if (conv && rest) addTimestamps(ctx, offset, conv, now, delta);
      throw new BoundsError('malformed', offset + reported);
    }
    if (rest) ctx.item(F.options, optAt, hlen - TCP_HEADER_LEN);
    else ctx.ensure(optAt, hlen - TCP_HEADER_LEN);
    const optionsNode = tree ? (ctx.sink as TreeSink).lastNode : null;
    if (optionsNode) optionsNode.label = `Options: (${hlen - TCP_HEADER_LEN} bytes)`;
    // The walk reads only the option bytes just checked, so it cannot throw: a pass that sees
    // none of its items, experts, Info or window scale (a pruned filter pass) skips it.
    if (tree || cols || conv !== undefined || ctx.keepsExperts || ctx.wantsAnyOf(TCP_OPTION_FIELDS)) {
      const scratch = st.options;
      scratch.reset(syn, ackFlag, ack, ackFlag && rev && rev.baseSet ? rev.baseSeq : 0);
      if (ctx.tree) ctx.enter();
      dissectTcpOptions(ctx, optAt, offset + hlen, scratch, optionsNode);
      if (syn && !scratch.sawMss) {
        ctx.expert(Severity.note, Group.protocol, 'The SYN packet does not contain a MSS option', optAt, hlen - TCP_HEADER_LEN, F.mssAbsent);
      }
      if (ctx.tree) ctx.leave();
      if (firstPass && conv && scratch.wscale >= 0) conv.flows[dir].winScale = scratch.wscale;
    }
  }

  if (firstPass && conv) {
    const f = conv.flows[dir];
    const r = conv.flows[dir ^ 1];
    if (syn) {
      // Scaling is on only if both SYNs carry the option.
      if (f.winScale === -1) {
        f.winScale = -2;
        r.winScale = -2;
      } else if (ackFlag && r.winScale === -2) {
        f.winScale = -2;
      }
      if (ackFlag) conv.serverPort = sport;
      else {
        conv.serverPort = dport;
        conv.tsMruSyn = now;
      }
    }
    if ((flags & (TH.syn | TH.ack)) === TH.ack && conv.tsMruSyn >= 0 && conv.firstRtt === 0) {
      conv.firstRtt = now - conv.tsMruSyn;
      conv.firstRttFrame = frame.number;
    }
    conv.completeness |= completenessOf(flags, seglen, convIsNew);
    st.log.store(logIndex, ta);
  }

  if (conv) {
    if (rest) addTimestamps(ctx, offset, conv, now, delta);
    if (ta.present) printAnalysis(ctx, offset, ta, conv, frame.number);
  }

  const payloadAt = offset + hlen;
  // Inside an ICMP error's quote the payload is whatever was quoted.
  const payloadLen = haveSeglen ? seglen : inError ? Math.max(0, Math.min(end, ctx.bytes.length) - payloadAt) : 0;
  if (payloadLen > 0) {
    const captured = Math.min(payloadAt + payloadLen, end, ctx.bytes.length) - payloadAt;
    if (captured > 0 && rest) {
      ctx.item(F.payload, payloadAt, captured);
      if (tree) ctx.label(`TCP payload (${captured} byte${captured === 1 ? '' : 's'})`);
      // A plain retransmission is not reassembled again: its bytes are only shown as such.
      if (ta.flags & TA.retransmission) {
        ctx.item(F.segmentData, payloadAt, captured);
        if (tree) ctx.label(`Retransmitted TCP segment data (${captured} byte${captured === 1 ? '' : 's'})`);
      }
    }
  }
  ctx.setLength(hlen);
  ctx.leave();

  if (payloadLen === 0 || ta.flags & NO_SUBDISSECTION) return;
  const stop = payloadAt + payloadLen;
  if (conv && conv.serverPort !== 0 && ctx.callTable(TCP_PORT, conv.serverPort, payloadAt, stop)) return;
  if (ctx.callPorts(TCP_PORT, sport, dport, payloadAt, stop)) return;
  if (ctx.callHeuristics('tcp', payloadAt, stop)) return;
  ctx.data(payloadAt, stop);
}

/** The [Timestamps] subtree: time since the stream's first frame and since its previous one. */
function addTimestamps(ctx: DissectContext, offset: number, conv: TcpConversation, now: number, delta: number): void {
  const opened = openText(ctx, '[Timestamps]', offset, 0);
  if (ctx.sink.wants(F.timeRelative)) {
    ctx.value(F.timeRelative, offset, 0, BigInt(now - conv.tsFirst));
    if (ctx.tree) ctx.label(`[Time since first frame in this TCP stream: ${seconds(now - conv.tsFirst)} seconds]`);
  } else ctx.value(F.timeRelative, offset, 0, null);
  if (ctx.sink.wants(F.timeDelta)) {
    ctx.value(F.timeDelta, offset, 0, BigInt(delta));
    if (ctx.tree) ctx.label(`[Time since previous frame in this TCP stream: ${seconds(delta)} seconds]`);
  } else ctx.value(F.timeDelta, offset, 0, null);
  if (opened) ctx.leave();
}

/** The expert items addFlags raises, for a pass that wants no TCP field (so no flag items). */
function flagExperts(ctx: DissectContext, at: number, flags: number, sport: number, dport: number, conv: TcpConversation | undefined, dir: number): void {
  if ((flags & (TH.rst | TH.syn | TH.fin)) === 0) return;
  // A pruned filter pass that wants none of these fields skips the messages.
  if (!ctx.keepsExperts && !ctx.wantsAnyOf(FLAG_EXPERT_FIELDS)) return;
  if (flags & TH.rst) ctx.expert(Severity.warning, Group.sequence, 'Connection reset (RST)', at, 2, F.connectionRst);
  if (flags & TH.syn) {
    if (flags & TH.ack) {
      ctx.expert(Severity.chat, Group.sequence, `Connection establish acknowledge (SYN+ACK): server port ${sport}`, at, 2, F.connectionSynack);
    } else {
      ctx.expert(Severity.chat, Group.sequence, `Connection establish request (SYN): server port ${dport}`, at, 2, F.connectionSyn);
    }
  }
  if (flags & TH.fin) {
    ctx.expert(Severity.chat, Group.sequence, 'Connection finish (FIN)', at, 2, F.connectionFin);
    if (conv) {
      if (conv.closingInitiator === dir) {
        ctx.expert(Severity.note, Group.sequence, 'This frame initiates the connection closing', at, 2, F.finActive);
      } else {
        ctx.expert(Severity.note, Group.sequence, 'This frame undergoes the connection closing', at, 2, F.finPassive);
      }
    }
  }
}

function addFlags(ctx: DissectContext, offset: number, flags: number, sport: number, dport: number, conv: TcpConversation | undefined, dir: number): void {
  const at = offset + TcpField.flags;
  ctx.value(F.flags, at, 2, flags);
  if (ctx.tree) ctx.label(`Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagNames(flags)})`);
  if (ctx.tree) ctx.enter();
  flagBit(ctx, F.flagsRes, at, flags);
  flagBit(ctx, F.flagsAe, at, flags);
  flagBit(ctx, F.flagsCwr, at, flags);
  flagBit(ctx, F.flagsEce, at, flags);
  flagBit(ctx, F.flagsUrg, at, flags);
  flagBit(ctx, F.flagsAck, at, flags);
  flagBit(ctx, F.flagsPush, at, flags);
  flagBit(ctx, F.flagsReset, at, flags);
  // A pruned filter pass that wants none of the experts' fields skips their messages.
  const experts = ctx.keepsExperts || ctx.wantsAnyOf(FLAG_EXPERT_FIELDS);
  if (flags & TH.rst && experts) {
    if (ctx.tree) ctx.enter();
    ctx.expert(Severity.warning, Group.sequence, 'Connection reset (RST)', at, 2, F.connectionRst);
    if (ctx.tree) ctx.leave();
  }
  flagBit(ctx, F.flagsSyn, at, flags);
  if (flags & TH.syn && experts) {
    if (ctx.tree) ctx.enter();
    if (flags & TH.ack) {
      ctx.expert(Severity.chat, Group.sequence, `Connection establish acknowledge (SYN+ACK): server port ${sport}`, at, 2, F.connectionSynack);
    } else {
      ctx.expert(Severity.chat, Group.sequence, `Connection establish request (SYN): server port ${dport}`, at, 2, F.connectionSyn);
    }
    if (ctx.tree) ctx.leave();
  }
  flagBit(ctx, F.flagsFin, at, flags);
  if (flags & TH.fin && experts) {
    if (ctx.tree) ctx.enter();
    ctx.expert(Severity.chat, Group.sequence, 'Connection finish (FIN)', at, 2, F.connectionFin);
    if (ctx.tree) ctx.leave();
  }
  if (ctx.tree || ctx.sink.wants(F.flagsStr)) {
    const letters = flagLetters(flags);
    ctx.value(F.flagsStr, at, 2, letters);
    if (ctx.tree) ctx.label(`[TCP Flags: ${letters}]`);
  } else ctx.value(F.flagsStr, at, 2, null);
  if (flags & TH.fin && conv && experts) {
    if (ctx.tree) ctx.enter();
    if (conv.closingInitiator === dir) {
      ctx.expert(Severity.note, Group.sequence, 'This frame initiates the connection closing', at, 2, F.finActive);
    } else {
      ctx.expert(Severity.note, Group.sequence, 'This frame undergoes the connection closing', at, 2, F.finPassive);
    }
    if (ctx.tree) ctx.leave();
  }
  if (ctx.tree) ctx.leave();
}

/** One flag bit; its bytes are the one byte of the two that holds it, as in Wireshark. */
function flagBit(ctx: DissectContext, field: (typeof F)[keyof typeof F], at: number, flags: number): void {
  const mask = field.mask ?? 0;
  ctx.value(field, mask > 0xff ? at : at + 1, 1, flags & mask ? 1 : 0);
}

/** The SEQ/ACK analysis subtree and the Info prefixes, in tcp_print_sequence_number_analysis order. */
function printAnalysis(ctx: DissectContext, offset: number, ta: TcpAcked, conv: TcpConversation, frame: number): void {
  const tree = ctx.tree;
  // Without any TCP field wanted only the expert items (and the Info prefixes) matter.
  const full = ctx.full;
  if (full) {
    ctx.value(F.analysis, offset, 0, null);
    if (tree) ctx.label('[SEQ/ACK analysis]');
    if (ctx.tree) ctx.enter();
    if (ta.frameAcked) {
      ctx.value(F.acksFrame, offset, 0, ta.frameAcked);
      if (tree) ctx.label(`[This is an ACK to the segment in frame: ${ta.frameAcked}]`);
      if (ta.ackRtt) {
        ctx.value(F.ackRtt, offset, 0, ctx.sink.wants(F.ackRtt) ? BigInt(ta.ackRtt) : null);
        if (tree) ctx.label(`[The RTT to ACK the segment was: ${seconds(ta.ackRtt)} seconds]`);
      }
    }
    if (conv.firstRtt !== 0 && conv.firstRttFrame <= frame) {
      ctx.value(F.initialRtt, offset, 0, ctx.sink.wants(F.initialRtt) ? BigInt(conv.firstRtt) : null);
      if (tree) ctx.label(`[iRTT: ${seconds(conv.firstRtt)} seconds]`);
    }
    if (ta.bytesInFlight) {
      ctx.value(F.bytesInFlight, offset, 0, ta.bytesInFlight);
      if (tree) ctx.label(`[Bytes in flight: ${ta.bytesInFlight}]`);
    }
    if (ta.pushBytesSent) {
      ctx.value(F.pushBytesSent, offset, 0, ta.pushBytesSent);
      if (tree) ctx.label(`[Bytes sent since last PSH flag: ${ta.pushBytesSent}]`);
    }
  }
  const fl = ta.flags;
  if (fl) {
    // Info prefixes are prepended one by one, so the last one printed comes first.
    // (No closures here: this runs per frame with analysis flags.)
    let prefix = '';
    if (full) ctx.value(F.analysisFlags, offset, 0, null);
    if (tree) ctx.label('[TCP Analysis Flags]');
    if (ctx.tree) ctx.enter();
    if (fl & TA.reusedPorts) {
      ctx.expert(Severity.note, Group.sequence, 'A new tcp session is started with the same ports as an earlier session in this trace', offset, 0, F.reusedPorts);
      prefix = prepended(prefix, '[TCP Port numbers reused]');
    }
    if (fl & TA.retransmission) {
      ctx.expert(Severity.note, Group.sequence, 'This frame is a (suspected) retransmission', offset, 0, F.retransmission);
      prefix = prepended(prefix, '[TCP Retransmission]');
      if (ta.rto && full) {
        ctx.value(F.rto, offset, 0, ctx.sink.wants(F.rto) ? BigInt(ta.rto) : null);
        if (tree) ctx.label(`[The RTO for this segment was: ${seconds(ta.rto)} seconds]`);
        ctx.value(F.rtoFrame, offset, 0, ta.rtoFrame);
        if (tree) ctx.label(`[RTO based on delta from frame: ${ta.rtoFrame}]`);
      }
    }
    if (fl & TA.fastRetransmission) {
      ctx.expert(Severity.note, Group.sequence, 'This frame is a (suspected) fast retransmission', offset, 0, F.fastRetransmission);
      ctx.expert(Severity.note, Group.sequence, 'This frame is a (suspected) retransmission', offset, 0, F.retransmission);
      prefix = prepended(prefix, '[TCP Fast Retransmission]');
    }
    if (fl & TA.spuriousRetransmission) {
      ctx.expert(Severity.note, Group.sequence, 'This frame is a (suspected) spurious retransmission', offset, 0, F.spuriousRetransmission);
      ctx.expert(Severity.note, Group.sequence, 'This frame is a (suspected) retransmission', offset, 0, F.retransmission);
      prefix = prepended(prefix, '[TCP Spurious Retransmission]');
    }
    if (fl & TA.outOfOrder) {
      ctx.expert(Severity.warning, Group.sequence, 'This frame is a (suspected) out-of-order segment', offset, 0, F.outOfOrder);
      prefix = prepended(prefix, '[TCP Out-Of-Order]');
    }
    if (fl & TA.lostPacket) {
      ctx.expert(Severity.warning, Group.sequence, 'Previous segment(s) not captured (common at capture start)', offset, 0, F.lostSegment);
      prefix = prepended(prefix, '[TCP Previous segment not captured]');
    }
    if (fl & TA.ackLostPacket) {
      ctx.expert(Severity.warning, Group.sequence, "ACKed segment that wasn't captured (common at capture start)", offset, 0, F.ackLostSegment);
      prefix = prepended(prefix, '[TCP ACKed unseen segment]');
    }
    if (fl & TA.windowUpdate) {
      ctx.expert(Severity.chat, Group.sequence, 'TCP window update', offset, 0, F.windowUpdate);
      prefix = prepended(prefix, '[TCP Window Update]');
    }
    if (fl & TA.windowFull) {
      ctx.expert(Severity.warning, Group.sequence, 'TCP window specified by the receiver is now completely full', offset, 0, F.windowFull);
      prefix = prepended(prefix, '[TCP Window Full]');
    }
    if (fl & TA.keepAlive) {
      ctx.expert(Severity.note, Group.sequence, 'TCP keep-alive segment', offset, 0, F.keepAlive);
      prefix = prepended(prefix, '[TCP Keep-Alive]');
    }
    if (fl & TA.keepAliveAck) {
      ctx.expert(Severity.note, Group.sequence, 'ACK to a TCP keep-alive segment', offset, 0, F.keepAliveAck);
      prefix = prepended(prefix, '[TCP Keep-Alive ACK]');
    }
    // Zero-window verdicts exclude duplicate ACKs (those need a non-zero window), so the order
    // between the two groups never shows.
    if (fl & TA.zeroWindowProbe) {
      ctx.expert(Severity.note, Group.sequence, 'TCP Zero Window Probe', offset, 0, F.zeroWindowProbe);
      prefix = prepended(prefix, '[TCP ZeroWindowProbe]');
    }
    if (fl & TA.zeroWindow) {
      ctx.expert(Severity.warning, Group.sequence, 'TCP Zero Window segment', offset, 0, F.zeroWindow);
      prefix = prepended(prefix, '[TCP ZeroWindow]');
    }
    if (fl & TA.zeroWindowProbeAck) {
      ctx.expert(Severity.note, Group.sequence, 'ACK to a TCP Zero Window Probe', offset, 0, F.zeroWindowProbeAck);
      prefix = prepended(prefix, '[TCP ZeroWindowProbeAck]');
    }
    const dup = ta.dupackNum !== 0;
    if (dup && fl & TA.duplicateAck) {
      if (full) ctx.value(F.duplicateAck, offset, 0, null);
      if (tree) ctx.label('[This is a TCP duplicate ack]');
      prefix = prepended(prefix, `[TCP Dup ACK ${ta.dupackFrame}#${ta.dupackNum}]`);
    }
    if (ctx.tree) ctx.leave();
    // The duplicate ACK number and frame sit beside the flags, in the analysis tree.
    if (dup) {
      if (full) {
        ctx.value(F.duplicateAckNum, offset, 0, ta.dupackNum);
        if (tree) ctx.label(`[Duplicate ACK #: ${ta.dupackNum}]`);
        ctx.value(F.duplicateAckFrame, offset, 0, ta.dupackFrame);
        if (tree) ctx.label(`[Duplicate to the ACK in frame: ${ta.dupackFrame}]`);
      }
      if (ctx.tree) ctx.enter();
      ctx.expert(Severity.note, Group.sequence, `Duplicate ACK (#${ta.dupackNum})`, offset, 0, F.duplicateAck);
      if (ctx.tree) ctx.leave();
    }
    if (ctx.wantColumns && prefix) ctx.setInfo(prefix + ctx.columns.info);
  }
  if (ctx.tree) ctx.leave();
}

/** Info prefixes are prepended one by one, so the last one printed comes first. */
function prepended(prefix: string, text: string): string {
  return `${text} ${prefix}`;
}

/** Throws like a read past the reported end of the segment when it is shorter than `length`. */
function need(reported: number, length: number, offset: number): void {
  if (reported < length) throw new BoundsError('malformed', offset + Math.max(0, reported));
}

/** The four bits of a header-length nibble: `0101`. */
function nibble(v: number): string {
  return (v & 0xf).toString(2).padStart(4, '0');
}
