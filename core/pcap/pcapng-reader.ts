import {
  ChunkedReader, decodeText, MAX_COMMENTS_PER_BLOCK, MAX_INTERFACES, MAX_NAME_ENTRIES, MAX_SECRETS_BYTES,
  MAX_SECTIONS, TimeScale,
} from './chunked-reader.ts';
import * as format from './pcapng-format.ts';
import {
  CaptureError, decodeComments, type CaptureErrorKind, type CaptureRecord, type InterfaceInfo, type InterfaceStatistics, type NameEntry,
  type ReaderOptions, type SecretsEntry, type SectionInfo,
} from './record.ts';

class Iface implements InterfaceInfo {
  name?: string;
  description?: string;
  os?: string;
  hardware?: string;
  comments: string[] = [];
  tsResolution = 6;
  tsOffset = 0;
  fcsLength?: number;
  statistics?: InterfaceStatistics;
  scale: TimeScale = MICROSECONDS;
  constructor(
    readonly id: number,
    readonly sectionIndex: number,
    readonly linkType: number,
    readonly snapLen: number,
  ) {}
}

class Section implements SectionInfo {
  hardware?: string;
  os?: string;
  application?: string;
  comments: string[] = [];
  interfaces: Iface[] = [];
  names: NameEntry[] = [];
  secrets: SecretsEntry[] = [];
  constructor(
    readonly index: number,
    readonly offset: number,
    readonly byteOrder: 'little' | 'big',
    readonly majorVersion: number,
    readonly minorVersion: number,
  ) {}
}

// Imported bindings read per block are copied once: the CommonJS-style transform tsx and Vitest
// apply turns every access to an imported binding into a getter call, and `next` is too large for
// V8 to inline them all (they took ~10% of a read).
const { BlockType, BYTE_ORDER_MAGIC, Option, blockTypeName } = format;
const EPB = BlockType.epb;
const COMMENT = Option.comment;
const EPB_FLAGS = Option.epbFlags;
const EPB_PACKET_ID = Option.epbPacketId;

const MICROSECONDS = new TimeScale(6);
/** The shortest total length each block type can have (12 for types without a fixed body). */
function minLength(type: number): number {
  switch (type) {
    case BlockType.epb:
    case BlockType.packet:
      return 32;
    case BlockType.shb: return 28;
    case BlockType.isb: return 24;
    case BlockType.idb:
    case BlockType.dsb:
      return 20;
    case BlockType.spb:
    case BlockType.custom:
    case BlockType.customNoCopy:
      return 16;
    default: return 12;
  }
}

/**
 * A streaming pcapng reader: both byte orders (per section, from the SHB magic), any number of
 * sections, IDB if_tsresol (10^-n and 2^-n) and if_tsoffset; packets from EPB, SPB and the obsolete
 * PB; NRB, ISB and DSB kept as metadata; custom, journal and unknown blocks skipped. Every length
 * and option is bounds-checked; the first problem stops the reader with a positioned `error`.
 */
export class PcapngReader extends ChunkedReader {
  readonly format = 'pcapng' as const;
  /** Blocks skipped: custom, systemd journal, local-use and unknown types. */
  skippedBlocks = 0;
  private le = true;
  private section: Section | null = null;
  private ifaces: Iface[] = [];
  /** Blocks consumed so far; the block being parsed is number `blocks + 1`. */
  private blocks = 0;
  private nameEntries = 0;
  private interfaceTotal = 0;
  private secretsBytes = 0;

  constructor(options: ReaderOptions = {}) {
    super(options);
  }

