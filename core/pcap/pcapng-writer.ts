import type { ByteSink } from './byte-sink.ts';
import * as format from './pcapng-format.ts';
import * as util from './write-util.ts';

// Imported bindings used per packet are read once: tsx and Vitest turn each access to an imported
// binding into a getter call, which writePacket is too large to have inlined.
const { BYTE_ORDER_MAGIC, BlockType, Option } = format;
const { encodeText, MAX_OPTION_LENGTH, splitNanos, textSpace, writeAscii, writeText } = util;
const EPB = BlockType.epb;
const EPB_FLAGS = Option.epbFlags;
const EPB_PACKET_ID = Option.epbPacketId;
const COMMENT = Option.comment;

export interface InterfaceSpec {
  /** LINKTYPE_*: 1 Ethernet, 101 raw IP. */
  readonly linkType: number;
  readonly name?: string;
  readonly description?: string;
  /** 0 (the default) means no limit; longer packets are cut to it (their original length is kept). */
  readonly snapLen?: number;
}

export interface SectionOptions {
  readonly application?: string;
  readonly hardware?: string;
  readonly os?: string;
  readonly comment?: string;
  /**
   * Size of the reusable output buffer (default 256 KiB: small enough to stay in the CPU cache
   * between the writer filling it and the sink copying it out; streaming to a file ran ~1.5x
   * faster than with 1 MiB). A larger block grows it.
   */
  readonly chunkSize?: number;
}

export interface PacketOptions {
  /** Length on the wire when the captured bytes were cut (defaults to the captured length). */
  readonly originalLength?: number;
  /** epb_flags: direction in bits 0-1 (1 inbound, 2 outbound). */
  readonly flags?: number;
  /** opt_comment, one option each; a comment longer than 65535 UTF-8 bytes is cut at a character boundary. */
  readonly comments?: readonly string[];
  /** epb_packetid: the same id on every interface that saw the same packet (below 2^53). */
  readonly packetId?: number;
}

export interface NameRecord {
  readonly ipv4: number;
  readonly names: readonly string[];
}

/**
 * A streaming pcapng writer: one section, little-endian, nanosecond timestamps (if_tsresol=9).
 * Blocks come out in the order Wireshark and editcap accept: the SHB first (written by the first
 * call), IDBs, NRB/DSB only after the first IDB, then packets. Interfaces may still be added
 * after packets (legal pcapng). Memory is one reusable buffer handed to the sink whenever it
 * fills: the sink must consume each chunk before returning.
 *
 * `writePacket` allocates nothing except for comment encoding (TextEncoder.encodeInto straight
 * into the buffer). Misuse (unknown interface, writing after close) throws: it is a programming
 * error, not bad input.
 */
export class PcapngWriter {
  /** The output buffer: `cap` bytes for blocks, then SCRATCH bytes of scratch for text. */
  private buf: Uint8Array;
  /** The same bytes as 32-bit words, for copying text out of the scratch (both ends are aligned). */
  private words: Uint32Array;
  private cap: number;
  /** MAX_OPTION_LENGTH bytes at `cap`: text is encoded here, so a longer one is cut at that length. */
  private scratch: Uint8Array;
  private dv: DataView;
  private at = 0;
  private flushedBytes = 0;
  private readonly snapLens: number[] = [];
  private readonly ts = { hi: 0, lo: 0 };
  private started = false;
  private closed = false;
  private readonly sink: ByteSink;
  private readonly section: SectionOptions;

  constructor(sink: ByteSink, section: SectionOptions = {}) {
    this.sink = sink;
    this.section = section;
    this.cap = pad4(Math.max(4096, section.chunkSize ?? DEFAULT_CHUNK));
    this.buf = new Uint8Array(this.cap + SCRATCH);
    this.words = new Uint32Array(this.buf.buffer);
    this.scratch = this.buf.subarray(this.cap, this.cap + MAX_OPTION_LENGTH);
    this.dv = new DataView(this.buf.buffer);
  }

  /** Bytes produced so far (handed to the sink plus still buffered). */
  get bytesWritten(): number {
    return this.flushedBytes + this.at;
  }

  get interfaceCount(): number {
    return this.snapLens.length;
  }

  /** Declares a capture point; returns its interface id (0, 1, 2 … in order). */
  addInterface(spec: InterfaceSpec): number {
    this.assertOpen();
    this.startSection();
    const snapLen = spec.snapLen ?? 0;
    if (!(snapLen >= 0 && snapLen <= 0xffffffff)) throw new RangeError(`pcapng: bad snap length ${snapLen}`);
    const start = this.begin(BlockType.idb, 12 + 8 + textSpace(spec.name) + textSpace(spec.description) + 8 + 4);
    this.u16(spec.linkType);
    this.u16(0);
    this.u32(snapLen);
    if (spec.name !== undefined) this.text(Option.ifName, spec.name);
    if (spec.description !== undefined) this.text(Option.ifDescription, spec.description);
    this.u16(Option.ifTsresol);
    this.u16(1);
    this.u32(9); // 10^-9 s in the first byte, three zero padding bytes (little-endian)
    this.u32(0); // opt_endofopt
    this.finish(start);
    this.snapLens.push(snapLen);
    return this.snapLens.length - 1;
  }

