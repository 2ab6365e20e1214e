import type { DissectContext } from '../context.ts';
import { Group as GroupImport, Severity as SeverityImport } from '../expert.ts';
import { TreeSink as TreeSinkImport, type TreeNode } from '../sink.ts';
import { TCP } from './tcp-fields.ts';
import * as udpHelpers from './udp.ts';

// Imported bindings read once (see tcp.ts).
const Group = GroupImport;
const Severity = SeverityImport;
const TreeSink = TreeSinkImport;
const F = TCP;
const { openText } = udpHelpers;

/** What option dissection needs from the header and gives back (reused from frame to frame). */
export class TcpOptionScratch {
  syn = false;
  ackFlag = false;
  ackRaw = 0;
  /** Subtracted from SACK edges: the other direction's base sequence number (0 if unknown). */
  sackBase = 0;
  /** Shift from a window scale option, capped at 14; -1 when none. */
  wscale = -1;
  sawMss = false;

  reset(syn: boolean, ackFlag: boolean, ackRaw: number, sackBase: number): void {
    this.syn = syn;
    this.ackFlag = ackFlag;
    this.ackRaw = ackRaw;
    this.sackBase = sackBase;
    this.wscale = -1;
    this.sawMss = false;
  }
}

/** Summary names Wireshark appends to `Options:` (the option protocols' short names). */
const SHORT_NAMES: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Maximum segment size',
  3: 'Window scale',
  4: 'SACK permitted',
  5: 'SACK',
  8: 'Timestamps',
  253: 'Experimental',
  254: 'Experimental',
};

const ltSeq = (a: number, b: number) => ((a - b) | 0) < 0;

/**
 * Dissects the option bytes `[offset, end)` into the open `tcp.options` item's subtree, the way
 * Wireshark 4.0's tcp_dissect_options does: every option an item with its kind (and length),
 * padding zeros shown as EOLs, malformed lengths reported as expert info, and the option summaries
 * appended to the Info column (`MSS=1460 SACK_PERM TSval=… WS=128 SLE=… SRE=…`).
 */
export function dissectTcpOptions(ctx: DissectContext, offset: number, end: number, s: TcpOptionScratch, optionsNode: TreeNode | null): void {
  const cols = ctx.wantColumns;
  let summary = optionsNode ? optionsNode.label ?? '' : '';
  let nops = 0;
  let at = offset;
  while (at < end) {
    const kind = ctx.u8(at);
    if (kind === 0 || kind === 1) {
      if (kind === 1) {
        if (++nops === 4) {
          ctx.expert(Severity.warning, Group.protocol, '4 NOP in a row - a router may have removed some options', at, 1, F.nop4);
        }
      } else nops = 0;
      const item = kind === 0 ? F.optEol : F.optNop;
      ctx.value(item, at, 1, ctx.sink.wants(item) ? ctx.bytes.subarray(at, at + 1) : null);
      if (ctx.tree) ctx.label(kind === 0 ? 'TCP Option - End of Option List (EOL)' : 'TCP Option - No-Operation (NOP)');
      if (ctx.tree) ctx.enter();
      ctx.item(F.optionKind, at, 1);
      if (ctx.tree) ctx.leave();
      if (optionsNode) summary += `, ${SHORT_NAMES[kind]}`;
      at++;
      if (kind === 0 && !allZero(ctx.bytes, at, end)) {
        ctx.ensure(at, end - at);
        const opened = openText(ctx, 'Non-zero header padding', at, end - at);
        ctx.expert(Severity.error, Group.protocol, 'Non-zero header padding', at, end - at, F.nonZeroAfterEol);
        if (opened) if (ctx.tree) ctx.leave();
        break;
      }
      continue;
    }
    nops = 0;
    if (kind === 2) s.sawMss = true;
    const name = SHORT_NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
    if (at + 1 >= end) {
      invalidLength(ctx, at, 1, `${name} (length byte past end of options)`);
      break;
    }
    const len = ctx.u8(at + 1);
    if (len < 2) {
      invalidLength(ctx, at, 2, `${name} (with too-short option length = ${len} byte${len === 1 ? '' : 's'})`);
      break;
    }
    if (at + len > end) {
      invalidLength(ctx, at, end - at, `${name} (option length = ${len} byte${len === 1 ? '' : 's'} says option goes past end of options)`);
      break;
    }
    ctx.ensure(at, len);
    dissectOption(ctx, kind, at, len, s, cols);
    if (optionsNode) summary += `, ${name}`;
    at += len;
  }
  if (optionsNode) optionsNode.label = summary;
}

