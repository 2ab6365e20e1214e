import * as checksumModule from '../../base/checksum.ts';
import type { DissectContext } from '../context.ts';
import type { FieldDef } from '../field.ts';
import * as expertModule from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import * as ipHandoff from './ip-handoff.ts';
import type { Ipv4PayloadInfo } from './ip-handoff.ts';
import { CHECKSUM_STATUS_VALS } from './ip-names.ts';
import * as names from './icmp-names.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { internetChecksum } = checksumModule;
const { Group, Severity } = expertModule;
const { IN_ICMP_ERROR, ipv4PayloadInfo, isInErrorPacket } = ipHandoff;
const { ICMP_TYPE_NAMES, icmpCodeNames } = names;

const F = defineFields('icmp', {
  type: { abbrev: 'icmp.type', name: 'Type', type: 'uint', bits: 8, base: 'dec' },
  code: { abbrev: 'icmp.code', name: 'Code', type: 'uint', bits: 8, base: 'dec' },
  checksum: { abbrev: 'icmp.checksum', name: 'Checksum', type: 'uint', bits: 16, base: 'hex' },
  checksumStatus: {
    abbrev: 'icmp.checksum.status',
    name: 'Checksum Status',
    type: 'uint',
    bits: 8,
    base: 'none',
    strings: CHECKSUM_STATUS_VALS,
    generated: true,
  },
  unused: { abbrev: 'icmp.unused', name: 'Unused', type: 'bytes' },
  reserved: { abbrev: 'icmp.reserved', name: 'Reserved', type: 'bytes' },
  ident: { abbrev: 'icmp.ident', name: 'Identifier (BE)', type: 'uint', bits: 16, base: 'dec_hex', description: 'Identifier (big endian representation)' },
  identLe: {
    abbrev: 'icmp.ident_le',
    name: 'Identifier (LE)',
    type: 'uint',
    bits: 16,
    base: 'dec_hex',
    description: 'Identifier (little endian representation)',
  },
  seq: { abbrev: 'icmp.seq', name: 'Sequence Number (BE)', type: 'uint', bits: 16, base: 'dec_hex', description: 'Sequence Number (big endian representation)' },
  seqLe: {
    abbrev: 'icmp.seq_le',
    name: 'Sequence Number (LE)',
    type: 'uint',
    bits: 16,
    base: 'dec_hex',
    description: 'Sequence Number (little endian representation)',
  },
  mtu: { abbrev: 'icmp.mtu', name: 'MTU of next hop', type: 'uint', bits: 16, base: 'dec' },
  numAddrs: { abbrev: 'icmp.num_addrs', name: 'Number of addresses', type: 'uint', bits: 8, base: 'dec' },
  addrEntrySize: { abbrev: 'icmp.addr_entry_size', name: 'Address entry size', type: 'uint', bits: 8, base: 'dec' },
  lifetime: { abbrev: 'icmp.lifetime', name: 'Lifetime', type: 'uint', bits: 16, base: 'dec' },
  pointer: { abbrev: 'icmp.pointer', name: 'Pointer', type: 'uint', bits: 32, base: 'dec' },
  routerAddress: { abbrev: 'icmp.router_address', name: 'Router address', type: 'ipv4' },
  prefLevel: { abbrev: 'icmp.pref_level', name: 'Preference level', type: 'int', bits: 32, base: 'dec' },
  originateTimestamp: { abbrev: 'icmp.originate_timestamp', name: 'Originate Timestamp', type: 'uint', bits: 32, base: 'dec' },
  receiveTimestamp: { abbrev: 'icmp.receive_timestamp', name: 'Receive Timestamp', type: 'uint', bits: 32, base: 'dec' },
  transmitTimestamp: { abbrev: 'icmp.transmit_timestamp', name: 'Transmit Timestamp', type: 'uint', bits: 32, base: 'dec' },
  addressMask: { abbrev: 'icmp.address_mask', name: 'Address Mask', type: 'ipv4' },
  redirGw: { abbrev: 'icmp.redir_gw', name: 'Gateway Address', type: 'ipv4' },
  length: { abbrev: 'icmp.length', name: 'Length', type: 'uint', bits: 8, base: 'dec', description: 'The length of the original datagram' },
  lengthOriginal: {
    abbrev: 'icmp.length.original_datagram',
    name: 'Length of original datagram',
    type: 'uint',
    bits: 8,
    base: 'dec',
    generated: true,
    description: 'The length of the original datagram (length * 4)',
  },
  respIn: {
    abbrev: 'icmp.resp_in',
    name: 'Response frame',
    type: 'framenum',
    generated: true,
    description: 'The frame number of the corresponding response',
  },
  noResp: { abbrev: 'icmp.no_resp', name: 'No response seen', type: 'none', generated: true, description: 'No corresponding response frame was seen' },
  respTo: {
    abbrev: 'icmp.resp_to',
    name: 'Request frame',
    type: 'framenum',
    generated: true,
    description: 'The frame number of the corresponding request',
  },
  respTime: {
    abbrev: 'icmp.resptime',
    name: 'Response time',
    type: 'float',
    generated: true,
    description: 'The time between the request and the response, in ms.',
  },
  dataTime: {
    abbrev: 'icmp.data_time',
    name: 'Timestamp from icmp data',
    type: 'abs_time',
    description: 'The timestamp in the first 8 bytes of the icmp data',
  },
  dataTimeRelative: {
    abbrev: 'icmp.data_time_relative',
    name: 'Timestamp from icmp data (relative)',
    type: 'rel_time',
    generated: true,
    description: 'The timestamp of the packet, relative to the timestamp in the first 8 bytes of the icmp data',
  },
  respNotFound: { abbrev: 'icmp.resp_not_found', name: 'Response not found', type: 'none', generated: true },
  checksumBad: { abbrev: 'icmp.checksum_bad', name: 'Bad checksum', type: 'none', generated: true },
});

