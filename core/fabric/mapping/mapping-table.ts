/**
 * The authoritative mapping table of the mapping service: (VPC number, private IP) → (host
 * underlay IP, ENI number, MAC, instance name, VPC name), plus the peering relations between VPC
 * numbers. Only the service writes it; hosts never read it directly, they get full copies (see
 * host-cache.ts). Every change bumps `version`, which senders stamp into the Geneve options so a
 * receiver can tell which table generation a packet was routed with.
 *
 * Storage is fixed at construction (mapping-slots.ts), so the table can be copied in constant
 * time and a burst of changes can never make a push bigger. Filling it is an error, not a resize.
 */
import { formatIpv4, type Ipv4, type Mac } from '../../base/addr.ts';
import { EntrySlots, PeeringSlots } from './mapping-slots.ts';

export interface MappingEntry {
  /** 24-bit VPC number (the VNI). */
  readonly vpc: number;
  readonly ip: Ipv4;
  /** Underlay IPv4 of the host the instance runs on. */
  readonly host: Ipv4;
  readonly eni: number;
  readonly mac: Mac;
  readonly instance: string;
  readonly vpcName: string;
}

export interface PeeringEntry {
  readonly name: string;
  readonly vpcA: number;
  readonly vpcB: number;
  readonly active: boolean;
}

const MAX_VPC_NUMBER = 0xffffff;

/** (vpc, ip) as one exact number: 24 + 32 bits fit a double's 53. */
function keyOf(vpc: number, ip: Ipv4): number {
  return vpc * 0x1_0000_0000 + ip;
}

export class MappingTable {
  readonly entries: EntrySlots;
  readonly peerings: PeeringSlots;
  private readonly slotOf = new Map<number, number>();
  private readonly peeringSlotOf = new Map<string, number>();
  /** Free entry slots, lowest on top, so filling order (and thus every layout) is deterministic. */
  private readonly free: Int32Array;
  private freeTop: number;
  private versionNumber = 0;

