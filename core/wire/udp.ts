import type { Ipv4 } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../base/checksum.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/** UDP (RFC 768) over IPv4. */
export const UDP_HEADER_LEN = 8;

/** IANA protocol number of UDP in the IPv4 header. */
export const UDP_PROTOCOL = 17;

export const UdpField = { srcPort: 0, dstPort: 2, length: 4, checksum: 6, payload: 8 } as const;

/**
 * A read-only view over a UDP datagram. `checked` makes sure the header is there and that the
 * length field covers it and fits in the bytes; afterwards no getter can read out of bounds.
 * Bytes beyond the length field (link padding) are not part of the datagram.
 */
export class UdpView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<UdpView, WireError> {
    if (bytes.length < UDP_HEADER_LEN) {
      return wireError('truncated', `UDP header needs ${UDP_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    const length = (bytes[UdpField.length] << 8) | bytes[UdpField.length + 1];
    if (length < UDP_HEADER_LEN) return wireError('bad-length', `UDP length ${length} is shorter than the header`, UdpField.length);
    if (length > bytes.length) {
      return wireError('truncated', `UDP length ${length} exceeds the ${bytes.length} bytes available`, bytes.length);
    }
    return ok(new UdpView(bytes));
  }

  get srcPort(): number {
    return this.dv.getUint16(UdpField.srcPort);
  }

  get dstPort(): number {
    return this.dv.getUint16(UdpField.dstPort);
  }

  /** Length of header plus payload, from the header. */
  get length(): number {
    return this.dv.getUint16(UdpField.length);
  }

  /** 0 means the sender computed none. */
  get checksum(): number {
    return this.dv.getUint16(UdpField.checksum);
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(UDP_HEADER_LEN, this.length);
  }

  /** The checksum the datagram should carry given its IPv4 addresses (0xffff stands for 0). */
  computeChecksum(src: Ipv4, dst: Ipv4): number {
    return udpChecksum(this.bytes, this.length, src, dst);
  }

  /** True when the checksum is absent (0) or matches the pseudo-header and the bytes. */
  verifyChecksum(src: Ipv4, dst: Ipv4): boolean {
    const c = this.checksum;
    if (c === 0) return true;
    return finishChecksum(sumWords(this.bytes, 0, this.length, pseudoHeaderSum(src, dst, UDP_PROTOCOL, this.length))) === 0;
  }
}

/** A view for building datagrams; the caller sized the buffer with `UdpRepr.bufferLen`. */
export class UdpViewMut extends UdpView {
  static over(bytes: Uint8Array): UdpViewMut {
    if (bytes.length < UDP_HEADER_LEN) throw new RangeError('UDP emit buffer too small');
    return new UdpViewMut(bytes);
  }

  setSrcPort(v: number): void {
    this.dv.setUint16(UdpField.srcPort, v);
  }

  setDstPort(v: number): void {
    this.dv.setUint16(UdpField.dstPort, v);
  }

  setLength(v: number): void {
    this.dv.setUint16(UdpField.length, v);
  }

  setChecksum(v: number): void {
    this.dv.setUint16(UdpField.checksum, v);
  }

  /** The payload area up to the end of the buffer (the length field may not be set yet). */
  get payloadMut(): Uint8Array {
    return this.bytes.subarray(UDP_HEADER_LEN);
  }

  /** Computes the checksum over the pseudo-header, header and payload (`length` must be set). */
  fillChecksum(src: Ipv4, dst: Ipv4): void {
    this.setChecksum(0);
    this.setChecksum(udpChecksum(this.bytes, this.length, src, dst));
  }
}

/** The checksum over `bytes[0, length)` with the checksum field as it is; a computed 0 is sent as 0xffff. */
function udpChecksum(bytes: Uint8Array, length: number, src: Ipv4, dst: Ipv4): number {
  // Sum with the checksum field taken as zero, whatever it holds now.
  let sum = pseudoHeaderSum(src, dst, UDP_PROTOCOL, length);
  sum = sumWords(bytes, 0, UdpField.checksum, sum);
  sum = sumWords(bytes, UDP_HEADER_LEN, length, sum);
  const c = finishChecksum(sum);
  return c === 0 ? 0xffff : c;
}

/** IPv4 addresses for the pseudo-header checksum. */
export interface PseudoHeader {
  readonly src: Ipv4;
  readonly dst: Ipv4;
}

/** The valid-only form of a UDP header. The payload is the datagram's, not part of the repr. */
export interface UdpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
}

export const UdpRepr = {
  /**
   * Rejects destination port 0 and, when the addresses are given, a wrong non-zero checksum
   * (smoltcp's rules). Pass no addresses to skip the checksum (offloaded or already checked).
   */
  parse(view: UdpView, ip?: PseudoHeader): Result<UdpRepr, WireError> {
    if (view.dstPort === 0) return wireError('bad-value', 'UDP destination port 0', UdpField.dstPort);
    if (ip && !view.verifyChecksum(ip.src, ip.dst)) return wireError('bad-checksum', 'UDP checksum mismatch', UdpField.checksum);
    return ok({ srcPort: view.srcPort, dstPort: view.dstPort });
  },
  bufferLen(_repr: UdpRepr, payloadLen: number): number {
    return UDP_HEADER_LEN + payloadLen;
  },
  /**
   * Writes the header and payload (no copy when `payload` already is the view's payload area) and
   * the checksum when the addresses are given, else checksum 0 ("none").
   */
  emit(repr: UdpRepr, view: UdpViewMut, payload: Uint8Array, ip?: PseudoHeader): void {
    const length = UDP_HEADER_LEN + payload.length;
    if (length > view.bytes.length || length > 0xffff) throw new RangeError('UDP emit buffer too small');
    view.setSrcPort(repr.srcPort);
    view.setDstPort(repr.dstPort);
    view.setLength(length);
    copyPayload(view.bytes, UDP_HEADER_LEN, payload);
    if (ip) view.fillChecksum(ip.src, ip.dst);
    else view.setChecksum(0);
  },
};

/** Copies `payload` to `bytes[at…]` unless it already is that very region. */
export function copyPayload(bytes: Uint8Array, at: number, payload: Uint8Array): void {
  if (payload.buffer === bytes.buffer && payload.byteOffset === bytes.byteOffset + at) return;
  bytes.set(payload, at);
}
