/**
 * The per-frame metadata of a capture, one fixed-size record per frame in a ring: frame n
 * (1-based, absolute) lives in slot (n − 1) & mask. Evicting the oldest frames is then just moving
 * the first frame number forward, and recording allocates nothing until the ring is full, when it
 * doubles (amortised O(1), and rare: the ring settles at the size the capture's byte budget allows).
 *
 * Records are interleaved in one buffer (FRAME_META_BYTES each), seen as 32-bit words (`u32`) and
 * as doubles (`f64`, for the two fields that need 53 bits): recording a frame writes one record,
 * not a dozen columns far apart, and reading a frame's fields touches one or two cache lines.
 * `at(n)` is the word index of frame n's record; a field is `u32[at(n) + FIELD]`, the doubles
 * `f64[(at(n) >> 1) + F64_FIELD]`.
 */

/**
 * Words per record, a power of two: a record is one 64-byte cache line (word 15 is spare), every record starts on an 8-byte boundary for its doubles, and a record's word index
 * is a shift of its slot.
 */
const WORDS_LOG2 = 4;
export const FRAME_META_WORDS = 1 << WORDS_LOG2;
/** Metadata bytes per frame slot. */
export const FRAME_META_BYTES = FRAME_META_WORDS * 4;

// Doubles: f64[(at >> 1) + …]
/** Absolute time in integer ns. */
export const F64_TIME = 0;
/** Trace id. */
export const F64_TRACE = 1;

// Words: u32[at + …] (words 0–3 hold the two doubles)
export const W_POINT = 4;
/** Sequence number of the arena chunk holding the bytes (below 2^32: 16 TB of 4 KiB chunks). */
export const W_CHUNK = 5;
/** Where the frame's bytes start in the chunk; for a patched frame, where its rest starts in the frame it refers to. */
export const W_OFFSET = 6;
export const W_CAPLEN = 7;
export const W_ORIGLEN = 8;
export const W_HOP = 9;
/** Index into the store's reason table; 0 = none. */
export const W_REASON = 10;
/** Index into the store's rule table; 0 = none. */
export const W_RULE = 11;
/**
 * A frame recorded as an edit of an earlier one: its first bytes (their count in the byte just
 * before, the referred frame's number mod 2^32 in the four before that) are at `patchAt` in the
 * same chunk; the rest are the referred frame's bytes from `offset` on. 0: no patch (`offset` is
 * then where the bytes are in the chunk; a patch is never at 0, its header comes first).
 */
export const W_PATCH = 12;
/** Verdict code in the low byte, pcapng direction bits (1 in, 2 out) in the next. */
export const W_CODES = 13;
/**
 * How many frames back the first frame recorded with these very bytes is (a frame recorded
 * sharing another's, recordShared, and copies of copies); 0: the frame's bytes are its own.
 */
export const W_SOURCE = 14;

export class FrameIndex {
  u32: Uint32Array;
  f64: Float64Array;
  private mask: number;

  constructor(capacity = 1024) {
    const cap = powerOfTwoAtLeast(capacity);
    this.mask = cap - 1;
    const buffer = new ArrayBuffer(cap * FRAME_META_BYTES);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes the records occupy. */
  get bytes(): number {
    return this.capacity * FRAME_META_BYTES;
  }

  /** The slot of frame number `n`. (n − 1) wraps at 2^32 in `&`, harmlessly: the capacity divides 2^32. */
  slot(n: number): number {
    return (n - 1) & this.mask;
  }

  /** The word index of frame `n`'s record. */
  at(n: number): number {
    return ((n - 1) & this.mask) << WORDS_LOG2;
  }

  /**
   * Doubles the ring, keeping frames `first` … `first + count − 1` (the ones held) at their
   * slots under the new mask. Those frames fill a run of slots that wraps at most once, and land
   * on a run under the new mask too, so this is two memcpys of the held frames only.
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
    const w = FRAME_META_WORDS;
    const src = this.u32;
    const dst = new Uint32Array(cap * w);
    dst.set(src.subarray(from * w, (from + lenA) * w), toA * w);
    if (lenB > 0) dst.set(src.subarray(0, lenB * w), toB * w);
    this.u32 = dst;
    this.f64 = new Float64Array(dst.buffer);
    this.mask = cap - 1;
  }
}

function powerOfTwoAtLeast(n: number): number {
  let cap = 16;
  while (cap < n && cap < 2 ** 30) cap *= 2;
  return cap;
}
