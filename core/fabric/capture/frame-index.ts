/**
 * The per-frame metadata of a capture, one typed-array column per attribute, laid out as a ring:
 * frame n (1-based, absolute) lives in slot (n − 1) & mask. Evicting the oldest frames is then
 * just moving the first frame number forward, and recording allocates nothing until the ring is
 * full, when every column doubles (amortised O(1), and rare: the ring settles at the size the
 * capture's byte budget allows).
 */

export class FrameIndex {
  /** Absolute time in integer ns. */
  time: Float64Array;
  point: Uint32Array;
  /** Sequence number of the arena chunk holding the bytes (below 2^32: 16 TB of 4 KiB chunks). */
  chunk: Uint32Array;
  /** Where the frame's bytes start in the chunk; for a patched frame, where its rest starts in the frame it refers to. */
  offset: Uint32Array;
  capLen: Uint32Array;
  origLen: Uint32Array;
  trace: Float64Array;
  hop: Uint32Array;
  verdict: Uint8Array;
  /** pcapng direction bits: 1 in, 2 out. */
  direction: Uint8Array;
  /** Index into the store's reason table; 0 = none. */
  reason: Uint32Array;
  /** Index into the store's rule table; 0 = none. */
  rule: Uint32Array;
  /**
   * A frame recorded as an edit of an earlier one: its first bytes (their count in the byte just
   * before, the referred frame's number mod 2^32 in the four before that) are at `patchAt` in the
   * same chunk; the rest are the referred frame's bytes from `offset` on. 0: no patch (`offset` is
   * then where the bytes are in the chunk; a patch is never at 0, its header comes first).
   */
  patchAt: Uint32Array;
  private mask: number;

  constructor(capacity = 1024) {
    const cap = powerOfTwoAtLeast(capacity);
    this.mask = cap - 1;
    this.time = new Float64Array(cap);
    this.point = new Uint32Array(cap);
    this.chunk = new Uint32Array(cap);
    this.offset = new Uint32Array(cap);
    this.capLen = new Uint32Array(cap);
    this.origLen = new Uint32Array(cap);
    this.trace = new Float64Array(cap);
    this.hop = new Uint32Array(cap);
    this.verdict = new Uint8Array(cap);
    this.direction = new Uint8Array(cap);
    this.reason = new Uint32Array(cap);
    this.rule = new Uint32Array(cap);
    this.patchAt = new Uint32Array(cap);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes the columns occupy. */
  get bytes(): number {
    return this.capacity * FRAME_META_BYTES;
  }

  /** The slot of frame number `n`. (n − 1) wraps at 2^32 in `&`, harmlessly: the capacity divides 2^32. */
  slot(n: number): number {
    return (n - 1) & this.mask;
  }

  /**
   * Doubles every column, keeping frames `first` … `first + count − 1` (the ones held) at their
   * slots under the new mask. Those frames fill a run of slots that wraps at most once, and land
   * on a run under the new mask too, so each column is two memcpys of the held frames only.
   */
  grow(first: number, count: number): void {
    const old = this.capacity;
    const cap = old * 2;
    const f0 = first - 1;
    const from = f0 & this.mask;
    const lenA = Math.min(count, old - from);
    const lenB = count - lenA;
    const toA = f0 & (cap - 1);
    const toB = (f0 + lenA) & (cap - 1);
    const move = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, fresh: T): T => {
      const src = a as Uint8Array;
      const dst = fresh as Uint8Array;
      dst.set(src.subarray(from, from + lenA), toA);
      if (lenB > 0) dst.set(src.subarray(0, lenB), toB);
      return fresh;
    };
    this.time = move(this.time, new Float64Array(cap));
    this.point = move(this.point, new Uint32Array(cap));
    this.chunk = move(this.chunk, new Uint32Array(cap));
    this.offset = move(this.offset, new Uint32Array(cap));
    this.capLen = move(this.capLen, new Uint32Array(cap));
    this.origLen = move(this.origLen, new Uint32Array(cap));
    this.trace = move(this.trace, new Float64Array(cap));
    this.hop = move(this.hop, new Uint32Array(cap));
    this.verdict = move(this.verdict, new Uint8Array(cap));
    this.direction = move(this.direction, new Uint8Array(cap));
    this.reason = move(this.reason, new Uint32Array(cap));
    this.rule = move(this.rule, new Uint32Array(cap));
    this.patchAt = move(this.patchAt, new Uint32Array(cap));
    this.mask = cap - 1;
  }
}

/** Metadata bytes per frame slot: the sum of the columns' element sizes. */
export const FRAME_META_BYTES = 8 + 4 + 4 + 4 + 4 + 4 + 8 + 4 + 1 + 1 + 4 + 4 + 4;

function powerOfTwoAtLeast(n: number): number {
  let cap = 16;
  while (cap < n && cap < 2 ** 30) cap *= 2;
  return cap;
}
