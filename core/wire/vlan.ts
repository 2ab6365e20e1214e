import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * An IEEE 802.1Q tag as it follows the 0x8100 EtherType: the Tag Control Information (priority
 * code point, drop eligible indicator, VLAN id) and the EtherType of what the tag carries.
 */
export const VLAN_HEADER_LEN = 4;

export const VlanField = { tci: 0, ethertype: 2, payload: 4 } as const;

const PCP_SHIFT = 13;
const DEI_BIT = 0x1000;
const VID_MASK = 0x0fff;

/** A read-only view over an 802.1Q tag and what follows it; after `checked` no getter can fail. */
export class VlanView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<VlanView, WireError> {
    if (bytes.length < VLAN_HEADER_LEN) {
      return wireError('truncated', `802.1Q tag needs ${VLAN_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new VlanView(bytes));
  }

  /** The whole 16-bit Tag Control Information. */
  get tci(): number {
    return this.dv.getUint16(VlanField.tci);
  }

  /** Priority code point (0..7). */
  get pcp(): number {
    return this.tci >>> PCP_SHIFT;
  }

  /** Drop eligible indicator (formerly CFI). */
  get dei(): boolean {
    return (this.tci & DEI_BIT) !== 0;
  }

  /** VLAN identifier (0..4095). */
  get vid(): number {
    return this.tci & VID_MASK;
  }

  /** EtherType of the encapsulated payload. */
  get ethertype(): number {
    return this.dv.getUint16(VlanField.ethertype);
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(VLAN_HEADER_LEN);
  }
}

/** A view for building tags; setters as methods so the getters stay visible. */
export class VlanViewMut extends VlanView {
  /** Wraps an emit buffer sized with `VlanRepr.bufferLen`. */
  static over(bytes: Uint8Array): VlanViewMut {
    if (bytes.length < VLAN_HEADER_LEN) throw new RangeError('802.1Q emit buffer too small');
    return new VlanViewMut(bytes);
  }

  setTci(v: number): void {
    this.dv.setUint16(VlanField.tci, v);
  }

  setPcp(v: number): void {
    this.setTci((this.tci & ~(0x7 << PCP_SHIFT)) | ((v & 0x7) << PCP_SHIFT));
  }

  setDei(v: boolean): void {
    this.setTci(v ? this.tci | DEI_BIT : this.tci & ~DEI_BIT);
  }

  setVid(v: number): void {
    this.setTci((this.tci & ~VID_MASK) | (v & VID_MASK));
  }

  setEthertype(v: number): void {
    this.dv.setUint16(VlanField.ethertype, v);
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(VLAN_HEADER_LEN);
  }
}

/** The valid-only form of an 802.1Q tag. */
export interface VlanRepr {
  readonly pcp: number;
  readonly dei: boolean;
  readonly vid: number;
  readonly ethertype: number;
}

export const VlanRepr = {
  parse(view: VlanView): Result<VlanRepr, WireError> {
    return ok({ pcp: view.pcp, dei: view.dei, vid: view.vid, ethertype: view.ethertype });
  },
  bufferLen(_repr: VlanRepr, payloadLen: number): number {
    return VLAN_HEADER_LEN + payloadLen;
  },
  emit(repr: VlanRepr, view: VlanViewMut): void {
    view.setTci(((repr.pcp & 0x7) << PCP_SHIFT) | (repr.dei ? DEI_BIT : 0) | (repr.vid & VID_MASK));
    view.setEthertype(repr.ethertype);
  },
};
