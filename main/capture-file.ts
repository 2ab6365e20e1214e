import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { AnyCaptureReader } from '../core/pcap/capture-reader.ts';
import { PcapWriter, type PcapOptions } from '../core/pcap/pcap-writer.ts';
import { PcapngWriter, type SectionOptions } from '../core/pcap/pcapng-writer.ts';
import { CaptureError, type CaptureFormat, type ReaderOptions, type RecordCallback, type SectionInfo } from '../core/pcap/record.ts';

/**
 * Capture files on disk: streaming reads through the reader the magic calls for, and writers that
 * stream to a file. Reads never throw for a bad or unreadable file: the summary carries the error.
 */

export interface ReadFileOptions extends ReaderOptions {
  /** Bytes per read (default 4 MiB). */
  readonly chunkSize?: number;
  /**
   * Reuse the read buffers (two that alternate) instead of a fresh one per read: a record's bytes
   * are then valid only during its callback. For passes that keep no frame (filtering, `-T
   * fields`): a fresh 4 MiB buffer per read costs its zeroing and page faults (reads ran at
   * ~650 MB/s against ~5 GB/s into a reused one) and leaves the GC a file's worth of garbage.
   */
  readonly reuseBuffers?: boolean;
}

export interface CaptureFileSummary {
  readonly format: CaptureFormat | null;
  readonly records: number;
  readonly sections: readonly SectionInfo[];
  /** A format problem (positioned) or an I/O failure (kind 'io'); null when the whole file was read. */
  readonly error: CaptureError | null;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Streams a pcap or pcapng file through `onRecord` (one reused record object; its bytes are a
 * view into a fresh chunk per read, so they stay valid if kept, unless `reuseBuffers`).
 * Exceptions thrown by `onRecord` propagate.
 */
export async function readCaptureFile(path: string, onRecord: RecordCallback, options: ReadFileOptions = {}): Promise<CaptureFileSummary> {
  const reader = new AnyCaptureReader(options);
  const buffers = new ReadBuffers(chunkSize(options), options.reuseBuffers === true);
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    return ioFailure(reader, e);
  }
  try {
    for (let n = 0; ; ) {
      const chunk = buffers.take(reader, n);
      try {
        n = (await file.read(chunk, 0, chunk.length, null)).bytesRead;
      } catch (e) {
        return ioFailure(reader, e);
      }
      if (n === 0) return finish(reader, onRecord);
      if (feed(reader, chunk, n, onRecord)) return summary(reader);
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** The same, synchronously (for the CLI and benchmarks). */
export function readCaptureFileSync(path: string, onRecord: RecordCallback, options: ReadFileOptions = {}): CaptureFileSummary {
  const reader = new AnyCaptureReader(options);
  const buffers = new ReadBuffers(chunkSize(options), options.reuseBuffers === true);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return ioFailure(reader, e);
  }
  try {
    for (let n = 0; ; ) {
      const chunk = buffers.take(reader, n);
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        return ioFailure(reader, e);
      }
      if (n === 0) return finish(reader, onRecord);
      if (feed(reader, chunk, n, onRecord)) return summary(reader);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The buffers reads go into: a fresh one per read, or with `reuse` a buffer the reader holds no
 * unconsumed bytes in. Those are always the last ones pushed, so when they fit in the last read
 * the buffer before it is free; a block longer than a read spans older buffers too, and then a
 * fresh one is taken (the old ones are left to the reader, which copies such a block).
 */
class ReadBuffers {
  private last: Uint8Array | null = null;
  private spare: Uint8Array | null = null;

  constructor(
    private readonly size: number,
    private readonly reuse: boolean,
  ) {}

  /** The buffer for the next read; `lastRead` is how many bytes the previous read pushed. */
  take(reader: AnyCaptureReader, lastRead: number): Uint8Array {
    if (!this.reuse) return new Uint8Array(this.size);
    const held = reader.buffered;
    let next: Uint8Array;
    if (this.last !== null && held === 0) return this.last;
    if (this.last !== null && held <= lastRead) {
      next = this.spare ?? new Uint8Array(this.size);
      this.spare = this.last;
    } else {
      next = new Uint8Array(this.size);
      this.spare = null;
    }
    this.last = next;
    return next;
  }
}

/** Hands `n` bytes read into `chunk` to the reader and drains its records; true when it failed. */
function feed(reader: AnyCaptureReader, chunk: Uint8Array, n: number, onRecord: RecordCallback): boolean {
  reader.push(n === chunk.length ? chunk : chunk.subarray(0, n));
  reader.read(onRecord);
  return reader.error !== null;
}

/** End of file: the reader reports a block cut short, and the last records are drained. */
function finish(reader: AnyCaptureReader, onRecord: RecordCallback): CaptureFileSummary {
  reader.end();
  reader.read(onRecord);
  return summary(reader);
}

/** A pcapng writer streaming to `path`; `close()` flushes and closes the file. */
export function writeCaptureFile(path: string, section: SectionOptions = {}): PcapngWriter {
  return new PcapngFileWriter(new FileSink(path), section);
}

/** A classic pcap writer streaming to `path`; `close()` flushes and closes the file. */
export function writePcapFile(path: string, options: PcapOptions): PcapWriter {
  return new PcapFileWriter(new FileSink(path), options);
}

class FileSink {
  private fd: number | null;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  readonly sink = (chunk: Uint8Array): void => {
    if (this.fd === null) throw new Error('capture file: already closed');
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done);
  };
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

class PcapngFileWriter extends PcapngWriter {
  constructor(private readonly file: FileSink, section: SectionOptions) {
    super(file.sink, section);
  }
  override close(): void {
    try {
      super.close();
    } finally {
      this.file.close();
    }
  }
}

class PcapFileWriter extends PcapWriter {
  constructor(private readonly file: FileSink, options: PcapOptions) {
    super(file.sink, options);
  }
  override close(): void {
    try {
      super.close();
    } finally {
      this.file.close();
    }
  }
}

function chunkSize(options: ReadFileOptions): number {
  const n = options.chunkSize ?? DEFAULT_CHUNK;
  return n >= 1 ? Math.floor(n) : DEFAULT_CHUNK;
}

function summary(reader: AnyCaptureReader): CaptureFileSummary {
  return { format: reader.format, records: reader.recordCount, sections: reader.sections, error: reader.error };
}

function ioFailure(reader: AnyCaptureReader, e: unknown): CaptureFileSummary {
  const detail = e instanceof Error ? e.message : String(e);
  const error = new CaptureError(reader.format ?? 'unknown', 'io', reader.recordCount + 1, 'header', reader.offset, detail);
  return { format: reader.format, records: reader.recordCount, sections: reader.sections, error };
}
