import { viewOf } from '../base/bytes.ts';
import { internetChecksum } from '../base/checksum.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';
import { Ipv4Repr, Ipv4View, Ipv4ViewMut } from './ipv4.ts';

/**
 * ICMPv4 (RFC 792): an 8-byte header (type, code, checksum, four type-specific bytes) and data.
 * The repr covers echo request/reply and the two error messages the fabric sends, destination
 * unreachable (with the next-hop MTU of RFC 1191 for code 4) and time exceeded.
 */
export const ICMPV4_HEADER_LEN = 8;

export const Icmpv4Field = { type: 0, code: 1, checksum: 2, ident: 4, seqNo: 6, unused: 4, nextHopMtu: 6, data: 8 } as const;

export const Icmpv4Type = {
  echoReply: 0,
  dstUnreachable: 3,
  sourceQuench: 4,
  redirect: 5,
  echoRequest: 8,
  routerAdvert: 9,
  routerSolicit: 10,
  timeExceeded: 11,
  paramProblem: 12,
  timestamp: 13,
  timestampReply: 14,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1122, RFC 1812). */
export const Icmpv4DstUnreachable = {
  netUnreachable: 0,
  hostUnreachable: 1,
  protoUnreachable: 2,
  portUnreachable: 3,
  fragRequired: 4,
  srcRouteFailed: 5,
  dstNetUnknown: 6,
  dstHostUnknown: 7,
  srcHostIsolated: 8,
  netProhibited: 9,
  hostProhibited: 10,
  netUnreachToS: 11,
  hostUnreachToS: 12,
  commProhibited: 13,
  hostPrecedViol: 14,
  precedCutoff: 15,
} as const;

export const Icmpv4TimeExceeded = { ttlExpired: 0, fragExpired: 1 } as const;

