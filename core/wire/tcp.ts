import type { Ipv4 } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../base/checksum.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';
import { copyPayload, type PseudoHeader } from './udp.ts';

/** TCP (RFC 9293) segments over IPv4: header, flags, options, pseudo-header checksum. */
export const TCP_HEADER_LEN = 20;
/** Data offset is 4 bits of 32-bit words. */
export const TCP_MAX_HEADER_LEN = 60;
export const TCP_MAX_OPTIONS_LEN = TCP_MAX_HEADER_LEN - TCP_HEADER_LEN;

/** IANA protocol number of TCP in the IPv4 header. */
export const TCP_PROTOCOL = 6;

export const TcpField = {
  srcPort: 0,
  dstPort: 2,
  seq: 4,
  ack: 8,
  /** Data offset (4 bits), reserved (3 bits) and the 9 flag bits, as one 16-bit word. */
  flags: 12,
  window: 14,
  checksum: 16,
  urgent: 18,
  options: 20,
} as const;

/** Flag bits of the 12 low bits of the word at offset 12 (Wireshark's `tcp.flags`). */
export const TcpFlag = {
  fin: 0x001,
  syn: 0x002,
  rst: 0x004,
  psh: 0x008,
  ack: 0x010,
  urg: 0x020,
  ece: 0x040,
  cwr: 0x080,
  /** NS in RFC 3540, AE (Accurate ECN) in RFC 9768: Wireshark 4.0 calls it `tcp.flags.ae`. */
  ae: 0x100,
  /** The three reserved bits. */
  reserved: 0xe00,
} as const;

export const TcpOptionKind = {
  eol: 0,
  nop: 1,
  mss: 2,
  wscale: 3,
  sackPermitted: 4,
  sack: 5,
  timestamps: 8,
} as const;

/** One option of a parsed TCP header; EOL ends the list and is not part of it. */
export type TcpOption =
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sack-permitted' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [left: number, right: number])[] }
  | { readonly kind: 'timestamps'; readonly tsval: number; readonly tsecr: number }
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

/**
 * A read-only view over a TCP segment. `checked` makes sure the fixed header is there and that the
 * data offset is at least 5 words and inside the bytes; afterwards no getter can read out of bounds.
 */
