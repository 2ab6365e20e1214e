import { type Ipv4, readIpv4, writeIpv4 } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * DNS messages (RFC 1035): a 12-byte header, questions, then answer, authority and additional
 * records. Names are sequences of labels, compressed with pointers (RFC 1035 §4.1.4). Name
 * decoding is bounded: at most 255 bytes of name, 63 per label and a fixed number of pointer
 * jumps, so a pointer loop ends with an error instead of a hang.
 */
export const DNS_HEADER_LEN = 12;
export const DNS_PORT = 53;

export const DnsField = { id: 0, flags: 2, qdcount: 4, ancount: 6, nscount: 8, arcount: 10 } as const;

export const DnsFlag = {
  response: 0x8000,
  opcode: 0x7800,
  authoritative: 0x0400,
  truncated: 0x0200,
  recursionDesired: 0x0100,
  recursionAvailable: 0x0080,
  z: 0x0040,
  authenticData: 0x0020,
  checkingDisabled: 0x0010,
  rcode: 0x000f,
} as const;

export const DnsType = { a: 1, ns: 2, cname: 5, soa: 6, ptr: 12, mx: 15, txt: 16, aaaa: 28, srv: 33, opt: 41 } as const;
export const DnsClass = { in: 1 } as const;
export const DnsOpcode = { query: 0, iquery: 1, status: 2, notify: 4, update: 5 } as const;
export const DnsRcode = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;

export const DNS_MAX_NAME_LEN = 255;
export const DNS_MAX_LABEL_LEN = 63;
/** More jumps than any valid name needs (a name has at most 127 labels). */
export const DNS_MAX_POINTERS = 127;

// ---- names ----

/** What `decodeDnsName` found. */
export interface DnsName {
  /** Labels joined with '.', escaped by the chosen style; '' for the root. */
  readonly text: string;
  readonly labels: number;
  /** Bytes the name takes where it starts (up to and including the first pointer or the root label). */
  readonly wireLength: number;
}

/**
 * How label bytes become text. `zone`: RFC 4343 master-file escapes (`\.`, `\\`, `\DDD`), so text
 * turns back into the same labels (the repr uses it). `display`: Wireshark's rendering (printable
 * ASCII as is, others as `\xHH`). `none`: no text at all, only the checks and lengths (hot paths
 * that need to know where a name ends).
 */
export type DnsNameStyle = 'zone' | 'display' | 'none';

/**
 * Decodes the name at `offset` of `msg`; pointers are offsets from the message start (`msg[0]` is
 * the first header byte). Never throws; bounded in time by the name and pointer limits.
 */
export function decodeDnsName(msg: Uint8Array, offset: number, style: DnsNameStyle = 'zone'): Result<DnsName, WireError> {
  let text = '';
  let labels = 0;
  let nameLen = 1; // the root label's length byte
  let at = offset;
  let wireLength = -1;
  let jumps = 0;
  for (;;) {
    if (at >= msg.length) return wireError('truncated', 'DNS name runs past the end of the message', at);
    const len = msg[at];
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= msg.length) return wireError('truncated', 'DNS name pointer runs past the end of the message', at);
      if (wireLength < 0) wireLength = at + 2 - offset;
      if (++jumps > DNS_MAX_POINTERS) return wireError('bad-value', 'DNS name compression loop', at);
      at = ((len & 0x3f) << 8) | msg[at + 1];
      continue;
    }
    if ((len & 0xc0) !== 0) return wireError('unsupported', `DNS label type 0x${(len & 0xc0).toString(16)} is not supported`, at);
    if (len === 0) {
      if (wireLength < 0) wireLength = at + 1 - offset;
      break;
    }
    if (at + 1 + len > msg.length) return wireError('truncated', 'DNS label runs past the end of the message', at);
    nameLen += len + 1;
    if (nameLen > DNS_MAX_NAME_LEN) return wireError('bad-length', 'DNS name is longer than 255 bytes', at);
    if (style !== 'none') {
      if (labels > 0) text += '.';
      text += labelText(msg, at + 1, at + 1 + len, style);
    }
    labels++;
    at += 1 + len;
  }
  return ok({ text, labels, wireLength });
}