const ECHO_REPLY = 0;
const UNREACH = 3;
const SOURCE_QUENCH = 4;
const REDIRECT = 5;
const ALT_HOST = 6;
const ECHO = 8;
const RTRADVERT = 9;
const TIMXCEED = 11;
const PARAMPROB = 12;
const TSTAMP = 13;
const TSTAMP_REPLY = 14;
const IREQ = 15;
const IREQ_REPLY = 16;
const MASKREQ = 17;
const MASKREPLY = 18;
const FRAG_NEEDED = 4;

/** One echo request and, once seen, its reply (Wireshark's icmp_transaction_t). */
interface Transaction {
  readonly key: number;
  readonly requestFrame: number;
  responseFrame: number;
  readonly requestSec: number;
  readonly requestNsec: number;
}

/** The echo exchanges between one pair of addresses (Wireshark's icmp_conv_info_t). */
interface Conversation {
  /** By key: the checksum the reply carries (16 bits) and the identifier and sequence (32 bits). */
  readonly unmatched: Map<number, Transaction>;
  /** By frame number of the request or the reply, for frames seen again. */
  readonly matched: Map<number, Transaction[]>;
}

/** Request/response matching across a capture, per unordered address pair. */
class EchoTracker {
  private readonly conversations = new Map<number, Map<number, Conversation>>();

  conversation(a: number, b: number, create: boolean): Conversation | null {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    let byHi = this.conversations.get(lo);
    if (!byHi) {
      if (!create) return null;
      this.conversations.set(lo, (byHi = new Map()));
    }
    let conv = byHi.get(hi);
    if (!conv && create) byHi.set(hi, (conv = { unmatched: new Map(), matched: new Map() }));
    return conv ?? null;
  }
}

function matchedAt(conv: Conversation, frame: number, key: number): Transaction | undefined {
  return conv.matched.get(frame)?.find((t) => t.key === key);
}

function addMatched(conv: Conversation, frame: number, t: Transaction): void {
  const list = conv.matched.get(frame);
  if (list) list.push(t);
  else conv.matched.set(frame, [t]);
}

const newEchoTracker = () => new EchoTracker();

function tracker(ctx: DissectContext): EchoTracker {
  return ctx.state.get('icmp', newEchoTracker);
}

