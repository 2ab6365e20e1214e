import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * VXLAN (RFC 7348): 8 bytes, `flags(8) reserved(24) VNI(24) reserved(8)`, then an Ethernet frame.
 * Only the I flag (0x08) is defined; it must be set for the VNI to be valid. UDP port 4789.
 */
export const VXLAN_HEADER_LEN = 8;
export const VXLAN_UDP_PORT = 4789;

export const VxlanField = { flags: 0, reserved1: 1, vni: 4, reserved2: 7 } as const;

/** The I flag: the VNI is valid. */
export const VXLAN_FLAG_I = 0x08;

export class VxlanView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<VxlanView, WireError> {
    if (bytes.length < VXLAN_HEADER_LEN) {
      return wireError('truncated', `VXLAN header needs ${VXLAN_HEADER_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new VxlanView(bytes));
  }

  get flags(): number {
    return this.bytes[VxlanField.flags];
  }

  /** The first 16 bits, as Wireshark's `vxlan.flags` shows them (flags plus the GBP extension bits). */
  get flags16(): number {
    return this.dv.getUint16(0);
  }

  get vniValid(): boolean {
    return (this.flags & VXLAN_FLAG_I) !== 0;
  }

  /** The 24 bits after the flags byte (Group Policy ID lives in the last 16 with the G extension). */
  get reserved1(): number {
    return (this.dv.getUint32(0) & 0xffffff) >>> 0;
  }

  get vni(): number {
    return this.dv.getUint32(VxlanField.vni) >>> 8;
  }

  get reserved2(): number {
    return this.bytes[VxlanField.reserved2];
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(VXLAN_HEADER_LEN);
  }
}

export class VxlanViewMut extends VxlanView {
  static over(bytes: Uint8Array): VxlanViewMut {
    if (bytes.length < VXLAN_HEADER_LEN) throw new RangeError('VXLAN emit buffer too small');
    return new VxlanViewMut(bytes);
  }

  setFlags(v: number): void {
    this.bytes[VxlanField.flags] = v & 0xff;
  }

  setReserved1(v: number): void {
    this.bytes[1] = (v >>> 16) & 0xff;
    this.bytes[2] = (v >>> 8) & 0xff;
    this.bytes[3] = v & 0xff;
  }

  setVni(v: number): void {
    this.bytes[4] = (v >>> 16) & 0xff;
    this.bytes[5] = (v >>> 8) & 0xff;
    this.bytes[6] = v & 0xff;
  }

  setReserved2(v: number): void {
    this.bytes[VxlanField.reserved2] = v & 0xff;
  }

  get payloadMut(): Uint8Array {
    return this.bytes.subarray(VXLAN_HEADER_LEN);
  }
}

/** The valid-only form: the I flag set, the VNI. */
export interface VxlanRepr {
  readonly vni: number;
}

export const VxlanRepr = {
  parse(view: VxlanView): Result<VxlanRepr, WireError> {
    if (!view.vniValid) return wireError('bad-value', 'VXLAN I flag is not set', VxlanField.flags);
    return ok({ vni: view.vni });
  },
  bufferLen(_repr: VxlanRepr, payloadLen: number): number {
    return VXLAN_HEADER_LEN + payloadLen;
  },
  emit(repr: VxlanRepr, view: VxlanViewMut): void {
    view.setFlags(VXLAN_FLAG_I);
    view.setReserved1(0);
    view.setVni(repr.vni);
    view.setReserved2(0);
  },
};
