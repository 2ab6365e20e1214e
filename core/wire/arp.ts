import { type Ipv4, type Mac, readIpv4, readMac, writeIpv4, writeMac } from '../base/addr.ts';
import { viewOf } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { EtherType } from './ethernet.ts';
import { type WireError, wireError } from './error.ts';

/**
 * ARP (RFC 826). The view reads any hardware/protocol address sizes; the repr is the only form the
 * fabric speaks, Ethernet hardware addresses with IPv4 protocol addresses (28 bytes).
 */
export const ARP_FIXED_LEN = 8;
export const ARP_ETH_IPV4_LEN = 28;

export const ArpField = { htype: 0, ptype: 2, hlen: 4, plen: 5, operation: 6, addresses: 8 } as const;

export const ArpHardware = { ethernet: 1 } as const;

export const ArpOperation = {
  request: 1,
  reply: 2,
  rarpRequest: 3,
  rarpReply: 4,
} as const;

/** A read-only view over an ARP packet; after `checked` every address lies inside the bytes. */
export class ArpView {
  protected readonly dv: DataView;

  protected constructor(readonly bytes: Uint8Array) {
    this.dv = viewOf(bytes);
  }

  static checked(bytes: Uint8Array): Result<ArpView, WireError> {
    if (bytes.length < ARP_FIXED_LEN) {
      return wireError('truncated', `ARP needs ${ARP_FIXED_LEN} bytes, got ${bytes.length}`, bytes.length);
    }
    const need = ARP_FIXED_LEN + 2 * (bytes[ArpField.hlen] + bytes[ArpField.plen]);
    if (bytes.length < need) {
      return wireError('truncated', `ARP with these address sizes needs ${need} bytes, got ${bytes.length}`, bytes.length);
    }
    return ok(new ArpView(bytes));
  }

  get hardwareType(): number {
    return this.dv.getUint16(ArpField.htype);
  }

  get protocolType(): number {
    return this.dv.getUint16(ArpField.ptype);
  }

  get hardwareLen(): number {
    return this.bytes[ArpField.hlen];
  }

  get protocolLen(): number {
    return this.bytes[ArpField.plen];
  }

  get operation(): number {
    return this.dv.getUint16(ArpField.operation);
  }

  /** Length of the packet proper (the fixed part and four addresses); what follows is padding. */
  get packetLen(): number {
    return ARP_FIXED_LEN + 2 * (this.hardwareLen + this.protocolLen);
  }

  get senderHardwareAddr(): Uint8Array {
    const at = ArpField.addresses;
    return this.bytes.subarray(at, at + this.hardwareLen);
  }

  get senderProtocolAddr(): Uint8Array {
    const at = ArpField.addresses + this.hardwareLen;
    return this.bytes.subarray(at, at + this.protocolLen);
  }

  get targetHardwareAddr(): Uint8Array {
    const at = ArpField.addresses + this.hardwareLen + this.protocolLen;
    return this.bytes.subarray(at, at + this.hardwareLen);
  }

  get targetProtocolAddr(): Uint8Array {
    const at = ArpField.addresses + 2 * this.hardwareLen + this.protocolLen;
    return this.bytes.subarray(at, at + this.protocolLen);
  }

  /** True for the Ethernet/IPv4 form, the only one the MAC and IPv4 getters below describe. */
  get isEthernetIpv4(): boolean {
    return (
      this.hardwareType === ArpHardware.ethernet &&
      this.protocolType === EtherType.ipv4 &&
      this.hardwareLen === 6 &&
      this.protocolLen === 4
    );
  }

  /** Sender MAC of an Ethernet/IPv4 packet; 0 for other address sizes. */
  get senderMac(): Mac {
    return this.isEthernetIpv4 ? readMac(this.bytes, 8) : 0;
  }

  get senderIp(): Ipv4 {
    return this.isEthernetIpv4 ? readIpv4(this.bytes, 14) : 0;
  }

  get targetMac(): Mac {
    return this.isEthernetIpv4 ? readMac(this.bytes, 18) : 0;
  }

  get targetIp(): Ipv4 {
    return this.isEthernetIpv4 ? readIpv4(this.bytes, 24) : 0;
  }
}

/** A view for building Ethernet/IPv4 ARP packets. */
export class ArpViewMut extends ArpView {
  /** Wraps an emit buffer sized with `ArpRepr.bufferLen`. */
  static over(bytes: Uint8Array): ArpViewMut {
    if (bytes.length < ARP_ETH_IPV4_LEN) throw new RangeError('ARP emit buffer too small');
    return new ArpViewMut(bytes);
  }

  setHardwareType(v: number): void {
    this.dv.setUint16(ArpField.htype, v);
  }

  setProtocolType(v: number): void {
    this.dv.setUint16(ArpField.ptype, v);
  }

  setHardwareLen(v: number): void {
    this.bytes[ArpField.hlen] = v;
  }

  setProtocolLen(v: number): void {
    this.bytes[ArpField.plen] = v;
  }

  setOperation(v: number): void {
    this.dv.setUint16(ArpField.operation, v);
  }

  /** The address setters assume the Ethernet/IPv4 layout (hlen 6, plen 4). */
  setSenderMac(v: Mac): void {
    writeMac(this.bytes, 8, v);
  }

  setSenderIp(v: Ipv4): void {
    writeIpv4(this.bytes, 14, v);
  }

  setTargetMac(v: Mac): void {
    writeMac(this.bytes, 18, v);
  }

  setTargetIp(v: Ipv4): void {
    writeIpv4(this.bytes, 24, v);
  }
}

/** The valid-only form: an Ethernet/IPv4 ARP request or reply. */
export interface ArpRepr {
  readonly operation: number;
  readonly senderMac: Mac;
  readonly senderIp: Ipv4;
  readonly targetMac: Mac;
  readonly targetIp: Ipv4;
}

export const ArpRepr = {
  parse(view: ArpView): Result<ArpRepr, WireError> {
    if (view.hardwareType !== ArpHardware.ethernet) return wireError('unsupported', 'ARP hardware type is not Ethernet', ArpField.htype);
    if (view.protocolType !== EtherType.ipv4) return wireError('unsupported', 'ARP protocol type is not IPv4', ArpField.ptype);
    if (view.hardwareLen !== 6) return wireError('bad-length', 'ARP hardware address size is not 6', ArpField.hlen);
    if (view.protocolLen !== 4) return wireError('bad-length', 'ARP protocol address size is not 4', ArpField.plen);
    const op = view.operation;
    if (op !== ArpOperation.request && op !== ArpOperation.reply) {
      return wireError('unsupported', `ARP operation ${op} is not a request or reply`, ArpField.operation);
    }
    return ok({ operation: op, senderMac: view.senderMac, senderIp: view.senderIp, targetMac: view.targetMac, targetIp: view.targetIp });
  },
  bufferLen(_repr?: ArpRepr): number {
    return ARP_ETH_IPV4_LEN;
  },
  emit(repr: ArpRepr, view: ArpViewMut): void {
    view.setHardwareType(ArpHardware.ethernet);
    view.setProtocolType(EtherType.ipv4);
    view.setHardwareLen(6);
    view.setProtocolLen(4);
    view.setOperation(repr.operation);
    view.setSenderMac(repr.senderMac);
    view.setSenderIp(repr.senderIp);
    view.setTargetMac(repr.targetMac);
    view.setTargetIp(repr.targetIp);
  },
};