function reportedEnd(ctx: DissectContext, end: number): number {
  return ctx.source === 0 && end >= ctx.bytes.length ? Math.max(end, ctx.frame.originalLength) : end;
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

/**
 * Internet Control Message Protocol, after Wireshark 4.0's dissect_icmp: the checksum verified
 * (unless the message is a fragment or inside an error), echo request/reply matching, the
 * timestamp heuristic on echo data, and for error messages the quoted IP header and payload
 * dissected by the IPv4 dissector with the columns left alone.
 */
export const icmp = defineProtocol({
  abbrev: 'icmp',
  calls: { tables: ['icmp'], protocols: ['ip', 'data'] },
  name: 'Internet Control Message Protocol',
  short: 'ICMP',
  fields: F,
  handoffs: [['ip.proto', 1]],
  // Only the request/response matching looks at other frames.
  state: {
    stateless: Object.values(F).filter((f) => f !== F.respIn && f !== F.respTo && f !== F.respTime && f !== F.noResp && f !== F.respNotFound),
    handoff: false,
  },
  dissect(ctx, offset, end, data) {
    const ipInfo = ipv4PayloadInfo(data);
    const inError = ipInfo ? ipInfo.inErrorPacket : isInErrorPacket(data);
    const fragmented = ipInfo ? ipInfo.fragmented : false;
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('ICMP');
      ctx.setInfo('');
    }
    const type = ctx.u8(offset);
    const code = ctx.u8(offset + 1);
    let dgramLen = ctx.u8(offset + 5);
    let typeStr = ICMP_TYPE_NAMES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
    if (type === ALT_HOST) dgramLen = 0;
    if (type === RTRADVERT && (code === 0 || code === 16)) typeStr = 'Mobile IP Advertisement';
    const codes = icmpCodeNames(type);
    const codeStr = codes ? (codes[code] ?? `Unknown code: ${code}`) : null;
    if (ctx.wantColumns) ctx.setInfo(codeStr ? `${typeStr.padEnd(20)} (${codeStr})` : typeStr.padEnd(20));

    const capturedEnd = Math.min(end, ctx.bytes.length);
    const reported = reportedEnd(ctx, end) - offset;
    ctx.openProtocol(icmp.proto, offset, capturedEnd - offset);
    // Without any ICMP field wanted the message is still read, checked and handed on, with no items.
    const full = ctx.full;
    if (full) {
      ctx.value(F.type, offset, 1, type);
      if (ctx.tree) ctx.label(`Type: ${type} (${typeStr})`);
      ctx.value(F.code, offset + 1, 1, code);
      if (ctx.tree && codeStr) ctx.label(`Code: ${code} (${codeStr})`);
    }
    checksum(ctx, offset, end, !fragmented && capturedEnd - offset >= reported && !inError, inError);

    switch (type) {
      case ECHO_REPLY:
      case ECHO:
      case TSTAMP:
      case TSTAMP_REPLY:
      case IREQ:
      case IREQ_REPLY:
      case MASKREQ:
      case MASKREPLY: {
        const ident = ctx.u16(offset + 4);
        if (full) {
          ctx.value(F.ident, offset + 4, 2, ident);
          ctx.value(F.identLe, offset + 4, 2, ((ident & 0xff) << 8) | (ident >>> 8));
        }
        const seq = ctx.u16(offset + 6);
        const seqLe = ((seq & 0xff) << 8) | (seq >>> 8);
        if (full) {
          ctx.value(F.seq, offset + 6, 2, seq);
          ctx.value(F.seqLe, offset + 6, 2, seqLe);
        }
        if (ctx.wantColumns) ctx.appendInfo(`id=0x${hex4(ident)}, seq=${seq}/${seqLe}${ipInfo ? `, ttl=${ipInfo.ttl}` : ''}`);
        break;
      }
      case UNREACH:
        if (dgramLen > 0) {
          lengthFields(ctx, offset, dgramLen);
          ctx.item(code === FRAG_NEEDED ? F.mtu : F.unused, offset + 6, 2);
        } else if (code === FRAG_NEEDED) {
          ctx.item(F.unused, offset + 4, 2);
          ctx.item(F.mtu, offset + 6, 2);
        } else {
          ctx.item(F.unused, offset + 4, 4);
        }
        break;
      case RTRADVERT:
        ctx.item(F.numAddrs, offset + 4, 1);
        ctx.item(F.addrEntrySize, offset + 5, 1);
        ctx.item(F.lifetime, offset + 6, 2);
        if (ctx.tree) ctx.label(`Lifetime: ${ctx.u16(offset + 6)} (${secondsText(ctx.u16(offset + 6))})`);
        break;
      case PARAMPROB:
        ctx.value(F.pointer, offset + 4, 1, ctx.u8(offset + 4));
        if (dgramLen > 0) {
          ctx.item(F.length, offset + 5, 1);
          ctx.value(F.lengthOriginal, offset + 5, 1, dgramLen * 4);
          ctx.item(F.unused, offset + 6, 2);
        } else {
          ctx.item(F.unused, offset + 5, 3);
        }
        break;
      case REDIRECT:
        ctx.item(F.redirGw, offset + 4, 4);
        break;
      case TIMXCEED:
        if (dgramLen > 0) {
          lengthFields(ctx, offset, dgramLen);
          ctx.item(F.unused, offset + 6, 2);
        } else {
          ctx.item(F.unused, offset + 4, 4);
        }
        break;
    }

    switch (type) {
      case UNREACH:
      case TIMXCEED:
      case PARAMPROB:
      case SOURCE_QUENCH:
      case REDIRECT:
        quotedDatagram(ctx, offset, end, type, dgramLen, reported);
        break;
      case ECHO_REPLY:
      case ECHO:
        // Request/response matching; a pruned pass that cannot see it skips it (ctx.tracks).
        if (!inError && ctx.tracks) echoTransaction(ctx, offset, type, ipInfo);
        echoData(ctx, offset, end, capturedEnd);
        break;
      case RTRADVERT: {
        const num = ctx.u8(offset + 4);
        if (ctx.u8(offset + 5) === 2) {
          for (let i = 0; i < num; i++) {
            ctx.item(F.routerAddress, offset + 8 + i * 8, 4);
            ctx.item(F.prefLevel, offset + 12 + i * 8, 4);
          }
        } else {
          ctx.data(offset + 8, end);
        }
        break;
      }
      case TSTAMP:
      case TSTAMP_REPLY: {
        const frameMs = (ctx.frame.tsSec * 1000 + Math.floor(ctx.frame.tsNsec / 1_000_000)) % MS_PER_DAY;
        msTimestamp(ctx, F.originateTimestamp, offset + 8, frameMs);
        msTimestamp(ctx, F.receiveTimestamp, offset + 12, frameMs);
        msTimestamp(ctx, F.transmitTimestamp, offset + 16, frameMs);
        break;
      }
      case MASKREQ:
      case MASKREPLY:
        ctx.item(F.addressMask, offset + 8, 4);
        break;
    }
    ctx.leave();
  },
});