/** A read-only view over an ICMPv4 message; after `checked` no getter can fail. */
export class Icmpv4View {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<Icmpv4View, WireError> {
    if (bytes.length < ICMPV4_HEADER_LEN) {
      return wireError('truncated', `ICMPv4 header needs ${ICMPV4_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new Icmpv4View(bytes));
  }

  get msgType(): number {
    return this.bytes[Icmpv4Field.type];
  }

  get msgCode(): number {
    return this.bytes[Icmpv4Field.code];
  }

  get checksum(): number {
    return this.dv.getUint16(Icmpv4Field.checksum);
  }

  /** Echo identifier (bytes 4–5). */
  get echoIdent(): number {
    return this.dv.getUint16(Icmpv4Field.ident);
  }

  /** Echo sequence number (bytes 6–7). */
  get echoSeqNo(): number {
    return this.dv.getUint16(Icmpv4Field.seqNo);
  }

  /** Next-hop MTU of a fragmentation-needed message (bytes 6–7). */
  get nextHopMtu(): number {
    return this.dv.getUint16(Icmpv4Field.nextHopMtu);
  }

  /** The four type-specific bytes as one number. */
  get restOfHeader(): number {
    return this.dv.getUint32(Icmpv4Field.unused);
  }

  /** Everything after the 8-byte header: echo data, or the quoted IP header and payload. */
  get data(): Uint8Array {
    return this.bytes.subarray(ICMPV4_HEADER_LEN);
  }

  /** True when the checksum over the whole message sums to zero. */
  verifyChecksum(): boolean {
    return internetChecksum(this.bytes) === 0;
  }
}

/** A view for building ICMPv4 messages. */
export class Icmpv4ViewMut extends Icmpv4View {
  /** Wraps an emit buffer sized with `Icmpv4Repr.bufferLen`. */
  static over(bytes: Uint8Array): Icmpv4ViewMut {
    if (bytes.length < ICMPV4_HEADER_LEN) throw new RangeError('ICMPv4 emit buffer too small');
    return new Icmpv4ViewMut(bytes);
  }

  setMsgType(v: number): void {
    this.bytes[Icmpv4Field.type] = v;
  }

  setMsgCode(v: number): void {
    this.bytes[Icmpv4Field.code] = v;
  }

  setChecksum(v: number): void {
    this.dv.setUint16(Icmpv4Field.checksum, v);
  }

  setEchoIdent(v: number): void {
    this.dv.setUint16(Icmpv4Field.ident, v);
  }

  setEchoSeqNo(v: number): void {
    this.dv.setUint16(Icmpv4Field.seqNo, v);
  }

  setNextHopMtu(v: number): void {
    this.dv.setUint16(Icmpv4Field.nextHopMtu, v);
  }

  setRestOfHeader(v: number): void {
    this.dv.setUint32(Icmpv4Field.unused, v);
  }

  /** Computes the checksum over the whole message (header and data). */
  fillChecksum(): void {
    this.setChecksum(0);
    this.setChecksum(internetChecksum(this.bytes));
  }

  get dataMut(): Uint8Array {
    return this.bytes.subarray(ICMPV4_HEADER_LEN);
  }
}

/**
 * The valid-only form. Echo `data` and the error messages' `header`/`data` point into the parsed
 * bytes. An error message quotes the original IP header (whose payload length is the original
 * datagram's) and the first bytes of its payload, at least 8 by RFC 792 (`data`).
 */
export type Icmpv4Repr =
  | { readonly kind: 'echoRequest'; readonly ident: number; readonly seqNo: number; readonly data: Uint8Array }
  | { readonly kind: 'echoReply'; readonly ident: number; readonly seqNo: number; readonly data: Uint8Array }
  | {
      readonly kind: 'dstUnreachable';
      readonly code: number;
      /** Next-hop MTU for code 4 (fragmentation needed and DF set); 0 for the other codes. */
      readonly nextHopMtu: number;
      readonly header: Ipv4Repr;
      readonly data: Uint8Array;
    }
  | { readonly kind: 'timeExceeded'; readonly code: number; readonly header: Ipv4Repr; readonly data: Uint8Array };

export interface Icmpv4ParseOptions {
  /** Whether a wrong checksum makes parsing fail (default true). */
  readonly verifyChecksum?: boolean;
}

export const Icmpv4Repr = {
  parse(view: Icmpv4View, opts: Icmpv4ParseOptions = {}): Result<Icmpv4Repr, WireError> {
    if ((opts.verifyChecksum ?? true) && !view.verifyChecksum()) {
      return wireError('bad-checksum', 'ICMPv4 checksum does not verify', Icmpv4Field.checksum);
    }
    const type = view.msgType;
    const code = view.msgCode;
    switch (type) {
      case Icmpv4Type.echoRequest:
      case Icmpv4Type.echoReply:
        if (code !== 0) return wireError('bad-value', `ICMPv4 echo with code ${code}`, Icmpv4Field.code);
        return ok({
          kind: type === Icmpv4Type.echoRequest ? 'echoRequest' : 'echoReply',
          ident: view.echoIdent,
          seqNo: view.echoSeqNo,
          data: view.data,
        });
      case Icmpv4Type.dstUnreachable:
      case Icmpv4Type.timeExceeded: {
        const maxCode = type === Icmpv4Type.dstUnreachable ? Icmpv4DstUnreachable.precedCutoff : Icmpv4TimeExceeded.fragExpired;
        if (code > maxCode) return wireError('bad-value', `ICMPv4 type ${type} with code ${code}`, Icmpv4Field.code);
        const quoted = Ipv4View.checkedHeader(view.data);
        if (!quoted.ok) return wireError(quoted.error.code, `quoted ${quoted.error.message}`, ICMPV4_HEADER_LEN + quoted.error.offset);
        const header = Ipv4Repr.parse(quoted.value, { verifyChecksum: false });
        if (!header.ok) return wireError(header.error.code, `quoted ${header.error.message}`, ICMPV4_HEADER_LEN + header.error.offset);
        const data = view.data.subarray(quoted.value.headerLen);
        if (type === Icmpv4Type.timeExceeded) return ok({ kind: 'timeExceeded', code, header: header.value, data });
        const nextHopMtu = code === Icmpv4DstUnreachable.fragRequired ? view.nextHopMtu : 0;
        return ok({ kind: 'dstUnreachable', code, nextHopMtu, header: header.value, data });
      }
      default:
        return wireError('unsupported', `ICMPv4 type ${type} is not represented`, Icmpv4Field.type);
    }
  },

  bufferLen(repr: Icmpv4Repr): number {
    switch (repr.kind) {
      case 'echoRequest':
      case 'echoReply':
        return ICMPV4_HEADER_LEN + repr.data.length;
      default:
        return ICMPV4_HEADER_LEN + Ipv4Repr.headerLen(repr.header) + repr.data.length;
    }
  },

  /** Writes the whole message, data included, with the checksum filled unless told otherwise. */
  emit(repr: Icmpv4Repr, view: Icmpv4ViewMut, fillChecksum = true): void {
    view.setChecksum(0);
    switch (repr.kind) {
      case 'echoRequest':
      case 'echoReply':
        view.setMsgType(repr.kind === 'echoRequest' ? Icmpv4Type.echoRequest : Icmpv4Type.echoReply);
        view.setMsgCode(0);
        view.setEchoIdent(repr.ident);
        view.setEchoSeqNo(repr.seqNo);
        view.bytes.set(repr.data, ICMPV4_HEADER_LEN);
        break;
      case 'dstUnreachable':
      case 'timeExceeded': {
        view.setMsgType(repr.kind === 'dstUnreachable' ? Icmpv4Type.dstUnreachable : Icmpv4Type.timeExceeded);
        view.setMsgCode(repr.code);
        view.setRestOfHeader(0);
        if (repr.kind === 'dstUnreachable' && repr.code === Icmpv4DstUnreachable.fragRequired) view.setNextHopMtu(repr.nextHopMtu);
        const headerLen = Ipv4Repr.headerLen(repr.header);
        const quote = view.bytes.subarray(ICMPV4_HEADER_LEN, ICMPV4_HEADER_LEN + headerLen);
        Ipv4Repr.emit(repr.header, Ipv4ViewMut.over(quote));
        view.bytes.set(repr.data, ICMPV4_HEADER_LEN + headerLen);
        break;
      }
    }
    if (fillChecksum) view.fillChecksum();
  },
};
