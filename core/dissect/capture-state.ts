/**
 * State that lives across the frames of one capture: conversations, stream indexes, the first
 * frame's time. Dissectors keep their own piece under their protocol's name. Frames must be
 * dissected in order on the first pass; later single-frame dissections read what it recorded.
 */
export class CaptureState {
  private readonly stores = new Map<string, unknown>();
  /** Time of the first frame and of the previous frame, for frame.time_relative / time_delta. */
  firstSec = -1;
  firstNsec = 0;
  prevSec = -1;
  prevNsec = 0;
  /** Highest frame number dissected so far: frames at or below it are being seen again. */
  lastFrameNumber = 0;
  /** Nanoseconds from the previous frame, per frame number, recorded on the first pass. */
  private deltas = new Float64Array(1024);

  recordDelta(frameNumber: number, ns: number): void {
    if (frameNumber >= this.deltas.length) {
      const grown = new Float64Array(Math.max(frameNumber + 1, this.deltas.length * 2));
      grown.set(this.deltas);
      this.deltas = grown;
    }
    this.deltas[frameNumber] = ns;
  }

  deltaOf(frameNumber: number): number {
    return frameNumber < this.deltas.length ? this.deltas[frameNumber] : 0;
  }

  /**
   * How often dissection has read a protocol's store (`get`). A pass that finds it unchanged
   * across a frame knows that frame's fields followed from its bytes alone (and the capture's
   * first time): dissectors read a frame's number or time for a field's value only together with
   * their store (labels, kept only in trees, may use more: ICMP timestamps), so another frame with
   * the same bytes would get the same fields (core/service/same-bytes-outcomes.ts; its test holds
   * every protocol to this).
   */
  storeReads = 0;

  /** The store a protocol keeps, created on first use. */
  get<T>(key: string, create: () => T): T {
    this.storeReads++;
    let store = this.stores.get(key) as T | undefined;
    if (store === undefined) {
      store = create();
      this.stores.set(key, store);
    }
    return store;
  }
}