  /** The interfaces of the current section. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.ifaces;
  }

  protected next(rec: CaptureRecord): boolean {
    for (;;) {
      if (this.done) return false;
      if (!this.ensure(12)) return this.stall();
      let p = this.pos;
      let dv = this.dv;
      const type = dv.getUint32(p, this.le);
      if (type === BlockType.shb) {
        const magic = dv.getUint32(p + 8, true);
        if (magic === BYTE_ORDER_MAGIC) this.le = true;
        else if (magic === 0x4d3c2b1a) this.le = false;
        else return this.bad('malformed', type, `byte-order magic 0x${magic.toString(16).padStart(8, '0')} is neither 1a2b3c4d nor 4d3c2b1a`);
      } else if (this.section === null) {
        return this.bad('unsupported', type, 'not a pcapng file: the first block is not a Section Header Block');
      }
      const le = this.le;
      const total = dv.getUint32(p + 4, le);
      const min = minLength(type);
      if (total < min) return this.bad('malformed', type, `total length ${total} is too short (at least ${min})`);
      if ((total & 3) !== 0) return this.bad('malformed', type, `total length ${total} is not a multiple of 4`);
      if (total > this.maxBlockLength) {
        return this.bad('limit', type, `total length ${total} exceeds the reader's limit of ${this.maxBlockLength} bytes (${limitText(this.maxBlockLength)})`);
      }
      if (!this.ensure(total)) return this.stall();
      p = this.pos;
      dv = this.dv;
      const trailer = dv.getUint32(p + total - 4, le);
      if (trailer !== total) return this.bad('malformed', type, `total block lengths (first ${total} and second ${trailer}) don't match`);
      const end = p + total - 4;
      switch (type) {
        case BlockType.epb: {
          const id = dv.getUint32(p + 8, le);
          const capLen = dv.getUint32(p + 20, le);
          if (capLen > total - 32) return this.bad('malformed', type, `captured length ${capLen} is larger than the block holds (${total - 32})`);
          const ifc = this.ifaces[id];
          if (ifc === undefined) return this.badInterface(type, id);
          const data = p + 28;
          rec.bytes = this.view(data, capLen);
          rec.originalLength = dv.getUint32(p + 24, le);
          ifc.scale.apply(rec, dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), ifc.tsOffset);
          if (!this.packetOptions(rec, type, data + ((capLen + 3) & ~3), end)) return false;
          return this.deliver(rec, ifc, p, total);
        }
        case BlockType.spb: {
          const ifc = this.ifaces[0];
          if (ifc === undefined) return this.badInterface(type, 0);
          const orig = dv.getUint32(p + 8, le);
          let capLen = Math.min(orig, total - 16);
          if (ifc.snapLen > 0 && capLen > ifc.snapLen) capLen = ifc.snapLen;
          rec.bytes = this.view(p + 12, capLen);
          rec.originalLength = orig;
          rec.tsSec = 0;
          rec.tsNsec = 0;
          rec.flags = undefined;
          rec.comments = undefined;
          rec.commentCount = 0;
          rec.packetId = undefined;
          return this.deliver(rec, ifc, p, total);
        }
        case BlockType.packet: {
          const id = dv.getUint16(p + 8, le);
          const capLen = dv.getUint32(p + 20, le);
          if (capLen > total - 32) return this.bad('malformed', type, `captured length ${capLen} is larger than the block holds (${total - 32})`);
          const ifc = this.ifaces[id];
          if (ifc === undefined) return this.badInterface(type, id);
          const data = p + 28;
          rec.bytes = this.view(data, capLen);
          rec.originalLength = dv.getUint32(p + 24, le);
          ifc.scale.apply(rec, dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), ifc.tsOffset);
          if (!this.packetOptions(rec, type, data + ((capLen + 3) & ~3), end)) return false;
          return this.deliver(rec, ifc, p, total);
        }
        case BlockType.shb:
          if (!this.sectionHeader(p, end)) return false;
          break;
        case BlockType.idb:
          if (!this.interfaceDescription(p, end)) return false;
          break;
        case BlockType.nrb:
          if (!this.nameResolution(p, end)) return false;
          break;
        case BlockType.isb:
          if (!this.interfaceStatistics(p, end)) return false;
          break;
        case BlockType.dsb:
          if (!this.decryptionSecrets(p, end, total)) return false;
          break;
        default:
          this.skippedBlocks++;
      }
      this.pos = p + total;
      this.blocks++;
    }
  }

  private deliver(rec: CaptureRecord, ifc: Iface, p: number, total: number): true {
    rec.number = ++this.recordCount;
    rec.interfaceId = ifc.id;
    rec.linkType = ifc.linkType;
    rec.interfaceName = ifc.name;
    rec.interfaceDescription = ifc.description;
    rec.sectionIndex = ifc.sectionIndex;
    rec.offset = this.base + p;
    this.pos = p + total;
    this.blocks++;
    return true;
  }

  /**
   * EPB/PB options: flags and packet id now; comments decoded now for a fresh record, on first
   * access for the reused one.
   */
  private packetOptions(rec: CaptureRecord, type: number, start: number, end: number): boolean {
    rec.flags = undefined;
    rec.packetId = undefined;
    const dv = this.dv;
    const le = this.le;
    let count = 0;
    let o = start;
    while (o + 4 <= end) {
      const code = dv.getUint16(o, le);
      if (code === Option.endOfOpt) break;
      const len = dv.getUint16(o + 2, le);
      const v = o + 4;
      if (v + len > end) return this.badOption(type, code, len, o);
      if (code === COMMENT) count++;
      else if (code === EPB_FLAGS) {
        if (len === 4) rec.flags = dv.getUint32(v, le);
      } else if (code === EPB_PACKET_ID && type === EPB) {
        if (len === 8) rec.packetId = u64(dv, v, le);
      }
      o = v + ((len + 3) & ~3);
    }
    rec.commentCount = count;
    if (count === 0) rec.comments = undefined;
    else if (rec === this.reused) this.reused.setCommentSource(this.cur, start, end, le);
    else rec.comments = decodeComments(this.cur, start, end, le);
    return true;
  }

