import { formatIpv4 } from '../../base/addr.ts';
import { DNS_HEADER_LEN, DNS_PORT, DnsFlag, decodeDnsName } from '../../wire/dns.ts';
import { BoundsError, type DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { DNS_CLASS_VALS, DNS_OPCODE_VALS, DNS_RCODE_VALS, DNS_TYPE_VALS, dnsTypeShort } from './dns-names.ts';
import { conversationKey, rd16, rd32, rd8, relTimeText, textItem, timeSecsToStr, transportOf, within } from './dns-text.ts';

/**
 * DNS as Wireshark 4.0.17 dissects it on port 53 (packet-dns.c): header and flags (the flag bits
 * shown depend on query or response), questions, answer/authority/additional records with A,
 * AAAA, CNAME, NS and PTR data, request/response matching per conversation and transaction id, and
 * the Info column. DNS over TCP carries a 2-byte length first. Name decoding is bounded (see
 * core/wire/dns.ts): a compression loop cannot hang the dissector.
 */

const F = defineFields('dns', {
  length: { abbrev: 'dns.length', name: 'Length', type: 'uint', bits: 16, base: 'dec' },
  id: { abbrev: 'dns.id', name: 'Transaction ID', type: 'uint', bits: 16, base: 'hex' },
  flags: { abbrev: 'dns.flags', name: 'Flags', type: 'uint', bits: 16, base: 'hex' },
  response: { abbrev: 'dns.flags.response', name: 'Response', type: 'bool', bits: 16, mask: 0x8000, trueFalse: ['Message is a response', 'Message is a query'] },
  opcode: { abbrev: 'dns.flags.opcode', name: 'Opcode', type: 'uint', bits: 16, base: 'dec', mask: 0x7800, strings: DNS_OPCODE_VALS },
  authoritative: {
    abbrev: 'dns.flags.authoritative',
    name: 'Authoritative',
    type: 'bool',
    bits: 16,
    mask: 0x0400,
    trueFalse: ['Server is an authority for domain', 'Server is not an authority for domain'],
  },
  truncated: { abbrev: 'dns.flags.truncated', name: 'Truncated', type: 'bool', bits: 16, mask: 0x0200, trueFalse: ['Message is truncated', 'Message is not truncated'] },
  recdesired: { abbrev: 'dns.flags.recdesired', name: 'Recursion desired', type: 'bool', bits: 16, mask: 0x0100, trueFalse: ['Do query recursively', "Don't do query recursively"] },
  recavail: {
    abbrev: 'dns.flags.recavail',
    name: 'Recursion available',
    type: 'bool',
    bits: 16,
    mask: 0x0080,
    trueFalse: ['Server can do recursive queries', "Server can't do recursive queries"],
  },
  z: { abbrev: 'dns.flags.z', name: 'Z', type: 'bool', bits: 16, mask: 0x0040, trueFalse: ['reserved (1)', 'reserved (0)'] },
  authenticated: {
    abbrev: 'dns.flags.authenticated',
    name: 'Answer authenticated',
    type: 'bool',
    bits: 16,
    mask: 0x0020,
    trueFalse: ['Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server'],
  },
  checkdisable: { abbrev: 'dns.flags.checkdisable', name: 'Non-authenticated data', type: 'bool', bits: 16, mask: 0x0010, trueFalse: ['Acceptable', 'Unacceptable'] },
  rcode: { abbrev: 'dns.flags.rcode', name: 'Reply code', type: 'uint', bits: 16, base: 'dec', mask: 0x000f, strings: DNS_RCODE_VALS },
  countQueries: { abbrev: 'dns.count.queries', name: 'Questions', type: 'uint', bits: 16, base: 'dec' },
  countZones: { abbrev: 'dns.count.zones', name: 'Zones', type: 'uint', bits: 16, base: 'dec' },
  countAnswers: { abbrev: 'dns.count.answers', name: 'Answer RRs', type: 'uint', bits: 16, base: 'dec' },
  countPrerequisites: { abbrev: 'dns.count.prerequisites', name: 'Prerequisites', type: 'uint', bits: 16, base: 'dec' },
  countAuthRr: { abbrev: 'dns.count.auth_rr', name: 'Authority RRs', type: 'uint', bits: 16, base: 'dec' },
  countUpdates: { abbrev: 'dns.count.updates', name: 'Updates', type: 'uint', bits: 16, base: 'dec' },
  countAddRr: { abbrev: 'dns.count.add_rr', name: 'Additional RRs', type: 'uint', bits: 16, base: 'dec' },
  qryName: { abbrev: 'dns.qry.name', name: 'Name', type: 'string' },
  qryNameLen: { abbrev: 'dns.qry.name.len', name: 'Name Length', type: 'uint', bits: 16, base: 'dec', generated: true },
  countLabels: { abbrev: 'dns.count.labels', name: 'Label Count', type: 'uint', bits: 16, base: 'dec', generated: true },
  qryType: { abbrev: 'dns.qry.type', name: 'Type', type: 'uint', bits: 16, base: 'dec', strings: DNS_TYPE_VALS },
  qryClass: { abbrev: 'dns.qry.class', name: 'Class', type: 'uint', bits: 16, base: 'hex', strings: DNS_CLASS_VALS },
  respName: { abbrev: 'dns.resp.name', name: 'Name', type: 'string' },
  respType: { abbrev: 'dns.resp.type', name: 'Type', type: 'uint', bits: 16, base: 'dec', strings: DNS_TYPE_VALS },
  respClass: { abbrev: 'dns.resp.class', name: 'Class', type: 'uint', bits: 16, base: 'hex', strings: DNS_CLASS_VALS },
  respTtl: { abbrev: 'dns.resp.ttl', name: 'Time to live', type: 'uint', bits: 32, base: 'dec' },
  respLen: { abbrev: 'dns.resp.len', name: 'Data length', type: 'uint', bits: 16, base: 'dec' },
  a: { abbrev: 'dns.a', name: 'Address', type: 'ipv4' },
  // The engine has no IPv6 field type: the address is kept as text (what tshark prints).
  aaaa: { abbrev: 'dns.aaaa', name: 'AAAA Address', type: 'string' },
  cname: { abbrev: 'dns.cname', name: 'CNAME', type: 'string' },
  ns: { abbrev: 'dns.ns', name: 'Name Server', type: 'string' },
  ptr: { abbrev: 'dns.ptr.domain_name', name: 'Domain Name', type: 'string' },
  data: { abbrev: 'dns.data', name: 'Data', type: 'bytes' },
  responseIn: { abbrev: 'dns.response_in', name: 'Response In', type: 'framenum', generated: true },
  responseTo: { abbrev: 'dns.response_to', name: 'Request In', type: 'framenum', generated: true },
  retransmission: { abbrev: 'dns.retransmission', name: 'Retransmission', type: 'bool', generated: true },
  retransmitRequestIn: { abbrev: 'dns.retransmit_request_in', name: 'Retransmitted request. Original request in', type: 'framenum', generated: true },
  retransmitResponseIn: {
    abbrev: 'dns.retransmit_response_in',
    name: 'Retransmitted response. Original response in',
    type: 'framenum',
    generated: true,
  },
  time: { abbrev: 'dns.time', name: 'Time', type: 'rel_time', generated: true },
  unsolicited: { abbrev: 'dns.unsolicited', name: 'Unsolicited', type: 'bool', generated: true },
  retransmitRequest: { abbrev: 'dns.retransmit_request', name: 'DNS query retransmission', type: 'none' },
  retransmitResponse: { abbrev: 'dns.retransmit_response', name: 'DNS response retransmission', type: 'none' },
});

/** One transaction: a query and the response to it, per conversation and id. */
interface Txn {
  reqFrame: number;
  reqTime: bigint;
  repFrame: number;
}

/** What a frame found on its first dissection; later dissections of it read this back. */
interface FrameNote {
  readonly txn: Txn;
  /** The original frame when this one repeats a query or a response, else 0. */
  readonly retransmitOf: number;
}

interface DnsState {
  readonly txns: Map<string, Txn[]>;
  readonly frames: Map<number, FrameNote>;
}

const OPCODE_UPDATE = 5;

/**
 * The end of the DNS bytes being dissected (the tvb's reported length): reads past it are a
 * malformed packet even when the frame goes on (Ethernet padding). DNS calls no other dissector,
 * so one module-level bound is enough.
 */
let lim = 0;

function u8(ctx: DissectContext, at: number): number {
  return rd8(ctx, lim, at);
}

function u16(ctx: DissectContext, at: number): number {
  return rd16(ctx, lim, at);
}

function u32(ctx: DissectContext, at: number): number {
  return rd32(ctx, lim, at);
}

export const dns = defineProtocol({
  abbrev: 'dns',
  calls: {},
  name: 'Domain Name System',
  short: 'DNS',
  fields: F,
  handoffs: [
    ['udp.port', DNS_PORT],
    ['tcp.port', DNS_PORT],
  ],
  dissect(ctx, offset, end, data) {
    const isTcp = transportOf(ctx) === 'tcp';
    let msg = offset;
    lim = end;
    if (isTcp) {
      // A message longer than the segment waits for TCP reassembly in Wireshark: nothing here.
      if (offset + 2 > end) return;
      const len = u16(ctx, offset);
      msg = offset + 2;
      if (msg + len > end) return;
      end = msg + len;
      lim = end;
    }
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('DNS');
      ctx.setInfo('');
    }
    const flags = u16(ctx, msg + 2);
    const isResponse = (flags & DnsFlag.response) !== 0;
    ctx.openProtocol(dns.proto, offset, Math.max(0, Math.min(end, ctx.bytes.length) - offset));
    if (ctx.tree) ctx.label(`Domain Name System (${isResponse ? 'response' : 'query'})`);
    if (isTcp) ctx.item(F.length, offset, 2);
    dissectMessage(ctx, msg, end, flags, data);
    ctx.leave();
  },
});

