import * as wire from '../../wire/udp.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { BoundsError as BoundsErrorImport, type DissectContext } from '../context.ts';
import { Group as GroupImport, Severity as SeverityImport } from '../expert.ts';
import { TreeSink as TreeSinkImport } from '../sink.ts';
import type { IpPayloadInfo } from './ip-info.ts';
import * as ipHandoff from './ip-handoff.ts';
import { CHECKSUM_STATUS_NAMES } from './tcp-fields.ts';
import * as conversations from './tcp-conversations.ts';
import { EndpointPairMap, FrameLog, grown } from './tcp-conversations.ts';
import { tableRef } from '../tables.ts';

const UDP_PORT = tableRef('udp.port');

// Imported bindings used per frame are read once (see tcp.ts).
const { UDP_HEADER_LEN, UDP_PROTOCOL, UdpField } = wire;
const BoundsError = BoundsErrorImport;
const Group = GroupImport;
const Severity = SeverityImport;
const TreeSink = TreeSinkImport;
const { relativeNanos } = conversations;
const { ipv4PayloadInfo } = ipHandoff;

/** UDP's fields as Wireshark 4.0 names them (`tshark -G fields`, protocol `udp`). */
const F = defineFields('udp', {
  srcport: { abbrev: 'udp.srcport', name: 'Source Port', type: 'uint', bits: 16, base: 'dec' },
  dstport: { abbrev: 'udp.dstport', name: 'Destination Port', type: 'uint', bits: 16, base: 'dec' },
  port: { abbrev: 'udp.port', name: 'Source or Destination Port', type: 'uint', bits: 16, base: 'dec', hidden: true },
  stream: { abbrev: 'udp.stream', name: 'Stream index', type: 'uint', bits: 32, base: 'dec', generated: true },
  length: { abbrev: 'udp.length', name: 'Length', type: 'uint', bits: 16, base: 'dec' },
  checksum: { abbrev: 'udp.checksum', name: 'Checksum', type: 'uint', bits: 16, base: 'hex' },
  checksumCalculated: { abbrev: 'udp.checksum_calculated', name: 'Calculated Checksum', type: 'uint', bits: 16, base: 'hex', generated: true },
  checksumStatus: {
    abbrev: 'udp.checksum.status',
    name: 'Checksum Status',
    type: 'uint',
    bits: 8,
    base: 'none',
    strings: CHECKSUM_STATUS_NAMES,
    generated: true,
  },
  timeRelative: { abbrev: 'udp.time_relative', name: 'Time since first frame', type: 'rel_time', generated: true },
  timeDelta: { abbrev: 'udp.time_delta', name: 'Time since previous frame', type: 'rel_time', generated: true },
  payload: { abbrev: 'udp.payload', name: 'Payload', type: 'bytes' },
  possibleTraceroute: { abbrev: 'udp.possible_traceroute', name: 'Possible traceroute', type: 'none', generated: true },
  lengthBad: { abbrev: 'udp.length.bad', name: 'Bad length value', type: 'none', generated: true },
  checksumBad: { abbrev: 'udp.checksum.bad', name: 'Bad checksum', type: 'none', generated: true },
});

export const UDP_FIELDS = F;

/** Checksum status values (Wireshark's proto_checksum_vals). */
const STATUS_UNVERIFIED = 2;
const STATUS_NOT_PRESENT = 3;

interface UdpConversation {
  readonly stream: number;
  /** Time of the frame that created it, and of the last frame with a payload (ns since capture start). */
  readonly first: number;
  prev: number;
}

/** Per-frame results of the first pass: stream and time delta (the delta needs the previous frame). */
class UdpLog extends FrameLog {
  conv = new Uint32Array(0);
  delta = new Float64Array(0);

  protected resize(capacity: number): void {
    this.conv = grown(this.conv, capacity);
    this.delta = grown(this.delta, capacity);
  }
}

class UdpState {
  readonly byEndpoints = new EndpointPairMap<UdpConversation>();
  readonly conversations: UdpConversation[] = [];
  readonly log = new UdpLog();
}

const newUdpState = () => new UdpState();

/** Wireshark's LBL traceroute heuristic: ports 33435..33464, three probes per hop. */
function traceroute(ctx: DissectContext, port: number, offset: number): void {
  if (port > 33434 && port <= 33464) {
    const n = port - 33435;
    if (ctx.tree) ctx.enter();
    ctx.expert(
      Severity.chat,
      Group.sequence,
      `Possible traceroute: hop #${Math.floor(n / 3) + 1}, attempt #${(n % 3) + 1}`,
      offset,
      2,
      F.possibleTraceroute,
    );
    if (ctx.tree) ctx.leave();
  }
}

/**
 * UDP over IPv4 (ip.proto 17): header, checksum (shown unverified, as tshark does by default),
 * stream index and per-stream times, then the payload to `udp.port` (low port first), the `udp`
 * heuristics, or `data`.
 */