  /** Names for IPv4 addresses (shown by Wireshark with -N n). Must come after the first interface. */
  addNameRecords(records: readonly NameRecord[]): void {
    this.assertOpen();
    this.assertInterface('name records');
    let worst = 12 + 4 + 4;
    for (const r of records) {
      let len = 4;
      for (const n of r.names) len += n.length * 3 + 1;
      worst += 4 + pad4(Math.min(len, MAX_OPTION_LENGTH));
    }
    const start = this.begin(BlockType.nrb, worst);
    const b = this.buf;
    for (const r of records) {
      const head = this.at;
      const end = head + 4 + MAX_OPTION_LENGTH;
      this.u16(Option.nrbRecordIpv4);
      this.u16(0);
      b[this.at] = r.ipv4 >>> 24;
      b[this.at + 1] = (r.ipv4 >>> 16) & 0xff;
      b[this.at + 2] = (r.ipv4 >>> 8) & 0xff;
      b[this.at + 3] = r.ipv4 & 0xff;
      let p = this.at + 4;
      for (const n of r.names) {
        // each name is zero-terminated; names that no longer fit in the record's 16-bit length are dropped
        if (end - p < 2) break;
        p += writeText(n, b, p, Math.min(n.length * 3, end - p - 1));
        b[p++] = 0;
      }
      this.dv.setUint16(head + 2, p - head - 4, true);
      this.at = p;
      this.pad();
    }
    this.u32(0); // nrb_record_end
    this.u32(0); // opt_endofopt
    this.finish(start);
  }

  /** A Decryption Secrets Block (e.g. SecretsType.tlsKeyLog). Must come after the first interface. */
  addSecrets(secretsType: number, data: Uint8Array): void {
    this.assertOpen();
    this.assertInterface('decryption secrets');
    const start = this.begin(BlockType.dsb, 12 + 8 + pad4(data.length) + 4);
    this.u32(secretsType);
    this.u32(data.length);
    this.buf.set(data, this.at);
    this.at += data.length;
    this.pad();
    this.finish(start);
  }

  /** Writes one Enhanced Packet Block. */
  writePacket(interfaceId: number, tsSec: number, tsNsec: number, data: Uint8Array, opts?: PacketOptions): void {
    const snap = this.snapLens[interfaceId];
    if (snap === undefined) throw new RangeError(`pcapng: no interface ${interfaceId}`);
    if (this.closed) throw new Error('pcapng: writer is closed');
    if (!(tsSec >= 0 && tsNsec >= 0)) throw new RangeError(`pcapng: negative timestamp ${tsSec}.${tsNsec}`);
    const dataLen = data.length;
    const capLen = snap !== 0 && dataLen > snap ? snap : dataLen;
    let worst = 32 + ((capLen + 3) & ~3);
    let flags: number | undefined;
    let packetId: number | undefined;
    let comments: readonly string[] | undefined;
    let origLen = dataLen;
    if (opts !== undefined) {
      flags = opts.flags;
      packetId = opts.packetId;
      comments = opts.comments;
      if (opts.originalLength !== undefined && opts.originalLength > dataLen) origLen = opts.originalLength;
      if (flags !== undefined) worst += 8;
      if (packetId !== undefined) worst += 12;
      if (comments !== undefined) for (let i = 0; i < comments.length; i++) worst += textSpace(comments[i]);
      worst += 4;
    }
    if (this.at + worst > this.cap) this.reserve(worst);
    const b = this.buf;
    const dv = this.dv;
    const start = this.at;
    const ts = this.ts;
    splitNanos(tsSec, tsNsec, ts);
    dv.setUint32(start, EPB, true);
    dv.setUint32(start + 8, interfaceId, true);
    dv.setUint32(start + 12, ts.hi, true);
    dv.setUint32(start + 16, ts.lo, true);
    dv.setUint32(start + 20, capLen, true);
    dv.setUint32(start + 24, origLen > 0xffffffff ? 0xffffffff : origLen, true);
    b.set(capLen === dataLen ? data : data.subarray(0, capLen), start + 28);
    let at = start + 28 + capLen;
    while ((at & 3) !== 0) b[at++] = 0;
    if (opts !== undefined) {
      const first = at;
      if (flags !== undefined) {
        dv.setUint32(at, EPB_FLAGS | (4 << 16), true);
        dv.setUint32(at + 4, flags >>> 0, true);
        at += 8;
      }
      if (packetId !== undefined) {
        dv.setUint32(at, EPB_PACKET_ID | (8 << 16), true);
        dv.setUint32(at + 4, packetId % 4294967296, true);
        dv.setUint32(at + 8, Math.floor(packetId / 4294967296), true);
        at += 12;
      }
      if (comments !== undefined) {
        for (let i = 0; i < comments.length; i++) {
          const c = comments[i];
          // ASCII (the usual comment) is copied by a loop: the encoder costs a call and an object.
          let n = c.length <= MAX_OPTION_LENGTH ? writeAscii(c, b, at + 4) : -1;
          if (n >= 0) {
            // done
          } else if (c.length <= 24) n = writeText(c, b, at + 4, c.length * 3);
          else {
            // Encoded into the scratch area after the blocks (no view made per comment), then
            // copied a word at a time (`at` and `cap` are multiples of 4; the bytes past the text
            // in its last word are overwritten by the padding below). The scratch holds
            // MAX_OPTION_LENGTH bytes, so a longer comment is cut at a character boundary as
            // writeText cuts it.
            n = encodeText(c, this.scratch);
            const words = this.words;
            const to = (at + 4) >> 2;
            const from = this.cap >> 2;
            const count = (n + 3) >> 2;
            for (let k = 0; k < count; k++) words[to + k] = words[from + k];
          }
          dv.setUint32(at, COMMENT | (n << 16), true);
          at += 4 + n;
          while ((at & 3) !== 0) b[at++] = 0;
        }
      }
      if (at !== first) {
        dv.setUint32(at, 0, true); // opt_endofopt
        at += 4;
      }
    }
    const total = at + 4 - start;
    dv.setUint32(at, total, true);
    dv.setUint32(start + 4, total, true);
    this.at = at + 4;
  }

