/**
 * A switch's routes by integer key (a /32 host address, or a /24 rack prefix), for the per-hop
 * lookup: open addressing with linear probing over an Int32Array, no Map. Underlay addresses
 * (100.64.0.0/10 and the like) are above 2^30, so as Map keys every lookup would box a number;
 * here the key stays a raw int32 and a lookup allocates nothing. Built once at world construction
 * and grown by rehashing when half full (routes are few: a rack's hosts, a zone's racks).
 */
export class RouteIndex<V> {
  private keys = new Int32Array(16);
  private slots = new Int32Array(16).fill(-1);
  private readonly values: V[] = [];

  /** Adds or replaces the value for `key` (any uint32 or int32; compared as int32). */
  set(key: number, value: V): void {
    const k = key | 0;
    const at = this.find(k);
    if (at >= 0) {
      this.values[at] = value;
      return;
    }
    if ((this.values.length + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.values.push(value);
    this.place(k, this.values.length - 1);
  }

  /** The value for `key`, or null. */
  get(key: number): V | null {
    const at = this.find(key | 0);
    return at < 0 ? null : this.values[at];
  }

  /**
   * `get` with a 32-bit key given as its two 16-bit halves: both are small integers, so the call
   * boxes nothing even when it is not inlined (a whole underlay address above 2^30 would be).
   */
  getHalves(high16: number, low16: number): V | null {
    const at = this.find((high16 << 16) | low16);
    return at < 0 ? null : this.values[at];
  }

  /** Index of `key`'s value, or −1 (an empty cell ends the probe: the table is at most half full). */
  private find(k: number): number {
    const mask = this.slots.length - 1;
    let i = (Math.imul(k, 0x9e3779b1) >>> 16) & mask;
    for (;;) {
      const v = this.slots[i];
      if (v < 0) return -1;
      if (this.keys[i] === k) return v;
      i = (i + 1) & mask;
    }
  }

  private place(k: number, value: number): void {
    const mask = this.slots.length - 1;
    let i = (Math.imul(k, 0x9e3779b1) >>> 16) & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    this.keys[i] = k;
    this.slots[i] = value;
  }

  private rehash(size: number): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Int32Array(size);
    this.slots = new Int32Array(size).fill(-1);
    for (let i = 0; i < oldSlots.length; i++) if (oldSlots[i] >= 0) this.place(oldKeys[i], oldSlots[i]);
  }
}
