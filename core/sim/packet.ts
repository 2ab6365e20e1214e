/**
 * A packet in flight: its bytes in a pooled buffer plus the little metadata the fabric carries
 * along (trace id, hop count, one free-form slot). Kept deliberately small and closure-free: the
 * simulator moves millions of these per second.
 *
 * Buffer layout (sk_buff style): `buffer` is a pooled size-class buffer; the packet occupies
 * `bytes` = buffer[start, start + length). The space before `start` is headroom, so
 * encapsulation (`prepend`) and decapsulation (`trimFront`) move `start` instead of copying.
 *
 * Ownership: whoever holds a packet owns it and must either hand it on (e.g. `port.send`, which
 * transfers ownership) or `release()` it. After `release()` the object is recycled for another
 * packet: keep no reference to it or to its `bytes`.
 */
import type { PacketPool } from './packet-pool.ts';

export class SimPacket {
  /** The packet's bytes: exactly `length` bytes. Replaced (not resized) by prepend/trimFront/resize. */
  bytes: Uint8Array;
  /** Follows a tenant packet through every encapsulation, rewrite and hop (0 = unassigned). */
  traceId = 0;
  /** Links crossed so far: each link increments it when the packet arrives. */
  hops = 0;
  /** One free-form slot for the fabric (e.g. a small record of the inner flow); null when unused. */
  meta: unknown = null;
  /**
   * Left by a capture tap that recorded this packet as it was transmitted: the frame number, the
   * exact bytes view and the port. The tap at the far end of the link can then share that
   * record's bytes instead of copying them again — a link never changes a frame in flight
   * (corruption replaces the view). 0/null when unset; reset with every alloc and release.
   */
  captureFrame = 0;
  captureView: Uint8Array | null = null;
  capturePort: object | null = null;
  /** `hops` when a tap last recorded this packet (`captureFrame`); -1 when unset. */
  captureHop = -1;
  /**
   * What the device holding the packet changed since it arrived, as it declares with `declareEdit`
   * just before sending it on; -1 (the default, restored at every arrival) means "anything may have
   * changed". Captures use it to store only the changed bytes of a frame (see declareEdit).
   */
  editPrefix = -1;
  editGrow = 0;

  // Pool bookkeeping: read by PacketPool only.
  /** @internal The whole pooled buffer. */
  buffer: Uint8Array;
  /** @internal Offset of `bytes` in `buffer` (= headroom). */
  start: number;
  /** @internal Size class index in the pool, or -1 for an unpooled oversize buffer. */
  sizeClass: number;
  /** @internal False once released. */
  live = false;
  /**
   * Views of `buffer` made earlier, reused when the same (start, length) comes back: a packet's
   * life is a few fixed shapes (the guest's frame, the same frame encapsulated, its payload), and
   * `subarray` is an allocation plus a slow builtin. Cleared whenever `buffer` changes.
   */
  private views: (Uint8Array | null)[] = [null, null, null, null];
  private nextView = 0;