function dissectMessage(ctx: DissectContext, msg: number, end: number, flags: number, data: unknown): void {
  const tree = ctx.tree;
  const cols = ctx.wantColumns;
  const id = u16(ctx, msg);
  const isResponse = (flags & DnsFlag.response) !== 0;
  const opcode = (flags & DnsFlag.opcode) >> 11;
  const rcode = flags & DnsFlag.rcode;
  const opName = DNS_OPCODE_VALS[opcode] ?? `Unknown operation (${opcode})`;
  if (cols) {
    let info = `${opName}${isResponse ? ' response' : ''} 0x${hex4(id)}`;
    if (isResponse && rcode !== 0) info += ` ${DNS_RCODE_VALS[rcode] ?? `Unknown error (${rcode})`}`;
    ctx.setInfo(info);
  }

  // Transactions are matched first: a retransmission's expert item goes under the id.
  const note = noteOf(ctx, id, isResponse, data, msg);
  ctx.value(F.id, msg, 2, id);
  if (note.retransmitOf) {
    ctx.enter();
    const what = isResponse ? 'response' : 'query';
    const orig = isResponse ? 'response' : 'request';
    ctx.expert(
      Severity.warning,
      Group.protocol,
      `DNS ${what} retransmission. Original ${orig} in frame ${note.retransmitOf}`,
      msg,
      2,
      isResponse ? F.retransmitResponse : F.retransmitRequest,
    );
    ctx.leave();
  }
  ctx.value(F.flags, msg + 2, 2, flags);
  if (tree) {
    let text = opName;
    if (isResponse) text += ` response, ${DNS_RCODE_VALS[rcode] ?? `Unknown error (${rcode})`}`;
    ctx.label(`Flags: 0x${hex4(flags)} ${text}`);
  }
  ctx.enter();
  const fo = msg + 2;
  ctx.value(F.response, fo, 2, isResponse ? 1 : 0);
  ctx.value(F.opcode, fo, 2, opcode);
  if (isResponse) ctx.value(F.authoritative, fo, 2, flags & DnsFlag.authoritative ? 1 : 0);
  ctx.value(F.truncated, fo, 2, flags & DnsFlag.truncated ? 1 : 0);
  ctx.value(F.recdesired, fo, 2, flags & DnsFlag.recursionDesired ? 1 : 0);
  if (isResponse) ctx.value(F.recavail, fo, 2, flags & DnsFlag.recursionAvailable ? 1 : 0);
  ctx.value(F.z, fo, 2, flags & DnsFlag.z ? 1 : 0);
  if (isResponse) ctx.value(F.authenticated, fo, 2, flags & DnsFlag.authenticData ? 1 : 0);
  else if (flags & DnsFlag.authenticData) {
    ctx.value(F.authenticated, fo, 2, 1);
    if (tree) ctx.label('.... .... ..1. .... = AD bit: Set');
  }
  ctx.value(F.checkdisable, fo, 2, flags & DnsFlag.checkingDisabled ? 1 : 0);
  if (isResponse) ctx.value(F.rcode, fo, 2, rcode);
  ctx.leave();

  const update = opcode === OPCODE_UPDATE;
  const qd = u16(ctx, msg + 4);
  ctx.value(update ? F.countZones : F.countQueries, msg + 4, 2, qd);
  const an = u16(ctx, msg + 6);
  ctx.value(update ? F.countPrerequisites : F.countAnswers, msg + 6, 2, an);
  const ns = u16(ctx, msg + 8);
  ctx.value(update ? F.countUpdates : F.countAuthRr, msg + 8, 2, ns);
  const ar = u16(ctx, msg + 10);
  ctx.value(F.countAddRr, msg + 10, 2, ar);

  let at = msg + DNS_HEADER_LEN;
  if (qd > 0) at = dissectQueries(ctx, msg, at, qd, update ? 'Zone' : 'Queries');
  if (an > 0) at = dissectRecords(ctx, msg, at, an, update ? 'Prerequisites' : 'Answers', cols);
  // Wireshark adds authority and additional records to the tree only, never to Info.
  if (ns > 0) at = dissectRecords(ctx, msg, at, ns, update ? 'Updates' : 'Authoritative nameservers', false);
  if (ar > 0) dissectRecords(ctx, msg, at, ar, 'Additional records', false);
  void end;

  trackFields(ctx, note, isResponse, msg);
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

/**
 * A decoded name at `at`, with its wire length; a name cut by the capture throws like a tvb read.
 * Without `text` only the checks run (a filter pass that wants no names).
 */
function readName(ctx: DissectContext, msg: number, at: number, text = true): { text: string; labels: number; wireLength: number } {
  const view = ctx.bytes.subarray(msg, Math.max(msg, Math.min(lim, ctx.bytes.length)));
  const r = decodeDnsName(view, at - msg, text ? 'display' : 'none');
  if (r.ok) return { text: r.value.text === '' ? '<Root>' : r.value.text, labels: r.value.labels, wireLength: r.value.wireLength };
  if (r.error.code === 'truncated') {
    within(ctx, lim, msg + r.error.offset, 2);
    throw new BoundsError('malformed', msg + r.error.offset);
  }
  // A compression loop or an over-long name: Wireshark shows a placeholder and moves on.
  const wire = nameWireLength(ctx, at);
  return { text: '<Name contains a pointer that loops>', labels: 0, wireLength: wire };
}

/** Bytes a name takes at its own position (up to the first pointer or the root label). */
function nameWireLength(ctx: DissectContext, at: number): number {
  let p = at;
  for (;;) {
    const len = u8(ctx, p);
    if ((len & 0xc0) === 0xc0) return p + 2 - at;
    if (len === 0) return p + 1 - at;
    p += 1 + (len & 0x3f);
  }
}

function labelCount(text: string): number {
  if (text === '<Root>') return 0;
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x2e) n++;
  return n;
}

