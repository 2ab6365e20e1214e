import { utf8Decode, viewOf } from '../base/bytes.ts';
import { CaptureRecord, ReusedCaptureRecord, type CaptureError, type CaptureFormat, type CaptureReader, type ReaderOptions, type RecordCallback, type SectionInfo } from './record.ts';

const EMPTY = new Uint8Array(0);

export const DEFAULT_MAX_BLOCK_LENGTH = 256 * 1024 * 1024;

/**
 * The chunk plumbing both readers share. Parsing works on `cur` at `pos`; chunks pushed while
 * `cur` still has bytes wait in a queue. A block that straddles chunks is copied into a buffer of
 * exactly its length (`ensure`); every other block is parsed, and its packet bytes handed out, in
 * place. `ensure` only allocates once the bytes it needs have arrived, so a hostile length cannot
 * make the reader allocate more than it was given.
 */
export abstract class ChunkedReader implements CaptureReader {
  abstract readonly format: CaptureFormat | null;
  error: CaptureError | null = null;
  done = false;
  recordCount = 0;
  readonly sections: SectionInfo[] = [];

  protected cur: Uint8Array = EMPTY;
  protected dv: DataView = viewOf(EMPTY);
  private curBuffer: ArrayBufferLike = EMPTY.buffer;
  private curOffset = 0;
  protected pos = 0;
  /** File offset of cur[0]. */
  protected base = 0;
  protected ended = false;
  protected readonly maxBlockLength: number;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  protected readonly reused = new ReusedCaptureRecord();

  constructor(options: ReaderOptions = {}) {
    const max = options.maxBlockLength ?? DEFAULT_MAX_BLOCK_LENGTH;
    this.maxBlockLength = max > 0 ? Math.min(max, 0xfffffff0) : DEFAULT_MAX_BLOCK_LENGTH;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Bytes pushed but not yet consumed: always the last `buffered` bytes pushed. A caller that
   * reuses its read buffers may overwrite any chunk but the ones these lie in.
   */
  get buffered(): number {
    return this.remaining();
  }

  push(chunk: Uint8Array): void {
    if (this.ended || this.error || chunk.length === 0) return;
    if (this.pos >= this.cur.length && this.queue.length === 0) {
      this.base += this.cur.length;
      this.setCurrent(chunk);
    } else {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
  }

  end(): void {
    this.ended = true;
  }

  read(onRecord: RecordCallback): number {
    const rec = this.reused;
    let n = 0;
    while (this.next(rec)) {
      n++;
      onRecord(rec);
    }
    return n;
  }

  *records(): IterableIterator<CaptureRecord> {
    for (;;) {
      const rec = new CaptureRecord();
      if (!this.next(rec)) return;
      yield rec;
    }
  }

  [Symbol.iterator](): IterableIterator<CaptureRecord> {
    return this.records();
  }

  /** Fills `rec` with the next packet record; false when more input is needed, at the end, or on error. */
  protected abstract next(rec: CaptureRecord): boolean;

  /** Bytes not yet consumed. */
  protected remaining(): number {
    return this.cur.length - this.pos + this.queued;
  }

  protected fail(e: CaptureError): false {
    this.error = e;
    this.done = true;
    return false;
  }

  /** Makes `cur[pos, pos + n)` hold the next n bytes; false if they have not all arrived yet. */
  protected ensure(n: number): boolean {
    let have = this.cur.length - this.pos;
    if (have >= n) return true;
    if (have + this.queued < n) return false;
    if (have === 0) {
      this.base += this.cur.length;
      this.setCurrent(this.shift());
      have = this.cur.length;
      if (have >= n) return true;
    }
    const merged = new Uint8Array(n);
    merged.set(this.cur.subarray(this.pos), 0);
    let filled = have;
    while (filled < n) {
      const c = this.queue[0];
      const take = Math.min(c.length, n - filled);
      merged.set(take === c.length ? c : c.subarray(0, take), filled);
      filled += take;
      this.queued -= take;
      if (take === c.length) this.queue.shift();
      else this.queue[0] = c.subarray(take);
    }
    this.base += this.pos;
    this.setCurrent(merged);
    // the queue continues right after `merged`, so `base + cur.length` stays the next chunk's offset
    return true;
  }

  private shift(): Uint8Array {
    const c = this.queue.shift()!;
    this.queued -= c.length;
    return c;
  }

  private setCurrent(chunk: Uint8Array): void {
    this.cur = chunk;
    this.pos = 0;
    this.dv = viewOf(chunk);
    this.curBuffer = chunk.buffer;
    this.curOffset = chunk.byteOffset;
  }

  /**
   * `cur[start, start + length)` as a plain Uint8Array view (no copy): what `cur.subarray` gives,
   * made directly, without subarray's species lookup, once per packet.
   */
  protected view(start: number, length: number): Uint8Array {
    return new Uint8Array(this.curBuffer, this.curOffset + start, length);
  }
}

export { MAX_COMMENTS_PER_BLOCK } from './record.ts';

/** Caps on metadata kept from hostile files: memory stays proportional to what callers asked for. */
export const MAX_NAME_ENTRIES = 1 << 18;
export const MAX_SECRETS_BYTES = 64 * 1024 * 1024;
/** Interfaces over all sections: each IDB costs ~10x its 20 bytes of input in memory. */
export const MAX_INTERFACES = 1 << 16;
export const MAX_SECTIONS = 1 << 16;

/** UTF-8 text of an option value; invalid sequences become U+FFFD, never an exception. */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  if (start === end) return '';
  return utf8Decode(bytes.subarray(start, end));
}

/**
 * How an interface's timestamp units become seconds and nanoseconds. `units` is 10^n or 2^n per
 * second; the common resolutions (10^-n, n ≤ 9) take an exact double-only path, the rest BigInt.
 */
export class TimeScale {
  readonly resolution: number;
  private readonly decimal: boolean;
  private readonly divisor: number;
  private readonly nsPerUnit: number;
  private readonly bigUnits: bigint;