function labelText(msg: Uint8Array, start: number, end: number, style: DnsNameStyle): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = msg[i];
    if (style === 'zone') {
      if (c === 0x2e || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
      else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
      else s += `\\${String(c).padStart(3, '0')}`;
    } else if (c >= 0x20 && c < 0x7f) {
      s += String.fromCharCode(c);
    } else {
      s += `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return s;
}

/** Splits zone-style text into label bytes; null when a label is empty or too long, or an escape is bad. */
export function dnsNameLabels(text: string): Uint8Array[] | null {
  if (text === '' || text === '.') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0x30 && next <= 0x39) {
        const digits = text.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(digits) || Number(digits) > 255) return null;
        cur.push(Number(digits));
        i += 3;
      } else if (i + 1 < text.length) {
        cur.push(next);
        i += 1;
      } else return null;
    } else if (ch === 0x2e) {
      if (cur.length === 0 || cur.length > DNS_MAX_LABEL_LEN) return null;
      labels.push(Uint8Array.from(cur));
      cur = [];
    } else {
      if (ch > 0xff) return null;
      cur.push(ch);
    }
  }
  if (cur.length > 0) {
    if (cur.length > DNS_MAX_LABEL_LEN) return null;
    labels.push(Uint8Array.from(cur));
  } else if (!text.endsWith('.')) return null;
  let total = 1;
  for (const l of labels) total += l.length + 1;
  return total > DNS_MAX_NAME_LEN ? null : labels;
}

// ---- views ----

export class DnsView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<DnsView, WireError> {
    if (bytes.length < DNS_HEADER_LEN) {
      return wireError('truncated', `DNS header needs ${DNS_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new DnsView(bytes));
  }

  get id(): number {
    return this.dv.getUint16(DnsField.id);
  }

  get flags(): number {
    return this.dv.getUint16(DnsField.flags);
  }

  get response(): boolean {
    return (this.flags & DnsFlag.response) !== 0;
  }

  get opcode(): number {
    return (this.flags & DnsFlag.opcode) >> 11;
  }

  get authoritative(): boolean {
    return (this.flags & DnsFlag.authoritative) !== 0;
  }

  get truncated(): boolean {
    return (this.flags & DnsFlag.truncated) !== 0;
  }

  get recursionDesired(): boolean {
    return (this.flags & DnsFlag.recursionDesired) !== 0;
  }

  get recursionAvailable(): boolean {
    return (this.flags & DnsFlag.recursionAvailable) !== 0;
  }

  get rcode(): number {
    return this.flags & DnsFlag.rcode;
  }

  get questionCount(): number {
    return this.dv.getUint16(DnsField.qdcount);
  }

  get answerCount(): number {
    return this.dv.getUint16(DnsField.ancount);
  }

  get authorityCount(): number {
    return this.dv.getUint16(DnsField.nscount);
  }

  get additionalCount(): number {
    return this.dv.getUint16(DnsField.arcount);
  }

  /** Questions and records, not yet parsed. */
  get body(): Uint8Array {
    return this.bytes.subarray(DNS_HEADER_LEN);
  }
}

export class DnsViewMut extends DnsView {
  static over(bytes: Uint8Array): DnsViewMut {
    if (bytes.length < DNS_HEADER_LEN) throw new RangeError('DNS emit buffer too small');
    return new DnsViewMut(bytes);
  }

  setId(v: number): void {
    this.dv.setUint16(DnsField.id, v);
  }

  setFlags(v: number): void {
    this.dv.setUint16(DnsField.flags, v);
  }

  setCounts(qd: number, an: number, ns: number, ar: number): void {
    this.dv.setUint16(DnsField.qdcount, qd);
    this.dv.setUint16(DnsField.ancount, an);
    this.dv.setUint16(DnsField.nscount, ns);
    this.dv.setUint16(DnsField.arcount, ar);
  }
}

// ---- repr ----