/** Whether names must be decoded to text: for the tree, the Info column, or a wanted field. */
function needNames(ctx: DissectContext): boolean {
  if (ctx.tree || ctx.wantColumns) return true;
  const sink = ctx.sink;
  return (
    sink.wants(F.qryName) || sink.wants(F.qryNameLen) || sink.wants(F.countLabels) || sink.wants(F.respName) ||
    sink.wants(F.cname) || sink.wants(F.ns) || sink.wants(F.ptr)
  );
}

function dissectQueries(ctx: DissectContext, msg: number, at: number, count: number, title: string): number {
  const start = at;
  const opened = textItem(ctx, title, at, 0);
  if (opened) ctx.enter();
  const text = needNames(ctx);
  for (let i = 0; i < count; i++) {
    const name = readName(ctx, msg, at, text);
    const type = u16(ctx, at + name.wireLength);
    const cls = u16(ctx, at + name.wireLength + 2);
    const len = name.wireLength + 4;
    if (ctx.wantColumns) ctx.appendInfo(`${dnsTypeShort(type)} ${name.text}`);
    const sub = ctx.tree && textItem(ctx, `${name.text}: type ${dnsTypeShort(type)}, class ${className(cls)}`, at, len);
    if (sub) ctx.enter();
    ctx.value(F.qryName, at, name.wireLength, text ? name.text : null);
    ctx.value(F.qryNameLen, at, name.wireLength, text ? name.text.length : null);
    if (ctx.tree) ctx.label(`Name Length: ${name.text.length}`);
    ctx.value(F.countLabels, at, name.wireLength, text ? labelCount(name.text) : null);
    if (ctx.tree) ctx.label(`Label Count: ${labelCount(name.text)}`);
    ctx.value(F.qryType, at + name.wireLength, 2, type);
    ctx.value(F.qryClass, at + name.wireLength + 2, 2, cls);
    if (sub) ctx.leave();
    at += len;
  }
  if (opened) {
    ctx.setLength(at - start);
    ctx.leave();
  }
  return at;
}