function dissectOption(ctx: DissectContext, kind: number, at: number, len: number, s: TcpOptionScratch, cols: boolean): void {
  const field =
    kind === 2
      ? F.optMss
      : kind === 3
        ? F.optWscale
        : kind === 4
          ? F.optSackPerm
          : kind === 5
            ? F.optSack
            : kind === 8
              ? F.optTimestamp
              : kind === 253 || kind === 254
                ? F.optExperimental
                : F.optUnknown;
  ctx.value(field, at, len, ctx.sink.wants(field) ? ctx.bytes.subarray(at, at + len) : null);
  if (ctx.tree) ctx.label(field.name);
  const tree = ctx.sink instanceof TreeSink ? ctx.sink : null;
  const optionNode = tree ? tree.lastNode : null;
  if (ctx.tree) ctx.enter();
  if (kind === 2 && !s.syn) {
    ctx.expert(Severity.warning, Group.protocol, 'The non-SYN packet does contain a MSS option', at, len, F.mssPresent);
  }
  ctx.item(F.optionKind, at, 1);
  ctx.item(F.optionLen, at + 1, 1);
  const body = at + 2;
  switch (kind) {
    case 2: {
      if (!lengthIs(ctx, at, len, 4)) break;
      const mss = ctx.u16(body);
      ctx.value(F.mssVal, body, 2, mss);
      if (optionNode) optionNode.label = `${field.name}: ${mss} bytes`;
      if (cols) ctx.appendInfo(`MSS=${mss}`);
      break;
    }
    case 3: {
      if (!lengthIs(ctx, at, len, 3)) break;
      let shift = ctx.u8(body);
      ctx.value(F.wscaleShift, body, 1, shift);
      if (shift > 14) {
        shift = 14;
        if (ctx.tree) ctx.enter();
        ctx.expert(Severity.warning, Group.protocol, 'Window scale shift exceeds 14', body, 1, F.wscaleShiftInvalid);
        if (ctx.tree) ctx.leave();
      }
      ctx.value(F.wscaleMultiplier, body, 1, 2 ** shift);
      if (ctx.tree) ctx.label(`[Multiplier: ${2 ** shift}]`);
      if (optionNode) optionNode.label = `${field.name}: ${shift} (multiply by ${2 ** shift})`;
      if (cols) ctx.appendInfo(`WS=${2 ** shift}`);
      s.wscale = shift;
      break;
    }
    case 4:
      if (!lengthIs(ctx, at, len, 2)) break;
      if (cols) ctx.appendInfo('SACK_PERM');
      break;
    case 5:
      dissectSack(ctx, at, len, s, cols, optionNode);
      break;
    case 8: {
      if (!lengthIs(ctx, at, len, 10)) break;
      const tsval = ctx.u32(body);
      const tsecr = ctx.u32(body + 4);
      ctx.value(F.tsval, body, 4, tsval);
      ctx.value(F.tsecr, body + 4, 4, tsecr);
      if (optionNode) optionNode.label = `${field.name}: TSval ${tsval}, TSecr ${tsecr}`;
      if (cols) ctx.appendInfo(`TSval=${tsval} TSecr=${tsecr}`);
      break;
    }
    case 253:
    case 254:
      // Wireshark reads an RFC 6994 experiment identifier (Fast Open's 0xf989 is not decoded here).
      if (len > 2) {
        const exid = ctx.u16(body);
        ctx.value(F.expExid, body, 2, exid);
        if (ctx.tree) ctx.label(`Experiment Identifier: Unknown (0x${exid.toString(16).padStart(4, '0')})`);
        if (len > 4) ctx.item(F.expData, body + 2, len - 4);
        if (optionNode) optionNode.label = `${field.name}: Unknown`;
        if (cols) ctx.appendInfo(`ExID=${exid.toString(16)}`);
      }
      break;
    default:
      if (len > 2) ctx.item(F.unknownPayload, body, len - 2);
  }
  if (ctx.tree) ctx.leave();
}

