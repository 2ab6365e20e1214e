/**
 * A FIFO of packets on a growable power-of-two ring: push/shift are O(1) and allocate nothing once
 * the ring has grown to the queue's working size (unlike `Array.prototype.shift`, which is O(n)).
 * It has no limit of its own: the owner applies its policy (DropTail) before pushing.
 */
import type { SimPacket } from './packet.ts';

export class PacketFifo {
  private ring: (SimPacket | undefined)[] = new Array<SimPacket | undefined>(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(p: SimPacket): void {
    if (this.count > this.mask) this.grow();
    this.ring[(this.head + this.count) & this.mask] = p;
    this.count++;
  }

  /** The oldest packet, or undefined when empty. */
  shift(): SimPacket | undefined {
    if (this.count === 0) return undefined;
    const p = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return p;
  }

  private grow(): void {
    const size = this.mask + 1;
    const next = new Array<SimPacket | undefined>(size * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) & this.mask];
    this.ring = next;
    this.mask = size * 2 - 1;
    this.head = 0;
  }
}
