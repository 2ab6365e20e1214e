import { ChunkedReader } from './chunked-reader.ts';
import { PCAP_HEADER_LENGTH, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LENGTH } from './pcap-format.ts';
import { CaptureError, type CaptureErrorKind, type CaptureRecord, type InterfaceInfo, type ReaderOptions, type SectionInfo } from './record.ts';

/**
 * A streaming classic pcap reader: the µs and ns magics in either byte order, version 2.x, one
 * link type. Records are parsed in place; the first problem stops the reader with a positioned
 * `error`.
 */
export class PcapReader extends ChunkedReader {
  readonly format = 'pcap' as const;
  private le = true;
  private nanos = false;
  private iface: InterfaceInfo | null = null;

  constructor(options: ReaderOptions = {}) {
    super(options);
  }

  /** The file's one interface, once the header has been read. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.iface ? [this.iface] : [];
  }

  protected next(rec: CaptureRecord): boolean {
    if (this.done) return false;
    if (this.iface === null && !this.header()) return false;
    if (!this.ensure(PCAP_RECORD_HEADER_LENGTH)) return this.stall();
    const le = this.le;
    let dv = this.dv;
    let p = this.pos;
    const capLen = dv.getUint32(p + 8, le);
    if (capLen > this.maxBlockLength) {
      return this.bad('limit', `captured length ${capLen} exceeds the reader's limit of ${this.maxBlockLength} bytes`);
    }
    const total = PCAP_RECORD_HEADER_LENGTH + capLen;
    if (!this.ensure(total)) return this.stall();
    p = this.pos;
    dv = this.dv;
    const sec = dv.getUint32(p, le);
    let frac = dv.getUint32(p + 4, le);
    const perSec = this.nanos ? 1e9 : 1e6;
    let carry = 0;
    if (frac >= perSec) {
      // some writers let the fraction overflow; carry it into the seconds rather than reject the file
      carry = Math.floor(frac / perSec);
      frac -= carry * perSec;
    }
    rec.tsSec = sec + carry;
    rec.tsNsec = this.nanos ? frac : frac * 1000;
    rec.bytes = this.view(p + PCAP_RECORD_HEADER_LENGTH, total - PCAP_RECORD_HEADER_LENGTH);
    rec.originalLength = dv.getUint32(p + 12, le);
    const ifc = this.iface!;
    rec.number = ++this.recordCount;
    rec.interfaceId = 0;
    rec.linkType = ifc.linkType;
    rec.interfaceName = undefined;
    rec.interfaceDescription = undefined;
    rec.flags = undefined;
    rec.comments = undefined;
    rec.commentCount = 0;
    rec.packetId = undefined;
    rec.sectionIndex = 0;
    rec.offset = this.base + p;
    this.pos = p + total;
    return true;
  }

  private header(): boolean {
    if (!this.ensure(PCAP_HEADER_LENGTH)) {
      if (!this.ended) return false;
      const left = this.remaining();
      if (left === 0) return this.fail(new CaptureError('pcap', 'truncated', 0, 'header', 0, 'the file is empty'));
      if (left >= 4 && magicOrder(this.peekMagic()) === null) return this.badMagic();
      return this.fail(new CaptureError('pcap', 'truncated', 0, 'header', 0, `the file ends inside the ${PCAP_HEADER_LENGTH}-byte file header (${left} bytes present)`));
    }
    const dv = this.dv;
    const p = this.pos;
    const order = magicOrder(dv.getUint32(p, true));
    if (order === null) return this.badMagic();
    this.le = order.le;
    this.nanos = order.nanos;
    const le = this.le;
    const major = dv.getUint16(p + 4, le);
    const minor = dv.getUint16(p + 6, le);
    if (major !== 2) return this.fail(new CaptureError('pcap', 'unsupported', 0, 'header', 0, `unsupported version ${major}.${minor}`));
    const snapLen = dv.getUint32(p + 16, le);
    const linkWord = dv.getUint32(p + 20, le);
    const tsResolution = this.nanos ? 9 : 6;
    const iface: InterfaceInfo = {
      id: 0,
      sectionIndex: 0,
      linkType: linkWord & 0xffff,
      snapLen,
      comments: [],
      tsResolution,
      tsOffset: 0,
      // the F bit (bit 28) says bits 29-31 hold the FCS length in 16-bit words
      ...((linkWord & 0x10000000) !== 0 ? { fcsLength: ((linkWord >>> 29) & 7) * 2 } : {}),
    };
    const section: SectionInfo = {
      index: 0,
      offset: 0,
      byteOrder: le ? 'little' : 'big',
      majorVersion: major,
      minorVersion: minor,
      comments: [],
      interfaces: [iface],
      names: [],
      secrets: [],
    };
    this.iface = iface;
    this.sections.push(section);
    this.pos = p + PCAP_HEADER_LENGTH;
    return true;
  }

  private peekMagic(): number {
    this.ensure(4);
    return this.dv.getUint32(this.pos, true);
  }

  private badMagic(): false {
    const m = this.peekMagic();
    return this.fail(new CaptureError('pcap', 'unsupported', 0, 'header', 0, `not a pcap file: magic 0x${m.toString(16).padStart(8, '0')} (read little-endian) is not a1b2c3d4 or a1b23c4d in either byte order`));
  }

  private stall(): false {
    if (!this.ended) return false;
    const left = this.remaining();
    if (left === 0) {
      this.done = true;
      return false;
    }
    this.ensure(left);
    const detail = left < PCAP_RECORD_HEADER_LENGTH
      ? `the file ends inside a record header (cut short in the middle of a packet): ${left} of ${PCAP_RECORD_HEADER_LENGTH} bytes present`
      : `the file ends inside the record (cut short in the middle of a packet): ${left} of ${PCAP_RECORD_HEADER_LENGTH + this.dv.getUint32(this.pos + 8, this.le)} bytes present`;
    return this.bad('truncated', detail);
  }

  private bad(kind: CaptureErrorKind, detail: string): false {
    return this.fail(new CaptureError('pcap', kind, this.recordCount + 1, 'record', this.offset, detail));
  }
}

/** The byte order and resolution a classic pcap magic (read little-endian) stands for, or null. */
export function magicOrder(magicLe: number): { le: boolean; nanos: boolean } | null {
  switch (magicLe >>> 0) {
    case PCAP_MAGIC_US: return { le: true, nanos: false };
    case PCAP_MAGIC_NS: return { le: true, nanos: true };
    case 0xd4c3b2a1: return { le: false, nanos: false };
    case 0x4d3cb2a1: return { le: false, nanos: true };
    default: return null;
  }
}
