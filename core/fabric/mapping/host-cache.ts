/**
 * A host's mapping cache: the full copy of the mapping table that a Nitro card consults for every
 * packet. It is pre-programmed — the mapping service pushes the whole table to every host at a fixed
 * period — so there is no miss path: an address the cache does not know is dropped
 * (MAPPING_NOT_FOUND), never looked up remotely. Latency is predictable and the service cannot be
 * stampeded by misses. The price is staleness: after a change a cache is wrong until the next push.
 *
 * Both ends verify with their cache:
 *  - the sender (`verifyDestination`): the destination is mapped in the VPC the route table chose,
 *    and that VPC is the sender's own or actively peered with it;
 *  - the receiver (`verifySource`, `verifyLocalDestination`): the inner source really lives at the
 *    outer source host with the claimed ENI (anti-spoofing), the destination lives here, and the
 *    two VPCs may talk.
 *
 * Hot path: one sender lookup and one receiver check per packet. Lookups probe an open-addressing
 * index over (VPC, IP) in typed arrays and allocate nothing; the checks return a `DropReason`
 * constant or null. The index is rebuilt from scratch at each push, visiting every slot, so
 * applying a push costs the same whatever changed.
 */
import type { Ipv4, Mac } from '../../base/addr.ts';
import { DropReason } from '../verdict.ts';
import type { MappingTable } from './mapping-table.ts';
import { EntrySlots, hashVpcIp, indexSizeFor, PeeringSlots } from './mapping-slots.ts';

export class HostMappingCache {
  private readonly entries: EntrySlots;
  private readonly peerings: PeeringSlots;
  /** Slot per index cell, −1 for an empty cell. */
  private readonly index: Int32Array;
  private readonly indexMask: number;
  /** Active peerings as unordered pairs (low, high) in an open-addressing set. */
  private readonly pairLow: Uint32Array;
  private readonly pairHigh: Uint32Array;
  private readonly pairUsed: Uint8Array;
  private readonly pairMask: number;
  private appliedVersion = 0;
  private usedSlots = 0;
  private found = -1;
  /** Set by the mapping service's `freezeCache`: a frozen cache ignores pushes (a stale host). */
  frozen = false;
  /** Pushes this cache has applied (the boot-time load included). */
  appliedPushes = 0;

  constructor(
    /** Underlay IPv4 of the host this cache serves. */
    readonly underlayIp: Ipv4,
    readonly hostName: string,
    capacity: number,
    peeringCapacity: number,
  ) {
    this.entries = new EntrySlots(capacity);
    this.peerings = new PeeringSlots(peeringCapacity);
    const size = indexSizeFor(capacity);
    this.index = new Int32Array(size).fill(-1);
    this.indexMask = size - 1;
    const pairSize = indexSizeFor(peeringCapacity);
    this.pairLow = new Uint32Array(pairSize);
    this.pairHigh = new Uint32Array(pairSize);
    this.pairUsed = new Uint8Array(pairSize);
    this.pairMask = pairSize - 1;
  }

  /** Version of the table as of the last applied push; 0 before the first. */
  get version(): number {
    return this.appliedVersion;
  }

  get capacity(): number {
    return this.entries.capacity;
  }

  /** Mappings in the cache. */
  get size(): number {
    return this.usedSlots;
  }

  /** Slot of (vpc, ip), or −1: a miss, which the card turns into a drop. Allocation-free. */
  lookup(vpc: number, ip: Ipv4): number {
    const e = this.entries;
    const index = this.index;
    const mask = this.indexMask;
    let i = hashVpcIp(vpc, ip) & mask;
    for (;;) {
      const slot = index[i];
      if (slot < 0) return -1;
      if (e.ip[slot] === ip && e.vpc[slot] === vpc) return slot;
      i = (i + 1) & mask;
    }
  }

  /** Underlay IP of the host holding the mapping in `slot`. */
  hostIp(slot: number): Ipv4 {
    return this.entries.host[slot];
  }

  eni(slot: number): number {
    return this.entries.eni[slot];
  }

  mac(slot: number): Mac {
    return this.entries.mac[slot];
  }

  instance(slot: number): string {
    return this.entries.instance[slot];
  }

  vpcName(slot: number): string {
    return this.entries.vpcName[slot];
  }