export interface DnsQuestion {
  /** Zone-style text: `web.internal`, '' for the root. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export type DnsRData =
  | { readonly kind: 'a'; readonly address: Ipv4 }
  | { readonly kind: 'cname'; readonly cname: string }
  /** Any other type, or an A record of the wrong length: the data bytes as they are. */
  | { readonly kind: 'raw'; readonly type: number; readonly bytes: Uint8Array };

export interface DnsRecord {
  readonly name: string;
  readonly class: number;
  readonly ttl: number;
  readonly data: DnsRData;
}

export function dnsRecordType(r: DnsRecord): number {
  return r.data.kind === 'a' ? DnsType.a : r.data.kind === 'cname' ? DnsType.cname : r.data.type;
}

export interface DnsRepr {
  readonly id: number;
  readonly response: boolean;
  readonly opcode: number;
  readonly authoritative: boolean;
  readonly truncated: boolean;
  readonly recursionDesired: boolean;
  readonly recursionAvailable: boolean;
  readonly authenticData: boolean;
  readonly checkingDisabled: boolean;
  readonly rcode: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

export function dnsFlagsOf(r: DnsRepr): number {
  return (
    (r.response ? DnsFlag.response : 0) |
    ((r.opcode & 0xf) << 11) |
    (r.authoritative ? DnsFlag.authoritative : 0) |
    (r.truncated ? DnsFlag.truncated : 0) |
    (r.recursionDesired ? DnsFlag.recursionDesired : 0) |
    (r.recursionAvailable ? DnsFlag.recursionAvailable : 0) |
    (r.authenticData ? DnsFlag.authenticData : 0) |
    (r.checkingDisabled ? DnsFlag.checkingDisabled : 0) |
    (r.rcode & 0xf)
  );
}

/** A standard query for one name (RD set, as stub resolvers send). */
export function dnsQuery(id: number, name: string, type: number = DnsType.a): DnsRepr {
  return {
    id,
    response: false,
    opcode: DnsOpcode.query,
    authoritative: false,
    truncated: false,
    recursionDesired: true,
    recursionAvailable: false,
    authenticData: false,
    checkingDisabled: false,
    rcode: 0,
    questions: [{ name, type, class: DnsClass.in }],
    answers: [],
    authorities: [],
    additionals: [],
  };
}

function parseRecord(msg: Uint8Array, at: number): Result<{ record: DnsRecord; end: number }, WireError> {
  const name = decodeDnsName(msg, at);
  if (!name.ok) return name;
  at += name.value.wireLength;
  if (at + 10 > msg.length) return wireError('truncated', 'DNS record header runs past the end of the message', at);
  const dv = viewOf(msg);
  const type = dv.getUint16(at);
  const cls = dv.getUint16(at + 2);
  const ttl = dv.getUint32(at + 4);
  const rdlen = dv.getUint16(at + 8);
  at += 10;
  if (at + rdlen > msg.length) return wireError('truncated', 'DNS record data runs past the end of the message', at - 2);
  let data: DnsRData | null = null;
  if (type === DnsType.a && rdlen === 4) data = { kind: 'a', address: readIpv4(msg, at) };
  else if (type === DnsType.cname) {
    const target = decodeDnsName(msg, at);
    if (target.ok && target.value.wireLength === rdlen) data = { kind: 'cname', cname: target.value.text };
  }
  if (!data) data = { kind: 'raw', type, bytes: msg.slice(at, at + rdlen) };
  return ok({ record: { name: name.value.text, class: cls, ttl, data }, end: at + rdlen });
}

/** Writes names with compression; with a null buffer it only counts, so bufferLen and emit agree. */
class NameWriter {
  private readonly seen = new Map<string, number>();
  constructor(private readonly buf: Uint8Array | null) {}

