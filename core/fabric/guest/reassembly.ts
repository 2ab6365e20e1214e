/**
 * IPv4 fragment reassembly for datagrams addressed to the guest (RFC 791 §3.2, RFC 815 hole
 * bookkeeping as a sorted list of received ranges), with Linux's rules for the awkward cases:
 *
 * - a datagram is identified by (source, destination, protocol, identification);
 * - a fragment that is not the last must carry a multiple of 8 bytes; one that would end past
 *   65535 bytes is dropped (the "ping of death");
 * - an exact duplicate is ignored; a fragment that overlaps received data any other way discards
 *   the whole datagram (Linux since 4.19, RFC 5722 in spirit);
 * - conflicting last fragments (two different ends) discard the datagram;
 * - after `REASSEMBLY_TIMEOUT_NS` (ipfrag_time, 30 s) an incomplete datagram is discarded, and
 *   when its first fragment had arrived an ICMP time exceeded (code 1, "fragment reassembly time
 *   exceeded") goes back to the source (RFC 792, RFC 1122 §3.3.2);
 * - memory is bounded: at most `REASSEMBLY_MEMORY_BYTES` of buffers and `REASSEMBLY_MAX_DATAGRAMS`
 *   datagrams at once; fragments beyond either are dropped.
 *
 * Fragments are copied out of the packet that carried them, so the caller keeps ownership of it.
 */
import { type Ipv4, readIpv4 } from '../../base/addr.ts';
import type { EventId, Simulator } from '../../sim/simulator.ts';
import { REASSEMBLY_MAX_DATAGRAMS, REASSEMBLY_MEMORY_BYTES, REASSEMBLY_TIMEOUT_NS } from './constants.ts';
import { fillIpv4Checksum, FLAG_DF, FLAG_MF, FRAG_MASK } from './frames.ts';

export interface ReassemblyHost {
  /**
   * An incomplete datagram timed out. `quote` is its first fragment's IP header and first 8
   * payload bytes (for ICMP time exceeded), or null when the first fragment never came.
   */
  reassemblyTimedOut(src: Ipv4, quote: Uint8Array | null): void;
}

export type FragmentOutcome = 'held' | 'duplicate' | 'bad-fragment' | 'overlap' | 'no-memory';

class Datagram {
  /** Received ranges [start0, end0, start1, end1, …] of the payload, sorted and merged. */
  ranges: number[] = [];
  /** Payload length, known once the last fragment (MF clear) arrived; -1 before. */
  total = -1;
  buf: Uint8Array = EMPTY;
  /** The first fragment's header (with options), once it arrived. */
  header: Uint8Array | null = null;
  /** The first fragment's header plus 8 payload bytes, for the timeout's ICMP error. */
  quote: Uint8Array | null = null;
  timer: EventId = -1;
  constructor(
    readonly key: string,
    readonly src: Ipv4,
  ) {}
}

const EMPTY = new Uint8Array(0);
const MAX_PAYLOAD = 65535 - 20;

export class Reassembler {
  private readonly pending = new Map<string, Datagram>();
  private memory = 0;
  /** Why the last `add` returned null. */
  lastOutcome: FragmentOutcome = 'held';
  readonly stats = { fragments: 0, reassembled: 0, timeouts: 0, dropped: 0 };

  constructor(
    private readonly sim: Simulator,
    private readonly host: ReassemblyHost,
  ) {}

  /** Datagrams waiting for more fragments. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Bytes of buffers held by incomplete datagrams. */
  get memoryBytes(): number {
    return this.memory;
  }

