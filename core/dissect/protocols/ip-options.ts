import { formatIpv4 } from '../../base/addr.ts';
import { BoundsError, type DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import type { FieldDef } from '../field.ts';
import { TreeSink, type TreeNode } from '../sink.ts';
import { IP } from './ip-fields.ts';

/**
 * IPv4 options the way Wireshark 4.0's packet-ip.c shows them: an "Options: (n bytes)" subtree
 * holding one item per option (EOL and NOP as single bytes, the rest type-length-value with their
 * own fields), and the same expert items for malformed option lists.
 */

const IPOLEN_MAX = 40;

interface OptionKind {
  readonly field: FieldDef;
  /** Wireshark's short protocol name, appended to the Options label. */
  readonly name: string;
  readonly dissect: (ctx: DissectContext, at: number, len: number, kind: OptionKind) => void;
}

/** The option dissectors Wireshark 4.0 registers in its `ip.option` table, by option type byte. */
const KINDS: ReadonlyMap<number, OptionKind> = new Map<number, OptionKind>([
  [7, { field: IP.optRecordRoute, name: 'Record Route', dissect: recordRoute }],
  [131, { field: IP.optLooseRoute, name: 'Loose Source Route', dissect: sourceRoute }],
  [137, { field: IP.optStrictRoute, name: 'Strict Source Route', dissect: sourceRoute }],
  [68, { field: IP.optTimestamp, name: 'Time Stamp', dissect: timestamp }],
  [148, { field: IP.optRouterAlert, name: 'Router Alert', dissect: routerAlert }],
  [136, { field: IP.optStreamId, name: 'Stream ID', dissect: fixed16(4, IP.optSid) }],
  [11, { field: IP.optMtuProbe, name: 'MTU Probe', dissect: fixed16(4, IP.optMtu) }],
  [12, { field: IP.optMtuReply, name: 'MTU Reply', dissect: fixed16(4, IP.optMtu) }],
  [149, { field: IP.optSdb, name: 'Selective Directed Broadcast', dissect: directedBroadcast }],
  [130, { field: IP.optSecurity, name: 'Security', dissect: security }],
  [133, { field: IP.optExtSecurity, name: 'Extended Security', dissect: extendedSecurity }],
  [134, { field: IP.optCipso, name: 'Commercial Security', dissect: cipso }],
  [25, { field: IP.optQuickStart, name: 'Quick-Start', dissect: quickStart }],
]);

/** The TTL of the header whose options are being dissected (Quick-Start reports the difference). */
let headerTtl = 0;

/** The short name of an option type, as the Options label and expert messages use it. */
export function optionName(type: number): string {
  return KINDS.get(type)?.name ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
}

/**
 * Where the real destination address is when a loose or strict source route is still being
 * followed: its offset from the start of the header, or 0 (Wireshark's get_dst_offset).
 */
export function sourceRouteDestination(ctx: DissectContext, ipStart: number, hdrLen: number): number {
  let at = ipStart + 20;
  let length = hdrLen - 20;
  while (length > 0) {
    const opt = ctx.u8(at);
    length--;
    if (opt !== 0 && opt !== 1) {
      if (length === 0) return 0;
      const len = ctx.u8(at + 1);
      length--;
      if (len < 2 || len - 2 > length) return 0;
      if (opt === 131 || opt === 137) {
        const ptr = ctx.u8(at + 2);
        if (ptr < 4 || ptr & 3 || ptr > len) return 0;
        return at + len - 4 - ipStart;
      }
      at += len;
      length -= len - 2;
    } else {
      at += 1;
    }
    if (opt === 0) return 0;
  }
  return 0;
}

/** Dissects the option bytes `[start, start+length)` of the header that begins at `ipStart`. */
export function dissectOptions(ctx: DissectContext, ipStart: number, start: number, length: number, ttl: number): void {
  headerTtl = ttl;
  const tree = ctx.sink instanceof TreeSink ? ctx.sink : null;
  let optionsNode: TreeNode | null = null;
  if (tree) {
    tree.addText(`Options: (${length} bytes)`, start, length);
    optionsNode = tree.lastNode;
    ctx.enter();
  }
  optionList(ctx, ipStart, start, length, optionsNode);
  // A read past the captured bytes throws instead; the engine unwinds the open subtrees then.
  if (tree) ctx.leave();
}

function optionList(ctx: DissectContext, ipStart: number, start: number, length: number, optionsNode: TreeNode | null): void {
  const tree = ctx.sink instanceof TreeSink ? ctx.sink : null;
  let at = start;
  let nopCount = 0;
  while (length > 0) {
    const opt = ctx.u8(at);
    length--;
    if (opt === 0 || opt === 1) {
      if (opt === 1) {
        if (nopCount === 0 || (at - ipStart) % 4) {
          nopCount++;
          if (nopCount === 4) ctx.expert(Severity.warning, Group.protocol, IP.nop.name, start, 0, IP.nop);
        } else {
          nopCount = 0;
        }
      }
      ctx.item(opt === 0 ? IP.optEol : IP.optNop, at, 1);
      if (ctx.tree) ctx.label(opt === 0 ? IP.optEol.name : IP.optNop.name);
      ctx.enter();
      optionType(ctx, at);
      ctx.leave();
      at++;
    } else {
      const kind = KINDS.get(opt);
      const name = kind ? kind.name : optionName(opt);
      if (length === 0) {
        badLength(ctx, `${name} (length byte past end of options)`, at, 1);
        return;
      }
      const optLen = ctx.u8(at + 1);
      length--;
      if (optLen < 2) {
        badLength(ctx, `${name} (with too-short option length = ${optLen} byte${optLen === 1 ? '' : 's'})`, at, 2);
        return;
      } else if (optLen - 2 > length) {
        badLength(ctx, `${name} (option length = ${optLen} byte${optLen === 1 ? '' : 's'} says option goes past end of options)`, at, length);
        return;
      }
      if (!kind) {
        if (tree) tree.addText(`${name} (${optLen} byte${optLen === 1 ? '' : 's'})`, at, optLen);
      } else {
        kind.dissect(ctx, at, optLen, kind);
        if (optionsNode) optionsNode.label += `, ${name}`;
      }
      at += optLen;
      length -= optLen - 2;
    }
    if (opt === 0) break;
  }
}

/** An expert item standing for a malformed option (Wireshark's proto_tree_add_expert_format). */
function badLength(ctx: DissectContext, message: string, offset: number, length: number): void {
  if (ctx.sink instanceof TreeSink) {
    ctx.sink.addText(message, offset, length);
    ctx.enter();
  }
  ctx.expert(Severity.warning, Group.protocol, message, offset, length, IP.optLenInvalid);
  if (ctx.sink instanceof TreeSink) ctx.leave();
}

/** Reads a byte of an option; past the option's own length Wireshark's subset tvb throws. */
function optU8(ctx: DissectContext, at: number, len: number, rel: number): number {
  if (rel >= len) throw new BoundsError('malformed', at + len);
  return ctx.u8(at + rel);
}

/** Adds an item that must lie inside the option `[at, at+len)`. */
function optItem(ctx: DissectContext, field: FieldDef, at: number, len: number, rel: number, size: number): void {
  if (rel + size > len) throw new BoundsError('malformed', at + len);
  ctx.item(field, at + rel, size);
}

function optionType(ctx: DissectContext, at: number): void {
  ctx.item(IP.optType, at, 1);
  if (ctx.tree) ctx.enter();
  ctx.item(IP.optTypeCopy, at, 1);
  ctx.item(IP.optTypeClass, at, 1);
  ctx.item(IP.optTypeNumber, at, 1);
  if (ctx.tree) ctx.leave();
}

/** ip_var_option_header: the option item, its type and its length. Leaves the option's subtree open. */
function varHeader(ctx: DissectContext, kind: OptionKind, at: number, len: number): void {
  ctx.item(kind.field, at, len);
  if (ctx.tree) ctx.label(`${kind.field.name} (${len} bytes)`);
  ctx.enter();
  optionType(ctx, at);
  optItem(ctx, IP.optLen, at, len, 1, 1);
  if (len > IPOLEN_MAX) {
    ctx.enter();
    ctx.expert(Severity.warning, Group.protocol, IP.optLenInvalid.name, at + 1, 1, IP.optLenInvalid);
    ctx.leave();
  }
}

/** ip_fixed_option_header: like varHeader, but the length must be `expected`. */
function fixedHeader(ctx: DissectContext, kind: OptionKind, at: number, len: number, expected: number): void {
  ctx.item(kind.field, at, len);
  if (ctx.tree) ctx.label(`${kind.field.name} (${expected} bytes)`);
  ctx.enter();
  optionType(ctx, at);
  optItem(ctx, IP.optLen, at, len, 1, 1);
  if (len !== expected) {
    ctx.enter();
    const message = `${kind.name} (with option length = ${len} byte${len === 1 ? '' : 's'}; should be ${expected})`;
    ctx.expert(Severity.warning, Group.protocol, message, at + 1, 1, IP.optLenInvalid);
    ctx.leave();
  }
}

/** A NUL-terminated ASCII string of `size` bytes (ENC_ASCII stops at the first NUL). */
function asciiz(ctx: DissectContext, at: number, size: number): string {
  ctx.ensure(at, size);
  let s = '';
  for (let i = 0; i < size; i++) {
    const c = ctx.bytes[at + i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

const SEC_RFC791_SECURITY = new Set([
  0x0000, 0xf135, 0x789a, 0xbc4d, 0x5e26, 0xaf13, 0xd788, 0x6bc5, 0x35e2, 0x9af1, 0x4d78, 0x24bd, 0x135e, 0x89af, 0xc4d6, 0xe26b,
]);

/** RFC 791 security (11 bytes with a known level), else RFC 1108's classification and first flags byte. */
function security(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  if (len === 11 && SEC_RFC791_SECURITY.has(ctx.u16(at + 2))) {
    ctx.item(IP.optSecRfc791Sec, at + 2, 2);
    ctx.item(IP.optSecRfc791Comp, at + 4, 2);
    ctx.value(IP.optSecRfc791Hr, at + 6, 2, asciiz(ctx, at + 6, 2));
    ctx.value(IP.optSecRfc791Tcc, at + 8, 3, asciiz(ctx, at + 8, 3));
    ctx.leave();
    return;
  }
  optItem(ctx, IP.optSecCl, at, len, 2, 1);
  if (3 < len) {
    optItem(ctx, IP.optSecProtAuthFlags, at, len, 3, 1);
    ctx.enter();
    for (const f of [
      IP.optSecProtAuthGenser,
      IP.optSecProtAuthSiopEsi,
      IP.optSecProtAuthSci,
      IP.optSecProtAuthNsa,
      IP.optSecProtAuthDoe,
      IP.optSecProtAuthUnassigned,
      IP.optSecProtAuthFti,
    ]) {
      ctx.item(f, at + 3, 1);
    }
    ctx.leave();
  }
  ctx.leave();
}

function extendedSecurity(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  optItem(ctx, IP.optExtSecFormatCode, at, len, 2, 1);
  if (len > 3) ctx.item(IP.optExtSecInfo, at + 3, len - 3);
  ctx.leave();
}

/** CIPSO: the domain of interpretation and the tags, each with its sensitivity level or data. */
function cipso(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  optItem(ctx, IP.cipsoDoi, at, len, 2, 4);
  let rel = 6;
  while (rel < len) {
    const tagType = ctx.u8(at + rel);
    ctx.item(IP.cipsoTagType, at + rel, 1);
    const tagLen = rel + 1 < len ? ctx.u8(at + rel + 1) : 1;
    if (tagType === 0) {
      rel += 1;
      continue;
    }
    const bad = (min: number) => tagLen < min || tagLen > 34 || rel + tagLen - 1 > len;
    if (tagType === 1 || tagType === 2 || tagType === 5) {
      if (bad(4)) return cipsoMalformed(ctx, at + rel);
      rel += 3;
      ctx.item(IP.cipsoSensitivityLevel, at + rel, 1);
      rel += 1;
      if (tagLen > 4) {
        ctx.value(IP.cipsoCategories, at + rel, tagLen - 4, cipsoCategories(ctx, tagType, at + rel, tagLen - 4));
        rel += tagLen - 4;
      }
    } else if (tagType === 6 || tagType === 7) {
      if (bad(tagType === 6 ? 4 : 2)) return cipsoMalformed(ctx, at + rel);
      ctx.item(IP.cipsoTagData, at + rel + 2, tagLen - 2);
      rel += tagLen;
    } else {
      break;
    }
  }
  ctx.leave();
}

function cipsoMalformed(ctx: DissectContext, at: number): void {
  ctx.enter();
  ctx.expert(Severity.error, Group.malformed, IP.cipsoMalformed.name, at, 1, IP.cipsoMalformed);
  ctx.leave();
  ctx.leave();
}

/** The categories of a CIPSO tag as Wireshark lists them: bit numbers, values, or high-low ranges. */
function cipsoCategories(ctx: DissectContext, tagType: number, at: number, size: number): string {
  ctx.ensure(at, size);
  const b = ctx.bytes;
  const out: string[] = [];
  if (tagType === 1) {
    for (let i = 0; i < size; i++) for (let bit = 0; bit < 8; bit++) if (b[at + i] & (0x80 >> bit)) out.push(String(i * 8 + bit));
  } else if (tagType === 2) {
    for (let i = 0; i + 2 <= size; i += 2) out.push(String((b[at + i] << 8) | b[at + i + 1]));
  } else {
    for (let i = 0; i + 2 <= size; ) {
      const high = (b[at + i] << 8) | b[at + i + 1];
      let low = 0;
      if (i + 4 <= size) {
        low = (b[at + i + 2] << 8) | b[at + i + 3];
        i += 4;
      } else {
        i += 2;
      }
      out.push(low !== high ? `${high}-${low}` : String(high));
    }
  }
  return out.join(',');
}

/** RFC 4782 Quick-Start: a rate request (with the TTL difference) or a rate report. */
function quickStart(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  const command = optU8(ctx, at, len, 2);
  const fn = command >>> 4;
  const rate = command & 0x0f;
  fixedHeader(ctx, kind, at, len, 8);
  let summary = `: ${QS_FUNC_TEXT[fn] ?? `Unknown (${fn})`} (${fn})`;
  ctx.item(IP.optQsFunc, at + 2, 1);
  if (fn === 0) {
    ctx.item(IP.optQsRate, at + 2, 1);
    optItem(ctx, IP.optQsTtl, at, len, 3, 1);
    const qsTtl = ctx.u8(at + 3);
    const diff = (headerTtl - qsTtl) & 0xff;
    ctx.value(IP.optQsTtlDiff, at + 3, 1, diff);
    summary += `, ${QS_RATE_TEXT[rate]}, QS TTL ${qsTtl}, QS TTL diff ${diff}`;
    optItem(ctx, IP.optQsNonce, at, len, 4, 4);
    ctx.item(IP.optQsReserved, at + 4, 4);
  } else if (fn === 8) {
    ctx.item(IP.optQsRate, at + 2, 1);
    summary += `, ${QS_RATE_TEXT[rate]}`;
    optItem(ctx, IP.optQsUnused, at, len, 3, 1);
    optItem(ctx, IP.optQsNonce, at, len, 4, 4);
    ctx.item(IP.optQsReserved, at + 4, 4);
  }
  ctx.leave();
  if (ctx.tree) appendToLastOption(ctx, summary);
}

const QS_FUNC_TEXT: Readonly<Record<number, string>> = { 0: 'Rate request', 8: 'Rate report' };
const QS_RATE_TEXT = [
  '0 bit/s', '80 Kbit/s', '160 Kbit/s', '320 Kbit/s', '640 Kbit/s', '1.28 Mbit/s', '2.56 Mbit/s', '5.12 Mbit/s', '10.24 Mbit/s',
  '20.48 Mbit/s', '40.96 Mbit/s', '81.92 Mbit/s', '163.84 Mbit/s', '327.68 Mbit/s', '655.36 Mbit/s', '1.31072 Gbit/s',
] as const;

function fixed16(expected: number, field: FieldDef) {
  return (ctx: DissectContext, at: number, len: number, kind: OptionKind): void => {
    fixedHeader(ctx, kind, at, len, expected);
    optItem(ctx, field, at, len, 2, 2);
    ctx.leave();
  };
}

function routerAlert(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  fixedHeader(ctx, kind, at, len, 4);
  if (2 + 2 > len) throw new BoundsError('malformed', at + len);
  const value = ctx.u16(at + 2);
  const text = value === 0 ? 'Router shall examine packet' : 'Reserved';
  ctx.item(IP.optRa, at + 2, 2);
  if (ctx.tree) ctx.label(`${IP.optRa.name}: ${text} (${value})`);
  ctx.leave();
  if (ctx.tree) appendToLastOption(ctx, `: ${text} (${value})`);
}

/** Appends to the label of the option item just closed (proto_item_append_text on the option). */
function appendToLastOption(ctx: DissectContext, text: string): void {
  if (!(ctx.sink instanceof TreeSink)) return;
  const node = ctx.sink.lastNode;
  if (node && node.label !== null) node.label += text;
}

/**
 * The pointer of a route option: -1 (after an expert item) when it is unusable. When the address
 * list does not end on a 4-byte boundary, Wireshark notes it under the pointer once the addresses
 * before the stub are shown; the note is known in advance, so it goes under the pointer at once.
 */
function routePointer(ctx: DissectContext, at: number, len: number): number {
  const ptr = optU8(ctx, at, len, 2);
  ctx.item(IP.optPtr, at + 2, 1);
  if (ptr < 4 || ptr & 3) {
    ctx.enter();
    if (ptr < 4) ctx.expert(Severity.warning, Group.protocol, IP.optPtrBeforeAddress.name, at + 2, 1, IP.optPtrBeforeAddress);
    else ctx.expert(Severity.warning, Group.protocol, IP.optPtrMiddleAddress.name, at + 2, 1, IP.optPtrMiddleAddress);
    ctx.leave();
    return -1;
  }
  if ((len - 3) % 4 !== 0) {
    ctx.enter();
    ctx.expert(Severity.warning, Group.protocol, IP.subOptTooLong.name, at + 2, 1, IP.subOptTooLong);
    ctx.leave();
  }
  return ptr;
}

function routeAddress(ctx: DissectContext, at: number, field: FieldDef, hostField: FieldDef, next: boolean): void {
  const addr = ctx.u32(at);
  ctx.value(field, at, 4, addr);
  if (ctx.tree) ctx.label(`${field.name}: ${formatIpv4(addr)}${next ? ' <- (next)' : ''}`);
  ctx.value(hostField, at, 4, ctx.sink.wants(hostField) ? formatIpv4(addr) : null);
}

function recordRoute(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  const ptr = routePointer(ctx, at, len);
  if (ptr >= 0) {
    let rel = 3;
    for (let left = len - 3; left > 0; left -= 4, rel += 4) {
      if (left < 4) break;
      if (ptr > len || rel + 1 < ptr) routeAddress(ctx, at + rel, IP.recRt, IP.recRtHost, false);
      else routeAddress(ctx, at + rel, IP.emptyRt, IP.emptyRtHost, rel + 1 === ptr);
    }
  }
  ctx.leave();
}

function sourceRoute(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  const ptr = routePointer(ctx, at, len);
  if (ptr >= 0) {
    let rel = 3;
    for (let left = len - 3; left > 0; left -= 4, rel += 4) {
      if (left < 4) break;
      if (ptr > len) {
        routeAddress(ctx, at + rel, IP.recRt, IP.recRtHost, false);
      } else if (rel === len - 4) {
        const addr = ctx.u32(at + rel);
        ctx.value(IP.dst, at + rel, 4, addr);
        ctx.value(IP.addr, at + rel, 4, addr);
        const host = ctx.sink.wants(IP.dstHost) || ctx.sink.wants(IP.host) ? formatIpv4(addr) : null;
        ctx.value(IP.dstHost, at + rel, 4, host);
        ctx.value(IP.host, at + rel, 4, host);
      } else if (rel + 1 < ptr) {
        routeAddress(ctx, at + rel, IP.recRt, IP.recRtHost, false);
      } else {
        routeAddress(ctx, at + rel, IP.srcRt, IP.srcRtHost, rel + 1 === ptr);
      }
    }
  }
  ctx.leave();
}

function timestamp(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  let rel = 2;
  let left = len - 2;
  const ptr = optU8(ctx, at, len, rel);
  ctx.value(IP.optPtr, at + rel, 1, ptr);
  if (ctx.tree) {
    const note = ptr === 1 ? ' (header is full)' : ptr < 5 ? ' (points before first address)' : (ptr - 1) & 3 ? ' (points to middle of field)' : '';
    ctx.label(`${IP.optPtr.name}: ${ptr}${note}`);
  }
  rel++;
  left--;
  const flag = optU8(ctx, at, len, rel) & 0x0f;
  ctx.item(IP.optOverflow, at + rel, 1);
  ctx.item(IP.optFlag, at + rel, 1);
  rel++;
  left--;
  while (left > 0) {
    const withAddress = flag === 1 || flag === 3;
    if (left < (withAddress ? 8 : 4)) {
      if (ctx.sink instanceof TreeSink) {
        ctx.sink.addText(IP.subOptTooLong.name, at + rel, left);
        ctx.enter();
      }
      ctx.expert(Severity.warning, Group.protocol, IP.subOptTooLong.name, at + rel, left, IP.subOptTooLong);
      if (ctx.sink instanceof TreeSink) ctx.leave();
      break;
    }
    if (withAddress) {
      const addr = ctx.u32(at + rel);
      ctx.value(IP.optTimeStampAddr, at + rel, 4, addr);
      if (ctx.tree) ctx.label(`${IP.optTimeStampAddr.name}: ${addr === 0 ? '-' : formatIpv4(addr)}`);
      rel += 4;
      left -= 4;
    }
    ctx.item(IP.optTimeStamp, at + rel, 4);
    rel += 4;
    left -= 4;
  }
  ctx.leave();
}

function directedBroadcast(ctx: DissectContext, at: number, len: number, kind: OptionKind): void {
  varHeader(ctx, kind, at, len);
  let rel = 2;
  let left = len - 2;
  for (; left >= 4; rel += 4, left -= 4) ctx.item(IP.optAddr, at + rel, 4);
  if (left > 0) ctx.item(IP.optPadding, at + rel, left);
  ctx.leave();
}
