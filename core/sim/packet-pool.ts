/**
 * Recycles packets and their buffers so the steady state allocates nothing: a released packet
 * keeps its buffer and goes onto the free list of its size class (powers of two, 256 B … 128 KiB);
 * the next packet of that class reuses both, and when its size and headroom are unchanged even the
 * `bytes` view. Larger packets get an exact, unpooled buffer.
 *
 * One pool per simulated world (a pool is not shared across workers or simulations).
 */
import { SimPacket } from './packet.ts';

/** Room left before the packet for outer headers: Geneve over UDP/IPv4/Ethernet with options fits. */
export const DEFAULT_HEADROOM = 128;

const MIN_CLASS_LOG2 = 8; // 256 B
const MAX_CLASS_LOG2 = 17; // 128 KiB
const CLASS_COUNT = MAX_CLASS_LOG2 - MIN_CLASS_LOG2 + 1;

export interface PacketPoolOptions {
  /** Default headroom of `alloc`. */
  readonly headroom?: number;
  /** Free packets kept per size class; beyond it released packets are left to the GC. */
  readonly maxFreePerClass?: number;
}

export class PacketPool {
  readonly headroom: number;
  private readonly maxFree: number;
  private readonly free: SimPacket[][] = Array.from({ length: CLASS_COUNT }, () => []);
  private live = 0;
  private created = 0;

  constructor(options: PacketPoolOptions = {}) {
    this.headroom = options.headroom ?? DEFAULT_HEADROOM;
    this.maxFree = options.maxFreePerClass ?? 4096;
    if (!Number.isInteger(this.headroom) || this.headroom < 0) throw new RangeError('PacketPool: headroom must be a non-negative integer');
  }

  /** Packets allocated and not yet released: a leak check for tests (0 when a world is drained). */
  get liveCount(): number {
    return this.live;
  }

  /** Packet objects ever created (reuse keeps this flat in steady state). */
  get createdCount(): number {
    return this.created;
  }

  /** A packet of `length` zero bytes with `headroom` bytes free in front of it. */
  alloc(length: number, headroom = this.headroom): SimPacket {
    if (!(length >= 0) || Math.floor(length) !== length) throw new RangeError(`PacketPool.alloc: bad length ${length}`);
    const total = headroom + length;
    const c = classOf(total);
    let p = c >= 0 ? this.free[c].pop() : undefined;
    if (p === undefined) {
      p = new SimPacket(this, new Uint8Array(c >= 0 ? 1 << (c + MIN_CLASS_LOG2) : total), c);
      this.created++;
    } else {
      p.buffer.fill(0, headroom, total);
    }
    if (p.start !== headroom || p.bytes.length !== length) {
      p.start = headroom;
      p.bytes = p.view(headroom, length);
    }
    p.traceId = 0;
    p.hops = 0;
    p.meta = null;
    p.captureFrame = 0;
    p.captureView = null;
    p.capturePort = null;
    p.captureHop = -1;
    p.editPrefix = -1;
    p.live = true;
    this.live++;
    return p;
  }

  /** A packet holding a copy of `bytes`. */
  copyOf(bytes: Uint8Array, headroom = this.headroom): SimPacket {
    const p = this.alloc(bytes.length, headroom);
    p.bytes.set(bytes);
    return p;
  }

  /** @internal Called by `SimPacket.release`. */
  reclaim(p: SimPacket): void {
    p.live = false;
    p.meta = null;
    p.captureView = null;
    p.capturePort = null;
    p.captureHop = -1;
    p.editPrefix = -1;
    this.live--;
    const c = p.sizeClass;
    if (c >= 0 && this.free[c].length < this.maxFree) this.free[c].push(p);
  }

  /**
   * @internal Moves `p`'s bytes into a buffer with room for `start + length` bytes, at `start`.
   * The old buffer goes back to the pool when `recycleOld`, else it is abandoned to the GC —
   * which is what corruption wants: whoever still holds the old bytes keeps seeing the original.
   */
  move(p: SimPacket, start: number, length: number, recycleOld = true): void {
    const total = start + length;
    const c = classOf(total);
    let spare = c >= 0 ? this.free[c].pop() : undefined;
    if (spare === undefined) {
      spare = new SimPacket(this, new Uint8Array(c >= 0 ? 1 << (c + MIN_CLASS_LOG2) : total), c);
      this.created++;
    }
    const keep = Math.min(p.bytes.length, length);
    spare.buffer.set(p.bytes.subarray(0, keep), start);
    // Swap buffers: p takes the new one, the spare shell carries the old one back to the pool.
    const oldBuffer = p.buffer;
    const oldClass = p.sizeClass;
    p.buffer = spare.buffer;
    p.sizeClass = spare.sizeClass;
    p.start = start;
    p.forgetViews();
    spare.forgetViews();
    p.bytes = p.view(start, keep);
    spare.buffer = oldBuffer;
    spare.sizeClass = oldClass;
    spare.start = 0;
    spare.bytes = oldBuffer.subarray(0, 0);
    if (recycleOld && oldClass >= 0 && this.free[oldClass].length < this.maxFree) this.free[oldClass].push(spare);
  }
}

/** Size class for a buffer of `total` bytes, or -1 when it is too large to pool. */
function classOf(total: number): number {
  if (total <= 1 << MIN_CLASS_LOG2) return 0;
  const log2 = 32 - Math.clz32(total - 1);
  return log2 <= MAX_CLASS_LOG2 ? log2 - MIN_CLASS_LOG2 : -1;
}
