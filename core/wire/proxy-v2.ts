import { type Ipv4, readIpv4, writeIpv4 } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * PROXY protocol version 2 (HAProxy `proxy-protocol.txt` §2.2): a binary header an NLB puts at the
 * start of a TCP connection to tell the target who the client really was. 12-byte signature,
 * version/command, family/protocol, a 16-bit length of what follows, the addresses, then TLVs.
 * PrivateLink adds PP2_TYPE_AWS (0xEA) with subtype 0x01 carrying the VPC endpoint id in ASCII.
 */
export const PROXY_V2_SIGNATURE = Uint8Array.of(0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a);
/** Signature, version/command, family/protocol, length. */
export const PROXY_V2_HEADER_LEN = 16;
/** Addresses and ports for TCP/UDP over IPv4. */
export const PROXY_V2_IPV4_ADDR_LEN = 12;

export const ProxyV2Field = { signature: 0, verCmd: 12, famProto: 13, length: 14, addresses: 16 } as const;

export const ProxyV2Command = { local: 0x0, proxy: 0x1 } as const;
export const ProxyV2Family = { unspec: 0x0, inet: 0x1, inet6: 0x2, unix: 0x3 } as const;
export const ProxyV2Protocol = { unspec: 0x0, stream: 0x1, dgram: 0x2 } as const;

export const Pp2Type = {
  alpn: 0x01,
  authority: 0x02,
  crc32c: 0x03,
  noop: 0x04,
  uniqueId: 0x05,
  ssl: 0x20,
  netns: 0x30,
  /** AWS: value = subtype byte, then subtype data. */
  aws: 0xea,
} as const;

/** Subtypes of PP2_TYPE_AWS. */
export const Pp2AwsSubtype = {
  /** The VPC endpoint id (`vpce-…`) in US-ASCII. */
  vpceId: 0x01,
} as const;

/** Address bytes per family, for the PROXY command. */
function addressLen(family: number): number {
  return family === ProxyV2Family.inet ? 12 : family === ProxyV2Family.inet6 ? 36 : family === ProxyV2Family.unix ? 216 : 0;
}

export interface ProxyV2Tlv {
  readonly type: number;
  readonly value: Uint8Array;
}

/**
 * A read-only view over a PROXY v2 header. `checked` requires the signature, version 2 and a
 * length that fits, and walks the TLVs, so afterwards no getter can fail.
 */
export class ProxyV2View {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  /** Whether bytes start with the v2 signature (what Wireshark's heuristic checks). */
  static hasSignature(bytes: Uint8Array): boolean {
    if (bytes.length < PROXY_V2_SIGNATURE.length) return false;
    for (let i = 0; i < PROXY_V2_SIGNATURE.length; i++) if (bytes[i] !== PROXY_V2_SIGNATURE[i]) return false;
    return true;
  }

