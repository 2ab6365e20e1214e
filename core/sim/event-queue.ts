/**
 * The pending-event set: a binary min-heap over typed arrays, ordered by (time, insertion sequence)
 * like ns-3's EventKey, so events at the same instant always run in the order they were scheduled.
 *
 * Why this shape: the hot path (schedule + pop) must not allocate. An event is three numbers in the
 * heap arrays (time, seq, slot) plus a slot in parallel per-slot arrays (target, kind, payload,
 * generation). Slots are recycled through a free stack; no per-event object or closure exists.
 *
 * Speed note: heap comparisons are coin flips that a branch predictor cannot learn, so sift-down
 * picks the smaller child without a jump (`+(a < b)`, with the vacated last cell as a +∞ sentinel).
 * That alone made the queue about twice as fast (tests/bench/sim-kernel.bench.ts). Packing seq and
 * slot into one word to move two arrays instead of three was tried and measured no faster.
 *
 * Cancellation is lazy, as in ns-3: cancelling clears the slot's target and the heap entry is skipped
 * when it reaches the top. If dead entries ever make up more than half the heap (e.g. a timer that is
 * re-armed on every packet), the heap is compacted in O(n).
 *
 * Event ids encode (slot, generation): id = slot + 2^24 · generation. The generation of a slot is
 * bumped every time the slot is freed, so an id goes stale the moment its event runs or is
 * discarded, and `cancel`/`isPending` on a stale id are harmless no-ops. Generations wrap after 2^29
 * reuses of one slot; an id held across that many reuses could alias a newer event (not a practical
 * concern). At most 2^24 (16.7 million) events can be pending at once.
 */

/** Receives scheduled events. One object can handle many kinds of event (a small integer `kind`). */
export interface EventHandler<P = unknown> {
  handleEvent(kind: number, payload: P): void;
}

/** Identifies one scheduled event for `cancel`/`isPending`. Opaque: compare only by equality. */
export type EventId = number;

const SLOT_LIMIT = 0x100_0000; // 2^24 slots
const GEN_LIMIT = 0x2000_0000; // 2^29 generations: 2^24 · 2^29 = 2^53, the whole safe-integer range
const INITIAL_CAPACITY = 256;
const COMPACT_MIN_DEAD = 64;

export class EventQueue {
  // Heap, in heap order: entry i has children 2i+1 and 2i+2. One spare cell for the sentinel.
  private hTime: Float64Array = new Float64Array(INITIAL_CAPACITY + 1);
  private hSeq: Float64Array = new Float64Array(INITIAL_CAPACITY + 1);
  private hSlot: Int32Array = new Int32Array(INITIAL_CAPACITY + 1);
  private heapSize = 0;

  // Per slot. A pending slot has a non-null target; cancelled and free slots have null.
  private sTarget: (EventHandler<unknown> | null)[] = [];
  private sPayload: unknown[] = [];
  private sKind: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private sGen: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private freeStack: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private freeTop = 0;
  private capacity = 0;

  private nextSeq = 0;
  private dead = 0; // cancelled entries still in the heap

  /** The event removed by the last successful `shift`. Valid until the next `shift`. */
  curTime = 0;
  curTarget: EventHandler<unknown> = NO_TARGET;
  curKind = 0;
  curPayload: unknown = undefined;

  constructor() {
    this.grow(INITIAL_CAPACITY);
  }

  /** Pending (not cancelled) events. */
  get size(): number {
    return this.heapSize - this.dead;
  }

  /** Adds an event; the caller has validated `time`. */
  push(time: number, target: EventHandler<unknown>, kind: number, payload: unknown): EventId {
    const slot = this.insert(time, target, kind, payload);
    return slot + SLOT_LIMIT * this.sGen[slot];
  }

  /**
   * `push` without the id: ids pass 2^30 once generations grow, so returning one boxes a number
   * per event — wasted on events nobody will cancel. Returns nothing.
   */
  post(time: number, target: EventHandler<unknown>, kind: number, payload: unknown): void {
    this.insert(time, target, kind, payload);
  }

