import { type Mac, readMac, writeMac } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/** Ethernet II (IEEE 802.3 framing with an EtherType, no FCS: captures carry none). */
export const ETHERNET_HEADER_LEN = 14;

export const EthernetField = { dst: 0, src: 6, ethertype: 12, payload: 14 } as const;

export const EtherType = {
  ipv4: 0x0800,
  arp: 0x0806,
  vlan: 0x8100,
  ipv6: 0x86dd,
  /** Transparent Ethernet Bridging: an Ethernet frame inside Geneve/GRE. */
  teb: 0x6558,
} as const;

/** A read-only view over an Ethernet frame; after `checked` no getter can read out of bounds. */
export class EthernetView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<EthernetView, WireError> {
    if (bytes.length < ETHERNET_HEADER_LEN) {
      return wireError('truncated', `Ethernet header needs ${ETHERNET_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new EthernetView(bytes));
  }

  get dst(): Mac {
    return readMac(this.bytes, EthernetField.dst);
  }

  get src(): Mac {
    return readMac(this.bytes, EthernetField.src);
  }

  get ethertype(): number {
    return this.dv.getUint16(EthernetField.ethertype);
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(ETHERNET_HEADER_LEN);
  }
}

/**
 * A view for building frames: setters only here, never on the read-only view. Setters are methods
 * (`setDst`), not accessors, because a setter-only accessor in a subclass would hide the getter.
 */
export class EthernetViewMut extends EthernetView {
  /** Wraps an emit buffer; the caller sized it with `EthernetRepr.bufferLen`. */
  static over(bytes: Uint8Array): EthernetViewMut {
    if (bytes.length < ETHERNET_HEADER_LEN) throw new RangeError('Ethernet emit buffer too small');
    return new EthernetViewMut(bytes);
  }

  setDst(v: Mac): void {
    writeMac(this.bytes, EthernetField.dst, v);
  }

  setSrc(v: Mac): void {
    writeMac(this.bytes, EthernetField.src, v);
  }

  setEthertype(v: number): void {
    this.dv.setUint16(EthernetField.ethertype, v);
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(ETHERNET_HEADER_LEN);
  }
}

/** The valid-only form of an Ethernet header. */
export interface EthernetRepr {
  readonly dst: Mac;
  readonly src: Mac;
  readonly ethertype: number;
}

export const EthernetRepr = {
  parse(view: EthernetView): Result<EthernetRepr, WireError> {
    return ok({ dst: view.dst, src: view.src, ethertype: view.ethertype });
  },
  bufferLen(_repr: EthernetRepr, payloadLen: number): number {
    return ETHERNET_HEADER_LEN + payloadLen;
  },
  emit(repr: EthernetRepr, view: EthernetViewMut): void {
    view.setDst(repr.dst);
    view.setSrc(repr.src);
    view.setEthertype(repr.ethertype);
  },
};
