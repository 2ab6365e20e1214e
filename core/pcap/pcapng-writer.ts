import { utf8Encode } from '../base/bytes.ts';
import type { ByteSink } from './byte-sink.ts';
import { BYTE_ORDER_MAGIC, BlockType, Option } from './pcapng-format.ts';

export interface InterfaceSpec {
  /** LINKTYPE_*: 1 Ethernet, 101 raw IP. */
  readonly linkType: number;
  readonly name?: string;
  readonly description?: string;
  /** 0 means no limit. */
  readonly snapLen?: number;
}

export interface SectionOptions {
  readonly application?: string;
  readonly hardware?: string;
  readonly os?: string;
  readonly comment?: string;
  /** Size of the reusable output buffer; a packet larger than it is written as its own chunk. */
  readonly chunkSize?: number;
}

export interface PacketOptions {
  /** Length on the wire when the captured bytes were cut (defaults to the captured length). */
  readonly originalLength?: number;
  /** epb_flags: direction in bits 0-1. */
  readonly flags?: number;
  readonly comments?: readonly string[];
  /** epb_packetid: the same id on every interface that saw the same packet. */
  readonly packetId?: number;
}

export interface NameRecord {
  readonly ipv4: number;
  readonly names: readonly string[];
}

/**
 * A streaming pcapng writer (one section, little-endian, nanosecond timestamps). Blocks are
 * ordered as Wireshark and editcap accept them: SHB, the IDBs, then NRBs, then packets. Memory is
 * one reusable chunk: bytes go to the sink whenever it fills.
 */
export class PcapngWriter {
  private buf: Uint8Array;
  private dv: DataView;
  private at = 0;
  private interfaces = 0;
  private started = false;
  private closed = false;
  private readonly sink: ByteSink;
  private readonly section: SectionOptions;

