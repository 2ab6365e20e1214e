import * as addrModule from '../../base/addr.ts';
import * as contextModule from '../context.ts';
import type { DissectContext } from '../context.ts';
import * as expertModule from '../expert.ts';
import { bitPattern } from '../format.ts';
import { FieldGroup, type FieldDef } from '../field.ts';
import { defineProtocol } from '../protocol.ts';
import * as sinkModule from '../sink.ts';
import type { FieldSink } from '../sink.ts';
import * as ipFields from './ip-fields.ts';
import * as ipHandoff from './ip-handoff.ts';
import { IPPROTO_VALS } from './ip-names.ts';
import * as ipOptions from './ip-options.ts';
import { Ipv4Reassembly, type ReassembledDatagram } from './ip-reassembly.ts';
import { frameVlanId } from './vlan.ts';
import { tableRef } from '../tables.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { formatIpv4 } = addrModule;
const { BoundsError } = contextModule;
const { Group, Severity } = expertModule;
const { FilterSink, TreeSink } = sinkModule;
const { IP } = ipFields;
const { isInErrorPacket } = ipHandoff;
const { dissectOptions, sourceRouteDestination } = ipOptions;

const IP_PROTO = tableRef('ip.proto');

/** DSCP and ECN short names for the DS field's summary (Wireshark's dscp_short_vals, ecn_short_vals). */
const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 1: 'LE', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5', 44: 'VA',
  46: 'EF PHB', 48: 'CS6', 56: 'CS7',
};
const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;

/** The fixed header's items besides the addresses, and the addresses. */
const IP_HEADER = new FieldGroup([
  IP.version, IP.hdrLen, IP.dsfield, IP.dscp, IP.ecn, IP.len, IP.id, IP.flags, IP.flagsRb, IP.flagsDf, IP.flagsMf, IP.fragOffset,
  IP.ttl, IP.proto, IP.checksum, IP.checksumStatus,
]);
const IP_ADDRESSES = new FieldGroup([IP.src, IP.addr, IP.srcHost, IP.host, IP.dst, IP.dstHost, IP.curRt, IP.curRtHost]);
/** The host-name items, which need the addresses as text. */
const IP_SRC_TEXT = new FieldGroup([IP.srcHost, IP.host]);
const IP_DST_TEXT = new FieldGroup([IP.dstHost, IP.host]);

/**
 * What the sink asks of IPv4, worked out once per sink (a sink's wants never change): the header's
 * items, the addresses' items, and the host items that need an address as text.
 */
class IpWants {
  sink: FieldSink | null = null;
  header = false;
  addresses = false;
  srcText = false;
  dstText = false;
  /** Per address item: whether adding it does more than nothing (a filter sink may not keep it). */
  src = false;
  addr = false;
  srcHost = false;
  host = false;
  dst = false;
  dstHost = false;

  of(ctx: DissectContext): this {
    if (ctx.sink !== this.sink) {
      this.sink = ctx.sink;
      this.header = ctx.wantsAnyOf(IP_HEADER);
      this.addresses = ctx.wantsAnyOf(IP_ADDRESSES);
      this.srcText = ctx.wantsAnyOf(IP_SRC_TEXT);
      this.dstText = ctx.wantsAnyOf(IP_DST_TEXT);
      const keeps = (f: FieldDef) => !(ctx.sink instanceof FilterSink) || ctx.sink.wants(f);
      this.src = keeps(IP.src);
      this.addr = keeps(IP.addr);
      this.srcHost = keeps(IP.srcHost);
      this.host = keeps(IP.host);
      this.dst = keeps(IP.dst);
      this.dstHost = keeps(IP.dstHost);
    }
    return this;
  }
}
const ipWants = new IpWants();

const IP_MF = 0x2000;
const IP_OFFSET = 0x1fff;

/** Wireshark's ipprotostr(): the protocol's name, or "Unknown". */
function ipProtoName(proto: number): string {
  return IPPROTO_VALS[proto] ?? 'Unknown';
}

/** The hand-off value for `ip.proto`, one per nesting level so IP-in-ICMP-in-IP cannot clobber it. */
const PayloadInfo = ipHandoff.Ipv4Info;
type PayloadInfo = ipHandoff.Ipv4Info;
const infoPool: PayloadInfo[] = [];
let nesting = 0;

const newReassembly = () => new Ipv4Reassembly();