export class TcpView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<TcpView, WireError> {
    if (bytes.length < TCP_HEADER_LEN) {
      return wireError('truncated', `TCP header needs ${TCP_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    const headerLen = (bytes[TcpField.flags] >> 4) * 4;
    if (headerLen < TCP_HEADER_LEN) {
      return wireError('bad-length', `TCP header length ${headerLen} is shorter than ${TCP_HEADER_LEN}`, TcpField.flags);
    }
    if (headerLen > bytes.length) {
      return wireError('truncated', `TCP header length ${headerLen} exceeds the ${bytes.length} bytes available`, bytes.length);
    }
    return ok(new TcpView(bytes));
  }

  get srcPort(): number {
    return this.dv.getUint16(TcpField.srcPort);
  }

  get dstPort(): number {
    return this.dv.getUint16(TcpField.dstPort);
  }

  get seq(): number {
    return this.dv.getUint32(TcpField.seq);
  }

  get ack(): number {
    return this.dv.getUint32(TcpField.ack);
  }

  /** Header length in 32-bit words. */
  get dataOffset(): number {
    return this.bytes[TcpField.flags] >> 4;
  }

  /** Header length in bytes, options included. */
  get headerLen(): number {
    return (this.bytes[TcpField.flags] >> 4) * 4;
  }

  /** The 12 bits after the data offset: reserved bits and flags (`TcpFlag`). */
  get flags(): number {
    return this.dv.getUint16(TcpField.flags) & 0x0fff;
  }

  get fin(): boolean {
    return (this.flags & TcpFlag.fin) !== 0;
  }

  get syn(): boolean {
    return (this.flags & TcpFlag.syn) !== 0;
  }

  get rst(): boolean {
    return (this.flags & TcpFlag.rst) !== 0;
  }

  get psh(): boolean {
    return (this.flags & TcpFlag.psh) !== 0;
  }

  get ackFlag(): boolean {
    return (this.flags & TcpFlag.ack) !== 0;
  }

  get urg(): boolean {
    return (this.flags & TcpFlag.urg) !== 0;
  }

  get ece(): boolean {
    return (this.flags & TcpFlag.ece) !== 0;
  }

  get cwr(): boolean {
    return (this.flags & TcpFlag.cwr) !== 0;
  }

  get ae(): boolean {
    return (this.flags & TcpFlag.ae) !== 0;
  }

  get window(): number {
    return this.dv.getUint16(TcpField.window);
  }

  get checksum(): number {
    return this.dv.getUint16(TcpField.checksum);
  }

  get urgent(): number {
    return this.dv.getUint16(TcpField.urgent);
  }

  /** The raw option bytes (possibly empty). */
  get optionBytes(): Uint8Array {
    return this.bytes.subarray(TCP_HEADER_LEN, this.headerLen);
  }

  /** Everything after the header: the segment's data. */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }

  /** Sequence space the segment occupies: data, plus one each for SYN and FIN. */
  get segmentLen(): number {
    return this.bytes.length - this.headerLen + (this.syn ? 1 : 0) + (this.fin ? 1 : 0);
  }

  /** The options as a typed list, or an error for an option that overruns or has a bad length. */
  options(): Result<TcpOption[], WireError> {
    return parseTcpOptions(this.optionBytes, TCP_HEADER_LEN);
  }

  /** True when the checksum matches the IPv4 pseudo-header and the whole segment (header and data). */
  verifyChecksum(src: Ipv4, dst: Ipv4): boolean {
    const sum = sumWords(this.bytes, 0, this.bytes.length, pseudoHeaderSum(src, dst, TCP_PROTOCOL, this.bytes.length));
    return finishChecksum(sum) === 0;
  }

  /** The checksum the segment should carry, with the checksum field taken as zero. */
  computeChecksum(src: Ipv4, dst: Ipv4): number {
    return tcpChecksum(this.bytes, src, dst);
  }
}

/** A view for building segments; the caller sized the buffer with `TcpRepr.bufferLen`. */
export class TcpViewMut extends TcpView {
  static over(bytes: Uint8Array): TcpViewMut {
    if (bytes.length < TCP_HEADER_LEN) throw new RangeError('TCP emit buffer too small');
    return new TcpViewMut(bytes);
  }

  setSrcPort(v: number): void {
    this.dv.setUint16(TcpField.srcPort, v);
  }

  setDstPort(v: number): void {
    this.dv.setUint16(TcpField.dstPort, v);
  }

  setSeq(v: number): void {
    this.dv.setUint32(TcpField.seq, v >>> 0);
  }

  setAck(v: number): void {
    this.dv.setUint32(TcpField.ack, v >>> 0);
  }

  /** Header length in bytes (a multiple of 4 from 20 to 60); keeps the flags. */
  setHeaderLen(bytes: number): void {
    if (bytes % 4 !== 0 || bytes < TCP_HEADER_LEN || bytes > TCP_MAX_HEADER_LEN) throw new RangeError(`bad TCP header length ${bytes}`);
    this.bytes[TcpField.flags] = ((bytes / 4) << 4) | (this.bytes[TcpField.flags] & 0x0f);
  }

  /** The 12 flag and reserved bits; keeps the data offset. */
  setFlags(v: number): void {
    this.dv.setUint16(TcpField.flags, (this.dv.getUint16(TcpField.flags) & 0xf000) | (v & 0x0fff));
  }

  setWindow(v: number): void {
    this.dv.setUint16(TcpField.window, v);
  }

  setChecksum(v: number): void {
    this.dv.setUint16(TcpField.checksum, v);
  }

  setUrgent(v: number): void {
    this.dv.setUint16(TcpField.urgent, v);
  }

  /** The option area as the data offset now says. */
  get optionsMut(): Uint8Array {
    return this.bytes.subarray(TCP_HEADER_LEN, this.headerLen);
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }

  /** Computes the checksum over the pseudo-header and the whole buffer (the segment). */
  fillChecksum(src: Ipv4, dst: Ipv4): void {
    this.setChecksum(tcpChecksum(this.bytes, src, dst));
  }
}

function tcpChecksum(bytes: Uint8Array, src: Ipv4, dst: Ipv4): number {
  let sum = pseudoHeaderSum(src, dst, TCP_PROTOCOL, bytes.length);
  sum = sumWords(bytes, 0, TcpField.checksum, sum);
  sum = sumWords(bytes, TcpField.urgent, bytes.length, sum);
  return finishChecksum(sum);
}

/**
 * Parses option bytes into a typed list. EOL ends the list (what follows it is padding); NOPs are
 * kept so a header re-emits byte for byte. `base` is added to error offsets (20 for a header).
 */
export function parseTcpOptions(bytes: Uint8Array, base = 0): Result<TcpOption[], WireError> {
  const out: TcpOption[] = [];
  let i = 0;
  while (i < bytes.length) {
    const kind = bytes[i];
    if (kind === TcpOptionKind.eol) break;
    if (kind === TcpOptionKind.nop) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= bytes.length) return wireError('truncated', `TCP option ${kind} has no length byte`, base + i);
    const len = bytes[i + 1];
    if (len < 2) return wireError('bad-length', `TCP option ${kind} length ${len} is below 2`, base + i + 1);
    if (i + len > bytes.length) return wireError('truncated', `TCP option ${kind} length ${len} overruns the header`, base + i + 1);
    const body = i + 2;
    const u16 = (at: number) => (bytes[at] << 8) | bytes[at + 1];
    const u32 = (at: number) => ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
    const expect = (want: boolean) => (want ? null : wireError('bad-length', `TCP option ${kind} has bad length ${len}`, base + i + 1));
    switch (kind) {
      case TcpOptionKind.mss: {
        const bad = expect(len === 4);
        if (bad) return bad;
        out.push({ kind: 'mss', value: u16(body) });
        break;
      }
      case TcpOptionKind.wscale: {
        const bad = expect(len === 3);
        if (bad) return bad;
        out.push({ kind: 'wscale', shift: bytes[body] });
        break;
      }
      case TcpOptionKind.sackPermitted: {
        const bad = expect(len === 2);
        if (bad) return bad;
        out.push({ kind: 'sack-permitted' });
        break;
      }
      case TcpOptionKind.sack: {
        const bad = expect((len - 2) % 8 === 0 && len > 2);
        if (bad) return bad;
        const blocks: (readonly [number, number])[] = [];
        for (let at = body; at < i + len; at += 8) blocks.push([u32(at), u32(at + 4)]);
        out.push({ kind: 'sack', blocks });
        break;
      }
      case TcpOptionKind.timestamps: {
        const bad = expect(len === 10);
        if (bad) return bad;
        out.push({ kind: 'timestamps', tsval: u32(body), tsecr: u32(body + 4) });
        break;
      }
      default:
        out.push({ kind: 'unknown', type: kind, data: bytes.subarray(body, i + len) });
    }
    i += len;
  }
  return ok(out);
}

/** Bytes an option takes on the wire. */
export function tcpOptionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sack-permitted':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'timestamps':
      return 10;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Writes options at `bytes[at…]`, then EOL and zero padding up to `end`; returns bytes written before padding. */
export function emitTcpOptions(options: readonly TcpOption[], bytes: Uint8Array, at: number, end: number): number {
  const start = at;
  const dv = viewOf(bytes);
  for (const o of options) {
    const len = tcpOptionLen(o);
    if (at + len > end) throw new RangeError('TCP options overrun the header');
    switch (o.kind) {
      case 'nop':
        bytes[at] = TcpOptionKind.nop;
        break;
      case 'mss':
        bytes[at] = TcpOptionKind.mss;
        dv.setUint16(at + 2, o.value);
        break;
      case 'wscale':
        bytes[at] = TcpOptionKind.wscale;
        bytes[at + 2] = o.shift;
        break;
      case 'sack-permitted':
        bytes[at] = TcpOptionKind.sackPermitted;
        break;
      case 'sack':
        bytes[at] = TcpOptionKind.sack;
        o.blocks.forEach(([l, r], k) => {
          dv.setUint32(at + 2 + 8 * k, l >>> 0);
          dv.setUint32(at + 6 + 8 * k, r >>> 0);
        });
        break;
      case 'timestamps':
        bytes[at] = TcpOptionKind.timestamps;
        dv.setUint32(at + 2, o.tsval >>> 0);
        dv.setUint32(at + 6, o.tsecr >>> 0);
        break;
      case 'unknown':
        bytes[at] = o.type;
        bytes.set(o.data, at + 2);
        break;
    }
    if (o.kind !== 'nop') bytes[at + 1] = len;
    at += len;
  }
  bytes.fill(TcpOptionKind.eol, at, end);
  return at - start;
}

/** The valid-only form of a TCP header: fields and options; the data is not part of it. */
export interface TcpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  /** Meaningful when `flags` has ACK; carried as is otherwise. */
  readonly ack: number;
  /** The 9 flag bits (`TcpFlag`); reserved bits are not part of a valid header. */
  readonly flags: number;
  readonly window: number;
  readonly urgent: number;
  /** Options in wire order, without EOL: emit pads with EOL/zeros to a 4-byte boundary. */
  readonly options: readonly TcpOption[];
}

/** Header length for a list of options: 20 plus the options padded to 4 bytes. */
export function tcpHeaderLenFor(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += tcpOptionLen(o);
  return TCP_HEADER_LEN + ((n + 3) & ~3);
}

export const TcpRepr = {
  /**
   * Rejects port 0, reserved bits set, malformed options and, when the addresses are given, a
   * wrong checksum. Pass no addresses to skip the checksum (offloaded or already checked).
   */
  parse(view: TcpView, ip?: PseudoHeader): Result<TcpRepr, WireError> {
    if (view.srcPort === 0) return wireError('bad-value', 'TCP source port 0', TcpField.srcPort);
    if (view.dstPort === 0) return wireError('bad-value', 'TCP destination port 0', TcpField.dstPort);
    if (view.flags & TcpFlag.reserved) return wireError('bad-value', 'TCP reserved bits set', TcpField.flags);
    if (ip && !view.verifyChecksum(ip.src, ip.dst)) return wireError('bad-checksum', 'TCP checksum mismatch', TcpField.checksum);
    const options = view.options();
    if (!options.ok) return options;
    return ok({
      srcPort: view.srcPort,
      dstPort: view.dstPort,
      seq: view.seq,
      ack: view.ack,
      flags: view.flags,
      window: view.window,
      urgent: view.urgent,
      options: options.value,
    });
  },
  headerLen(repr: TcpRepr): number {
    return tcpHeaderLenFor(repr.options);
  },
  bufferLen(repr: TcpRepr, payloadLen: number): number {
    return tcpHeaderLenFor(repr.options) + payloadLen;
  },
  /**
   * Writes header, options (padded) and payload (no copy when `payload` already is the view's
   * payload area); the view must be exactly `bufferLen` bytes, since the checksum covers all of
   * it. The checksum is filled when the addresses are given, else left 0.
   */
  emit(repr: TcpRepr, view: TcpViewMut, payload: Uint8Array, ip?: PseudoHeader): void {
    const headerLen = tcpHeaderLenFor(repr.options);
    if (headerLen > TCP_MAX_HEADER_LEN) throw new RangeError(`TCP options need ${headerLen - TCP_HEADER_LEN} bytes, at most 40 fit`);
    if (headerLen + payload.length !== view.bytes.length) throw new RangeError('TCP emit buffer is not bufferLen bytes');
    view.setSrcPort(repr.srcPort);
    view.setDstPort(repr.dstPort);
    view.setSeq(repr.seq);
    view.setAck(repr.ack);
    view.bytes[TcpField.flags] = 0;
    view.setHeaderLen(headerLen);
    view.setFlags(repr.flags & 0x1ff);
    view.setWindow(repr.window);
    view.setChecksum(0);
    view.setUrgent(repr.urgent);
    emitTcpOptions(repr.options, view.bytes, TCP_HEADER_LEN, headerLen);
    copyPayload(view.bytes, headerLen, payload);
    if (ip) view.fillChecksum(ip.src, ip.dst);
  },
};