  /** @internal Use `PacketPool.alloc`. */
  constructor(
    readonly pool: PacketPool,
    buffer: Uint8Array,
    sizeClass: number,
  ) {
    this.buffer = buffer;
    this.sizeClass = sizeClass;
    this.start = 0;
    this.bytes = buffer.subarray(0, 0);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Bytes free before the packet, for `prepend` without copying. */
  get headroom(): number {
    return this.start;
  }

  /** Bytes free after the packet, for `resize` growth without copying. */
  get tailroom(): number {
    return this.buffer.length - this.start - this.bytes.length;
  }

  /**
   * Grows the packet by `n` zeroed bytes at the front (room for an outer header) and returns the
   * new `bytes`. Copies into a larger buffer only when the headroom is short. `zero` false leaves
   * the new bytes as the headroom held them (whatever earlier packets left): for a caller that
   * writes every one of them at once.
   */
  prepend(n: number, zero = true): Uint8Array {
    checkCount(n);
    if (n > this.start) this.pool.move(this, Math.max(this.pool.headroom, n), this.bytes.length);
    const len = this.bytes.length + n;
    const start = this.start - n;
    this.start = start;
    const buffer = this.buffer;
    if (zero) {
      if (n <= 128) for (let i = start; i < start + n; i++) buffer[i] = 0; // cheaper than the fill builtin for a header
      else buffer.fill(0, start, start + n);
    }
    this.bytes = this.view(start, len);
    return this.bytes;
  }

  /** Removes `n` bytes from the front (strip an outer header); they become headroom. */
  trimFront(n: number): Uint8Array {
    checkCount(n);
    if (n > this.bytes.length) throw new RangeError(`SimPacket.trimFront: ${n} > length ${this.bytes.length}`);
    const len = this.bytes.length - n;
    this.start += n;
    this.bytes = this.view(this.start, len);
    return this.bytes;
  }

  /** Sets the length, cutting or extending (with zeroed bytes) at the end. */
  resize(length: number): Uint8Array {
    checkCount(length);
    const old = this.bytes.length;
    if (this.start + length > this.buffer.length) this.pool.move(this, this.start, length);
    if (length > old) this.buffer.fill(0, this.start + old, this.start + length);
    this.bytes = this.view(this.start, length);
    return this.bytes;
  }

  /**
   * A view of `bytes[from, to)` (offsets into `bytes`, like `subarray`), reused across calls and
   * across the packet's later lives while the buffer stays the same. Lent like the packet itself.
   */
  slice(from: number, to: number): Uint8Array {
    const len = this.bytes.length;
    if (!(from >= 0 && from <= to && to <= len)) return this.bytes.subarray(from, to);
    return this.view(this.start + from, to - from);
  }

  /** @internal The view buffer[start, start + length), from the cache when it was made before. */
  view(start: number, length: number): Uint8Array {
    const views = this.views;
    const offset = this.buffer.byteOffset + start;
    for (let i = 0; i < 4; i++) {
      const v = views[i];
      if (v !== null && v.byteOffset === offset && v.length === length) return v;
    }
    const v = this.buffer.subarray(start, start + length);
    views[this.nextView] = v;
    this.nextView = (this.nextView + 1) & 3;
    return v;
  }

  /** @internal The buffer was replaced: cached views point into the old one. */
  forgetViews(): void {
    const views = this.views;
    for (let i = 0; i < 4; i++) views[i] = null;
  }

  /**
   * Declares how the bytes now relate to the bytes this packet arrived with (at the last link
   * arrival): `bytes[0, prefix)` may be new, and every byte from `prefix` on is the arrived byte
   * at the same position minus `grow` (the bytes added in front, negative when bytes were removed
   * from the front). A router that rewrote MACs and TTL declares (26, 0); a tunnel endpoint that
   * prepended an 82-byte header and rewrote the inner MACs declares (94, 82); decapsulation with
   * nothing else changed declares (0, -82). Call it last, right before `send`, and only when it is
   * exactly true: a capture then stores only the new prefix and shares the rest with the frame it
   * recorded on arrival. The declaration ends at the next arrival.
   */
  declareEdit(prefix: number, grow: number): void {
    this.editPrefix = prefix;
    this.editGrow = grow;
  }

  /** A new packet from the same pool with the same bytes, trace id, hop count and meta. */
  clone(): SimPacket {
    const p = this.pool.alloc(this.bytes.length, this.start);
    p.bytes.set(this.bytes);
    p.traceId = this.traceId;
    p.hops = this.hops;
    p.meta = this.meta;
    return p;
  }

  /** Returns the packet to its pool. Releasing twice throws (it would corrupt the pool). */
  release(): void {
    if (!this.live) throw new Error('SimPacket: released twice');
    this.pool.reclaim(this);
  }
}

function checkCount(n: number): void {
  if (!(n >= 0) || Math.floor(n) !== n) throw new RangeError(`SimPacket: byte count must be a non-negative integer, got ${n}`);
}