export const udp = defineProtocol({
  abbrev: 'udp',
  calls: { tables: ['udp.port', 'udp'], protocols: ['data'] },
  name: 'User Datagram Protocol',
  short: 'UDP',
  fields: F,
  handoffs: [['ip.proto', UDP_PROTOCOL]],
  // Streams number the conversations and time them; nothing else depends on other frames.
  state: { stateless: Object.values(F).filter((f) => f !== F.stream && f !== F.timeRelative && f !== F.timeDelta), handoff: false },
  dissect(ctx, offset, end, data) {
    const info = data as IpPayloadInfo | undefined;
    // The datagram as the IP header reports it; the caller's `end` may be shorter (truncated).
    const reported = info && typeof info.length === 'number' ? info.length : end - offset;
    // Inside an ICMP error's quote or an unreassembled fragment the IP length says nothing about
    // this datagram's end (Wireshark's in_error_pkt and fragmented).
    const ipv4 = ipv4PayloadInfo(data);
    const inError = ipv4 !== null && ipv4.inErrorPacket;
    const fragmented = ipv4 !== null && ipv4.fragmented;
    // Reads stop where IP says the datagram ends (Wireshark's reported length), not at the frame's end.
    need(reported, 4, offset);
    // With the header captured (the usual case) its words are read directly; otherwise each read
    // is checked, in Wireshark's order.
    const b = ctx.bytes;
    const whole = offset >= 0 && offset + UDP_HEADER_LEN <= b.length;
    const sport = whole ? (b[offset] << 8) | b[offset + 1] : ctx.u16(offset + UdpField.srcPort);
    const dport = whole ? (b[offset + 2] << 8) | b[offset + 3] : ctx.u16(offset + UdpField.dstPort);
    // The stream index and times need the conversation; a pruned pass may not (ctx.tracks).
    const tracks = ctx.tracks;
    const layer = tracks ? ctx.layerOf('udp') : 0;
    // Without any UDP field wanted the header is read and judged, but no items are added.
    const full = ctx.full;
    ctx.openProtocol(udp.proto, offset, UDP_HEADER_LEN);
    if (ctx.tree) ctx.label(`User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`);
    const cols = ctx.wantColumns;
    if (cols) {
      ctx.setProtocolColumn('UDP');
      ctx.setInfo(`${sport} → ${dport}`);
    }
    if (full) ctx.value(F.srcport, offset, 2, sport);
    traceroute(ctx, sport, offset);
    if (full) ctx.value(F.dstport, offset + 2, 2, dport);
    traceroute(ctx, dport, offset + 2);
    if (full) {
      ctx.value(F.port, offset, 2, sport);
      ctx.value(F.port, offset + 2, 2, dport);
    }

    need(reported, 6, offset);
    const ulen = whole ? (b[offset + 4] << 8) | b[offset + 5] : ctx.u16(offset + UdpField.length);
    if (full) ctx.value(F.length, offset + UdpField.length, 2, ulen);
    if (ulen < UDP_HEADER_LEN) {
      if (ctx.tree) ctx.label(`Length: ${ulen} (bogus, must be >= 8)`);
      ctx.enter();
      ctx.expert(Severity.error, Group.malformed, `Bad length value ${ulen} < 8`, offset + 4, 2, F.lengthBad);
      ctx.leave();
      if (cols) ctx.appendInfo(`[BAD UDP LENGTH ${ulen} < 8]`);
      ctx.leave();
      return;
    }
    if (ulen > reported && !inError && !fragmented) {
      if (ctx.tree) ctx.label(`Length: ${ulen} (bogus, payload length ${reported})`);
      ctx.enter();
      ctx.expert(Severity.error, Group.malformed, `Bad length value ${ulen} > IP payload length`, offset + 4, 2, F.lengthBad);
      ctx.leave();
      if (cols) ctx.appendInfo(`[BAD UDP LENGTH ${ulen} > IP PAYLOAD LENGTH]`);
    }
    if (cols) ctx.appendInfo(`Len=${ulen - UDP_HEADER_LEN}`);

    need(reported, 8, offset);
    const sum = whole ? (b[offset + 6] << 8) | b[offset + 7] : ctx.u16(offset + UdpField.checksum);
    if (full) {
      ctx.value(F.checksum, offset + UdpField.checksum, 2, sum);
      if (sum === 0) {
        if (ctx.tree) ctx.label('Checksum: 0x0000 [zero-value ignored]');
        ctx.enter();
        ctx.value(F.checksumStatus, offset + UdpField.checksum, 2, STATUS_NOT_PRESENT);
        if (ctx.tree) ctx.label('[Checksum Status: Not present]');
        ctx.leave();
      } else {
        if (ctx.tree) ctx.label(`Checksum: 0x${hex4(sum)} [unverified]`);
        ctx.value(F.checksumStatus, offset + UdpField.checksum, 0, STATUS_UNVERIFIED);
        if (ctx.tree) ctx.label('[Checksum Status: Unverified]');
      }
    }

    // Stream index and times: computed on the first (in-order) pass, read back afterwards.
    const src = info ? info.src : 0;
    const dst = info ? info.dst : 0;
    const frame = ctx.frame;
    const payloadLen = Math.min(ulen, reported) - UDP_HEADER_LEN;
    const quoteOnly = inError && Math.min(end, ctx.bytes.length) <= offset + UDP_HEADER_LEN;
    const timed = ulen !== UDP_HEADER_LEN && !inError;
    let conv: UdpConversation | undefined;
    let delta = 0;
    let haveDelta = false;
    const st = tracks ? ctx.state.get('udp', newUdpState) : null;
    if (st === null) {
      // no stream index nor times in this pass
    } else if (frame.number > ctx.state.lastFrameNumber) {
      const now = relativeNanos(frame.tsSec, frame.tsNsec, ctx.state.firstSec, ctx.state.firstNsec);
      conv = st.byEndpoints.get(src, sport, dst, dport);
      if (!conv) {
        conv = { stream: st.conversations.length, first: now, prev: now };
        st.conversations.push(conv);
        st.byEndpoints.set(src, sport, dst, dport, conv);
      }
      // Wireshark stops before its stream timestamps for an empty datagram (and keeps none for quotes).
      if (timed) {
        delta = now - conv.prev;
        conv.prev = now;
        haveDelta = true;
      }
      const i = st.log.append(frame.number, layer);
      st.log.conv[i] = conv.stream;
      st.log.delta[i] = haveDelta ? delta : NaN;
    } else {
      const i = st.log.find(frame.number, layer);
      if (i >= 0) {
        conv = st.conversations[st.log.conv[i]];
        delta = st.log.delta[i];
        haveDelta = !Number.isNaN(delta);
      } else {
        conv = st.byEndpoints.get(src, sport, dst, dport);
      }
    }
    if (conv && full) ctx.value(F.stream, offset, 0, conv.stream);
    // An ICMP error's quote usually ends with the header: nothing more to show or hand on.
    if (ulen === UDP_HEADER_LEN || quoteOnly) {
      ctx.leave();
      return;
    }

    if (conv && haveDelta && full) {
      const opened = openText(ctx, '[Timestamps]', offset, 0);
      if (ctx.sink.wants(F.timeRelative)) {
        const now = relativeNanos(frame.tsSec, frame.tsNsec, ctx.state.firstSec, ctx.state.firstNsec);
        ctx.value(F.timeRelative, offset, 0, BigInt(now - conv.first));
        if (ctx.tree) ctx.label(`[Time since first frame: ${seconds(now - conv.first)} seconds]`);
      } else ctx.value(F.timeRelative, offset, 0, null);
      if (ctx.sink.wants(F.timeDelta)) {
        ctx.value(F.timeDelta, offset, 0, BigInt(delta));
        if (ctx.tree) ctx.label(`[Time since previous frame: ${seconds(delta)} seconds]`);
      } else ctx.value(F.timeDelta, offset, 0, null);
      if (opened) ctx.leave();
    }

    const payload = offset + UDP_HEADER_LEN;
    const payloadEnd = Math.min(payload + payloadLen, end, ctx.bytes.length);
    if (payloadEnd > payload && full) {
      ctx.item(F.payload, payload, payloadEnd - payload);
      if (ctx.tree) ctx.label(`UDP payload (${payloadLen} byte${payloadLen === 1 ? '' : 's'})`);
    }
    ctx.leave();
    if (payloadLen <= 0) return;
    // A quote inside an ICMP error hands on only what it quotes.
    const stop = inError ? Math.min(payload + payloadLen, end) : payload + payloadLen;
    if (ctx.callPorts(UDP_PORT, sport, dport, payload, stop)) return;
    if (ctx.callHeuristics('udp', payload, stop)) return;
    ctx.data(payload, stop);
  },
});

function need(reported: number, length: number, offset: number): void {
  if (reported < length) throw new BoundsError('malformed', offset + Math.max(0, reported));
}

/** Opens a text-only subtree (Wireshark's proto_tree_add_subtree) when a tree is kept. */
export function openText(ctx: DissectContext, text: string, offset: number, length: number): boolean {
  const sink = ctx.sink;
  if (!(sink instanceof TreeSink)) return false;
  sink.addText(text, offset, length);
  sink.enter();
  return true;
}

/** `1.000002000`: nanoseconds as seconds with nine decimals. */
export function seconds(ns: number): string {
  const neg = ns < 0;
  const abs = Math.abs(ns);
  const s = Math.floor(abs / 1e9);
  const frac = abs - s * 1e9;
  return `${neg ? '-' : ''}${s}.${String(frac).padStart(9, '0')}`;
}

export function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}