  constructor(tsresol: number) {
    this.resolution = tsresol;
    const n = tsresol & 0x7f;
    this.decimal = (tsresol & 0x80) === 0 && n <= 9;
    this.divisor = this.decimal ? 10 ** n : 0;
    this.nsPerUnit = this.decimal ? 10 ** (9 - n) : 0;
    this.bigUnits = (tsresol & 0x80) !== 0 ? 1n << BigInt(n) : 10n ** BigInt(n);
  }

  /** Sets rec.tsSec/tsNsec from the 64-bit unit count hi:lo plus `offsetSec`. */
  apply(rec: { tsSec: number; tsNsec: number }, hi: number, lo: number, offsetSec: number): void {
    if (this.decimal) {
      const d = this.divisor;
      if (hi < 0x200000) {
        // below 2^53: the count is exact in a double
        const v = hi * 4294967296 + lo;
        const sec = Math.floor(v / d);
        rec.tsSec = sec + offsetSec;
        rec.tsNsec = (v - sec * d) * this.nsPerUnit;
        return;
      }
      if (d >= 10000) {
        // The double quotient of the rounded count is off by at most one; the exact remainder
        // modulo 2^32 (it lies in (-d, 2d), well inside int32) says which way to correct it.
        let sec = Math.floor((hi * 4294967296 + lo) / d);
        let rem = (lo - Math.imul(sec, d)) | 0;
        if (rem < 0) {
          sec -= 1;
          rem += d;
        } else if (rem >= d) {
          sec += 1;
          rem -= d;
        }
        rec.tsSec = sec + offsetSec;
        rec.tsNsec = rem * this.nsPerUnit;
        return;
      }
      // long division in 16-bit digits: every partial value stays below 2^46
      let c = hi >>> 16;
      const q3 = Math.floor(c / d);
      let r = c - q3 * d;
      c = r * 65536 + (hi & 0xffff);
      const q2 = Math.floor(c / d);
      r = c - q2 * d;
      c = r * 65536 + (lo >>> 16);
      const q1 = Math.floor(c / d);
      r = c - q1 * d;
      c = r * 65536 + (lo & 0xffff);
      const q0 = Math.floor(c / d);
      r = c - q0 * d;
      rec.tsSec = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0 + offsetSec;
      rec.tsNsec = r * this.nsPerUnit;
      return;
    }
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    const u = this.bigUnits;
    rec.tsSec = Number(v / u) + offsetSec;
    rec.tsNsec = Number(((v % u) * 1_000_000_000n) / u);
  }
}