function lengthFields(ctx: DissectContext, offset: number, dgramLen: number): void {
  ctx.item(F.unused, offset + 4, 1);
  ctx.item(F.length, offset + 5, 1);
  ctx.value(F.lengthOriginal, offset + 5, 1, dgramLen * 4);
}

/** proto_tree_add_checksum as dissect_icmp calls it. */
function checksum(ctx: DissectContext, offset: number, end: number, verify: boolean, inError: boolean): void {
  const value = ctx.u16(offset + 2);
  const full = ctx.full;
  if (full) ctx.value(F.checksum, offset + 2, 2, value);
  let status = 2;
  // Only the status item and the bad-checksum expert depend on the sum.
  if (verify && (full || ctx.seesExpert(F.checksumBad))) {
    // The one's-complement sum over the whole message, checksum included, is zero when correct.
    const computed = internetChecksum(ctx.bytes, offset, end);
    if (computed === 0) {
      status = 1;
      if (ctx.tree) ctx.label(`Checksum: 0x${hex4(value)} [correct]`);
    } else {
      status = 0;
      const text = `0x${hex4(shouldBe(value, computed))}`;
      if (ctx.tree) ctx.label(`Checksum: 0x${hex4(value)} incorrect, should be ${text}`);
      ctx.enter();
      ctx.expert(Severity.warning, Group.checksum, `Bad checksum [should be ${text}]`, offset + 2, 2, F.checksumBad);
      ctx.leave();
    }
  } else if (ctx.tree) {
    ctx.label(`Checksum: 0x${hex4(value)} [unverified] [${inError ? 'in ICMP error packet' : 'fragmented datagram'}]`);
  }
  if (full) ctx.value(F.checksumStatus, offset + 2, 0, status);
  if (ctx.tree) ctx.label(`Checksum Status: ${CHECKSUM_STATUS_VALS[status]}`);
}

/**
 * in_cksum_shouldbe(): the checksum field value that would have made the message verify, from the
 * field and the complemented sum computed over the message with it (`computed` = ~sum).
 */
function shouldBe(field: number, computed: number): number {
  let s = field + computed;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s & 0xffff;
}

