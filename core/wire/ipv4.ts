import { type Ipv4, readIpv4, writeIpv4 } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { internetChecksum } from '../base/checksum.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/** IPv4 (RFC 791): the 20-byte header, up to 40 bytes of options, and the payload. */
export const IPV4_HEADER_LEN = 20;
export const IPV4_MAX_HEADER_LEN = 60;

export const Ipv4Field = {
  verIhl: 0,
  dsEcn: 1,
  length: 2,
  ident: 4,
  flagsFrag: 6,
  ttl: 8,
  protocol: 9,
  checksum: 10,
  src: 12,
  dst: 16,
  options: 20,
} as const;

export const IpProtocol = {
  icmp: 1,
  igmp: 2,
  ipip: 4,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
} as const;

/** Option types (copy bit, class and number together), as on the wire. */
export const Ipv4OptionType = {
  eol: 0,
  nop: 1,
  recordRoute: 7,
  timestamp: 68,
  security: 130,
  lsrr: 131,
  ssrr: 137,
  routerAlert: 148,
} as const;

const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_MASK = 0x1fff;

/**
 * A read-only view over an IPv4 packet. `checked` guarantees the header (with options) and the
 * whole datagram as its total length says are inside the bytes, so no getter can fail; bytes past
 * the total length (Ethernet padding) are not part of `payload`.
 */
export class Ipv4View {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<Ipv4View, WireError> {
    const header = Ipv4View.checkHeader(bytes);
    if (!header.ok) return header;
    const total = (bytes[Ipv4Field.length] << 8) | bytes[Ipv4Field.length + 1];
    if (total > bytes.length) {
      return wireError('truncated', `IPv4 total length ${total} exceeds the ${bytes.length} bytes present`, Ipv4Field.length);
    }
    return ok(new Ipv4View(bytes));
  }

  /**
   * Checks only the header, not that the whole datagram is present: the header an ICMP error
   * quotes is followed by just 8 bytes of its payload. `payload` is then cut at the bytes' end.
   */
  static checkedHeader(bytes: Uint8Array): Result<Ipv4View, WireError> {
    const header = Ipv4View.checkHeader(bytes);
    return header.ok ? ok(new Ipv4View(bytes)) : header;
  }