  static checked(bytes: Uint8Array): Result<ProxyV2View, WireError> {
    if (bytes.length < PROXY_V2_HEADER_LEN) {
      return wireError('truncated', `PROXY v2 header needs ${PROXY_V2_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    if (!ProxyV2View.hasSignature(bytes)) return wireError('bad-value', 'not a PROXY v2 signature', 0);
    if (bytes[12] >> 4 !== 2) return wireError('bad-version', `PROXY version ${bytes[12] >> 4} is not 2`, 12);
    const total = PROXY_V2_HEADER_LEN + viewOf(bytes).getUint16(ProxyV2Field.length);
    if (total > bytes.length) return wireError('truncated', `PROXY v2 header needs ${total} bytes, got ${bytes.length}`, bytes.length);
    const v = new ProxyV2View(bytes);
    let at = v.tlvStart;
    if (at > total) return wireError('bad-length', 'PROXY v2 length is too small for the addresses', ProxyV2Field.length);
    while (at < total) {
      if (at + 3 > total) return wireError('bad-length', 'PROXY v2 TLV header past the end of the header', at);
      const len = (bytes[at + 1] << 8) | bytes[at + 2];
      if (at + 3 + len > total) return wireError('bad-length', 'PROXY v2 TLV value past the end of the header', at + 1);
      at += 3 + len;
    }
    return ok(v);
  }

  get version(): number {
    return this.bytes[ProxyV2Field.verCmd] >> 4;
  }

  get command(): number {
    return this.bytes[ProxyV2Field.verCmd] & 0x0f;
  }

  get family(): number {
    return this.bytes[ProxyV2Field.famProto] >> 4;
  }

  get protocol(): number {
    return this.bytes[ProxyV2Field.famProto] & 0x0f;
  }

  /** Bytes after the fixed 16: addresses plus TLVs. */
  get length(): number {
    return this.dv.getUint16(ProxyV2Field.length);
  }

  get headerLen(): number {
    return PROXY_V2_HEADER_LEN + this.length;
  }

  /** True when the header carries IPv4 addresses and ports. */
  get isIpv4(): boolean {
    return this.family === ProxyV2Family.inet && this.length >= PROXY_V2_IPV4_ADDR_LEN;
  }

  /** IPv4 fields read 0 unless `isIpv4`. */
  get srcAddr(): Ipv4 {
    return this.isIpv4 ? readIpv4(this.bytes, 16) : 0;
  }

  get dstAddr(): Ipv4 {
    return this.isIpv4 ? readIpv4(this.bytes, 20) : 0;
  }

  get srcPort(): number {
    return this.isIpv4 ? this.dv.getUint16(24) : 0;
  }

  get dstPort(): number {
    return this.isIpv4 ? this.dv.getUint16(26) : 0;
  }

  /** Where TLVs start: after the family's addresses (none for UNSPEC). */
  get tlvStart(): number {
    return PROXY_V2_HEADER_LEN + Math.min(addressLen(this.family), this.length);
  }

  *tlvs(): Generator<ProxyV2Tlv> {
    const end = this.headerLen;
    let at = this.tlvStart;
    while (at + 3 <= end) {
      const len = this.dv.getUint16(at + 1);
      if (at + 3 + len > end) return;
      yield { type: this.bytes[at], value: this.bytes.subarray(at + 3, at + 3 + len) };
      at += 3 + len;
    }
  }

  /** The bytes after the header (the proxied connection's first data). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
}

export class ProxyV2ViewMut extends ProxyV2View {
  static over(bytes: Uint8Array): ProxyV2ViewMut {
    if (bytes.length < PROXY_V2_HEADER_LEN) throw new RangeError('PROXY v2 emit buffer too small');
    return new ProxyV2ViewMut(bytes);
  }

  setSignature(): void {
    this.bytes.set(PROXY_V2_SIGNATURE, 0);
  }

  setVersionCommand(version: number, command: number): void {
    this.bytes[ProxyV2Field.verCmd] = ((version & 0xf) << 4) | (command & 0xf);
  }

  setFamilyProtocol(family: number, protocol: number): void {
    this.bytes[ProxyV2Field.famProto] = ((family & 0xf) << 4) | (protocol & 0xf);
  }

  setLength(v: number): void {
    this.dv.setUint16(ProxyV2Field.length, v);
  }

  setIpv4(src: Ipv4, dst: Ipv4, srcPort: number, dstPort: number): void {
    writeIpv4(this.bytes, 16, src);
    writeIpv4(this.bytes, 20, dst);
    this.dv.setUint16(24, srcPort);
    this.dv.setUint16(26, dstPort);
  }

  /** Writes a TLV at `offset`; returns the offset after it. */
  writeTlv(offset: number, tlv: ProxyV2Tlv): number {
    this.bytes[offset] = tlv.type;
    this.dv.setUint16(offset + 1, tlv.value.length);
    this.bytes.set(tlv.value, offset + 3);
    return offset + 3 + tlv.value.length;
  }
}

/**
 * The valid-only form: no addresses (protocol UNSPEC), or TCP/UDP over IPv4 (what NLB sends to
 * IPv4 targets), plus TLVs. A CRC32C TLV is written as given: call `fillCrc32c` on the emitted
 * header to compute it.
 */
export interface ProxyV2Repr {
  readonly command: number;
  /** ProxyV2Protocol.stream (TCP) or dgram (UDP); unspec for LOCAL. */
  readonly protocol: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly tlvs: readonly ProxyV2Tlv[];
}

/** Protocol UNSPEC means family UNSPEC and no addresses (LOCAL health checks send this). */
function isLocalForm(repr: ProxyV2Repr): boolean {
  return repr.protocol === ProxyV2Protocol.unspec;
}

function tlvsLen(tlvs: readonly ProxyV2Tlv[]): number {
  let n = 0;
  for (const t of tlvs) n += 3 + t.value.length;
  return n;
}

export const ProxyV2Repr = {
  parse(view: ProxyV2View): Result<ProxyV2Repr, WireError> {
    if (view.command > ProxyV2Command.proxy) return wireError('bad-value', `PROXY v2 command ${view.command} is unknown`, 12);
    const tlvs: ProxyV2Tlv[] = [];
    for (const t of view.tlvs()) tlvs.push({ type: t.type, value: t.value.slice() });
    if (view.family === ProxyV2Family.unspec && view.protocol === ProxyV2Protocol.unspec) {
      return ok({ command: view.command, protocol: 0, src: 0, dst: 0, srcPort: 0, dstPort: 0, tlvs });
    }
    if (view.family !== ProxyV2Family.inet) return wireError('unsupported', `PROXY v2 family ${view.family} is not modelled`, 13);
    if (view.protocol !== ProxyV2Protocol.stream && view.protocol !== ProxyV2Protocol.dgram) {
      return wireError('bad-value', `PROXY v2 protocol ${view.protocol} is unknown`, 13);
    }
    return ok({
      command: view.command,
      protocol: view.protocol,
      src: view.srcAddr,
      dst: view.dstAddr,
      srcPort: view.srcPort,
      dstPort: view.dstPort,
      tlvs,
    });
  },
  /** The whole header: fixed part, addresses, TLVs. */
  bufferLen(repr: ProxyV2Repr): number {
    return PROXY_V2_HEADER_LEN + (isLocalForm(repr) ? 0 : PROXY_V2_IPV4_ADDR_LEN) + tlvsLen(repr.tlvs);
  },
  emit(repr: ProxyV2Repr, view: ProxyV2ViewMut): void {
    const local = isLocalForm(repr);
    const length = (local ? 0 : PROXY_V2_IPV4_ADDR_LEN) + tlvsLen(repr.tlvs);
    if (length > 0xffff) throw new RangeError('PROXY v2 header too long');
    view.setSignature();
    view.setVersionCommand(2, repr.command);
    view.setFamilyProtocol(local ? ProxyV2Family.unspec : ProxyV2Family.inet, repr.protocol);
    view.setLength(length);
    let at = PROXY_V2_HEADER_LEN;
    if (!local) {
      view.setIpv4(repr.src, repr.dst, repr.srcPort, repr.dstPort);
      at += PROXY_V2_IPV4_ADDR_LEN;
    }
    for (const t of repr.tlvs) at = view.writeTlv(at, t);
  },
};

// ---- AWS TLV ----

/** PP2_TYPE_AWS / PP2_SUBTYPE_AWS_VPCE_ID for `vpce-…`. */
export function awsVpceTlv(vpceId: string): ProxyV2Tlv {
  const value = new Uint8Array(1 + vpceId.length);
  value[0] = Pp2AwsSubtype.vpceId;
  for (let i = 0; i < vpceId.length; i++) {
    const c = vpceId.charCodeAt(i);
    if (c > 0x7f) throw new RangeError('VPC endpoint ids are ASCII');
    value[1 + i] = c;
  }
  return { type: Pp2Type.aws, value };
}

/** The VPC endpoint id in a header's TLVs, or null. */
export function vpceIdOf(tlvs: Iterable<ProxyV2Tlv>): string | null {
  for (const t of tlvs) {
    if (t.type === Pp2Type.aws && t.value.length >= 1 && t.value[0] === Pp2AwsSubtype.vpceId) {
      let s = '';
      for (let i = 1; i < t.value.length; i++) s += String.fromCharCode(t.value[i]);
      return s;
    }
  }
  return null;
}

// ---- PP2_TYPE_CRC32C ----

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32c (Castagnoli), as PP2_TYPE_CRC32C uses. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Offset of the CRC32C TLV's value within a valid header, or -1. */
function crcValueOffset(header: Uint8Array): number {
  const v = ProxyV2View.checked(header);
  if (!v.ok) return -1;
  const end = v.value.headerLen;
  let at = v.value.tlvStart;
  while (at + 3 <= end) {
    const len = (header[at + 1] << 8) | header[at + 2];
    if (header[at] === Pp2Type.crc32c && len === 4) return at + 3;
    at += 3 + len;
  }
  return -1;
}

/** Computes the CRC over the header with the CRC value zeroed and stores it (spec §2.2.5). */
export function fillCrc32c(header: Uint8Array): void {
  const at = crcValueOffset(header);
  if (at < 0) return;
  header.fill(0, at, at + 4);
  viewOf(header).setUint32(at, crc32c(header));
}

/** True when the header has no CRC32C TLV or its CRC matches. */
export function verifyCrc32c(header: Uint8Array): boolean {
  const at = crcValueOffset(header);
  if (at < 0) return true;
  const want = viewOf(header).getUint32(at);
  const copy = header.slice();
  copy.fill(0, at, at + 4);
  return crc32c(copy) === want;
}