/** The IP header and first bytes of the datagram an error message quotes, through the IPv4 dissector. */
function quotedDatagram(ctx: DissectContext, offset: number, end: number, type: number, dgramLen: number, reported: number): void {
  const start = offset + 8;
  let stop = end;
  if (type === REDIRECT) {
    stop = Math.min(end, start + (ctx.u8(offset + 8) & 0x0f) * 4 + 8);
  } else if (dgramLen && reported > 8 + dgramLen * 4 && ctx.u16(offset + 10) > dgramLen * 4) {
    stop = Math.min(end, start + ((ctx.u8(offset + 8) & 0x0f) + dgramLen) * 4);
  }
  // Columns and addresses keep describing the error message, not the packet it quotes.
  const columns = ctx.wantColumns;
  ctx.wantColumns = false;
  try {
    ctx.callProtocol('ip', start, stop, IN_ICMP_ERROR);
  } finally {
    ctx.wantColumns = columns;
  }
  // RFC 4884 extensions (MPLS label stacks, interface information) would follow at 8 + 128.
  if (reported > 8 + 128) ctx.u16(offset + 10);
}

function echoTransaction(ctx: DissectContext, offset: number, type: number, ipInfo: Ipv4PayloadInfo | null): void {
  const sum = ctx.u16(offset + 2);
  const identSeq = ctx.u32(offset + 4);
  let key0: number;
  if (type === ECHO_REPLY) {
    key0 = sum === 0xffff ? 0 : sum;
  } else {
    // The checksum the reply will carry: the request's plus the 0x0800 the type byte loses.
    let s = (~sum & 0xffff) + (~0x0800 & 0xffff);
    s = (s & 0xffff) + (s >>> 16);
    key0 = ~s & 0xffff;
  }
  const src = ipInfo ? ipInfo.src : 0;
  const dst = ipInfo ? ipInfo.dst : 0;
  const key = key0 * 0x100000000 + identSeq;
  const t = tracker(ctx);
  const frame = ctx.frame.number;
  const visited = frame <= ctx.state.lastFrameNumber;
  if (type === ECHO) {
    const conv = t.conversation(src, dst, true)!;
    let trans: Transaction | undefined;
    if (!visited) {
      trans = { key, requestFrame: frame, responseFrame: 0, requestSec: ctx.frame.tsSec, requestNsec: ctx.frame.tsNsec };
      conv.unmatched.set(key, trans);
    } else {
      trans = matchedAt(conv, frame, key);
    }
    if (!trans) {
      if ((dst >>> 28) === 0xe || dst === 0xffffffff) {
        if (ctx.wantColumns) ctx.appendInfo(dst === 0xffffffff ? '(broadcast)' : '(multicast)');
      } else if (visited) {
        ctx.value(F.noResp, offset, 0, null);
        ctx.enter();
        ctx.expert(Severity.warning, Group.sequence, 'No response seen to ICMP request', offset, 0, F.respNotFound);
        ctx.leave();
        if (ctx.wantColumns) ctx.appendInfo('(no response found!)');
      }
      return;
    }
    if (trans.responseFrame) {
      ctx.value(F.respIn, offset, 0, trans.responseFrame);
      if (ctx.wantColumns) ctx.appendInfo(`(reply in ${trans.responseFrame})`);
    }
    return;
  }
  const conv = t.conversation(src, dst, false);
  if (!conv) return;
  let trans: Transaction | undefined;
  if (!visited) {
    trans = conv.unmatched.get(key);
    if (!trans || trans.responseFrame !== 0) return;
    trans.responseFrame = frame;
    addMatched(conv, trans.requestFrame, trans);
    addMatched(conv, frame, trans);
  } else {
    trans = matchedAt(conv, frame, key);
    if (!trans) return;
  }
  ctx.value(F.respTo, offset, 0, trans.requestFrame);
  let sec = ctx.frame.tsSec - trans.requestSec;
  let nsec = ctx.frame.tsNsec - trans.requestNsec;
  if (nsec < 0) {
    sec -= 1;
    nsec += 1_000_000_000;
  }
  const ms = sec * 1000 + nsec / 1_000_000;
  ctx.value(F.respTime, offset, 0, ms);
  if (ctx.tree) ctx.label(`Response time: ${ms.toFixed(3)} ms`);
  if (ctx.wantColumns) ctx.appendInfo(`(request in ${trans.requestFrame})`);
}

