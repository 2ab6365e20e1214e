/**
 * The send queue: bytes the application handed to `send`, from the oldest unacknowledged byte on.
 * A growable byte array with a read offset; acknowledged bytes are dropped from the front, and the
 * array is compacted or doubled when new bytes do not fit behind the tail.
 */
export class SendBuffer {
  private buf: Uint8Array;
  private head = 0;
  private tail = 0;

  constructor(initialCapacity = 4096) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Appends a copy of `bytes`. */
  push(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  /** Forgets the first `n` bytes (acknowledged). */
  drop(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** Copies `len` bytes starting `offset` bytes from the front into `dst[at…]`. */
  copyOut(offset: number, len: number, dst: Uint8Array, at: number): void {
    const from = this.head + offset;
    dst.set(this.buf.subarray(from, from + len), at);
  }

  private reserve(extra: number): void {
    if (this.tail + extra <= this.buf.length) return;
    const live = this.length;
    if (live + extra <= this.buf.length >>> 1) {
      this.buf.copyWithin(0, this.head, this.tail);
    } else {
      let cap = this.buf.length * 2;
      while (cap < live + extra) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(this.head, this.tail));
      this.buf = next;
    }
    this.head = 0;
    this.tail = live;
  }
}