function className(cls: number): string {
  return DNS_CLASS_VALS[cls] ?? `Unknown (${cls})`;
}

function dissectRecords(ctx: DissectContext, msg: number, at: number, count: number, title: string, info: boolean): number {
  const start = at;
  const opened = textItem(ctx, title, at, 0);
  if (opened) ctx.enter();
  for (let i = 0; i < count; i++) at = dissectRecord(ctx, msg, at, info);
  if (opened) {
    ctx.setLength(at - start);
    ctx.leave();
  }
  return at;
}

function dissectRecord(ctx: DissectContext, msg: number, at: number, info: boolean): number {
  const tree = ctx.tree;
  const text = needNames(ctx);
  const name = readName(ctx, msg, at, text);
  const p = at + name.wireLength;
  const type = u16(ctx, p);
  const cls = u16(ctx, p + 2);
  const ttl = u32(ctx, p + 4);
  const rdlen = u16(ctx, p + 8);
  const rdata = p + 10;
  const short = tree || ctx.wantColumns ? dnsTypeShort(type) : '';
  if (info && ctx.wantColumns) ctx.appendInfo(short);

  // The record's data, decoded once for the summary line, the Info column and the fields.
  let summary = '';
  let dataText: string | null = null;
  let dataName: { text: string; wireLength: number } | null = null;
  if (type === 1 && rdlen === 4) {
    within(ctx, lim, rdata, 4);
    if (tree || ctx.wantColumns) {
      dataText = formatIpv4(ctx.u32(rdata));
      summary = `, addr ${dataText}`;
    }
  } else if (type === 28 && rdlen === 16) {
    within(ctx, lim, rdata, 16);
    dataText = formatIpv6(ctx.bytes, rdata);
    summary = `, addr ${dataText}`;
  } else if ((type === 5 || type === 2 || type === 12) && rdlen > 0) {
    dataName = readName(ctx, msg, rdata, text);
    dataText = dataName.text;
    summary = `, ${type === 5 ? 'cname' : type === 2 ? 'ns' : ''} ${dataText}`;
    if (type === 12) summary = ` ${dataText}`;
  }
  if (info && ctx.wantColumns && dataText !== null) ctx.appendInfo(dataText);

  const sub = tree && textItem(ctx, `${name.text}: type ${short}, class ${className(cls)}${summary}`, at, name.wireLength + 10 + rdlen);
  if (sub) ctx.enter();
  ctx.value(F.respName, at, name.wireLength, text ? name.text : null);
  ctx.value(F.respType, p, 2, type);
  ctx.value(F.respClass, p + 2, 2, cls);
  ctx.value(F.respTtl, p + 4, 4, ttl);
  if (tree) ctx.label(`Time to live: ${ttl} (${timeSecsToStr(ttl)})`);
  ctx.value(F.respLen, p + 8, 2, rdlen);
  if (type === 1 && rdlen === 4) ctx.item(F.a, rdata, 4);
  else if (type === 28 && rdlen === 16) ctx.value(F.aaaa, rdata, 16, dataText);
  else if (dataName) {
    const field = type === 5 ? F.cname : type === 2 ? F.ns : F.ptr;
    ctx.value(field, rdata, dataName.wireLength, text ? dataName.text : null);
  } else if (rdlen > 0) {
    within(ctx, lim, rdata, rdlen);
    ctx.item(F.data, rdata, rdlen);
  }
  if (sub) ctx.leave();
  within(ctx, lim, rdata, rdlen);
  return rdata + rdlen;
}