/** Echo data: a leading timestamp (BE or LE seconds and microseconds near the frame time), then data. */
function echoData(ctx: DissectContext, offset: number, end: number, capturedEnd: number): void {
  const remaining = capturedEnd - (offset + 8);
  if (remaining < 8) {
    if (remaining > 0) ctx.data(offset + 8, end);
    return;
  }
  const frameSec = ctx.frame.tsSec;
  let secs = ctx.u32(offset + 8);
  let usecs = ctx.u32(offset + 12);
  if (farFrom(secs, frameSec) || usecs >= 1_000_000) {
    secs = le32(ctx, offset + 8);
    usecs = le32(ctx, offset + 12);
  }
  if (!farFrom(secs, frameSec) && usecs < 1_000_000) {
    if (ctx.full) {
      const ts = BigInt(secs) * 1_000_000_000n + BigInt(usecs * 1000);
      ctx.value(F.dataTime, offset + 8, 8, ts);
      const now = BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec);
      ctx.value(F.dataTimeRelative, offset + 8, 8, now - ts);
      if (ctx.tree) ctx.label(`Timestamp from icmp data (relative): ${relSeconds(now - ts)} seconds`);
    }
    ctx.data(offset + 16, end);
    return;
  }
  if (!ctx.callHeuristics('icmp', offset + 8, end)) ctx.data(offset + 8, end);
}

/** `abs((int)(ts.secs - frame.secs)) >= 3600 * 24`, with C's 32-bit truncation. */
function farFrom(secs: number, frameSec: number): boolean {
  const d = (secs - frameSec) | 0;
  return (d === -2147483648 ? d : Math.abs(d)) >= 86400;
}

function le32(ctx: DissectContext, at: number): number {
  return ((ctx.u8(at + 3) << 24) | (ctx.u8(at + 2) << 16) | (ctx.u8(at + 1) << 8) | ctx.u8(at)) >>> 0;
}

function relSeconds(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

const MS_PER_DAY = 86_400_000;

/** A timestamp field of a Timestamp message, labelled with its best-guess time after midnight. */
function msTimestamp(ctx: DissectContext, field: FieldDef, at: number, frameMs: number): void {
  ctx.item(field, at, 4);
  if (ctx.tree) ctx.label(`${field.name}: ${ctx.u32(at)} (${msecsText(bestGuessMsOfDay(ctx, at, frameMs))} after midnight UTC)`);
}

/**
 * get_best_guess_mstimeofday: RFC 792 timestamps are milliseconds since midnight UT, but some
 * stacks write them little-endian; take whichever byte order gives a time of day nearer the frame.
 */
function bestGuessMsOfDay(ctx: DissectContext, at: number, comp: number): number {
  let be = ctx.u32(at) & 0x7fffffff;
  let le = le32(ctx, at) & 0x7fffffff;
  if (be < MS_PER_DAY && le >= MS_PER_DAY) return be;
  if (le < MS_PER_DAY && be >= MS_PER_DAY) return le;
  if (be < MS_PER_DAY && le < MS_PER_DAY) {
    const savedBe = be;
    const savedLe = le;
    if (be < comp && be <= MS_PER_DAY / 4 && comp >= MS_PER_DAY - MS_PER_DAY / 4) be += MS_PER_DAY;
    if (le < comp && le <= MS_PER_DAY / 4 && comp >= MS_PER_DAY - MS_PER_DAY / 4) le += MS_PER_DAY;
    return (be - comp) >>> 0 < (le - comp) >>> 0 ? savedBe : savedLe;
  }
  return (be - comp) >>> 0 < (le - comp) >>> 0 ? be : le;
}

/** Wireshark's unsigned_time_secs_to_str: `1 day, 2 hours, 3 minutes, 4.005 seconds`. */
function durationText(secsTotal: number, msecs: number): string {
  const parts: string[] = [];
  let t = secsTotal;
  const secs = t % 60;
  t = Math.floor(t / 60);
  const mins = t % 60;
  t = Math.floor(t / 60);
  const hours = t % 24;
  const days = Math.floor(t / 24);
  const plural = (n: number) => (n === 1 ? '' : 's');
  if (days) parts.push(`${days} day${plural(days)}`);
  if (hours) parts.push(`${hours} hour${plural(hours)}`);
  if (mins) parts.push(`${mins} minute${plural(mins)}`);
  if (secs || msecs) parts.push(msecs ? `${secs}.${String(msecs).padStart(3, '0')} seconds` : `${secs} second${plural(secs)}`);
  return parts.join(', ');
}

/** signed_time_msecs_to_str for the non-negative values ICMP timestamps give. */
function msecsText(ms: number): string {
  return ms === 0 ? '0 seconds' : durationText(Math.floor(ms / 1000), ms % 1000);
}

/** signed_time_secs_to_str for router lifetimes: `30 minutes`, `1 hour, 2 seconds`. */
function secondsText(total: number): string {
  return total === 0 ? '0 seconds' : durationText(total, 0);
}
