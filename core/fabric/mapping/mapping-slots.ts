/**
 * The storage shared by the authoritative table and every host cache: fixed-capacity columns
 * (typed arrays for numbers, plain arrays for names). Because the size never changes, copying one
 * into another — a push — moves the same amount of data whatever the table holds: that is what
 * makes the push constant work.
 */
import type { Ipv4, Mac } from '../../base/addr.ts';

/** Largest entry capacity a table may be built with (a host cache holds a full copy of it). */
export const MAX_MAPPING_CAPACITY = 1 << 20;
/** Largest peering capacity. */
export const MAX_PEERING_CAPACITY = 1 << 12;

export function checkCapacity(what: string, n: number, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) throw new RangeError(`${what} must be an integer in [1, ${max}], got ${n}`);
  return n;
}

/** One mapping per slot: (VPC number, private IP) → where the instance lives. */
export class EntrySlots {
  readonly used: Uint8Array;
  readonly vpc: Uint32Array;
  readonly ip: Uint32Array;
  /** Underlay IPv4 of the host whose Nitro card owns the ENI. */
  readonly host: Uint32Array;
  readonly eni: Uint32Array;
  /** 48-bit MACs are exact in a double. */
  readonly mac: Float64Array;
  readonly instance: string[];
  readonly vpcName: string[];

  constructor(readonly capacity: number) {
    checkCapacity('mapping capacity', capacity, MAX_MAPPING_CAPACITY);
    this.used = new Uint8Array(capacity);
    this.vpc = new Uint32Array(capacity);
    this.ip = new Uint32Array(capacity);
    this.host = new Uint32Array(capacity);
    this.eni = new Uint32Array(capacity);
    this.mac = new Float64Array(capacity);
    this.instance = new Array<string>(capacity).fill('');
    this.vpcName = new Array<string>(capacity).fill('');
  }

  write(slot: number, vpc: number, ip: Ipv4, host: Ipv4, eni: number, mac: Mac, instance: string, vpcName: string): void {
    this.used[slot] = 1;
    this.vpc[slot] = vpc;
    this.ip[slot] = ip;
    this.host[slot] = host;
    this.eni[slot] = eni;
    this.mac[slot] = mac;
    this.instance[slot] = instance;
    this.vpcName[slot] = vpcName;
  }

  clear(slot: number): void {
    this.used[slot] = 0;
    this.vpc[slot] = 0;
    this.ip[slot] = 0;
    this.host[slot] = 0;
    this.eni[slot] = 0;
    this.mac[slot] = 0;
    this.instance[slot] = '';
    this.vpcName[slot] = '';
  }

  /** Copies every slot, used or not: the same work for an empty table and a full one. */
  copyFrom(src: EntrySlots): void {
    if (src.capacity !== this.capacity) throw new RangeError(`capacity mismatch: ${src.capacity} into ${this.capacity}`);
    this.used.set(src.used);
    this.vpc.set(src.vpc);
    this.ip.set(src.ip);
    this.host.set(src.host);
    this.eni.set(src.eni);
    this.mac.set(src.mac);
    for (let i = 0; i < this.capacity; i++) {
      this.instance[i] = src.instance[i];
      this.vpcName[i] = src.vpcName[i];
    }
  }
}

/** Peering relations between VPC numbers, by peering name; an inactive one peers nothing. */
export class PeeringSlots {
  readonly used: Uint8Array;
  readonly active: Uint8Array;
  readonly vpcA: Uint32Array;
  readonly vpcB: Uint32Array;
  readonly name: string[];

  constructor(readonly capacity: number) {
    checkCapacity('peering capacity', capacity, MAX_PEERING_CAPACITY);
    this.used = new Uint8Array(capacity);
    this.active = new Uint8Array(capacity);
    this.vpcA = new Uint32Array(capacity);
    this.vpcB = new Uint32Array(capacity);
    this.name = new Array<string>(capacity).fill('');
  }

  copyFrom(src: PeeringSlots): void {
    if (src.capacity !== this.capacity) throw new RangeError(`capacity mismatch: ${src.capacity} into ${this.capacity}`);
    this.used.set(src.used);
    this.active.set(src.active);
    this.vpcA.set(src.vpcA);
    this.vpcB.set(src.vpcB);
    for (let i = 0; i < this.capacity; i++) this.name[i] = src.name[i];
  }
}

/** The (VPC, IP) hash used by every index: cheap, allocation-free, well mixed in the low bits. */
export function hashVpcIp(vpc: number, ip: Ipv4): number {
  let h = Math.imul(ip ^ Math.imul(vpc, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Smallest power of two ≥ 2n: open-addressing tables stay at most half full. */
export function indexSizeFor(n: number): number {
  let size = 2;
  while (size < 2 * n) size *= 2;
  return size;
}