  constructor(sink: ByteSink, section: SectionOptions = {}) {
    this.sink = sink;
    this.section = section;
    this.buf = new Uint8Array(Math.max(4096, section.chunkSize ?? 1 << 20));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Declares a capture point; returns its interface id (0, 1, 2 … in order). */
  addInterface(spec: InterfaceSpec): number {
    this.assertOpen();
    this.startSection();
    const name = spec.name !== undefined ? utf8Encode(spec.name) : null;
    const desc = spec.description !== undefined ? utf8Encode(spec.description) : null;
    const optLen = optSize(name) + optSize(desc) + 8 /* if_tsresol */ + 4; /* endofopt */
    const total = 12 + 8 + optLen;
    this.reserve(total);
    this.blockStart(BlockType.idb, total);
    this.u16(spec.linkType);
    this.u16(0);
    this.u32(spec.snapLen ?? 0);
    if (name) this.option(Option.ifName, name);
    if (desc) this.option(Option.ifDescription, desc);
    this.u16(Option.ifTsresol);
    this.u16(1);
    this.buf[this.at] = 9; // 10^-9 s: the simulator's clock maps onto it directly
    this.buf[this.at + 1] = 0;
    this.buf[this.at + 2] = 0;
    this.buf[this.at + 3] = 0;
    this.at += 4;
    this.u32(0); // opt_endofopt
    this.u32(total);
    return this.interfaces++;
  }

  /** Names for addresses (shown by Wireshark with -N n). Must come after the first interface. */
  addNameRecords(records: readonly NameRecord[]): void {
    this.assertOpen();
    if (this.interfaces === 0) throw new Error('pcapng: name records must follow the first interface (editcap rejects them before)');
    const encoded = records.map((r) => ({ ipv4: r.ipv4, names: r.names.map((n) => utf8Encode(n)) }));
    let body = 0;
    for (const r of encoded) body += 4 + pad4(4 + r.names.reduce((s, n) => s + n.length + 1, 0));
    body += 4; // nrb_record_end
    body += 4; // opt_endofopt
    const total = 12 + body;
    this.reserve(total);
    this.blockStart(BlockType.nrb, total);
    for (const r of encoded) {
      const len = 4 + r.names.reduce((s, n) => s + n.length + 1, 0);
      this.u16(Option.nrbRecordIpv4);
      this.u16(len);
      this.buf[this.at] = r.ipv4 >>> 24;
      this.buf[this.at + 1] = (r.ipv4 >>> 16) & 0xff;
      this.buf[this.at + 2] = (r.ipv4 >>> 8) & 0xff;
      this.buf[this.at + 3] = r.ipv4 & 0xff;
      let p = this.at + 4;
      for (const n of r.names) {
        this.buf.set(n, p);
        p += n.length;
        this.buf[p++] = 0;
      }
      const padded = pad4(len);
      this.buf.fill(0, p, this.at + padded);
      this.at += padded;
    }
    this.u32(0); // nrb_record_end
    this.u32(0); // opt_endofopt
    this.u32(total);
  }

  /** Writes one Enhanced Packet Block. */
  writePacket(interfaceId: number, tsSec: number, tsNsec: number, data: Uint8Array, opts?: PacketOptions): void {
    if (interfaceId < 0 || interfaceId >= this.interfaces) throw new RangeError(`pcapng: no interface ${interfaceId}`);
    this.assertOpen();
    const capLen = data.length;
    const dataPadded = pad4(capLen);
    let optLen = 0;
    let comments: Uint8Array[] | null = null;
    if (opts) {
      if (opts.flags !== undefined) optLen += 8;
      if (opts.packetId !== undefined) optLen += 12;
      if (opts.comments && opts.comments.length) {
        comments = opts.comments.map((c) => utf8Encode(c));
        for (const c of comments) optLen += 4 + pad4(c.length);
      }
      if (optLen) optLen += 4;
    }
    const total = 32 + dataPadded + optLen;
    this.reserve(total);
    const ts = tsSec * 1e9 + tsNsec; // exact while below 2^53 ns (year 2255); split below for the words
    const hi = Math.floor(ts / 0x100000000);
    const lo = ts - hi * 0x100000000;
    const b = this.buf;
    let at = this.at;
    const dv = this.dv;
    dv.setUint32(at, BlockType.epb, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint32(at + 8, interfaceId, true);
    dv.setUint32(at + 12, hi, true);
    dv.setUint32(at + 16, lo, true);
    dv.setUint32(at + 20, capLen, true);
    dv.setUint32(at + 24, Math.max(opts?.originalLength ?? capLen, capLen), true);
    b.set(data, at + 28);
    at += 28 + capLen;
    for (let i = capLen; i < dataPadded; i++) b[at++] = 0;
    this.at = at;
    if (optLen) {
      if (opts!.flags !== undefined) {
        this.u16(Option.epbFlags);
        this.u16(4);
        this.u32(opts!.flags >>> 0);
      }
      if (opts!.packetId !== undefined) {
        this.u16(Option.epbPacketId);
        this.u16(8);
        const id = opts!.packetId;
        this.u32(id % 0x100000000);
        this.u32(Math.floor(id / 0x100000000));
      }
      if (comments) for (const c of comments) this.option(Option.comment, c);
      this.u32(0);
    }
    this.u32(total);
  }

  /** Hands everything buffered to the sink. */
  flush(): void {
    if (this.at > 0) {
      this.sink(this.buf.subarray(0, this.at));
      this.at = 0;
    }
  }

  /** Flushes and ends the file; an empty capture still gets its section header. */
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
    const opts = ([
      [Option.shbHardware, s.hardware],
      [Option.shbOs, s.os],
      [Option.shbUserAppl, s.application],
      [Option.comment, s.comment],
    ] as Array<[number, string | undefined]>)
      .filter((o): o is [number, string] => o[1] !== undefined)
      .map(([code, text]) => [code, utf8Encode(text)] as const);
    let optLen = opts.reduce((n, [, v]) => n + 4 + pad4(v.length), 0);
    if (optLen) optLen += 4;
    const total = 12 + 16 + optLen;
    this.reserve(total);
    this.blockStart(BlockType.shb, total);
    this.u32(BYTE_ORDER_MAGIC);
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff); // section length -1: unknown, so the writer can stream
    this.u32(0xffffffff);
    for (const [code, v] of opts) this.option(code, v);
    if (optLen) this.u32(0);
    this.u32(total);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('pcapng: writer is closed');
  }

  /** Makes room for `n` bytes: flush, or grow for a block larger than the chunk. */
  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.dv = new DataView(this.buf.buffer);
    }
  }

  private blockStart(type: number, total: number): void {
    this.u32(type);
    this.u32(total);
  }

  private option(code: number, value: Uint8Array): void {
    this.u16(code);
    this.u16(value.length);
    this.buf.set(value, this.at);
    const padded = pad4(value.length);
    this.buf.fill(0, this.at + value.length, this.at + padded);
    this.at += padded;
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

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function optSize(v: Uint8Array | null): number {
  return v ? 4 + pad4(v.length) : 0;
}
