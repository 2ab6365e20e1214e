/**
 * Conversation bookkeeping shared by TCP and UDP: a map keyed by the two (address, port)
 * endpoints in either order, and a per-frame log so a frame dissected again (the detail pane after
 * a filter pass) shows what the in-order first pass computed.
 *
 * Keys are numbers (address * 2^16 + port, exact below 2^48), so a lookup allocates nothing.
 */

export class EndpointPairMap<T> {
  // Open addressing over the ordered key pair (linear probing): the keys are doubles above 2^31,
  // which a Map would hash as heap numbers, slowly.
  private keysA = new Float64Array(1024);
  private keysB = new Float64Array(1024);
  private values: (T | undefined)[] = new Array<T | undefined>(1024).fill(undefined);
  private mask = 1023;
  private size = 0;

  get(addrA: number, portA: number, addrB: number, portB: number): T | undefined {
    let a = addrA * 65536 + portA;
    let b = addrB * 65536 + portB;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const mask = this.mask;
    for (let i = slotOf(a, b) & mask; ; i = (i + 1) & mask) {
      const v = this.values[i];
      if (v === undefined) return undefined;
      if (this.keysA[i] === a && this.keysB[i] === b) return v;
    }
  }

  set(addrA: number, portA: number, addrB: number, portB: number, value: T): void {
    let a = addrA * 65536 + portA;
    let b = addrB * 65536 + portB;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    this.put(a, b, value);
  }

  private put(a: number, b: number, value: T): void {
    const mask = this.mask;
    let i = slotOf(a, b) & mask;
    for (; ; i = (i + 1) & mask) {
      const v = this.values[i];
      if (v === undefined) break;
      if (this.keysA[i] === a && this.keysB[i] === b) {
        this.values[i] = value;
        return;
      }
    }
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.values[i] = value;
    if (++this.size * 2 > mask) this.grow();
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    const capacity = values.length * 2;
    this.keysA = new Float64Array(capacity);
    this.keysB = new Float64Array(capacity);
    this.values = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined) this.put(keysA[i], keysB[i], v);
    }
  }
}

/** A hash of two keys below 2^48 (address * 2^16 + port). */
function slotOf(a: number, b: number): number {
  const alo = a % 4294967296 | 0;
  const ahi = (a / 4294967296) | 0;
  const blo = b % 4294967296 | 0;
  const bhi = (b / 4294967296) | 0;
  let h = Math.imul(alo ^ Math.imul(ahi, 0x27d4eb2d), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ blo, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ bhi, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Wireshark's choice of flow for a packet (get_tcp_conversation_data): flow 0 when the source
 * address is the greater one, or the addresses are equal and the source port is greater.
 */
export function flowIndex(src: number, dst: number, sport: number, dport: number): 0 | 1 {
  if (src !== dst) return src > dst ? 0 : 1;
  return sport > dport ? 0 : 1;
}

type Growable = Uint8Array | Int8Array | Uint32Array | Int32Array | Float64Array;

export function grown<T extends Growable>(a: T, capacity: number): T {
  const out = new (a.constructor as new (n: number) => T)(capacity);
  out.set(a);
  return out;
}

/**
 * Frame numbers of the records a protocol logged on the first pass, ascending (frames are
 * dissected in order then). Records for one frame are told apart by layer: the how-many-th
 * instance of the protocol in the frame (a TCP header inside an ICMP error inside a tunnel …).
 * Subclasses add typed-array columns and grow them in `resize`.
 */
export abstract class FrameLog {
  count = 0;
  protected capacity = 0;
  frames = new Uint32Array(0);
  layers = new Uint8Array(0);

  /** Appends a record for (frame, layer) and returns its index. */
  append(frame: number, layer: number): number {
    if (this.count === this.capacity) {
      this.capacity = Math.max(256, this.capacity * 2);
      this.frames = grown(this.frames, this.capacity);
      this.layers = grown(this.layers, this.capacity);
      this.resize(this.capacity);
    }
    const i = this.count++;
    this.frames[i] = frame;
    this.layers[i] = layer;
    return i;
  }

  /** Index of the record for (frame, layer), or -1. */
  find(frame: number, layer: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.frames[mid] < frame) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.count && this.frames[i] === frame; i++) if (this.layers[i] === layer) return i;
    return -1;
  }

  /** The last frame number logged (0 when none). */
  get lastFrame(): number {
    return this.count ? this.frames[this.count - 1] : 0;
  }

  protected abstract resize(capacity: number): void;
}

/** How many times `abbrev` was entered before in this frame (0 for the outermost instance). */
export function layerOf(protocols: readonly string[], abbrev: string): number {
  let n = 0;
  for (let i = 0; i < protocols.length; i++) if (protocols[i] === abbrev) n++;
  return n;
}

/** A frame's time in nanoseconds since the capture's first frame (exact for 104 days). */
export function relativeNanos(tsSec: number, tsNsec: number, firstSec: number, firstNsec: number): number {
  return (tsSec - firstSec) * 1e9 + (tsNsec - firstNsec);
}
