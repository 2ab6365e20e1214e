import { utf8Decode } from '../base/bytes.ts';

/**
 * What the capture readers hand out: one packet record (structurally a dissect FrameRecord, plus
 * where it came from: pcap sits below dissect, so it does not import the type), the section and
 * interface metadata around it, and errors as values.
 */

const EMPTY = new Uint8Array(0);

/**
 * One packet. `bytes` is a view into the chunk that was pushed (or, for a block that straddled two
 * chunks, into a small buffer holding just that block): no copy is made, so it stays valid as long
 * as the caller does not overwrite the chunk it pushed.
 */
export class CaptureRecord {
  /** 1-based packet number in the file, counted over all sections. */
  number = 0;
  bytes: Uint8Array = EMPTY;
  originalLength = 0;
  tsSec = 0;
  tsNsec = 0;
  /** Interface id within the record's section (always 0 for classic pcap). */
  interfaceId = 0;
  linkType = 0;
  interfaceName: string | undefined = undefined;
  interfaceDescription: string | undefined = undefined;
  /** epb_flags (or the obsolete pack_flags); undefined when the block has none. */
  flags: number | undefined = undefined;
  /** opt_comment values (a plain property here; decoded on first access on the record `read()` reuses). */
  declare comments: readonly string[] | undefined;
  /** How many opt_comment options the block has: known without decoding them. */
  commentCount = 0;
  /** epb_packetid. */
  packetId: number | undefined = undefined;
  /** Index into the reader's `sections`. */
  sectionIndex = 0;
  /** Byte offset of the block (pcapng) or record header (pcap) in the file. */
  offset = 0;

  constructor() {
    // an own data property here; on ReusedCaptureRecord this assignment goes to its prototype setter
    this.comments = undefined;
  }

  /** A plain-object snapshot with only the FrameRecord fields (bytes are still a view into the chunk). */
  toFrameRecord(): PlainFrameRecord {
    const r: PlainFrameRecord = {
      number: this.number,
      bytes: this.bytes,
      originalLength: this.originalLength,
      tsSec: this.tsSec,
      tsNsec: this.tsNsec,
      interfaceId: this.interfaceId,
      linkType: this.linkType,
    };
    if (this.interfaceName !== undefined) r.interfaceName = this.interfaceName;
    if (this.interfaceDescription !== undefined) r.interfaceDescription = this.interfaceDescription;
    if (this.flags !== undefined) r.flags = this.flags;
    if (this.comments !== undefined) r.comments = this.comments;
    return r;
  }
}

/** At most this many comments are decoded per block (a hostile block could hold millions). */
export const MAX_COMMENTS_PER_BLOCK = 4096;

/**
 * The record object `read(callback)` reuses. Its `comments` is an accessor that decodes the
 * block's opt_comment options on first access, so callers that never look at comments do not pay
 * for UTF-8 decoding. The accessor lives on the prototype (an own accessor would drop the object
 * into V8's slow dictionary mode), so `{...record}` does not copy comments: use `toFrameRecord()`.
 */
export class ReusedCaptureRecord extends CaptureRecord {
  private src: Uint8Array | null = null;
  private srcStart = 0;
  private srcEnd = 0;
  private srcLe = true;
  private decoded: readonly string[] | undefined = undefined;

  /** Points `comments` at an option list already checked for bounds. */
  setCommentSource(buf: Uint8Array, start: number, end: number, le: boolean): void {
    this.src = buf;
    this.srcStart = start;
    this.srcEnd = end;
    this.srcLe = le;
    this.decoded = undefined;
  }

  static {
    Object.defineProperty(ReusedCaptureRecord.prototype, 'comments', {
      enumerable: true,
      configurable: true,
      get(this: ReusedCaptureRecord): readonly string[] | undefined {
        if (this.src !== null) {
          this.decoded = decodeComments(this.src, this.srcStart, this.srcEnd, this.srcLe);
          this.src = null;
        }
        return this.decoded;
      },
      set(this: ReusedCaptureRecord, v: readonly string[] | undefined) {
        this.src = null;
        this.decoded = v;
      },
    });
  }
}

/** The opt_comment values of an option list that has been bounds-checked (up to MAX_COMMENTS_PER_BLOCK). */
export function decodeComments(b: Uint8Array, o: number, end: number, le: boolean): string[] {
  const out: string[] = [];
  while (o + 4 <= end) {
    const code = le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
    if (code === 0) break;
    const len = le ? b[o + 2] | (b[o + 3] << 8) : (b[o + 2] << 8) | b[o + 3];
    const v = o + 4;
    if (v + len > end) break;
    if (code === 1 && out.length < MAX_COMMENTS_PER_BLOCK) out.push(len === 0 ? '' : utf8Decode(b.subarray(v, v + len)));
    o = v + ((len + 3) & ~3);
  }
  return out;
}

/** The fields of core/dissect's FrameRecord, as a plain object. */
export interface PlainFrameRecord {
  number: number;
  bytes: Uint8Array;
  originalLength: number;
  tsSec: number;
  tsNsec: number;
  interfaceId: number;
  linkType: number;
  interfaceName?: string;
  interfaceDescription?: string;
  flags?: number;
  comments?: readonly string[];
}

export type CaptureFormat = 'pcap' | 'pcapng';

