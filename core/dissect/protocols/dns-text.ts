import * as contextModule from '../context.ts';
import type { DissectContext } from '../context.ts';
import type { FieldSink } from '../sink.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { BoundsError } = contextModule;

/**
 * Label-only tree items (Wireshark's proto_tree_add_subtree / text items: `Queries`, `\r\n`): they
 * carry no field, so only a tree keeps them. Returns whether an item was added; callers enter and
 * leave its subtree only then, so filter sinks see the same nesting of real fields.
 */
export function textItem(ctx: DissectContext, label: string, offset: number, length: number): boolean {
  if (!ctx.tree) return false;
  const sink = ctx.sink as FieldSink & { addText?: (text: string, offset: number, length: number) => void };
  if (typeof sink.addText !== 'function') return false;
  sink.addText(label, offset, length);
  return true;
}

/** Seconds as Wireshark's unsigned_time_secs_to_str: `5 minutes`, `1 hour, 2 minutes, 3 seconds`. */
export function timeSecsToStr(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  const add = (n: number, unit: string) => {
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  };
  add(Math.floor(secs / 86400), 'day');
  add(Math.floor((secs % 86400) / 3600), 'hour');
  add(Math.floor((secs % 3600) / 60), 'minute');
  add(secs % 60, 'second');
  return parts.join(', ');
}

/** Nanoseconds as `0.000001000` (the value part of a relative-time label). */
export function relTimeText(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/**
 * Where a transport payload came from, for conversation keys (DNS transactions, HTTP request and
 * response matching): the addresses and ports of the enclosing IPv4/UDP or IPv4/TCP headers.
 *
 * A hand-off value with `src`, `dst`, `srcPort`, `dstPort` is used when the caller passes one. The
 * UDP and TCP dissectors currently pass none, so otherwise the headers are found in the bytes: the
 * transport header ends where the payload starts (UDP: 8 bytes; TCP: its data offset), and the
 * IPv4 header, whose IHL and protocol must agree, ends where the transport header starts.
 */
export function conversationKey(data: unknown, ctx?: DissectContext, payload = 0): { key: string; forward: boolean } {
  const d = data as { src?: unknown; dst?: unknown; srcPort?: unknown; dstPort?: unknown } | null | undefined;
  let src = 0;
  let dst = 0;
  let sp = 0;
  let dp = 0;
  if (d && typeof d === 'object' && typeof d.srcPort === 'number') {
    src = typeof d.src === 'number' ? d.src : 0;
    dst = typeof d.dst === 'number' ? d.dst : 0;
    sp = d.srcPort;
    dp = typeof d.dstPort === 'number' ? d.dstPort : 0;
  } else if (ctx) {
    const found = endpointsBefore(ctx, payload);
    if (!found) return { key: '', forward: true };
    [src, dst, sp, dp] = found;
  } else {
    return { key: '', forward: true };
  }
  const forward = src < dst || (src === dst && sp <= dp);
  return { key: forward ? `${src}:${sp}-${dst}:${dp}` : `${dst}:${dp}-${src}:${sp}`, forward };
}

/** The transport the payload at hand arrived on: the protocol entered just before. */
export function transportOf(ctx: DissectContext): string {
  const p = ctx.protocols;
  return p.length ? p[p.length - 1] : '';
}

function endpointsBefore(ctx: DissectContext, payload: number): [number, number, number, number] | null {
  const b = ctx.bytes;
  const transport = transportOf(ctx);
  let h = -1;
  let proto = 0;
  if (transport === 'udp') {
    h = payload - 8;
    proto = 17;
  } else if (transport === 'tcp') {
    proto = 6;
    for (let len = 20; len <= 60; len += 4) {
      const at = payload - len;
      if (at < 0) break;
      if ((b[at + 12] >> 4) * 4 === len) {
        h = at;
        break;
      }
    }
  }
  if (h < 20) return null;
  for (let ihl = 20; ihl <= 60 && h - ihl >= 0; ihl += 4) {
    const i = h - ihl;
    if (b[i] >> 4 === 4 && (b[i] & 0x0f) * 4 === ihl && b[i + 9] === proto) {
      const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
      return [u32(i + 12), u32(i + 16), (b[h] << 8) | b[h + 1], (b[h + 2] << 8) | b[h + 3]];
    }
  }
  return null;
}

/**
 * Reads bounded by the end of the protocol's bytes, as a Wireshark tvb subset is bounded by its
 * reported length: past `end` is a malformed packet even when more bytes follow in the frame
 * (Ethernet padding); past the captured bytes but inside `end` is a short one (ctx.ensure).
 */
export function within(ctx: DissectContext, end: number, offset: number, length: number): void {
  if (offset + length > end) throw new BoundsError('malformed', Math.min(offset, end));
  ctx.ensure(offset, length);
}

export function rd8(ctx: DissectContext, end: number, offset: number): number {
  within(ctx, end, offset, 1);
  return ctx.bytes[offset];
}

export function rd16(ctx: DissectContext, end: number, offset: number): number {
  within(ctx, end, offset, 2);
  return (ctx.bytes[offset] << 8) | ctx.bytes[offset + 1];
}

export function rd24(ctx: DissectContext, end: number, offset: number): number {
  within(ctx, end, offset, 3);
  return (ctx.bytes[offset] << 16) | (ctx.bytes[offset + 1] << 8) | ctx.bytes[offset + 2];
}

export function rd32(ctx: DissectContext, end: number, offset: number): number {
  within(ctx, end, offset, 4);
  return ctx.u32(offset);
}
