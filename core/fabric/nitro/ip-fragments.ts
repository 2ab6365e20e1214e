/**
 * IPv4 fragmentation and reassembly on the card (RFC 791). The card reassembles fragments before
 * the security group sees a packet — a firewall needs the ports, which only the first fragment
 * carries — and fragments again when the path or the receiving ENI has a smaller MTU and DF is
 * clear. Frames here are Ethernet + IPv4 with the IPv4 header at byte 14.
 */
import { readIpv4 } from '../../base/addr.ts';
import type { PacketPool } from '../../sim/packet-pool.ts';
import type { SimPacket } from '../../sim/packet.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { ipv4HeaderChecksum } from './encapsulation.ts';

const ETH = 14;

/**
 * Splits `frame` into fragments whose IPv4 packets fit `mtu`. Later fragments carry the header
 * without options (no option we emit is copied). The caller keeps ownership of `frame`.
 */
export function fragmentFrame(pool: PacketPool, frame: SimPacket, mtu: number): SimPacket[] {
  const b = frame.bytes;
  const ihl = (b[ETH] & 0x0f) * 4;
  const total = (b[ETH + 2] << 8) | b[ETH + 3];
  const flagsFrag = (b[ETH + 6] << 8) | b[ETH + 7];
  const baseOffset = (flagsFrag & 0x1fff) * 8;
  const lastHasMore = (flagsFrag & 0x2000) !== 0;
  const payload = b.subarray(ETH + ihl, ETH + total);
  const out: SimPacket[] = [];
  let done = 0;
  while (done < payload.length) {
    const headerLen = out.length === 0 ? ihl : 20;
    const room = Math.floor((mtu - headerLen) / 8) * 8;
    if (room <= 0) throw new RangeError(`fragmentFrame: MTU ${mtu} leaves no room for data`);
    const size = Math.min(room, payload.length - done);
    const more = done + size < payload.length || lastHasMore;
    const p = pool.alloc(ETH + headerLen + size);
    const f = p.bytes;
    f.set(b.subarray(0, ETH), 0);
    f.set(b.subarray(ETH, ETH + headerLen), ETH);
    f[ETH] = 0x40 | (headerLen / 4);
    const len = headerLen + size;
    f[ETH + 2] = len >>> 8;
    f[ETH + 3] = len & 0xff;
    const offsetUnits = (baseOffset + done) / 8;
    f[ETH + 6] = (more ? 0x20 : 0) | ((offsetUnits >>> 8) & 0x1f);
    f[ETH + 7] = offsetUnits & 0xff;
    f[ETH + 10] = 0;
    f[ETH + 11] = 0;
    const c = ipv4HeaderChecksum(f, ETH);
    f[ETH + 10] = c >>> 8;
    f[ETH + 11] = c & 0xff;
    f.set(payload.subarray(done, done + size), ETH + headerLen);
    p.traceId = frame.traceId;
    p.hops = frame.hops;
    out.push(p);
    done += size;
  }
  return out;
}

interface Pending {
  readonly key: string;
  /** The first fragment's Ethernet + IPv4 header (offset 0), once seen. */
  head: Uint8Array | null;
  readonly pieces: Map<number, Uint8Array>;
  /** Total payload length, known once the last fragment (MF clear) arrived. */
  totalLength: number;
  received: number;
  traceId: number;
  timer: number;
  /** The first fragment that arrived, kept whole: what a capture shows when the datagram is given up. */
  readonly first: Uint8Array;
}

/** Why a datagram was given up: the reassembler reports it so the card can record the drop. */
export interface ReassemblyFailure {
  /** A copy of the first fragment that arrived (the receiver owns it and must release it). */
  readonly frame: SimPacket;
  readonly fragments: number;
  readonly detail: string;
}

export const REASSEMBLY_TIMEOUT_NS = 30_000_000_000; // Linux ipfrag_time: 30 s
const MAX_DATAGRAM = 65_535;
const MAX_PENDING = 1024;