  /** Inserts the event and returns its slot. */
  private insert(time: number, target: EventHandler<unknown>, kind: number, payload: unknown): number {
    if (this.freeTop === 0) this.grow(this.capacity * 2);
    const slot = this.freeStack[--this.freeTop];
    this.sTarget[slot] = target;
    this.sPayload[slot] = payload;
    this.sKind[slot] = kind;
    const seq = this.nextSeq++;

    // Sift up. The new entry has the largest seq so far, so on equal times it never passes its
    // parent: `parent time <= time` is the whole stop condition.
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hTime[p] <= time) break;
      hTime[i] = hTime[p];
      hSeq[i] = hSeq[p];
      hSlot[i] = hSlot[p];
      i = p;
    }
    hTime[i] = time;
    hSeq[i] = seq;
    hSlot[i] = slot;
    return slot;
  }

  /**
   * Removes the earliest pending event if its time is ≤ `until`, loading it into the `cur*` fields.
   * Returns false (and removes nothing live) when the queue is empty or the next event is later.
   */
  shift(until: number): boolean {
    for (;;) {
      if (this.heapSize === 0) return false;
      const time = this.hTime[0];
      if (time > until) {
        if (this.sTarget[this.hSlot[0]] !== null) return false;
        // A cancelled head beyond `until`: discard it so `nextTime` stays cheap, then look again.
      }
      const slot = this.hSlot[0];
      this.removeTop();
      const target = this.sTarget[slot];
      if (target === null) {
        this.dead--;
        this.freeSlot(slot);
        continue;
      }
      this.curTime = time;
      this.curTarget = target;
      this.curKind = this.sKind[slot];
      this.curPayload = this.sPayload[slot];
      this.freeSlot(slot);
      return true;
    }
  }

  /** Time of the earliest pending event, or Infinity when there is none. */
  nextTime(): number {
    while (this.heapSize > 0 && this.sTarget[this.hSlot[0]] === null) {
      const slot = this.hSlot[0];
      this.removeTop();
      this.dead--;
      this.freeSlot(slot);
    }
    return this.heapSize > 0 ? this.hTime[0] : Infinity;
  }

  /** True while the event has neither run nor been cancelled. */
  isPending(id: EventId): boolean {
    const slot = slotOf(id);
    return slot < this.capacity && this.sGen[slot] === genOf(id) && this.sTarget[slot] !== null;
  }

  /** Cancels a pending event; returns false if it already ran, was cancelled, or never existed. */
  cancel(id: EventId): boolean {
    if (!this.isPending(id)) return false;
    const slot = slotOf(id);
    this.sTarget[slot] = null;
    this.sPayload[slot] = undefined; // let the payload be collected now, not when the entry surfaces
    this.dead++;
    if (this.dead >= COMPACT_MIN_DEAD && this.dead * 2 > this.heapSize) this.compact();
    return true;
  }

  /** Drops every pending event. Ids issued before stay stale forever (generations move on). */
  clear(): void {
    for (let i = 0; i < this.heapSize; i++) this.freeSlot(this.hSlot[i]);
    this.heapSize = 0;
    this.dead = 0;
  }

  private removeTop(): void {
    const n = --this.heapSize;
    if (n === 0) return;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    // Sift the last entry down from the root, moving the hole instead of swapping.
    const t = hTime[n];
    const s = hSeq[n];
    const slot = hSlot[n];
    // Sentinel: the vacated last cell reads as +∞, so the right child can always be read.
    hTime[n] = Infinity;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const lt = hTime[c];
      const rt = hTime[c + 1];
      if (rt === lt) {
        if (hSeq[c + 1] < hSeq[c]) c++;
      } else c += +(rt < lt); // `+bool` compiles to a flag move, not a jump (unlike `?:`)
      const ct = hTime[c];
      if (ct > t || (ct === t && hSeq[c] > s)) break;
      hTime[i] = ct;
      hSeq[i] = hSeq[c];
      hSlot[i] = hSlot[c];
      i = c;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = slot;
  }

  private freeSlot(slot: number): void {
    this.sTarget[slot] = null;
    this.sPayload[slot] = undefined;
    const g = this.sGen[slot] + 1;
    this.sGen[slot] = g === GEN_LIMIT ? 0 : g;
    this.freeStack[this.freeTop++] = slot;
  }

  /** Removes cancelled entries and rebuilds the heap bottom-up (Floyd), O(n). */
  private compact(): void {
    let n = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = this.hSlot[i];
      if (this.sTarget[slot] === null) {
        this.freeSlot(slot);
        continue;
      }
      this.hTime[n] = this.hTime[i];
      this.hSeq[n] = this.hSeq[i];
      this.hSlot[n] = slot;
      n++;
    }
    this.heapSize = n;
    this.dead = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDownFrom(i);
  }

  private siftDownFrom(start: number): void {
    const n = this.heapSize;
    const { hTime, hSeq, hSlot } = this;
    const t = hTime[start];
    const s = hSeq[start];
    const slot = hSlot[start];
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (hTime[r] < hTime[c] || (hTime[r] === hTime[c] && hSeq[r] < hSeq[c]))) c = r;
      if (hTime[c] > t || (hTime[c] === t && hSeq[c] > s)) break;
      hTime[i] = hTime[c];
      hSeq[i] = hSeq[c];
      hSlot[i] = hSlot[c];
      i = c;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = slot;
  }

  private grow(newCapacity: number): void {
    if (newCapacity > SLOT_LIMIT) {
      if (this.capacity >= SLOT_LIMIT) throw new RangeError(`EventQueue: more than ${SLOT_LIMIT} pending events`);
      newCapacity = SLOT_LIMIT;
    }
    const old = this.capacity;
    this.hTime = growF64(this.hTime, newCapacity + 1);
    this.hSeq = growF64(this.hSeq, newCapacity + 1);
    this.hSlot = growI32(this.hSlot, newCapacity + 1);
    this.sKind = growI32(this.sKind, newCapacity);
    this.sGen = growI32(this.sGen, newCapacity);
    this.freeStack = growI32(this.freeStack, newCapacity);
    for (let slot = old; slot < newCapacity; slot++) {
      this.sTarget.push(null);
      this.sPayload.push(undefined);
    }
    // Push new slots so the lowest-numbered one is handed out first (a compact, cache-friendly set).
    for (let slot = newCapacity - 1; slot >= old; slot--) this.freeStack[this.freeTop++] = slot;
    this.capacity = newCapacity;
  }
}

const NO_TARGET: EventHandler<unknown> = { handleEvent() {} };

function slotOf(id: EventId): number {
  return id % SLOT_LIMIT;
}

function genOf(id: EventId): number {
  return Math.floor(id / SLOT_LIMIT);
}

function growF64(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