  constructor(capacity: number, peeringCapacity: number) {
    this.entries = new EntrySlots(capacity);
    this.peerings = new PeeringSlots(peeringCapacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  /** Bumped by every change; 0 for a table that was never changed. */
  get version(): number {
    return this.versionNumber;
  }

  get capacity(): number {
    return this.entries.capacity;
  }

  /** Entries in use. */
  get size(): number {
    return this.slotOf.size;
  }

  /** The slot holding (vpc, ip), or −1. */
  find(vpc: number, ip: Ipv4): number {
    return this.slotOf.get(keyOf(vpc, ip)) ?? -1;
  }

  /** The entry in `slot` as an object (for display and tests; allocates), or null when unused. */
  entry(slot: number): MappingEntry | null {
    const e = this.entries;
    if (!(slot >= 0 && slot < e.capacity) || e.used[slot] === 0) return null;
    return { vpc: e.vpc[slot], ip: e.ip[slot], host: e.host[slot], eni: e.eni[slot], mac: e.mac[slot], instance: e.instance[slot], vpcName: e.vpcName[slot] };
  }

  /** Every entry, in slot order. */
  list(): MappingEntry[] {
    const out: MappingEntry[] = [];
    for (let i = 0; i < this.entries.capacity; i++) {
      const e = this.entry(i);
      if (e !== null) out.push(e);
    }
    return out;
  }

  /** Adds or replaces the mapping of (entry.vpc, entry.ip); returns its slot. Throws when full. */
  upsert(entry: MappingEntry): number {
    checkVpc(entry.vpc);
    checkU32('IP', entry.ip);
    checkU32('host IP', entry.host);
    checkU32('ENI', entry.eni);
    if (!(Number.isInteger(entry.mac) && entry.mac >= 0 && entry.mac <= 0xffff_ffff_ffff)) throw new RangeError(`MAC must be a 48-bit integer, got ${entry.mac}`);
    const key = keyOf(entry.vpc, entry.ip);
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      if (this.freeTop === 0) {
        throw new RangeError(`mapping table full: capacity ${this.capacity} reached adding ${formatIpv4(entry.ip)} in VPC ${entry.vpc}`);
      }
      slot = this.free[--this.freeTop];
      this.slotOf.set(key, slot);
    }
    this.entries.write(slot, entry.vpc, entry.ip, entry.host, entry.eni, entry.mac, entry.instance, entry.vpcName);
    this.versionNumber++;
    return slot;
  }

  /** Removes the mapping of (vpc, ip); false (and no version bump) when there was none. */
  remove(vpc: number, ip: Ipv4): boolean {
    const key = keyOf(vpc, ip);
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    this.slotOf.delete(key);
    this.entries.clear(slot);
    this.free[this.freeTop++] = slot;
    this.versionNumber++;
    return true;
  }

  /** Points (vpc, ip) at another host (an instance move). Throws when there is no such mapping. */
  move(vpc: number, ip: Ipv4, host: Ipv4): void {
    checkU32('host IP', host);
    const slot = this.find(vpc, ip);
    if (slot < 0) throw new Error(`no mapping for ${formatIpv4(ip)} in VPC ${vpc}`);
    this.entries.host[slot] = host;
    this.versionNumber++;
  }

  /** Creates or updates the peering `name` between two VPC numbers. Throws when the peering table is full. */
  setPeering(name: string, vpcA: number, vpcB: number, active: boolean): void {
    checkVpc(vpcA);
    checkVpc(vpcB);
    const p = this.peerings;
    let slot = this.peeringSlotOf.get(name);
    if (slot === undefined) {
      slot = p.used.indexOf(0);
      if (slot < 0) throw new RangeError(`peering table full: capacity ${p.capacity} reached adding ${name}`);
      this.peeringSlotOf.set(name, slot);
    }
    p.used[slot] = 1;
    p.active[slot] = active ? 1 : 0;
    p.vpcA[slot] = vpcA;
    p.vpcB[slot] = vpcB;
    p.name[slot] = name;
    this.versionNumber++;
  }

  /** Deletes the peering `name`; false when there was none. */
  removePeering(name: string): boolean {
    const slot = this.peeringSlotOf.get(name);
    if (slot === undefined) return false;
    this.peeringSlotOf.delete(name);
    const p = this.peerings;
    p.used[slot] = 0;
    p.active[slot] = 0;
    p.vpcA[slot] = 0;
    p.vpcB[slot] = 0;
    p.name[slot] = '';
    this.versionNumber++;
    return true;
  }

  peering(name: string): PeeringEntry | null {
    const slot = this.peeringSlotOf.get(name);
    if (slot === undefined) return null;
    const p = this.peerings;
    return { name, vpcA: p.vpcA[slot], vpcB: p.vpcB[slot], active: p.active[slot] === 1 };
  }

  peeringList(): PeeringEntry[] {
    const out: PeeringEntry[] = [];
    const p = this.peerings;
    for (let i = 0; i < p.capacity; i++) if (p.used[i] === 1) out.push(this.peering(p.name[i])!);
    return out;
  }

  /** The authoritative answer (a scan: for the control plane and tests, not the packet path). */
  arePeered(vpcA: number, vpcB: number): boolean {
    if (vpcA === vpcB) return true;
    const p = this.peerings;
    for (let i = 0; i < p.capacity; i++) {
      if (p.active[i] === 1 && ((p.vpcA[i] === vpcA && p.vpcB[i] === vpcB) || (p.vpcA[i] === vpcB && p.vpcB[i] === vpcA))) return true;
    }
    return false;
  }
}

function checkVpc(vpc: number): void {
  if (!(Number.isInteger(vpc) && vpc >= 0 && vpc <= MAX_VPC_NUMBER)) throw new RangeError(`VPC number must be a 24-bit integer, got ${vpc}`);
}

function checkU32(what: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff)) throw new RangeError(`${what} must be an unsigned 32-bit integer, got ${v}`);
}