  /** Hands everything buffered to the sink. */
  flush(): void {
    if (this.at > 0) {
      const n = this.at;
      this.at = 0;
      this.flushedBytes += n;
      this.sink(this.buf.subarray(0, n));
    }
  }

  /** Flushes and ends the file; an empty capture still gets its section header. Closing twice is a no-op. */
  close(): void {
    if (this.closed) return;
    this.startSection();
    this.flush();
    this.closed = true;
  }

  private startSection(): void {
    if (this.started) return;
    this.started = true;
    const s = this.section;
    const texts: Array<[number, string | undefined]> = [
      [Option.shbHardware, s.hardware],
      [Option.shbOs, s.os],
      [Option.shbUserAppl, s.application],
      [Option.comment, s.comment],
    ];
    let worst = 12 + 16 + 4;
    for (const [, t] of texts) worst += textSpace(t);
    const start = this.begin(BlockType.shb, worst);
    this.u32(BYTE_ORDER_MAGIC);
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff); // section length -1: unknown, so the writer can stream
    this.u32(0xffffffff);
    let any = false;
    for (const [code, t] of texts) {
      if (t === undefined) continue;
      this.text(code, t);
      any = true;
    }
    if (any) this.u32(0); // opt_endofopt
    this.finish(start);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('pcapng: writer is closed');
  }

  private assertInterface(what: string): void {
    if (this.snapLens.length === 0) throw new Error(`pcapng: ${what} must follow the first interface (editcap rejects them before it)`);
  }

  /** Makes room for `n` bytes: flush, or grow for a block larger than the buffer. */
  private reserve(n: number): void {
    if (this.at + n <= this.cap) return;
    this.flush();
    if (n > this.cap) {
      let size = this.cap;
      while (size < n) size *= 2;
      this.cap = size;
      this.buf = new Uint8Array(size + SCRATCH);
      this.words = new Uint32Array(this.buf.buffer);
      this.scratch = this.buf.subarray(size, size + MAX_OPTION_LENGTH);
      this.dv = new DataView(this.buf.buffer);
    }
  }

  /** Starts a block of at most `worst` bytes; returns its start for `finish`. */
  private begin(type: number, worst: number): number {
    this.reserve(worst);
    const start = this.at;
    this.u32(type);
    this.u32(0);
    return start;
  }

  /** Writes the trailing length and fills in the leading one. */
  private finish(start: number): void {
    const total = this.at + 4 - start;
    this.u32(total);
    this.dv.setUint32(start + 4, total, true);
  }

  private text(code: number, value: string): void {
    const n = writeText(value, this.buf, this.at + 4, value.length * 3);
    this.u16(code);
    this.u16(n);
    this.at += n;
    this.pad();
  }

  private pad(): void {
    while ((this.at & 3) !== 0) this.buf[this.at++] = 0;
  }

  private u16(v: number): void {
    this.dv.setUint16(this.at, v, true);
    this.at += 2;
  }

  private u32(v: number): void {
    this.dv.setUint32(this.at, v >>> 0, true);
    this.at += 4;
  }
}

const DEFAULT_CHUNK = 256 * 1024;

/** Scratch space after the blocks: MAX_OPTION_LENGTH rounded up to whole words. */
const SCRATCH = pad4(MAX_OPTION_LENGTH);

function pad4(n: number): number {
  return (n + 3) & ~3;
}