  /**
   * Walks an option list, calling `each(code, valueStart, valueLength)`; false (with the error set)
   * if an option runs past the block.
   */
  private options(type: number, o: number, end: number, each: (code: number, v: number, len: number) => void): boolean {
    const dv = this.dv;
    const le = this.le;
    while (o + 4 <= end) {
      const code = dv.getUint16(o, le);
      if (code === Option.endOfOpt) break;
      const len = dv.getUint16(o + 2, le);
      const v = o + 4;
      if (v + len > end) return this.badOption(type, code, len, o);
      each(code, v, len);
      o = v + ((len + 3) & ~3);
    }
    return true;
  }

  private sectionHeader(p: number, end: number): boolean {
    const dv = this.dv;
    const major = dv.getUint16(p + 12, this.le);
    const minor = dv.getUint16(p + 14, this.le);
    // Wireshark reads 1.0 and 1.2 (the draft's "readers must accept 1.2"); 1.1 and others it rejects
    if (major !== 1 || (minor !== 0 && minor !== 2)) return this.bad('unsupported', BlockType.shb, `unknown SHB version ${major}.${minor}`);
    if (this.sections.length >= MAX_SECTIONS) return this.bad('limit', BlockType.shb, `more than ${MAX_SECTIONS} sections`);
    const s = new Section(this.sections.length, this.base + p, this.le ? 'little' : 'big', major, minor);
    const ok = this.options(BlockType.shb, p + 24, end, (code, v, len) => {
      const text = () => decodeText(this.cur, v, v + len);
      if (code === Option.comment) {
        if (s.comments.length < MAX_COMMENTS_PER_BLOCK) s.comments.push(text());
      } else if (code === Option.shbHardware) s.hardware = text();
      else if (code === Option.shbOs) s.os = text();
      else if (code === Option.shbUserAppl) s.application = text();
    });
    if (!ok) return false;
    this.sections.push(s);
    this.section = s;
    this.ifaces = s.interfaces;
    return true;
  }

  private interfaceDescription(p: number, end: number): boolean {
    const dv = this.dv;
    const le = this.le;
    const s = this.section!;
    if (this.interfaceTotal >= MAX_INTERFACES) return this.bad('limit', BlockType.idb, `more than ${MAX_INTERFACES} interfaces in the file`);
    const ifc = new Iface(s.interfaces.length, s.index, dv.getUint16(p + 8, le), dv.getUint32(p + 12, le));
    const ok = this.options(BlockType.idb, p + 16, end, (code, v, len) => {
      const text = () => decodeText(this.cur, v, v + len);
      switch (code) {
        case Option.comment:
          if (ifc.comments.length < MAX_COMMENTS_PER_BLOCK) ifc.comments.push(text());
          break;
        case Option.ifName: ifc.name = text(); break;
        case Option.ifDescription: ifc.description = text(); break;
        case Option.ifOs: ifc.os = text(); break;
        case Option.ifHardware: ifc.hardware = text(); break;
        case Option.ifTsresol:
          if (len === 1) {
            ifc.tsResolution = this.cur[v];
            ifc.scale = new TimeScale(ifc.tsResolution);
          }
          break;
        case Option.ifTsoffset:
          if (len === 8) ifc.tsOffset = i64(dv, v, le);
          break;
        case Option.ifFcslen:
          if (len === 1) ifc.fcsLength = this.cur[v];
          break;
      }
    });
    if (!ok) return false;
    s.interfaces.push(ifc);
    this.interfaceTotal++;
    return true;
  }

  private nameResolution(p: number, end: number): boolean {
    const dv = this.dv;
    const le = this.le;
    const cur = this.cur;
    const s = this.section!;
    let o = p + 8;
    while (o + 4 <= end) {
      const kind = dv.getUint16(o, le);
      const len = dv.getUint16(o + 2, le);
      if (kind === Option.nrbRecordEnd) {
        o += 4;
        break;
      }
      const v = o + 4;
      if (v + len > end) return this.bad('malformed', BlockType.nrb, `name record of type ${kind} (length ${len}) at offset ${this.base + o} runs past the end of the block`);
      const addrLen = kind === Option.nrbRecordIpv4 ? 4 : kind === Option.nrbRecordIpv6 ? 16 : kind === Option.nrbRecordEui48 ? 6 : kind === Option.nrbRecordEui64 ? 8 : -1;
      if (addrLen > 0 && len >= addrLen && this.nameEntries < MAX_NAME_ENTRIES) {
        const names: string[] = [];
        let start = v + addrLen;
        for (let i = start; i < v + len; i++) {
          if (cur[i] !== 0) continue;
          if (i > start) names.push(decodeText(cur, start, i));
          start = i + 1;
        }
        if (start < v + len) names.push(decodeText(cur, start, v + len));
        this.nameEntries += 1 + names.length;
        s.names.push({ kind: NAME_KINDS[kind - 1], address: cur.slice(v, v + addrLen), names });
      }
      o = v + ((len + 3) & ~3);
    }
    // NRB options (ns_dnsname …) are checked for bounds but not kept
    return this.options(BlockType.nrb, o, end, () => {});
  }

