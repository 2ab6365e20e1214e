import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * ESP (RFC 4303): SPI and sequence number in the clear, then the protected payload. Inside it the
 * plaintext is followed by padding, the pad length and the next header, and an ICV closes the
 * packet. Two layouts are modelled:
 *
 * - NULL encryption (RFC 2410) with an ICV of a given length (12 for HMAC-SHA1-96, 16 for
 *   HMAC-SHA-256-128): the trailer is readable, padding is RFC 4303's default 1, 2, 3, … (what
 *   Wireshark's NULL heuristic checks for).
 * - AES-GCM-128 (RFC 4106): an 8-byte IV after the sequence number and a 16-byte ICV.
 *
 * Underlay does not encrypt: the bytes where AES-GCM ciphertext would be hold the padded
 * plaintext, so lengths, offsets and the ICV position are those of AES-GCM-128 and the repr can
 * read the trailer back. Wireshark (without keys) shows them as encrypted data, as it would real
 * ciphertext.
 */
export const ESP_HEADER_LEN = 8;
export const ESP_IP_PROTOCOL = 50;
/** Pad length and next header. */
export const ESP_TRAILER_LEN = 2;

export const EspField = { spi: 0, sequence: 4, payload: 8 } as const;

/** How the protected part is laid out. */
export type EspTransform =
  | { readonly kind: 'null'; readonly icvLength: number }
  | { readonly kind: 'aes-gcm-128' };

export const ESP_NULL_SHA1_96: EspTransform = { kind: 'null', icvLength: 12 };
export const ESP_NULL_SHA256_128: EspTransform = { kind: 'null', icvLength: 16 };
export const ESP_AES_GCM_128: EspTransform = { kind: 'aes-gcm-128' };

export const AES_GCM_IV_LEN = 8;
export const AES_GCM_ICV_LEN = 16;

export function espIvLength(t: EspTransform): number {
  return t.kind === 'aes-gcm-128' ? AES_GCM_IV_LEN : 0;
}

export function espIcvLength(t: EspTransform): number {
  return t.kind === 'aes-gcm-128' ? AES_GCM_ICV_LEN : t.icvLength;
}

/** Both layouts align `payload + padding + 2` to 4 bytes (NULL has block size 1, GCM is a stream mode). */
export const ESP_ALIGN = 4;

/** The default pad length that aligns `payloadLen + pad + 2` to `align` bytes. */
export function espPadLength(payloadLen: number, align = ESP_ALIGN): number {
  return (align - ((payloadLen + ESP_TRAILER_LEN) % align)) % align;
}

export class EspView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<EspView, WireError> {
    if (bytes.length < ESP_HEADER_LEN) {
      return wireError('truncated', `ESP header needs ${ESP_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new EspView(bytes));
  }

  get spi(): number {
    return this.dv.getUint32(EspField.spi);
  }

  get sequence(): number {
    return this.dv.getUint32(EspField.sequence);
  }

  /** Everything after the sequence number: IV (if any), protected data, ICV. */
  get payload(): Uint8Array {
    return this.bytes.subarray(ESP_HEADER_LEN);
  }
}

export class EspViewMut extends EspView {
  static over(bytes: Uint8Array): EspViewMut {
    if (bytes.length < ESP_HEADER_LEN) throw new RangeError('ESP emit buffer too small');
    return new EspViewMut(bytes);
  }

  setSpi(v: number): void {
    this.dv.setUint32(EspField.spi, v >>> 0);
  }

  setSequence(v: number): void {
    this.dv.setUint32(EspField.sequence, v >>> 0);
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(ESP_HEADER_LEN);
  }
}

/**
 * The valid-only form of an ESP packet in one of the two layouts. The inner packet is not part of
 * the repr: `payloadLength` says how long it is, `EspRepr.payloadOf` finds it, `emit` copies it.
 */
export interface EspRepr {
  readonly spi: number;
  readonly sequence: number;
  readonly transform: EspTransform;
  /** 8 bytes for AES-GCM-128, empty for NULL. */
  readonly iv: Uint8Array;
  readonly payloadLength: number;
  /** Padding bytes; their values are always 1, 2, 3, …. */
  readonly padLength: number;
  /** The protocol of the inner packet: 4 IPv4 (tunnel mode), 6 TCP, 17 UDP (transport mode). */
  readonly nextHeader: number;
  readonly icv: Uint8Array;
}

export const EspRepr = {
  /** Reads the layout `transform` describes; fails when lengths or the default padding do not fit. */
  parse(view: EspView, transform: EspTransform): Result<EspRepr, WireError> {
    const b = view.bytes;
    const ivLen = espIvLength(transform);
    const icvLen = espIcvLength(transform);
    const trailerEnd = b.length - icvLen; // offset just after the next-header byte
    const dataStart = ESP_HEADER_LEN + ivLen;
    if (trailerEnd - ESP_TRAILER_LEN < dataStart) {
      return wireError('truncated', `ESP packet too short for IV ${ivLen}, trailer and ICV ${icvLen}`, b.length);
    }
    const padLength = b[trailerEnd - 2];
    const nextHeader = b[trailerEnd - 1];
    const padStart = trailerEnd - ESP_TRAILER_LEN - padLength;
    if (padStart < dataStart) return wireError('bad-length', `ESP pad length ${padLength} is longer than the data`, trailerEnd - 2);
    for (let i = 0; i < padLength; i++) {
      if (b[padStart + i] !== ((i + 1) & 0xff)) return wireError('bad-value', 'ESP padding is not 1, 2, 3, …', padStart + i);
    }
    return ok({
      spi: view.spi,
      sequence: view.sequence,
      transform,
      iv: b.slice(ESP_HEADER_LEN, dataStart),
      payloadLength: padStart - dataStart,
      padLength,
      nextHeader,
      icv: b.slice(trailerEnd),
    });
  },
  /** The inner packet inside a view the repr was parsed from (or emitted into). */
  payloadOf(repr: EspRepr, view: EspView): Uint8Array {
    const start = ESP_HEADER_LEN + espIvLength(repr.transform);
    return view.bytes.subarray(start, start + repr.payloadLength);
  },
  bufferLen(repr: EspRepr): number {
    return ESP_HEADER_LEN + espIvLength(repr.transform) + repr.payloadLength + repr.padLength + ESP_TRAILER_LEN + espIcvLength(repr.transform);
  },
  emit(repr: EspRepr, view: EspViewMut, payload: Uint8Array): void {
    const ivLen = espIvLength(repr.transform);
    const icvLen = espIcvLength(repr.transform);
    if (repr.iv.length !== ivLen) throw new RangeError(`ESP IV must be ${ivLen} bytes`);
    if (repr.icv.length !== icvLen) throw new RangeError(`ESP ICV must be ${icvLen} bytes`);
    if (payload.length !== repr.payloadLength) throw new RangeError('ESP payload length does not match the repr');
    const b = view.bytes;
    view.setSpi(repr.spi);
    view.setSequence(repr.sequence);
    b.set(repr.iv, ESP_HEADER_LEN);
    let at = ESP_HEADER_LEN + ivLen;
    b.set(payload, at);
    at += payload.length;
    for (let i = 0; i < repr.padLength; i++) b[at++] = (i + 1) & 0xff;
    b[at++] = repr.padLength;
    b[at++] = repr.nextHeader;
    b.set(repr.icv, at);
  },
};