export class Reassembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly sim: Simulator,
    private readonly pool: PacketPool,
    private readonly onFailure: (failure: ReassemblyFailure) => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /**
   * Takes ownership of a fragment frame. Returns the whole datagram as a new frame when this
   * fragment completes it, else null. Overlapping or oversize fragments abandon the datagram.
   */
  add(frame: SimPacket): SimPacket | null {
    const b = frame.bytes;
    const ihl = (b[ETH] & 0x0f) * 4;
    const total = (b[ETH + 2] << 8) | b[ETH + 3];
    const flagsFrag = (b[ETH + 6] << 8) | b[ETH + 7];
    const offset = (flagsFrag & 0x1fff) * 8;
    const more = (flagsFrag & 0x2000) !== 0;
    const key = `${readIpv4(b, ETH + 12)}/${readIpv4(b, ETH + 16)}/${b[ETH + 9]}/${(b[ETH + 4] << 8) | b[ETH + 5]}`;
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING) {
        this.onFailure({ frame, fragments: 1, detail: `more than ${MAX_PENDING} datagrams awaiting reassembly` });
        return null;
      }
      entry = { key, head: null, pieces: new Map(), totalLength: -1, received: 0, traceId: frame.traceId, timer: 0, first: b.slice() };
      const e = entry;
      entry.timer = this.sim.call(REASSEMBLY_TIMEOUT_NS, () => this.expire(e));
      this.pending.set(key, entry);
    }
    const data = b.slice(ETH + ihl, ETH + total);
    const end = offset + data.length;
    const bad = end > MAX_DATAGRAM || entry.pieces.has(offset) || (!more && entry.totalLength >= 0) || (entry.totalLength >= 0 && end > entry.totalLength);
    if (offset === 0) entry.head = b.slice(0, ETH + ihl);
    if (!more) entry.totalLength = end;
    frame.release();
    if (bad) {
      this.abandon(entry, 'overlapping, duplicate or oversize fragment');
      return null;
    }
    entry.pieces.set(offset, data);
    entry.received += data.length;
    if (entry.head === null || entry.totalLength < 0 || entry.received !== entry.totalLength) return null;
    return this.assemble(entry);
  }

  private assemble(entry: Pending): SimPacket | null {
    // Pieces must tile [0, total) exactly; `received` equal to the total with no duplicate
    // offsets can still hide an overlap, so walk them in order.
    const offsets = [...entry.pieces.keys()].sort((a, c) => a - c);
    let at = 0;
    for (const o of offsets) {
      if (o !== at) {
        this.abandon(entry, 'fragments overlap or leave a gap');
        return null;
      }
      at += entry.pieces.get(o)!.length;
    }
    const head = entry.head!;
    const ihl = head.length - ETH;
    const p = this.pool.alloc(head.length + entry.totalLength);
    const out = p.bytes;
    out.set(head, 0);
    for (const o of offsets) out.set(entry.pieces.get(o)!, head.length + o);
    const len = ihl + entry.totalLength;
    out[ETH + 2] = len >>> 8;
    out[ETH + 3] = len & 0xff;
    out[ETH + 6] &= 0x40; // keep DF, clear MF and the offset
    out[ETH + 7] = 0;
    out[ETH + 10] = 0;
    out[ETH + 11] = 0;
    const c = ipv4HeaderChecksum(out, ETH);
    out[ETH + 10] = c >>> 8;
    out[ETH + 11] = c & 0xff;
    p.traceId = entry.traceId;
    this.sim.cancel(entry.timer);
    this.pending.delete(entry.key);
    return p;
  }

  private expire(entry: Pending): void {
    if (this.pending.get(entry.key) !== entry) return;
    this.pending.delete(entry.key);
    this.onFailure({ frame: this.copyOfFirst(entry), fragments: entry.pieces.size, detail: `datagram incomplete after ${REASSEMBLY_TIMEOUT_NS / 1e9} s` });
  }

  private copyOfFirst(entry: Pending): SimPacket {
    const p = this.pool.alloc(entry.first.length);
    p.bytes.set(entry.first);
    p.traceId = entry.traceId;
    return p;
  }

  private abandon(entry: Pending, detail: string): void {
    this.sim.cancel(entry.timer);
    this.pending.delete(entry.key);
    this.onFailure({ frame: this.copyOfFirst(entry), fragments: entry.pieces.size + 1, detail });
  }
}