  /** True when a and b are the same VPC or an active peering joins them. Allocation-free. */
  arePeered(vpcA: number, vpcB: number): boolean {
    if (vpcA === vpcB) return true;
    const low = vpcA < vpcB ? vpcA : vpcB;
    const high = vpcA < vpcB ? vpcB : vpcA;
    const mask = this.pairMask;
    let i = hashVpcIp(low, high) & mask;
    while (this.pairUsed[i] === 1) {
      if (this.pairLow[i] === low && this.pairHigh[i] === high) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  /**
   * Sender verification, after the route table chose `dstVpc` (the sender's own VPC for a local
   * route, the peer VPC for a peering route): MAPPING_NOT_FOUND when the cache has no mapping for
   * (dstVpc, dstIp), MAPPING_VPC_NOT_PEERED when the VPCs differ and no active peering joins them,
   * else null — and `verifiedSlot` is the destination's slot for the encapsulation.
   */
  verifyDestination(srcVpc: number, dstVpc: number, dstIp: Ipv4): DropReason | null {
    const slot = this.lookup(dstVpc, dstIp);
    this.found = slot;
    if (slot < 0) return DropReason.MappingNotFound;
    if (srcVpc !== dstVpc && !this.arePeered(srcVpc, dstVpc)) return DropReason.MappingVpcNotPeered;
    return null;
  }

  /** The slot found by the last `verifyDestination` (−1 after a miss). */
  get verifiedSlot(): number {
    return this.found;
  }

  /**
   * Receiver verification of the source (anti-spoofing): the inner source `innerSrc` must be mapped
   * in the VNI's VPC to exactly the host that sent the packet (`outerSrc`, the outer IPv4 source)
   * and to the ENI the Geneve options name (`srcEni`). Otherwise MAPPING_SPOOFED_SOURCE; null when
   * it checks out.
   */
  verifySource(vniVpc: number, innerSrc: Ipv4, outerSrc: Ipv4, srcEni: number): DropReason | null {
    const slot = this.lookup(vniVpc, innerSrc);
    if (slot < 0 || this.entries.host[slot] !== outerSrc || this.entries.eni[slot] !== srcEni) return DropReason.MappingSpoofedSource;
    return null;
  }

  /**
   * Receiver verification of the destination, from this cache's point of view: (dstVpc, dstIp)
   * must be mapped to this host with ENI `dstEni`, else MAPPING_STALE_DESTINATION (the sender routed
   * with an outdated mapping); and the VNI's VPC must be `dstVpc` or actively peered with it, else
   * MAPPING_VPC_NOT_PEERED. `dstVpc` is the VPC of the receiving ENI. A card that knows its ENIs
   * first-hand may check the ENI against its own table instead and use only `arePeered`.
   */
  verifyLocalDestination(vniVpc: number, dstVpc: number, dstIp: Ipv4, dstEni: number): DropReason | null {
    const slot = this.lookup(dstVpc, dstIp);
    if (slot < 0 || this.entries.host[slot] !== this.underlayIp || this.entries.eni[slot] !== dstEni) return DropReason.MappingStaleDestination;
    if (vniVpc !== dstVpc && !this.arePeered(vniVpc, dstVpc)) return DropReason.MappingVpcNotPeered;
    return null;
  }

  /**
   * Replaces the whole cache with a copy of `table` (the mapping service calls this at each push):
   * every slot is copied and the indexes are rebuilt by visiting every slot, used or not.
   */
  apply(table: MappingTable): void {
    this.entries.copyFrom(table.entries);
    this.peerings.copyFrom(table.peerings);
    this.appliedVersion = table.version;
    this.appliedPushes++;
    this.rebuildIndex();
    this.rebuildPairs();
  }

  private rebuildIndex(): void {
    const e = this.entries;
    const index = this.index;
    const mask = this.indexMask;
    index.fill(-1);
    let used = 0;
    for (let slot = 0; slot < e.capacity; slot++) {
      if (e.used[slot] === 0) continue;
      used++;
      let i = hashVpcIp(e.vpc[slot], e.ip[slot]) & mask;
      while (index[i] >= 0) i = (i + 1) & mask;
      index[i] = slot;
    }
    this.usedSlots = used;
  }

  private rebuildPairs(): void {
    const p = this.peerings;
    const mask = this.pairMask;
    this.pairUsed.fill(0);
    for (let slot = 0; slot < p.capacity; slot++) {
      if (p.active[slot] === 0) continue;
      const a = p.vpcA[slot];
      const b = p.vpcB[slot];
      const low = a < b ? a : b;
      const high = a < b ? b : a;
      let i = hashVpcIp(low, high) & mask;
      while (this.pairUsed[i] === 1 && !(this.pairLow[i] === low && this.pairHigh[i] === high)) i = (i + 1) & mask;
      this.pairUsed[i] = 1;
      this.pairLow[i] = low;
      this.pairHigh[i] = high;
    }
  }
}