  private interfaceStatistics(p: number, end: number): boolean {
    const dv = this.dv;
    const le = this.le;
    const ifc = this.ifaces[dv.getUint32(p + 8, le)];
    const st: InterfaceStatistics = { tsSec: 0, tsNsec: 0 };
    const scale = ifc?.scale ?? MICROSECONDS;
    scale.apply(st, dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), ifc?.tsOffset ?? 0);
    const comments: string[] = [];
    const ok = this.options(BlockType.isb, p + 20, end, (code, v, len) => {
      if (code === Option.comment) {
        if (comments.length < MAX_COMMENTS_PER_BLOCK) comments.push(decodeText(this.cur, v, v + len));
        return;
      }
      if (len !== 8) return;
      const n = u64(dv, v, le);
      if (code === Option.isbIfRecv) st.received = n;
      else if (code === Option.isbIfDrop) st.dropped = n;
      else if (code === Option.isbFilterAccept) st.filterAccepted = n;
      else if (code === Option.isbOsDrop) st.osDropped = n;
      else if (code === Option.isbUsrDeliv) st.delivered = n;
    });
    if (!ok) return false;
    if (comments.length) st.comments = comments;
    // statistics for an interface the section never described are ignored, as Wireshark does
    if (ifc) ifc.statistics = st;
    return true;
  }

  private decryptionSecrets(p: number, end: number, total: number): boolean {
    const dv = this.dv;
    const type = dv.getUint32(p + 8, this.le);
    const len = dv.getUint32(p + 12, this.le);
    if (len > total - 20) return this.bad('malformed', BlockType.dsb, `secrets length ${len} is larger than the block holds (${total - 20})`);
    const data = p + 16;
    if (!this.options(BlockType.dsb, data + ((len + 3) & ~3), end, () => {})) return false;
    if (this.secretsBytes + len <= MAX_SECRETS_BYTES) {
      this.secretsBytes += len;
      this.section!.secrets.push({ type, data: this.cur.slice(data, data + len) });
    }
    return true;
  }

  /** Out of input: wait for more, or at the end report what is missing. */
  private stall(): false {
    if (!this.ended) return false;
    const left = this.remaining();
    if (left === 0) {
      if (this.section === null) return this.bad('truncated', BlockType.shb, 'the file is empty');
      this.done = true;
      return false;
    }
    // name the block if enough of its header arrived to know its type (and its length)
    this.ensure(left);
    const type = left >= 4 ? this.dv.getUint32(this.pos, this.le) : this.section === null ? BlockType.shb : -1;
    if (this.section === null && type !== BlockType.shb) return this.bad('unsupported', type, 'not a pcapng file: the first block is not a Section Header Block');
    const total = left >= 8 && (type !== BlockType.shb || left >= 12) ? this.dv.getUint32(this.pos + 4, this.le) : 0;
    const detail = total > left
      ? `the file ends inside the block (cut short in the middle of a packet): ${left} of ${total} bytes present`
      : `the file ends inside a block header (cut short in the middle of a packet): ${left} of at least 12 bytes present`;
    return this.fail(new CaptureError('pcapng', 'truncated', this.blocks + 1, type === -1 ? 'unknown' : blockTypeName(type), this.offset, detail));
  }

  private bad(kind: CaptureErrorKind, type: number, detail: string): false {
    return this.fail(new CaptureError('pcapng', kind, this.blocks + 1, blockTypeName(type), this.offset, detail));
  }

  private badInterface(type: number, id: number): false {
    const n = this.ifaces.length;
    return this.bad('malformed', type, `interface id ${id} is not defined (the section has ${n} interface${n === 1 ? '' : 's'})`);
  }

  private badOption(type: number, code: number, len: number, o: number): false {
    return this.bad('malformed', type, `option ${code} (length ${len}) at offset ${this.base + o} runs past the end of the block`);
  }
}

const NAME_KINDS = ['ipv4', 'ipv6', 'eui48', 'eui64'] as const;

function u64(dv: DataView, at: number, le: boolean): number {
  const a = dv.getUint32(at, le);
  const b = dv.getUint32(at + 4, le);
  return le ? b * 4294967296 + a : a * 4294967296 + b;
}

function i64(dv: DataView, at: number, le: boolean): number {
  const a = dv.getUint32(at, le);
  const b = dv.getUint32(at + 4, le);
  return le ? (b | 0) * 4294967296 + a : (a | 0) * 4294967296 + b;
}

function limitText(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}