export type CaptureErrorKind =
  /** The input stops inside a block or header ("cut short in the middle of a packet"). */
  | 'truncated'
  /** A length, id or field that the format forbids. */
  | 'malformed'
  /** A well-formed file this reader does not read (unknown version, not a capture file). */
  | 'unsupported'
  /** A block longer than `maxBlockLength`, or more interfaces or sections than the reader keeps. */
  | 'limit'
  /** The host could not read the file (reported by main/capture-file, never by the core readers). */
  | 'io';

/**
 * Why a file could not be read, with where: the block (pcapng) or record (pcap) number, counted
 * from 1 over the whole file, its type and its byte offset. Readers return it as a value (their
 * `error` property); it extends Error only so callers may throw it if they want to.
 */
export class CaptureError extends Error {
  /** 'unknown' when the input matched neither format's magic. */
  readonly format: CaptureFormat | 'unknown';
  readonly kind: CaptureErrorKind;
  /** 1-based block/record number; 0 for the classic pcap file header. */
  readonly blockNumber: number;
  /** 'SHB', 'EPB', … for pcapng; 'header' or 'record' for pcap. */
  readonly blockType: string;
  readonly offset: number;
  /** The message without the `format: block n (type) at offset x:` prefix. */
  readonly detail: string;

  constructor(format: CaptureFormat | 'unknown', kind: CaptureErrorKind, blockNumber: number, blockType: string, offset: number, detail: string) {
    const where = kind === 'io' ? `read error at offset ${offset}` : format === 'pcapng'
      ? `block ${blockNumber} (${blockType}) at offset ${offset}`
      : blockType === 'header' ? `file header at offset ${offset}` : `record ${blockNumber} at offset ${offset}`;
    super(`${format === 'unknown' ? 'capture file' : format}: ${where}: ${detail}`);
    this.name = 'CaptureError';
    this.format = format;
    this.kind = kind;
    this.blockNumber = blockNumber;
    this.blockType = blockType;
    this.offset = offset;
    this.detail = detail;
  }
}

export interface InterfaceStatistics {
  tsSec: number;
  tsNsec: number;
  received?: number;
  dropped?: number;
  filterAccepted?: number;
  osDropped?: number;
  delivered?: number;
  comments?: readonly string[];
}

export interface InterfaceInfo {
  /** Id within its section: 0, 1, 2 … in IDB order. */
  readonly id: number;
  readonly sectionIndex: number;
  readonly linkType: number;
  /** 0 means no limit. */
  readonly snapLen: number;
  readonly name?: string;
  readonly description?: string;
  readonly os?: string;
  readonly hardware?: string;
  readonly comments: readonly string[];
  /** if_tsresol byte: n means 10^-n s, n | 0x80 means 2^-n s; 6 when absent (and for µs pcap), 9 for ns pcap. */
  readonly tsResolution: number;
  /** if_tsoffset: seconds added to every timestamp. */
  readonly tsOffset: number;
  readonly fcsLength?: number;
  /** The last Interface Statistics Block seen for it. */
  readonly statistics?: InterfaceStatistics;
}

export interface NameEntry {
  readonly kind: 'ipv4' | 'ipv6' | 'eui48' | 'eui64';
  /** The address bytes (a copy). */
  readonly address: Uint8Array;
  readonly names: readonly string[];
}

export interface SecretsEntry {
  readonly type: number;
  /** The secrets bytes (a copy). */
  readonly data: Uint8Array;
}

export interface SectionInfo {
  readonly index: number;
  /** Offset of the SHB (or of the pcap file header). */
  readonly offset: number;
  readonly byteOrder: 'little' | 'big';
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly hardware?: string;
  readonly os?: string;
  readonly application?: string;
  readonly comments: readonly string[];
  readonly interfaces: readonly InterfaceInfo[];
  /** Name Resolution Block entries (at most `maxNameEntries` over the file are kept). */
  readonly names: readonly NameEntry[];
  /** Decryption Secrets Blocks (at most `maxSecretsBytes` over the file are kept). */
  readonly secrets: readonly SecretsEntry[];
}

export interface ReaderOptions {
  /** Longest block (pcapng) or captured length (pcap) accepted; default 256 MiB. */
  readonly maxBlockLength?: number;
}

export type RecordCallback = (record: CaptureRecord) => void;

/**
 * An incremental reader. Feed it with `push(chunk)` (any sizes), take the complete records with
 * `read(callback)` (one reused record object: fastest) or `records()` (a fresh object per record),
 * call `end()` when the input is over, then read once more to get the last records and any
 * truncation error. Nothing here throws on bad input: a problem stops the reader and sets `error`.
 */
export interface CaptureReader {
  readonly format: CaptureFormat | null;
  /** The first problem found; once set, nothing more is read. */
  readonly error: CaptureError | null;
  /** True once the input has ended and everything was read (or an error stopped the reader). */
  readonly done: boolean;
  /** Packet records delivered so far. */
  readonly recordCount: number;
  /** Bytes of the file consumed so far (offset of the next block). */
  readonly offset: number;
  readonly sections: readonly SectionInfo[];
  push(chunk: Uint8Array): void;
  end(): void;
  /** Delivers every complete buffered record; `record` is reused and valid only during the call. Returns the count. */
  read(onRecord: RecordCallback): number;
  records(): IterableIterator<CaptureRecord>;
}