  private static checkHeader(bytes: Uint8Array): Result<true, WireError> {
    if (bytes.length < IPV4_HEADER_LEN) {
      return wireError('truncated', `IPv4 header needs ${IPV4_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    const version = bytes[0] >>> 4;
    if (version !== 4) return wireError('bad-version', `IP version ${version} is not 4`, 0);
    const headerLen = (bytes[0] & 0x0f) * 4;
    if (headerLen < IPV4_HEADER_LEN) return wireError('bad-length', `IPv4 header length ${headerLen} is below 20`, 0);
    if (headerLen > bytes.length) {
      return wireError('truncated', `IPv4 header length ${headerLen} exceeds the ${bytes.length} bytes present`, 0);
    }
    const total = (bytes[Ipv4Field.length] << 8) | bytes[Ipv4Field.length + 1];
    if (total < headerLen) {
      return wireError('bad-length', `IPv4 total length ${total} is below the header length ${headerLen}`, Ipv4Field.length);
    }
    return ok(true);
  }

  get version(): number {
    return this.bytes[Ipv4Field.verIhl] >>> 4;
  }

  /** The IHL field (32-bit words). */
  get ihl(): number {
    return this.bytes[Ipv4Field.verIhl] & 0x0f;
  }

  /** Header length in bytes, options included. */
  get headerLen(): number {
    return this.ihl * 4;
  }

  /** The whole DS field byte (DSCP and ECN). */
  get dsField(): number {
    return this.bytes[Ipv4Field.dsEcn];
  }

  get dscp(): number {
    return this.dsField >>> 2;
  }

  get ecn(): number {
    return this.dsField & 0x3;
  }

  get totalLength(): number {
    return this.dv.getUint16(Ipv4Field.length);
  }

  get ident(): number {
    return this.dv.getUint16(Ipv4Field.ident);
  }

  /** The 16 bits of flags and fragment offset. */
  get flagsFragment(): number {
    return this.dv.getUint16(Ipv4Field.flagsFrag);
  }

  get reservedFlag(): boolean {
    return (this.flagsFragment & FLAG_RESERVED) !== 0;
  }

  get dontFrag(): boolean {
    return (this.flagsFragment & FLAG_DF) !== 0;
  }

  get moreFrags(): boolean {
    return (this.flagsFragment & FLAG_MF) !== 0;
  }

  /** Fragment offset in bytes (the field counts 8-byte units). */
  get fragOffset(): number {
    return (this.flagsFragment & FRAG_MASK) * 8;
  }

  /** True for any fragment: more fragments follow, or this one is not the first. */
  get isFragment(): boolean {
    return (this.flagsFragment & (FLAG_MF | FRAG_MASK)) !== 0;
  }

  get ttl(): number {
    return this.bytes[Ipv4Field.ttl];
  }

  get protocol(): number {
    return this.bytes[Ipv4Field.protocol];
  }

  get checksum(): number {
    return this.dv.getUint16(Ipv4Field.checksum);
  }

  get src(): Ipv4 {
    return readIpv4(this.bytes, Ipv4Field.src);
  }

  get dst(): Ipv4 {
    return readIpv4(this.bytes, Ipv4Field.dst);
  }

  /** The raw option bytes (possibly empty), padding included. */
  get options(): Uint8Array {
    return this.bytes.subarray(IPV4_HEADER_LEN, this.headerLen);
  }

  /** The payload up to the total length (cut at the end of the bytes for a quoted header). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen, this.totalLength);
  }

  /** The header checksum over the header including options: true when it sums to zero. */
  verifyChecksum(): boolean {
    return internetChecksum(this.bytes, 0, this.headerLen) === 0;
  }
}

/** A view for building IPv4 packets; setters as methods so the getters stay visible. */
export class Ipv4ViewMut extends Ipv4View {
  /** Wraps an emit buffer sized with `Ipv4Repr.bufferLen`. */
  static over(bytes: Uint8Array): Ipv4ViewMut {
    if (bytes.length < IPV4_HEADER_LEN) throw new RangeError('IPv4 emit buffer too small');
    return new Ipv4ViewMut(bytes);
  }

  setVersion(v: number): void {
    this.bytes[Ipv4Field.verIhl] = ((v & 0x0f) << 4) | (this.bytes[Ipv4Field.verIhl] & 0x0f);
  }

  /** Sets the IHL from a header length in bytes (a multiple of 4). */
  setHeaderLen(bytes: number): void {
    this.bytes[Ipv4Field.verIhl] = (this.bytes[Ipv4Field.verIhl] & 0xf0) | ((bytes >>> 2) & 0x0f);
  }

  setDscp(v: number): void {
    this.bytes[Ipv4Field.dsEcn] = ((v & 0x3f) << 2) | (this.bytes[Ipv4Field.dsEcn] & 0x3);
  }

  setEcn(v: number): void {
    this.bytes[Ipv4Field.dsEcn] = (this.bytes[Ipv4Field.dsEcn] & 0xfc) | (v & 0x3);
  }

  setTotalLength(v: number): void {
    this.dv.setUint16(Ipv4Field.length, v);
  }

  setIdent(v: number): void {
    this.dv.setUint16(Ipv4Field.ident, v);
  }

  /** Sets the 16 bits of flags and fragment offset at once. */
  setFlagsFragment(v: number): void {
    this.dv.setUint16(Ipv4Field.flagsFrag, v);
  }

  private setFlag(bit: number, on: boolean): void {
    const v = this.flagsFragment;
    this.setFlagsFragment(on ? v | bit : v & ~bit);
  }

  setReservedFlag(v: boolean): void {
    this.setFlag(FLAG_RESERVED, v);
  }

  setDontFrag(v: boolean): void {
    this.setFlag(FLAG_DF, v);
  }

  setMoreFrags(v: boolean): void {
    this.setFlag(FLAG_MF, v);
  }

  /** Sets the fragment offset from bytes (a multiple of 8). */
  setFragOffset(bytes: number): void {
    this.setFlagsFragment((this.flagsFragment & ~FRAG_MASK) | (Math.floor(bytes / 8) & FRAG_MASK));
  }

  setTtl(v: number): void {
    this.bytes[Ipv4Field.ttl] = v;
  }

  setProtocol(v: number): void {
    this.bytes[Ipv4Field.protocol] = v;
  }

  setChecksum(v: number): void {
    this.dv.setUint16(Ipv4Field.checksum, v);
  }

  setSrc(v: Ipv4): void {
    writeIpv4(this.bytes, Ipv4Field.src, v);
  }

  setDst(v: Ipv4): void {
    writeIpv4(this.bytes, Ipv4Field.dst, v);
  }

  /** Computes the header checksum over the header as the IHL says, options included. */
  fillChecksum(): void {
    this.setChecksum(0);
    this.setChecksum(internetChecksum(this.bytes, 0, this.headerLen));
  }

  get optionsMut(): Uint8Array {
    return this.bytes.subarray(IPV4_HEADER_LEN, this.headerLen);
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(this.headerLen, this.totalLength);
  }
}

/** One option from the option list: its type byte, where it starts, its full length and its data. */
export interface Ipv4Option {
  readonly type: number;
  /** Offset within the option bytes. */
  readonly offset: number;
  /** Length on the wire (1 for EOL and NOP). */
  readonly length: number;
  /** The bytes after the type and length octets (empty for EOL and NOP). */
  readonly data: Uint8Array;
}

/**
 * Splits option bytes into options: EOL ends the list (what follows is padding), NOP is a single
 * byte, every other option is a type-length-value whose length counts the type and length octets.
 */
export function parseIpv4Options(options: Uint8Array): Result<Ipv4Option[], WireError> {
  const out: Ipv4Option[] = [];
  let at = 0;
  while (at < options.length) {
    const type = options[at];
    if (type === Ipv4OptionType.eol) {
      out.push({ type, offset: at, length: 1, data: options.subarray(at + 1, at + 1) });
      break;
    }
    if (type === Ipv4OptionType.nop) {
      out.push({ type, offset: at, length: 1, data: options.subarray(at + 1, at + 1) });
      at += 1;
      continue;
    }
    if (at + 1 >= options.length) return wireError('truncated', `IPv4 option ${type} has no length octet`, IPV4_HEADER_LEN + at);
    const length = options[at + 1];
    if (length < 2) return wireError('bad-length', `IPv4 option ${type} has length ${length}`, IPV4_HEADER_LEN + at + 1);
    if (at + length > options.length) {
      return wireError('truncated', `IPv4 option ${type} of length ${length} runs past the header`, IPV4_HEADER_LEN + at + 1);
    }
    out.push({ type, offset: at, length, data: options.subarray(at + 2, at + length) });
    at += length;
  }
  return ok(out);
}

/**
 * The valid-only form of an IPv4 header. `fragOffset` is in bytes; `options` are the raw option
 * bytes (a view into the parsed buffer, not a copy), which `emit` pads with zeros (EOL) to a
 * multiple of 4. The reserved flag is not represented: emit clears it.
 */
export interface Ipv4Repr {
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly protocol: number;
  /** Length of the payload (the total length minus the header length). */
  readonly payloadLen: number;
  readonly ttl: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly ident: number;
  readonly dontFrag: boolean;
  readonly moreFrags: boolean;
  readonly fragOffset: number;
  readonly options: Uint8Array;
}

export interface Ipv4ParseOptions {
  /** Whether a wrong header checksum makes parsing fail (default true). */
  readonly verifyChecksum?: boolean;
}

export const Ipv4Repr = {
  parse(view: Ipv4View, opts: Ipv4ParseOptions = {}): Result<Ipv4Repr, WireError> {
    if ((opts.verifyChecksum ?? true) && !view.verifyChecksum()) {
      return wireError('bad-checksum', 'IPv4 header checksum does not verify', Ipv4Field.checksum);
    }
    const options = view.options;
    if (options.length > 0) {
      const parsed = parseIpv4Options(options);
      if (!parsed.ok) return parsed;
    }
    return ok({
      src: view.src,
      dst: view.dst,
      protocol: view.protocol,
      payloadLen: view.totalLength - view.headerLen,
      ttl: view.ttl,
      dscp: view.dscp,
      ecn: view.ecn,
      ident: view.ident,
      dontFrag: view.dontFrag,
      moreFrags: view.moreFrags,
      fragOffset: view.fragOffset,
      options,
    });
  },

  /** Header length in bytes for these options (padded to a multiple of 4). */
  headerLen(repr: Ipv4Repr): number {
    return IPV4_HEADER_LEN + ((repr.options.length + 3) & ~3);
  },

  bufferLen(repr: Ipv4Repr, payloadLen: number = repr.payloadLen): number {
    return Ipv4Repr.headerLen(repr) + payloadLen;
  },

  /**
   * Writes the header (the payload is the caller's: write it into `view.payloadMut`), with the
   * checksum filled unless `fillChecksum` is false (then it is zero).
   */
  emit(repr: Ipv4Repr, view: Ipv4ViewMut, fillChecksum = true): void {
    const headerLen = Ipv4Repr.headerLen(repr);
    if (headerLen > IPV4_MAX_HEADER_LEN) throw new RangeError('IPv4 options longer than 40 bytes');
    view.bytes[Ipv4Field.verIhl] = 0x40 | (headerLen >>> 2);
    view.bytes[Ipv4Field.dsEcn] = ((repr.dscp & 0x3f) << 2) | (repr.ecn & 0x3);
    view.setTotalLength(headerLen + repr.payloadLen);
    view.setIdent(repr.ident);
    const flags = (repr.dontFrag ? FLAG_DF : 0) | (repr.moreFrags ? FLAG_MF : 0);
    view.setFlagsFragment(flags | (Math.floor(repr.fragOffset / 8) & FRAG_MASK));
    view.setTtl(repr.ttl);
    view.setProtocol(repr.protocol);
    view.setChecksum(0);
    view.setSrc(repr.src);
    view.setDst(repr.dst);
    view.bytes.set(repr.options, IPV4_HEADER_LEN);
    view.bytes.fill(0, IPV4_HEADER_LEN + repr.options.length, headerLen);
    if (fillChecksum) view.fillChecksum();
  },
};
