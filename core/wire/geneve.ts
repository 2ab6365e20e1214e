import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * Geneve (RFC 8926): an 8-byte base header, 0–252 bytes of TLV options, then the payload whose
 * EtherType the Protocol Type field names (0x6558 inner Ethernet for the VPC overlay, 0x0800 bare
 * IPv4 for GWLB). UDP destination port 6081.
 */
export const GENEVE_HEADER_LEN = 8;
export const GENEVE_UDP_PORT = 6081;
/** Options may take at most 63 words (6-bit Opt Len). */
export const GENEVE_MAX_OPTIONS_LEN = 63 * 4;
/** Option data may take at most 31 words (5-bit Length). */
export const GENEVE_MAX_OPTION_DATA_LEN = 31 * 4;
export const GENEVE_OPTION_HEADER_LEN = 4;

export const GeneveField = { verOptLen: 0, flags: 1, protocolType: 2, vni: 4, reserved: 7, options: 8 } as const;

export const GeneveFlag = {
  /** O: a control (OAM) packet. */
  oam: 0x80,
  /** C: at least one critical option is present. */
  critical: 0x40,
} as const;

/** The MSB of an option's Type: a receiver that does not know the option must drop the packet. */
export const GENEVE_OPTION_CRITICAL = 0x80;

/** Option classes Underlay writes. */
export const GeneveClass = {
  /** AWS Gateway Load Balancer (IANA: Amazon.com, Inc., 0x0108–0x0110). */
  gwlb: 0x0108,
  /** Underlay's own options, in the Experimental Use range 0xFFF0–0xFFFF Wireshark names "Experimental". */
  underlay: 0xfff1,
} as const;

/** Types in class 0x0108 as GWLB sends them (aws-samples gwlbtun `GenevePacket.cpp`); all non-critical. */
export const GwlbOptionType = {
  /** GWLB endpoint id, 8 bytes big-endian (the `vpce-` id as 17 hex digits). */
  endpointId: 0x01,
  /** Attachment id, 8 bytes big-endian. */
  attachmentId: 0x02,
  /** Flow cookie, 4 bytes; the appliance must return it unchanged. */
  flowCookie: 0x03,
} as const;

/** Types in class 0xFFF1 (Underlay); all non-critical so stock receivers may ignore them. */
export const UnderlayOptionType = {
  /** ENI id of the sender's virtual port, 8 bytes big-endian (`eni-` + 17 hex digits). */
  srcEni: 0x01,
  /** ENI id the mapping service resolved the destination to, 8 bytes. */
  dstEni: 0x02,
  /** Version of the mapping-table push the sender's cache held, 4 bytes. */
  mappingVersion: 0x03,
} as const;

/** Data lengths in bytes of the options above (both classes use the same widths per type). */
export const GENEVE_KNOWN_OPTION_DATA_LEN: Readonly<Record<number, number>> = { 1: 8, 2: 8, 3: 4 };

/**
 * A read-only view over a Geneve header. `checked` validates the option length and walks the TLVs,
 * so afterwards no getter (including option iteration) can read out of bounds.
 */