function reassembly(ctx: DissectContext): Ipv4Reassembly {
  return ctx.state.get('ip', newReassembly);
}

/** The end of the bytes as reported on the wire (past the captured bytes when a snap length cut them). */
function reportedEnd(ctx: DissectContext, end: number): number {
  return ctx.source === 0 && end >= ctx.bytes.length ? Math.max(end, ctx.frame.originalLength) : end;
}

function isPrivateOrLinkLocal(a: number): boolean {
  return (a >>> 24) === 10 || (a >>> 20) === 0xac1 || (a >>> 16) === 0xc0a8 || (a >>> 16) === 0xa9fe;
}

/** The TTL checks of Wireshark's IPv4 dissector (RFC 3171 local network control block, low TTL). */
function ttlComplaint(ttl: number, dst: number, proto: number): { message: string; field: typeof IP.ttlLncb } | null {
  if ((dst & 0xffffff00) >>> 0 === 0xe0000000) {
    let valid = 1;
    if (proto !== 2) {
      if (dst === 0xe0000012 || dst === 0xe0000066 || dst === 0xe00000fb) valid = 255;
      else if (dst === 0xe00000fc) valid = 0x1000;
    }
    if (ttl !== valid && valid !== 0x1000) {
      return { message: `"Time To Live" != ${valid} for a packet sent to the Local Network Control Block (see RFC 3171)`, field: IP.ttlLncb };
    }
    return null;
  }
  if (ttl < 5 && (dst >>> 28) !== 0xe && proto !== 103 && proto !== 89) return { message: `"Time To Live" only ${ttl}`, field: IP.ttlTooSmall };
  return null;
}