  write(at: number, text: string): number {
    const labels = dnsNameLabels(text);
    if (!labels) throw new RangeError(`bad DNS name ${JSON.stringify(text)}`);
    for (let i = 0; i < labels.length; i++) {
      const key = suffixKey(labels, i);
      const prior = this.seen.get(key);
      if (prior !== undefined) {
        if (this.buf) {
          this.buf[at] = 0xc0 | (prior >> 8);
          this.buf[at + 1] = prior & 0xff;
        }
        return at + 2;
      }
      if (at < 0x4000) this.seen.set(key, at);
      if (this.buf) {
        this.buf[at] = labels[i].length;
        this.buf.set(labels[i], at + 1);
      }
      at += 1 + labels[i].length;
    }
    if (this.buf) this.buf[at] = 0;
    return at + 1;
  }
}

/**
 * Suffixes match byte for byte: names compare case-insensitively, but a pointer to `WEB.internal`
 * for `web.internal` would change what the reader sees.
 */
function suffixKey(labels: readonly Uint8Array[], from: number): string {
  let key = '';
  for (let i = from; i < labels.length; i++) {
    for (const c of labels[i]) key += String.fromCharCode(c);
    key += '\u0100'; // cannot occur inside a label byte, so keys never collide
  }
  return key;
}

function writeMessage(repr: DnsRepr, buf: Uint8Array | null): number {
  const names = new NameWriter(buf);
  const dv = buf ? viewOf(buf) : null;
  let at = DNS_HEADER_LEN;
  for (const q of repr.questions) {
    at = names.write(at, q.name);
    dv?.setUint16(at, q.type);
    dv?.setUint16(at + 2, q.class);
    at += 4;
  }
  for (const list of [repr.answers, repr.authorities, repr.additionals]) {
    for (const r of list) {
      at = names.write(at, r.name);
      dv?.setUint16(at, dnsRecordType(r));
      dv?.setUint16(at + 2, r.class);
      dv?.setUint32(at + 4, r.ttl >>> 0);
      const dataStart = at + 10;
      let end: number;
      if (r.data.kind === 'a') {
        if (buf) writeIpv4(buf, dataStart, r.data.address);
        end = dataStart + 4;
      } else if (r.data.kind === 'cname') {
        end = names.write(dataStart, r.data.cname);
      } else {
        buf?.set(r.data.bytes, dataStart);
        end = dataStart + r.data.bytes.length;
      }
      dv?.setUint16(at + 8, end - dataStart);
      at = end;
    }
  }
  return at;
}

const MAX_COUNT = 0xffff;

export const DnsRepr = {
  parse(view: DnsView): Result<DnsRepr, WireError> {
    const msg = view.bytes;
    const dv = viewOf(msg);
    let at = DNS_HEADER_LEN;
    const questions: DnsQuestion[] = [];
    for (let i = 0; i < view.questionCount; i++) {
      const name = decodeDnsName(msg, at);
      if (!name.ok) return name;
      at += name.value.wireLength;
      if (at + 4 > msg.length) return wireError('truncated', 'DNS question runs past the end of the message', at);
      questions.push({ name: name.value.text, type: dv.getUint16(at), class: dv.getUint16(at + 2) });
      at += 4;
    }
    const sections: DnsRecord[][] = [[], [], []];
    const counts = [view.answerCount, view.authorityCount, view.additionalCount];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s]; i++) {
        const rec = parseRecord(msg, at);
        if (!rec.ok) return rec;
        sections[s].push(rec.value.record);
        at = rec.value.end;
      }
    }
    const f = view.flags;
    return ok({
      id: view.id,
      response: (f & DnsFlag.response) !== 0,
      opcode: (f & DnsFlag.opcode) >> 11,
      authoritative: (f & DnsFlag.authoritative) !== 0,
      truncated: (f & DnsFlag.truncated) !== 0,
      recursionDesired: (f & DnsFlag.recursionDesired) !== 0,
      recursionAvailable: (f & DnsFlag.recursionAvailable) !== 0,
      authenticData: (f & DnsFlag.authenticData) !== 0,
      checkingDisabled: (f & DnsFlag.checkingDisabled) !== 0,
      rcode: f & DnsFlag.rcode,
      questions,
      answers: sections[0],
      authorities: sections[1],
      additionals: sections[2],
    });
  },
  /** The message length with names compressed the way `emit` compresses them. */
  bufferLen(repr: DnsRepr): number {
    return writeMessage(repr, null);
  },
  emit(repr: DnsRepr, view: DnsViewMut): void {
    const counts = [repr.questions.length, repr.answers.length, repr.authorities.length, repr.additionals.length];
    if (counts.some((c) => c > MAX_COUNT)) throw new RangeError('too many DNS entries');
    view.setId(repr.id);
    view.setFlags(dnsFlagsOf(repr));
    view.setCounts(counts[0], counts[1], counts[2], counts[3]);
    writeMessage(repr, view.bytes);
  },
};