/** RFC 5952 text for an IPv6 address (longest zero run of two or more compressed). */
export function formatIpv6(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[at + i * 2] << 8) | b[at + i * 2 + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexWords = words.map((w) => w.toString(16));
  if (bestStart < 0) return hexWords.join(':');
  const head = hexWords.slice(0, bestStart).join(':');
  const tail = hexWords.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Request/response matching per conversation and id; a frame seen again reads its first result. */
function noteOf(ctx: DissectContext, id: number, isResponse: boolean, data: unknown, msg: number): FrameNote {
  const st = ctx.state.get<DnsState>('dns', () => ({ txns: new Map(), frames: new Map() }));
  const frame = ctx.frame.number;
  const known = st.frames.get(frame);
  if (known) return known;
  const payload = transportOf(ctx) === 'tcp' ? msg - 2 : msg;
  const key = `${conversationKey(data, ctx, payload).key}#${id}`;
  let list = st.txns.get(key);
  if (!list) st.txns.set(key, (list = []));
  const last = list.length ? list[list.length - 1] : undefined;
  let note: FrameNote;
  if (!isResponse) {
    if (last && last.reqFrame !== 0 && last.repFrame === 0) note = { txn: last, retransmitOf: last.reqFrame };
    else {
      const txn: Txn = { reqFrame: frame, reqTime: frameTime(ctx), repFrame: 0 };
      list.push(txn);
      note = { txn, retransmitOf: 0 };
    }
  } else if (last && last.repFrame === 0) {
    last.repFrame = frame;
    note = { txn: last, retransmitOf: 0 };
  } else if (last) {
    note = { txn: last, retransmitOf: last.repFrame };
  } else {
    const txn: Txn = { reqFrame: 0, reqTime: 0n, repFrame: frame };
    list.push(txn);
    note = { txn, retransmitOf: 0 };
  }
  st.frames.set(frame, note);
  return note;
}

function frameTime(ctx: DissectContext): bigint {
  return BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec);
}

