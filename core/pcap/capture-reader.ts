import { PcapReader, magicOrder } from './pcap-reader.ts';
import { PcapngReader } from './pcapng-reader.ts';
import { BlockType } from './pcapng-format.ts';
import {
  CaptureError, CaptureRecord, type CaptureFormat, type CaptureReader, type ReaderOptions, type RecordCallback, type SectionInfo,
} from './record.ts';

/** Which reader the first four bytes of a file call for, or null for neither. */
export function detectCaptureFormat(head: Uint8Array): CaptureFormat | null {
  if (head.length < 4) return null;
  const m = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
  if (m === BlockType.shb) return 'pcapng';
  return magicOrder(m) ? 'pcap' : null;
}

export function createReader(format: CaptureFormat, options: ReaderOptions = {}): PcapReader | PcapngReader {
  return format === 'pcapng' ? new PcapngReader(options) : new PcapReader(options);
}

/**
 * A reader that picks pcap or pcapng from the file's magic, then delegates. Until four bytes have
 * arrived it only holds the chunks.
 */
export class AnyCaptureReader implements CaptureReader {
  private inner: PcapReader | PcapngReader | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;
  private ownError: CaptureError | null = null;
  private readonly options: ReaderOptions;

  constructor(options: ReaderOptions = {}) {
    this.options = options;
  }

  get format(): CaptureFormat | null { return this.inner?.format ?? null; }
  get error(): CaptureError | null { return this.ownError ?? this.inner?.error ?? null; }
  get done(): boolean { return this.ownError !== null || (this.inner?.done ?? false); }
  get recordCount(): number { return this.inner?.recordCount ?? 0; }
  get offset(): number { return this.inner?.offset ?? 0; }
  get sections(): readonly SectionInfo[] { return this.inner?.sections ?? []; }
  /** Bytes pushed but not yet consumed (the last ones pushed), see ChunkedReader.buffered. */
  get buffered(): number { return this.inner ? this.inner.buffered : this.pendingBytes; }
  /** The underlying reader, once the format is known. */
  get reader(): PcapReader | PcapngReader | null { return this.inner; }

  push(chunk: Uint8Array): void {
    if (this.inner) return this.inner.push(chunk);
    if (this.ended || this.ownError || chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= 4) this.detect();
  }

  end(): void {
    this.ended = true;
    if (this.inner) return this.inner.end();
    if (this.ownError) return;
    const detail = this.pendingBytes === 0 ? 'the file is empty' : `the file is ${this.pendingBytes} bytes long, too short for a capture file header`;
    this.ownError = new CaptureError('unknown', 'truncated', 0, 'header', 0, detail);
  }

  read(onRecord: RecordCallback): number {
    return this.inner ? this.inner.read(onRecord) : 0;
  }

  records(): IterableIterator<CaptureRecord> {
    return this.inner ? this.inner.records() : [][Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<CaptureRecord> {
    return this.records();
  }

  private detect(): void {
    const head = new Uint8Array(4);
    let n = 0;
    for (const c of this.pending) {
      for (let i = 0; i < c.length && n < 4; i++) head[n++] = c[i];
      if (n === 4) break;
    }
    const format = detectCaptureFormat(head);
    if (format === null) {
      const hex = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
      this.ownError = new CaptureError('unknown', 'unsupported', 0, 'header', 0, `not a pcap or pcapng file: it starts with ${hex}`);
    } else {
      this.inner = createReader(format, this.options);
      for (const c of this.pending) this.inner.push(c);
    }
    this.pending = [];
  }
}

export interface CaptureContents {
  readonly format: CaptureFormat | null;
  /** Every packet record, each its own object; bytes are views into `bytes`. */
  readonly records: CaptureRecord[];
  readonly sections: readonly SectionInfo[];
  readonly error: CaptureError | null;
}

/** Reads a whole capture held in memory (either format). Records before an error are kept. */
export function readCapture(bytes: Uint8Array, options: ReaderOptions = {}): CaptureContents {
  const r = new AnyCaptureReader(options);
  r.push(bytes);
  r.end();
  const records = [...r.records()];
  return { format: r.format, records, sections: r.sections, error: r.error };
}
