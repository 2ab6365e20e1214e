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

  /** The store a protocol keeps, created on first use. */
  get<T>(key: string, create: () => T): T {
    let store = this.stores.get(key) as T | undefined;
    if (store === undefined) {
      store = create();
      this.stores.set(key, store);
    }
    return store;
  }
}
