import { defineFields, defineProtocol } from './protocol.ts';
import type { DissectContext } from './context.ts';
import type { CaptureState } from './capture-state.ts';
import type { FrameRecord } from './frame-record.ts';
import { Group, Severity } from './expert.ts';
import { formatRelTime } from './format.ts';
import { tableRef } from './tables.ts';

const WTAP_ENCAP_TABLE = tableRef('wtap_encap');

/**
 * The `frame` protocol: capture metadata (number, lengths, times, interface, flags, comments) and
 * the hand-off to the link layer through the `wtap_encap` table, keyed by LINKTYPE.
 */
export const FRAME = defineFields('frame', {
  time: { abbrev: 'frame.time', name: 'Arrival Time', type: 'abs_time' },
  timeEpoch: { abbrev: 'frame.time_epoch', name: 'Epoch Time', type: 'rel_time' },
  timeDelta: { abbrev: 'frame.time_delta', name: 'Time delta from previous captured frame', type: 'rel_time', generated: true },
  timeRelative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'rel_time', generated: true },
  number: { abbrev: 'frame.number', name: 'Frame Number', type: 'uint', bits: 32, base: 'dec' },
  len: { abbrev: 'frame.len', name: 'Frame Length', type: 'uint', bits: 32, base: 'dec' },
  capLen: { abbrev: 'frame.cap_len', name: 'Capture Length', type: 'uint', bits: 32, base: 'dec' },
  marked: { abbrev: 'frame.marked', name: 'Frame is marked', type: 'bool', generated: true, trueFalse: ['True', 'False'] },
  ignored: { abbrev: 'frame.ignored', name: 'Frame is ignored', type: 'bool', generated: true, trueFalse: ['True', 'False'] },
  protocols: { abbrev: 'frame.protocols', name: 'Protocols in frame', type: 'string', generated: true },
  interfaceId: { abbrev: 'frame.interface_id', name: 'Interface id', type: 'uint', bits: 32, base: 'dec' },
  interfaceName: { abbrev: 'frame.interface_name', name: 'Interface name', type: 'string' },
  interfaceDescription: { abbrev: 'frame.interface_description', name: 'Interface description', type: 'string' },
  packetFlags: { abbrev: 'frame.packet_flags', name: 'Packet flags', type: 'uint', bits: 32, base: 'hex' },
  direction: {
    abbrev: 'frame.packet_flags_direction',
    name: 'Direction',
    type: 'uint',
    bits: 32,
    base: 'hex',
    mask: 0x3,
    strings: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' },
  },
  comment: { abbrev: 'frame.comment', name: 'Comment', type: 'string' },
  commentExpert: { abbrev: 'frame.comment.expert', name: 'Formatted comment', type: 'none' },
  sectionNumber: { abbrev: 'frame.section_number', name: 'Section number', type: 'uint', bits: 32, base: 'dec' },
  offsetShift: { abbrev: 'frame.offset_shift', name: 'Time shift for this packet', type: 'rel_time', generated: true },
  timeDeltaDisplayed: {
    abbrev: 'frame.time_delta_displayed',
    name: 'Time delta from previous displayed frame',
    type: 'rel_time',
    generated: true,
  },
  encapType: {
    abbrev: 'frame.encap_type',
    name: 'Encapsulation type',
    type: 'int',
    bits: 16,
    base: 'dec',
    strings: { 1: 'Ethernet', 7: 'Raw IP', 129: 'Raw IPv4' },
  },
  p2pDir: { abbrev: 'frame.p2p_dir', name: 'Point-to-Point Direction', type: 'int', bits: 8, base: 'dec' },
});

/** Packet comments come first, as their own protocol, each with a Comment-severity expert item. */
export const pktCommentProtocol = defineProtocol({
  abbrev: 'pkt_comment',
  // FRAME's comment fields are added here, not by `frame`.
  calls: { fields: [FRAME.comment, FRAME.commentExpert] },
  name: 'Packet comments',
  short: 'Pkt_Comment',
  fields: {},
  dissect(ctx: DissectContext) {
    const comments = ctx.frame.comments;
    if (!comments || comments.length === 0) return;
    ctx.sink.add(pktCommentProtocol.proto, 0, 0, null);
    ctx.enter();
    for (const c of comments) {
      ctx.value(FRAME.comment, 0, 0, c);
      if (ctx.tree) ctx.label(c);
      ctx.enter();
      ctx.expert(Severity.comment, Group.comment, c, 0, 0, FRAME.commentExpert);
      ctx.leave();
    }
    ctx.leave();
  },
});

/** Wireshark's WTAP_ENCAP numbers for the link types we write (frame.encap_type). */
const WTAP_ENCAP: Readonly<Record<number, number>> = { 1: 1, 101: 7, 228: 129 };