  /**
   * Adds one fragment: `ip` is a checked IPv4 packet of `headerLen` header bytes and `totalLen`
   * bytes in all. Returns the whole datagram (a new array: header with MF and offset cleared, and
   * the payload) when this fragment completed it; otherwise null, with `lastOutcome` saying why.
   */
  add(ip: Uint8Array, headerLen: number, totalLen: number): Uint8Array | null {
    this.stats.fragments++;
    const flagsFrag = (ip[6] << 8) | ip[7];
    const offset = (flagsFrag & FRAG_MASK) * 8;
    const more = (flagsFrag & FLAG_MF) !== 0;
    const len = totalLen - headerLen;
    const end = offset + len;
    if ((more && (len % 8 !== 0 || len === 0)) || end > MAX_PAYLOAD) return this.reject('bad-fragment');
    const src = readIpv4(ip, 12);
    const key = `${src}/${readIpv4(ip, 16)}/${ip[9]}/${(ip[4] << 8) | ip[5]}`;
    let d = this.pending.get(key);
    if (d === undefined) {
      if (this.pending.size >= REASSEMBLY_MAX_DATAGRAMS) return this.reject('no-memory');
      d = new Datagram(key, src);
      d.timer = this.sim.schedule(REASSEMBLY_TIMEOUT_NS, this, 0, d);
      this.pending.set(key, d);
    }
    // Where the datagram ends.
    if (!more) {
      if ((d.total >= 0 && d.total !== end) || this.maxEnd(d) > end) return this.discard(d, 'overlap');
      d.total = end;
    } else if (d.total >= 0 && end > d.total) {
      return this.discard(d, 'overlap');
    }
    // Overlaps: an exact duplicate is harmless, anything else poisons the datagram.
    const r = d.ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (offset >= r[i] && end <= r[i + 1]) {
        if (len === 0 || (offset === r[i] && end === r[i + 1]) || this.sameBytes(d, ip, headerLen, offset, len)) {
          this.lastOutcome = 'duplicate';
          return null;
        }
        return this.discard(d, 'overlap');
      }
      if (offset < r[i + 1] && end > r[i]) return this.discard(d, 'overlap');
    }
    if (!this.reserve(d, end)) return this.reject('no-memory');
    d.buf.set(ip.subarray(headerLen, totalLen), offset);
    this.insertRange(d, offset, end);
    if (offset === 0) {
      d.header = ip.slice(0, headerLen);
      d.quote = ip.slice(0, Math.min(totalLen, headerLen + 8));
    }
    if (d.total < 0 || d.header === null || r.length !== 2 || r[0] !== 0 || r[1] !== d.total) {
      this.lastOutcome = 'held';
      return null;
    }
    // Complete.
    const header = d.header;
    const out = new Uint8Array(header.length + d.total);
    out.set(header, 0);
    out.set(d.buf.subarray(0, d.total), header.length);
    this.remove(d);
    this.stats.reassembled++;
    const whole = header.length + d.total;
    out[2] = whole >>> 8;
    out[3] = whole & 0xff;
    const df = ((out[6] << 8) | out[7]) & FLAG_DF;
    out[6] = df >>> 8;
    out[7] = 0;
    fillIpv4Checksum(out, 0, header.length);
    return out;
  }

  /** Simulator callback: a datagram's reassembly timer. */
  handleEvent(_kind: number, d: Datagram): void {
    d.timer = -1;
    if (this.pending.get(d.key) !== d) return;
    this.remove(d);
    this.stats.timeouts++;
    this.host.reassemblyTimedOut(d.src, d.quote);
  }

  /** Discards everything (the guest is going away). */
  dispose(): void {
    for (const d of this.pending.values()) if (d.timer >= 0) this.sim.cancel(d.timer);
    this.pending.clear();
    this.memory = 0;
  }

  private maxEnd(d: Datagram): number {
    return d.ranges.length === 0 ? 0 : d.ranges[d.ranges.length - 1];
  }

  private sameBytes(d: Datagram, ip: Uint8Array, headerLen: number, offset: number, len: number): boolean {
    for (let i = 0; i < len; i++) if (d.buf[offset + i] !== ip[headerLen + i]) return false;
    return true;
  }

  private reserve(d: Datagram, end: number): boolean {
    if (end <= d.buf.length) return true;
    const size = Math.min(MAX_PAYLOAD, Math.max(end, d.buf.length * 2, 2048));
    const grow = size - d.buf.length;
    if (this.memory + grow > REASSEMBLY_MEMORY_BYTES) return false;
    const buf = new Uint8Array(size);
    buf.set(d.buf);
    d.buf = buf;
    this.memory += grow;
    return true;
  }

  private insertRange(d: Datagram, start: number, end: number): void {
    const r = d.ranges;
    let i = 0;
    while (i < r.length && r[i] < start) i += 2;
    r.splice(i, 0, start, end);
    // Merge touching neighbours (no overlaps exist by now).
    for (let j = 0; j + 2 < r.length; ) {
      if (r[j + 1] === r[j + 2]) r.splice(j + 1, 2);
      else j += 2;
    }
  }

  private remove(d: Datagram): void {
    if (d.timer >= 0) this.sim.cancel(d.timer);
    d.timer = -1;
    this.pending.delete(d.key);
    this.memory -= d.buf.length;
    d.buf = EMPTY;
  }

  private discard(d: Datagram, why: FragmentOutcome): null {
    this.remove(d);
    return this.reject(why);
  }

  private reject(why: FragmentOutcome): null {
    this.stats.dropped++;
    this.lastOutcome = why;
    return null;
  }
}