function dissectSack(ctx: DissectContext, at: number, len: number, s: TcpOptionScratch, cols: boolean, optionNode: TreeNode | null): void {
  let label = optionNode ? 'TCP Option - SACK' : '';
  let count = 0;
  let firstLe = 0;
  let firstRe = 0;
  let secondLe = 0;
  let secondRe = 0;
  let p = at + 2;
  const stop = at + len;
  while (p + 8 <= stop) {
    const leRaw = ctx.u32(p);
    const reRaw = ctx.u32(p + 4);
    const le = (leRaw - s.sackBase) >>> 0;
    const re = (reRaw - s.sackBase) >>> 0;
    ctx.value(F.sackLe, p, 4, le);
    if (ctx.tree) ctx.label(`left edge = ${le} (relative)`);
    ctx.value(F.sackRe, p + 4, 4, re);
    if (ctx.tree) ctx.label(`right edge = ${re} (relative)`);
    if (optionNode) label += ` ${le}-${re}`;
    if (cols) ctx.appendInfo(`SLE=${le} SRE=${re}`);
    if (count === 0) {
      firstLe = leRaw;
      firstRe = reRaw;
    } else if (count === 1) {
      secondLe = leRaw;
      secondRe = reRaw;
    }
    count++;
    p += 8;
  }
  if (p < stop) {
    ctx.expert(Severity.warning, Group.malformed, 'suboption would go past end of option', p, stop - p);
  }
  ctx.value(F.sackCount, at, 0, count);
  if (optionNode) optionNode.label = label;
  // RFC 2883: the first block reports a duplicate if it is below the ACK or inside the second block.
  const dsack =
    count > 0 &&
    ((s.ackFlag && ltSeq(firstLe, s.ackRaw)) || (count > 1 && !ltSeq(firstLe, secondLe) && !ltSeq(secondRe, firstRe)));
  if (dsack) {
    const le = (firstLe - s.sackBase) >>> 0;
    const re = (firstRe - s.sackBase) >>> 0;
    ctx.value(F.dsackLe, at + 2, 4, le);
    if (ctx.tree) ctx.label(`[D-SACK Left Edge = ${le} (relative)]`);
    ctx.value(F.dsackRe, at + 6, 4, re);
    if (ctx.tree) ctx.label(`[D-SACK Right Edge = ${re} (relative)]`);
    const opened = openText(ctx, 'D-SACK Sequence', at + 2, 8);
    ctx.expert(Severity.warning, Group.sequence, 'D-SACK Sequence', at + 2, 8, F.dsack);
    if (opened) if (ctx.tree) ctx.leave();
  }
}

/** Wireshark's tcp_option_len_check: a fixed-length option with another length gets a note. */
function lengthIs(ctx: DissectContext, at: number, len: number, want: number): boolean {
  if (len === want) return true;
  if (ctx.tree) ctx.enter();
  ctx.expert(Severity.note, Group.sequence, `option length should be ${want}`, at + 1, 1, F.optionLenInvalid);
  if (ctx.tree) ctx.leave();
  return false;
}

function invalidLength(ctx: DissectContext, at: number, length: number, message: string): void {
  const opened = openText(ctx, message, at, length);
  ctx.expert(Severity.note, Group.sequence, message, at, length, F.optionLenInvalid);
  if (opened) if (ctx.tree) ctx.leave();
}

function allZero(b: Uint8Array, from: number, to: number): boolean {
  const stop = Math.min(to, b.length);
  for (let i = from; i < stop; i++) if (b[i] !== 0) return false;
  return true;
}