export const frameProtocol = defineProtocol({
  abbrev: 'frame',
  calls: { tables: ['wtap_encap'], protocols: ['pkt_comment', 'data'] },
  name: 'Frame',
  short: 'FRAME',
  fields: FRAME,
  dissect(ctx: DissectContext) {
    const f = ctx.frame;
    const sink = ctx.sink;
    const capLen = f.bytes.length;
    // The reused reader record decodes comments on access: only look when something wants them.
    if (ctx.wantComments && f.comments && f.comments.length) ctx.tables.run(ctx, pktCommentProtocol, 0, 0, undefined);
    ctx.openProtocol(frameProtocol.proto, 0, capLen);
    const dir = (f.flags ?? 0) & 0x3;
    const st = ctx.state;
    if (!ctx.full) {
      // No frame field wanted: only the capture-wide times the first pass records (a pruned
      // filter pass, which never sees a delta, only the first time: TCP and UDP times count from it).
      if (ctx.skip === null) frameDelta(st, f);
      else firstTime(st, f);
      ctx.leave();
      if (!ctx.callTable(WTAP_ENCAP_TABLE, f.linkType, 0, capLen)) ctx.data(0, capLen);
      return;
    }
    if (ctx.tree) {
      const where = f.interfaceName !== undefined ? ` on interface ${f.interfaceName}, id ${f.interfaceId}` : '';
      const way = dir === 1 ? ' (inbound)' : dir === 2 ? ' (outbound)' : '';
      ctx.label(`Frame ${f.number}: ${f.originalLength} bytes on wire (${f.originalLength * 8} bits), ${capLen} bytes captured (${capLen * 8} bits)${where}${way}`);
    }
    ctx.value(FRAME.sectionNumber, 0, 0, 1);
    ctx.value(FRAME.interfaceId, 0, 0, f.interfaceId);
    if (ctx.tree) ctx.label(`Interface id: ${f.interfaceId}${f.interfaceName !== undefined ? ` (${f.interfaceName})` : ''}`);
    ctx.enter();
    if (f.interfaceName !== undefined) ctx.value(FRAME.interfaceName, 0, 0, f.interfaceName);
    if (f.interfaceDescription !== undefined) ctx.value(FRAME.interfaceDescription, 0, 0, f.interfaceDescription);
    ctx.leave();
    if (f.flags !== undefined) {
      ctx.value(FRAME.packetFlags, 0, 0, f.flags >>> 0);
      ctx.enter();
      ctx.value(FRAME.direction, 0, 0, dir);
      ctx.leave();
    }
    ctx.value(FRAME.encapType, 0, 0, WTAP_ENCAP[f.linkType] ?? -1);

    const deltaNs = ctx.skip === null || sink.wants(FRAME.timeDelta) || sink.wants(FRAME.timeDeltaDisplayed) ? frameDelta(st, f) : firstTime(st, f);
    if (sink.wants(FRAME.time)) ctx.value(FRAME.time, 0, 0, nanos(f.tsSec, f.tsNsec));
    if (sink.wants(FRAME.offsetShift)) ctx.value(FRAME.offsetShift, 0, 0, 0n);
    if (sink.wants(FRAME.timeEpoch)) ctx.value(FRAME.timeEpoch, 0, 0, nanos(f.tsSec, f.tsNsec));
    if (ctx.tree) ctx.label(`Epoch Time: ${formatRelTime(nanos(f.tsSec, f.tsNsec))} seconds`);
    ctx.value(FRAME.timeDelta, 0, 0, sink.wants(FRAME.timeDelta) ? BigInt(deltaNs) : null);
    // Every frame is displayed during dissection, so the displayed delta equals the captured one.
    if (sink.wants(FRAME.timeDeltaDisplayed)) ctx.value(FRAME.timeDeltaDisplayed, 0, 0, BigInt(deltaNs));
    if (sink.wants(FRAME.timeRelative)) {
      ctx.value(FRAME.timeRelative, 0, 0, nanos(f.tsSec, f.tsNsec) - nanos(st.firstSec, st.firstNsec));
    } else ctx.value(FRAME.timeRelative, 0, 0, null);

    ctx.value(FRAME.number, 0, 0, f.number);
    ctx.value(FRAME.len, 0, 0, f.originalLength);
    if (ctx.tree) ctx.label(`Frame Length: ${f.originalLength} bytes (${f.originalLength * 8} bits)`);
    ctx.value(FRAME.capLen, 0, 0, capLen);
    if (ctx.tree) ctx.label(`Capture Length: ${capLen} bytes (${capLen * 8} bits)`);
    ctx.value(FRAME.marked, 0, 0, 0);
    ctx.value(FRAME.ignored, 0, 0, 0);
    if (dir === 1 || dir === 2) ctx.value(FRAME.p2pDir, 0, 0, dir === 1 ? 1 : 0);
    // frame.protocols is known only after the whole frame is dissected: the engine fills it in.
    if (ctx.tree) ctx.value(FRAME.protocols, 0, 0, '');
    ctx.leave();
    if (!ctx.callTable(WTAP_ENCAP_TABLE, f.linkType, 0, capLen)) ctx.data(0, capLen);
  },
});

/**
 * The capture's first time and the delta to the previous frame. The delta is fixed on the first
 * pass, so that dissecting a frame again later (the detail pane, a second pass) gives the same
 * value, as tshark -2 does.
 */
function frameDelta(st: CaptureState, f: FrameRecord): number {
  firstTime(st, f);
  if (f.number <= st.lastFrameNumber) return st.deltaOf(f.number);
  const deltaNs = st.prevSec < 0 ? 0 : (f.tsSec - st.prevSec) * 1e9 + (f.tsNsec - st.prevNsec);
  st.recordDelta(f.number, deltaNs);
  st.prevSec = f.tsSec;
  st.prevNsec = f.tsNsec;
  return deltaNs;
}

/** Records the capture's first time; returns 0 (no delta kept). */
function firstTime(st: CaptureState, f: FrameRecord): 0 {
  if (st.firstSec < 0) {
    st.firstSec = f.tsSec;
    st.firstNsec = f.tsNsec;
  }
  return 0;
}

function nanos(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}