export class GeneveView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<GeneveView, WireError> {
    if (bytes.length < GENEVE_HEADER_LEN) {
      return wireError('truncated', `Geneve header needs ${GENEVE_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    const headerLen = GENEVE_HEADER_LEN + (bytes[0] & 0x3f) * 4;
    if (headerLen > bytes.length) {
      return wireError('truncated', `Geneve options need ${headerLen - GENEVE_HEADER_LEN} bytes, got ${bytes.length - GENEVE_HEADER_LEN}`, bytes.length);
    }
    let at = GENEVE_HEADER_LEN;
    while (at < headerLen) {
      if (at + GENEVE_OPTION_HEADER_LEN > headerLen) return wireError('bad-length', 'Geneve option header past end of options', at);
      const len = GENEVE_OPTION_HEADER_LEN + (bytes[at + 3] & 0x1f) * 4;
      if (at + len > headerLen) return wireError('bad-length', `Geneve option length ${len} is past end of options`, at + 3);
      at += len;
    }
    return ok(new GeneveView(bytes));
  }

  get version(): number {
    return this.bytes[0] >> 6;
  }

  /** Length of the options in bytes (Opt Len × 4). */
  get optionsLen(): number {
    return (this.bytes[0] & 0x3f) * 4;
  }

  get headerLen(): number {
    return GENEVE_HEADER_LEN + this.optionsLen;
  }

  /** The whole flags byte: O, C and six reserved bits. */
  get flags(): number {
    return this.bytes[GeneveField.flags];
  }

  get oam(): boolean {
    return (this.flags & GeneveFlag.oam) !== 0;
  }

  get critical(): boolean {
    return (this.flags & GeneveFlag.critical) !== 0;
  }

  get protocolType(): number {
    return this.dv.getUint16(GeneveField.protocolType);
  }

  get vni(): number {
    return (this.dv.getUint32(GeneveField.vni) >>> 8) & 0xffffff;
  }

  get reserved(): number {
    return this.bytes[GeneveField.reserved];
  }

  get optionBytes(): Uint8Array {
    return this.bytes.subarray(GENEVE_HEADER_LEN, this.headerLen);
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }

  /** The options in order; each `data` is a subarray of the packet (no copy). */
  *options(): Generator<GeneveOption> {
    const end = this.headerLen;
    let at = GENEVE_HEADER_LEN;
    while (at < end) {
      const len = GENEVE_OPTION_HEADER_LEN + (this.bytes[at + 3] & 0x1f) * 4;
      yield {
        optionClass: this.dv.getUint16(at),
        type: this.bytes[at + 2],
        data: this.bytes.subarray(at + GENEVE_OPTION_HEADER_LEN, at + len),
      };
      at += len;
    }
  }

  /** The data of the first option with this class and type (critical bit ignored), or null. */
  findOption(optionClass: number, type: number): Uint8Array | null {
    const end = this.headerLen;
    let at = GENEVE_HEADER_LEN;
    while (at < end) {
      const len = GENEVE_OPTION_HEADER_LEN + (this.bytes[at + 3] & 0x1f) * 4;
      if (this.dv.getUint16(at) === optionClass && (this.bytes[at + 2] & 0x7f) === (type & 0x7f)) {
        return this.bytes.subarray(at + GENEVE_OPTION_HEADER_LEN, at + len);
      }
      at += len;
    }
    return null;
  }
}

/** One Geneve option TLV. `type` includes the critical bit; `data` is a multiple of 4 bytes. */
export interface GeneveOption {
  readonly optionClass: number;
  readonly type: number;
  readonly data: Uint8Array;
}

/** A view for building Geneve headers; setters only here. */
export class GeneveViewMut extends GeneveView {
  /** Wraps an emit buffer; the caller sized it with `GeneveRepr.bufferLen`. */
  static over(bytes: Uint8Array): GeneveViewMut {
    if (bytes.length < GENEVE_HEADER_LEN) throw new RangeError('Geneve emit buffer too small');
    return new GeneveViewMut(bytes);
  }

  setVersion(v: number): void {
    this.bytes[0] = ((v & 0x3) << 6) | (this.bytes[0] & 0x3f);
  }

  /** Sets Opt Len from a byte count (a multiple of 4, at most 252). */
  setOptionsLen(bytes: number): void {
    if (bytes % 4 !== 0 || bytes < 0 || bytes > GENEVE_MAX_OPTIONS_LEN) throw new RangeError(`bad Geneve options length ${bytes}`);
    this.bytes[0] = (this.bytes[0] & 0xc0) | (bytes / 4);
  }

  setFlags(v: number): void {
    this.bytes[GeneveField.flags] = v & 0xff;
  }

  setProtocolType(v: number): void {
    this.dv.setUint16(GeneveField.protocolType, v);
  }

  setVni(v: number): void {
    this.bytes[4] = (v >>> 16) & 0xff;
    this.bytes[5] = (v >>> 8) & 0xff;
    this.bytes[6] = v & 0xff;
  }

  setReserved(v: number): void {
    this.bytes[GeneveField.reserved] = v & 0xff;
  }

  /** Writes one option at `offset` (from the start of the header) and returns the offset after it. */
  writeOption(offset: number, opt: GeneveOption): number {
    const len = opt.data.length;
    if (len % 4 !== 0 || len > GENEVE_MAX_OPTION_DATA_LEN) throw new RangeError(`bad Geneve option data length ${len}`);
    this.dv.setUint16(offset, opt.optionClass);
    this.bytes[offset + 2] = opt.type & 0xff;
    this.bytes[offset + 3] = len / 4;
    this.bytes.set(opt.data, offset + GENEVE_OPTION_HEADER_LEN);
    return offset + GENEVE_OPTION_HEADER_LEN + len;
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
}

/** The valid-only form of a Geneve header: version 0, options that fit. */
export interface GeneveRepr {
  readonly vni: number;
  readonly protocolType: number;
  readonly oam: boolean;
  /** The C bit; `geneveHasCritical(options)` tells what it must be. */
  readonly critical: boolean;
  readonly options: readonly GeneveOption[];
}

export function geneveHasCritical(options: readonly GeneveOption[]): boolean {
  return options.some((o) => (o.type & GENEVE_OPTION_CRITICAL) !== 0);
}

function optionsLen(options: readonly GeneveOption[]): number {
  let n = 0;
  for (const o of options) n += GENEVE_OPTION_HEADER_LEN + o.data.length;
  return n;
}

export const GeneveRepr = {
  parse(view: GeneveView): Result<GeneveRepr, WireError> {
    if (view.version !== 0) return wireError('bad-version', `Geneve version ${view.version} is not 0`, 0);
    if ((view.flags & 0x3f) !== 0) return wireError('bad-value', 'Geneve reserved flag bits are set', GeneveField.flags);
    const options: GeneveOption[] = [];
    for (const o of view.options()) options.push({ optionClass: o.optionClass, type: o.type, data: o.data.slice() });
    return ok({ vni: view.vni, protocolType: view.protocolType, oam: view.oam, critical: view.critical, options });
  },
  /** Header plus options; the payload follows. */
  headerLen(repr: GeneveRepr): number {
    return GENEVE_HEADER_LEN + optionsLen(repr.options);
  },
  bufferLen(repr: GeneveRepr, payloadLen: number): number {
    return GeneveRepr.headerLen(repr) + payloadLen;
  },
  emit(repr: GeneveRepr, view: GeneveViewMut): void {
    view.setVersion(0);
    view.setOptionsLen(optionsLen(repr.options));
    view.setFlags((repr.oam ? GeneveFlag.oam : 0) | (repr.critical ? GeneveFlag.critical : 0));
    view.setProtocolType(repr.protocolType);
    view.setVni(repr.vni);
    view.setReserved(0);
    let at = GENEVE_HEADER_LEN;
    for (const o of repr.options) at = view.writeOption(at, o);
  },
};

// ---- Underlay's and GWLB's options as typed values ----

/** 64-bit identifiers are bigints: exact, and only built when options are made or read. */
export function u64Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  viewOf(out).setBigUint64(0, BigInt.asUintN(64, v));
  return out;
}

export function u32Bytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  viewOf(out).setUint32(0, v >>> 0);
  return out;
}

export function readU64(data: Uint8Array, offset = 0): bigint {
  return viewOf(data).getBigUint64(offset);
}

/** Underlay's VPC options: who sent, who should receive, which mapping they agreed on. */
export interface UnderlayGeneveOptions {
  readonly srcEni: bigint;
  readonly dstEni: bigint;
  readonly mappingVersion: number;
}

/** GWLB's three options. */
export interface GwlbGeneveOptions {
  readonly endpointId: bigint;
  readonly attachmentId: bigint;
  readonly flowCookie: number;
}

export function underlayOptions(o: UnderlayGeneveOptions): GeneveOption[] {
  return [
    { optionClass: GeneveClass.underlay, type: UnderlayOptionType.srcEni, data: u64Bytes(o.srcEni) },
    { optionClass: GeneveClass.underlay, type: UnderlayOptionType.dstEni, data: u64Bytes(o.dstEni) },
    { optionClass: GeneveClass.underlay, type: UnderlayOptionType.mappingVersion, data: u32Bytes(o.mappingVersion) },
  ];
}

export function gwlbOptions(o: GwlbGeneveOptions): GeneveOption[] {
  return [
    { optionClass: GeneveClass.gwlb, type: GwlbOptionType.endpointId, data: u64Bytes(o.endpointId) },
    { optionClass: GeneveClass.gwlb, type: GwlbOptionType.attachmentId, data: u64Bytes(o.attachmentId) },
    { optionClass: GeneveClass.gwlb, type: GwlbOptionType.flowCookie, data: u32Bytes(o.flowCookie) },
  ];
}

/** Reads Underlay's options; null unless all three are present with their exact lengths. */
export function readUnderlayOptions(view: GeneveView): UnderlayGeneveOptions | null {
  const src = view.findOption(GeneveClass.underlay, UnderlayOptionType.srcEni);
  const dst = view.findOption(GeneveClass.underlay, UnderlayOptionType.dstEni);
  const ver = view.findOption(GeneveClass.underlay, UnderlayOptionType.mappingVersion);
  if (!src || src.length !== 8 || !dst || dst.length !== 8 || !ver || ver.length !== 4) return null;
  return { srcEni: readU64(src), dstEni: readU64(dst), mappingVersion: viewOf(ver).getUint32(0) };
}

/** Reads GWLB's options; null unless all three are present (the AWS appliance sample's rule). */
export function readGwlbOptions(view: GeneveView): GwlbGeneveOptions | null {
  const ep = view.findOption(GeneveClass.gwlb, GwlbOptionType.endpointId);
  const at = view.findOption(GeneveClass.gwlb, GwlbOptionType.attachmentId);
  const ck = view.findOption(GeneveClass.gwlb, GwlbOptionType.flowCookie);
  if (!ep || ep.length !== 8 || !at || at.length !== 8 || !ck || ck.length !== 4) return null;
  return { endpointId: readU64(ep), attachmentId: readU64(at), flowCookie: viewOf(ck).getUint32(0) };
}

/** `eni-0123456789abcdef0`: the prefix plus 17 zero-padded hex digits, as AWS prints 64-bit ids. */
export function formatAwsId(prefix: string, id: bigint): string {
  return `${prefix}-${id.toString(16).padStart(17, '0')}`;
}