/** dns.response_in / response_to / time / retransmission fields, after the records. */
function trackFields(ctx: DissectContext, note: FrameNote, isResponse: boolean, msg: number): void {
  const { txn, retransmitOf } = note;
  const tree = ctx.tree;
  const frame = ctx.frame.number;
  if (!isResponse) {
    if (txn.repFrame && txn.reqFrame === frame) {
      ctx.value(F.responseIn, msg, 0, txn.repFrame);
      if (tree) ctx.label(`Response In: ${txn.repFrame}`);
    }
    if (retransmitOf) {
      ctx.value(F.retransmitRequestIn, msg, 0, retransmitOf);
      if (tree) ctx.label(`Retransmitted request. Original request in: ${retransmitOf}`);
      ctx.value(F.retransmission, msg, 0, 1);
      if (tree) ctx.label('Retransmission: True');
    }
    return;
  }
  if (retransmitOf) {
    ctx.value(F.retransmitResponseIn, msg, 0, retransmitOf);
    if (tree) ctx.label(`Retransmitted response. Original response in: ${retransmitOf}`);
    ctx.value(F.retransmission, msg, 0, 1);
    if (tree) ctx.label('Retransmission: True');
  } else if (txn.reqFrame) {
    ctx.value(F.responseTo, msg, 0, txn.reqFrame);
    if (tree) ctx.label(`Request In: ${txn.reqFrame}`);
    const delta = frameTime(ctx) - txn.reqTime;
    ctx.value(F.time, msg, 0, delta);
    if (tree) ctx.label(`Time: ${relTimeText(delta)} seconds`);
  } else {
    ctx.value(F.unsolicited, msg, 0, 1);
    if (tree) ctx.label('Unsolicited: True');
  }
}
