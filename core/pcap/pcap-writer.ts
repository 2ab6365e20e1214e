import type { ByteSink } from './byte-sink.ts';
import { PCAP_DEFAULT_SNAPLEN, PCAP_HEADER_LENGTH, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LENGTH } from './pcap-format.ts';

export interface PcapOptions {
  /** LINKTYPE_* of every packet in the file (classic pcap has exactly one). */
  readonly linkType: number;
  /** Default 262144; must not be 0. Longer packets are cut to it (their original length is kept). */
  readonly snapLen?: number;
  /** 'ns' (default, magic a1b23c4d) or 'us' (magic a1b2c3d4: nanoseconds are truncated to µs). */
  readonly resolution?: 'ns' | 'us';
  /** Default 'little'. */
  readonly byteOrder?: 'little' | 'big';
  /** Size of the reusable output buffer (default 256 KiB, cache-sized as PcapngWriter's); a larger record grows it. */
  readonly chunkSize?: number;
}

/**
 * A streaming classic pcap writer (version 2.4, one link type, no padding). The file header is
 * buffered at construction; records follow. Memory is one reusable buffer handed to the sink
 * whenever it fills.
 */
export class PcapWriter {
  private buf: Uint8Array;
  private dv: DataView;
  private at = 0;
  private flushedBytes = 0;
  private closed = false;
  private readonly sink: ByteSink;
  private readonly le: boolean;
  private readonly nanos: boolean;
  private readonly snapLen: number;

  constructor(sink: ByteSink, options: PcapOptions) {
    this.sink = sink;
    this.le = (options.byteOrder ?? 'little') === 'little';
    this.nanos = (options.resolution ?? 'ns') === 'ns';
    this.snapLen = options.snapLen ?? PCAP_DEFAULT_SNAPLEN;
    if (!(this.snapLen >= 1 && this.snapLen <= 0xffffffff)) throw new RangeError(`pcap: snap length ${this.snapLen} (must be 1 to 2^32-1)`);
    if (!(options.linkType >= 0 && options.linkType <= 0xffff)) throw new RangeError(`pcap: bad link type ${options.linkType}`);
    this.buf = new Uint8Array(Math.max(4096, options.chunkSize ?? 256 * 1024));
    this.dv = new DataView(this.buf.buffer);
    const dv = this.dv;
    const le = this.le;
    dv.setUint32(0, this.nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
    dv.setUint16(4, 2, le);
    dv.setUint16(6, 4, le);
    dv.setUint32(8, 0, le); // reserved (thiszone)
    dv.setUint32(12, 0, le); // reserved (sigfigs)
    dv.setUint32(16, this.snapLen, le);
    dv.setUint32(20, options.linkType, le);
    this.at = PCAP_HEADER_LENGTH;
  }

  get bytesWritten(): number {
    return this.flushedBytes + this.at;
  }

  /** Writes one record; `tsSec` must fit in 32 bits (the format's limit, year 2106). */
  writePacket(tsSec: number, tsNsec: number, data: Uint8Array, originalLength?: number): void {
    if (this.closed) throw new Error('pcap: writer is closed');
    if (!(tsSec >= 0 && tsSec <= 0xffffffff && tsNsec >= 0 && tsNsec < 1e9)) throw new RangeError(`pcap: timestamp ${tsSec}.${tsNsec} out of range`);
    const dataLen = data.length;
    const capLen = dataLen > this.snapLen ? this.snapLen : dataLen;
    const total = PCAP_RECORD_HEADER_LENGTH + capLen;
    if (this.at + total > this.buf.length) this.reserve(total);
    const dv = this.dv;
    const le = this.le;
    const at = this.at;
    dv.setUint32(at, tsSec, le);
    dv.setUint32(at + 4, this.nanos ? tsNsec : Math.floor(tsNsec / 1000), le);
    dv.setUint32(at + 8, capLen, le);
    const orig = originalLength !== undefined && originalLength > dataLen ? originalLength : dataLen;
    dv.setUint32(at + 12, orig > 0xffffffff ? 0xffffffff : orig, le);
    this.buf.set(capLen === dataLen ? data : data.subarray(0, capLen), at + PCAP_RECORD_HEADER_LENGTH);
    this.at = at + total;
  }

  flush(): void {
    if (this.at > 0) {
      const n = this.at;
      this.at = 0;
      this.flushedBytes += n;
      this.sink(this.buf.subarray(0, n));
    }
  }

  /** Flushes and ends the file (an empty capture is just the header). Closing twice is a no-op. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private reserve(n: number): void {
    this.flush();
    if (n > this.buf.length) {
      let size = this.buf.length;
      while (size < n) size *= 2;
      this.buf = new Uint8Array(size);
      this.dv = new DataView(this.buf.buffer);
    }
  }
}