/** A big-endian 32-bit word of bytes known to be there. */
function u32At(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

/**
 * Internet Protocol version 4, after Wireshark 4.0's dissect_ip_v4: header fields and options,
 * addresses for the Source/Destination columns, fragment reassembly (ip.defragment on), and the
 * hand-off through `ip.proto` with an Ipv4PayloadInfo. Header checksums are not verified, as in
 * tshark's default (status "Unverified").
 */
export const ip = defineProtocol({
  abbrev: 'ip',
  calls: { tables: ['ip.proto', 'ip'], protocols: ['ipv6', 'data'] },
  name: 'Internet Protocol Version 4',
  short: 'IPv4',
  fields: IP,
  handoffs: [
    ['ethertype', 0x0800],
    ['wtap_encap', 101],
    ['wtap_encap', 228],
    ['ip.proto', 4],
  ],
  dissect(ctx, offset, end, data) {
    nesting++;
    try {
      dissectIpv4(ctx, offset, end, isInErrorPacket(data));
    } finally {
      nesting--;
    }
  },
});

function dissectIpv4(ctx: DissectContext, offset: number, end: number, inError: boolean): void {
  const tree = ctx.tree;
  // Without any IPv4 field wanted, the header is still read (and bounds-checked), judged and
  // handed on, but no items are added.
  const full = ctx.full;
  // Finer: a pass wanting only addresses (ip.addr) skips the rest of the header's items.
  const wants = ipWants.of(ctx);
  const hdr = full && wants.header;
  const addrs = full && wants.addresses;
  // LINKTYPE_RAW goes through Wireshark's `raw` dissector first; it adds only its name here.
  if (offset === 0 && ctx.source === 0 && ctx.protocolDepth === 1 && ctx.frame.linkType === 101) ctx.noteProtocol('raw');
  if (ctx.wantColumns) {
    ctx.setProtocolColumn('IPv4');
    ctx.setInfo('');
  }
  // With the fixed header captured (the usual case) its bytes are read directly: none of those
  // reads can fail. Otherwise every read is checked, in Wireshark's order.
  const b = ctx.bytes;
  const whole = offset >= 0 && offset + 20 <= b.length;
  const b0 = whole ? b[offset] : ctx.u8(offset);
  const version = b0 >>> 4;
  const hlen = (b0 & 0x0f) * 4;
  ctx.openProtocol(ip.proto, offset, hlen);
  // The protocol item's label gets the addresses once they are read (proto_item_append_text).
  const protoNode = tree && ctx.sink instanceof TreeSink ? ctx.sink.lastNode : null;
  if (tree) ctx.label(ip.name);
  if (hdr) ctx.value(IP.version, offset, 1, version);
  if (tree) ctx.label(`${bitPattern(0xf0, 8, version)} = Version: ${version}`);
  if (version !== 4) {
    if (ctx.wantColumns) ctx.setInfo(`Bogus IPv4 version (${version}, must be 4)`);
    ctx.enter();
    ctx.expert(Severity.error, Group.protocol, 'Bogus IPv4 version', offset, 1, IP.bogusIpVersion);
    ctx.leave();
    ctx.leave();
    if (version === 6) ctx.callProtocol('ipv6', offset, end);
    return;
  }
  if (hdr) ctx.value(IP.hdrLen, offset, 1, hlen);
  if (tree) ctx.label(`${bitPattern(0x0f, 8, hlen >>> 2)} = Header Length: ${hlen} bytes (${hlen >>> 2})`);
  if (hlen < 20) {
    const message = `Bogus IP header length (${hlen}, must be at least 20)`;
    if (ctx.wantColumns) ctx.setInfo(message);
    ctx.enter();
    ctx.expert(Severity.error, Group.protocol, message, offset, 1, IP.bogusHeaderLength);
    ctx.leave();
    ctx.leave();
    return;
  }

  const tos = whole ? b[offset + 1] : ctx.u8(offset + 1);
  if (hdr) {
    ctx.value(IP.dsfield, offset + 1, 1, tos);
    if (tree) {
      const dscp = DSCP_SHORT[tos >>> 2] ?? 'Unknown';
      ctx.label(`Differentiated Services Field: 0x${tos.toString(16).padStart(2, '0')} (DSCP: ${dscp}, ECN: ${ECN_SHORT[tos & 3]})`);
    }
    // Subtrees matter only to a tree; a filter sink keeps occurrences, so skip the bookkeeping.
    if (tree) ctx.enter();
    ctx.value(IP.dscp, offset + 1, 1, tos >>> 2);
    ctx.value(IP.ecn, offset + 1, 1, tos & 3);
    if (tree) ctx.leave();
  }

  const len = whole ? (b[offset + 2] << 8) | b[offset + 3] : ctx.u16(offset + 2);
  const reported = reportedEnd(ctx, end) - offset;
  let ipEnd = end;
  if (hdr) ctx.value(IP.len, offset + 2, 2, len);
  if (len < hlen) {
    if (ctx.wantColumns) ctx.setInfo(`Bogus IP length (${len}, less than header length ${hlen})`);
    if (tree) ctx.label(`Total Length: ${len} bytes (bogus, less than header length ${hlen})`);
    ctx.enter();
    ctx.expert(Severity.error, Group.protocol, IP.bogusIpLength.name, offset + 2, 2, IP.bogusIpLength);
    ctx.leave();
    ctx.leave();
    return;
  }
  if (len > reported) {
    if (!inError) {
      ctx.enter();
      ctx.expert(Severity.error, Group.protocol, `IPv4 total length exceeds packet length (${reported} bytes)`, offset + 2, 2, IP.bogusIpLength);
      ctx.leave();
    }
  } else {
    ipEnd = offset + len;
  }
  // set_actual_length: from here on the caller sees the datagram's own length, even if a later
  // read throws (Ethernet then still shows what follows as padding).
  ctx.payloadEnd = ipEnd;

  // Reads and items alternate as in Wireshark: a header cut short keeps the items before the cut.
  const id = whole ? (b[offset + 4] << 8) | b[offset + 5] : ctx.u16(offset + 4);
  if (hdr) ctx.value(IP.id, offset + 4, 2, id);
  const off = whole ? (b[offset + 6] << 8) | b[offset + 7] : ctx.u16(offset + 6);
  const flags = off >>> 13;
  const fragUnits = off & IP_OFFSET;
  if (hdr) {
    ctx.value(IP.flags, offset + 6, 1, flags);
    if (tree) {
      let text = `${bitPattern(0xe0, 8, flags)} = Flags: 0x${flags.toString(16)}`;
      if (flags & 4) text += ', Reserved bit';
      if (flags & 2) text += ", Don't fragment";
      if (flags & 1) text += ', More fragments';
      ctx.label(text);
    }
    if (tree) ctx.enter();
    ctx.value(IP.flagsRb, offset + 6, 1, (flags >>> 2) & 1);
    ctx.value(IP.flagsDf, offset + 6, 1, (flags >>> 1) & 1);
    ctx.value(IP.flagsMf, offset + 6, 1, flags & 1);
    if (tree) ctx.leave();
    ctx.value(IP.fragOffset, offset + 6, 2, fragUnits);
    if (tree) ctx.label(`${bitPattern(IP_OFFSET, 16, fragUnits)} = Fragment Offset: ${fragUnits * 8}`);
  }

  const ttl = whole ? b[offset + 8] : ctx.u8(offset + 8);
  // Wireshark judges the TTL once the destination is known and attaches the note to the TTL item;
  // the destination is read ahead here so the note can go under the item (no note if that throws).
  let complaint: ReturnType<typeof ttlComplaint> = null;
  if (whole && hlen === 20) {
    complaint = ttlComplaint(ttl, u32At(b, offset + 16), b[offset + 9]);
  } else {
    try {
      const dstPos = hlen > 20 ? sourceRouteDestination(ctx, offset, hlen) || 16 : 16;
      complaint = ttlComplaint(ttl, ctx.u32(offset + dstPos), ctx.u8(offset + 9));
    } catch (e) {
      if (!(e instanceof BoundsError)) throw e;
    }
  }
  if (hdr) ctx.value(IP.ttl, offset + 8, 1, ttl);
  if (complaint) {
    ctx.enter();
    ctx.expert(Severity.note, Group.sequence, complaint.message, offset + 8, 1, complaint.field);
    ctx.leave();
  }
  const proto = whole ? b[offset + 9] : ctx.u8(offset + 9);
  if (hdr) ctx.value(IP.proto, offset + 9, 1, proto);
  const sum = whole ? (b[offset + 10] << 8) | b[offset + 11] : ctx.u16(offset + 10);
  if (hdr) {
    ctx.value(IP.checksum, offset + 10, 2, sum);
    if (tree) ctx.label(`Header Checksum: 0x${hex4(sum)} [validation disabled]`);
    ctx.value(IP.checksumStatus, offset + 10, 0, 2);
    if (tree) ctx.label('Header checksum status: Unverified');
  }

  const src = whole ? u32At(b, offset + 12) : ctx.u32(offset + 12);
  const srcText = tree || ctx.wantColumns || (addrs && wants.srcText) ? formatIpv4(src) : '';
  if (addrs) {
    // Items a filter sink does not keep are not offered to it; after the group it is left as if
    // they all were (notKept: the last one was not kept).
    if (wants.src) ctx.value(IP.src, offset + 12, 4, src);
    if (wants.addr) ctx.value(IP.addr, offset + 12, 4, src);
    if (wants.srcHost) ctx.value(IP.srcHost, offset + 12, 4, srcText || null);
    if (wants.host) ctx.value(IP.host, offset + 12, 4, srcText || null);
    else ctx.notKept();
  }

  const dstPos = hlen > 20 ? sourceRouteDestination(ctx, offset, hlen) || 16 : 16;
  const dst = whole && dstPos === 16 ? u32At(b, offset + 16) : ctx.u32(offset + dstPos);
  const dstText = tree || ctx.wantColumns || (addrs && wants.dstText) ? formatIpv4(dst) : '';
  if (ctx.wantColumns) ctx.setNetAddresses(srcText, dstText);
  if (dstPos !== 16) {
    const cur = ctx.u32(offset + 16);
    if (addrs) {
      ctx.value(IP.curRt, offset + 16, 4, cur);
      ctx.value(IP.curRtHost, offset + 16, 4, ctx.sink.wants(IP.curRtHost) ? formatIpv4(cur) : null);
    }
    if (protoNode) protoNode.label = `${ip.name}, Src: ${srcText}, Dst: ${dstText}, Via: ${formatIpv4(cur)}`;
  } else if (addrs) {
    if (wants.dst) ctx.value(IP.dst, offset + 16, 4, dst);
    if (wants.addr) ctx.value(IP.addr, offset + 16, 4, dst);
    if (wants.dstHost) ctx.value(IP.dstHost, offset + 16, 4, dstText || null);
    if (wants.host) ctx.value(IP.host, offset + 16, 4, dstText || null);
    else ctx.notKept();
    if (protoNode) protoNode.label = `${ip.name}, Src: ${srcText}, Dst: ${dstText}`;
  }
  if (hlen > 20) dissectOptions(ctx, offset, offset + 20, hlen - 20, ttl);

  const payload = offset + hlen;
  const info = infoPool[nesting] ?? (infoPool[nesting] = new PayloadInfo());
  info.src = src;
  info.dst = dst;
  info.protocol = proto;
  info.length = len - hlen;
  info.ttl = ttl;
  info.headerLength = hlen;
  info.inErrorPacket = inError;
  info.fragmented = false;

  // Reassembly: a fragment whose whole payload was captured goes to the fragment table.
  let head: ReassembledDatagram | null = null;
  let defragmenting = false;
  if (off & (IP_MF | IP_OFFSET) && len > hlen && payload + (len - hlen) <= Math.min(ipEnd, ctx.bytes.length)) {
    defragmenting = true;
    let fragId = (proto ^ id ^ src ^ dst) >>> 0;
    if (isPrivateOrLinkLocal(src) || isPrivateOrLinkLocal(dst)) fragId = (fragId ^ frameVlanId(ctx)) >>> 0;
    const key = `${src}:${dst}:${fragId}`;
    const table = reassembly(ctx);
    head =
      ctx.frame.number <= ctx.state.lastFrameNumber
        ? table.lookup(key, ctx.frame.number)
        : table.add(key, ctx.frame.number, fragUnits * 8, ctx.bytes.subarray(payload, payload + len - hlen), (off & IP_MF) !== 0);
  }

  if (head && head.reassembledIn === ctx.frame.number) {
    const datagram = head;
    ctx.withDataSource('Reassembled IPv4', datagram.bytes, () => {
      fragmentTree(ctx, datagram);
      ctx.leave();
      info.length = datagram.bytes.length;
      handOff(ctx, proto, 0, datagram.bytes.length, info);
    });
    ctx.payloadEnd = ipEnd;
    return;
  }
  if (head) {
    ctx.value(IP.reassembledIn, offset, 0, head.reassembledIn);
    if (tree) ctx.label(`Reassembled IPv4 in frame: ${head.reassembledIn}`);
  }
  ctx.leave();

  if (defragmenting || fragUnits !== 0) {
    if (ctx.wantColumns) {
      let text = `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${fragUnits * 8}, ID=${hex4(id)})`;
      if (head) text += ` [Reassembled in #${head.reassembledIn}]`;
      ctx.setInfo(text);
    }
    ctx.data(payload, ipEnd);
    ctx.payloadEnd = ipEnd;
    return;
  }
  info.fragmented = (off & IP_MF) !== 0;
  if (payload < reportedEnd(ctx, ipEnd)) handOff(ctx, proto, payload, ipEnd, info);
  ctx.payloadEnd = ipEnd;
}

/** ip_try_dissect: the `ip.proto` table, then heuristics, then the data dissector. */
function handOff(ctx: DissectContext, proto: number, from: number, to: number, info: PayloadInfo): void {
  if (ctx.callTable(IP_PROTO, proto, from, to, info)) return;
  if (ctx.callHeuristics('ip', from, to)) return;
  if (ctx.wantColumns) ctx.setInfo(`${ipProtoName(proto)} (${proto})`);
  ctx.data(from, to);
}

/** The fragments subtree of the frame that completed a datagram, in the reassembled data source. */
function fragmentTree(ctx: DissectContext, d: ReassembledDatagram): void {
  const total = d.bytes.length;
  ctx.value(IP.fragments, 0, total, ctx.sink.wants(IP.fragments) ? d.bytes : null);
  if (ctx.tree) {
    const list = d.pieces.map((p) => `#${p.frame}(${p.length})`).join(', ');
    ctx.label(`${d.pieces.length} IPv4 Fragments (${total} bytes): ${list}`);
  }
  ctx.enter();
  for (const p of d.pieces) {
    const length = Math.max(0, Math.min(p.length, total - p.offset));
    ctx.value(IP.fragment, p.offset, length, p.frame);
    if (ctx.tree) {
      const last = p.offset + p.length - 1;
      ctx.label(`Frame: ${p.frame}, payload: ${p.offset}-${last} (${p.length} byte${p.length === 1 ? '' : 's'})`);
    }
  }
  ctx.value(IP.fragmentCount, 0, 0, d.pieces.length);
  ctx.value(IP.reassembledLength, 0, 0, total);
  ctx.value(IP.reassembledData, 0, total, ctx.sink.wants(IP.reassembledData) ? d.bytes : null);
  ctx.leave();
}
