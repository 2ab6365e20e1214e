/**
 * Out-of-order data of the receive side: the pieces that arrived beyond a hole, kept until the
 * hole is filled, plus a FIN that arrived early. Pieces are copies, sorted by sequence number and
 * never overlapping (bytes already held win over a later copy of the same range). The caller
 * trims every piece to the receive window first, so all of them lie within 2^30 of `rcvNxt` and
 * plain signed distances order them.
 *
 * It also produces the SACK blocks (RFC 2018) that describe what it holds: the block holding the
 * most recently received piece first, then the others in sequence order.
 */
import { seqAdd, seqDiff } from './seq.ts';

interface Piece {
  seq: number;
  data: Uint8Array;
}

export class Reassembly {
  private pieces: Piece[] = [];
  /** Sequence number of an early FIN (the byte after the last data byte), or −1. */
  private finSeq = -1;
  /** Sequence number of the most recent piece, for the first SACK block; −1 when none. */
  private lastSeq = -1;

  get isEmpty(): boolean {
    return this.pieces.length === 0;
  }

  /** Bytes held. */
  get bytes(): number {
    let n = 0;
    for (const p of this.pieces) n += p.data.length;
    return n;
  }

  /** Keeps a copy of the parts of `data` (at `seq`, beyond `rcvNxt`) not held yet. */
  insert(rcvNxt: number, seq: number, data: Uint8Array): void {
    if (data.length === 0) return;
    this.lastSeq = seq;
    const start = seqDiff(seq, rcvNxt);
    const end = start + data.length;
    let cur = start;
    const added: Piece[] = [];
    for (const p of this.pieces) {
      const ps = seqDiff(p.seq, rcvNxt);
      const pe = ps + p.data.length;
      if (pe <= cur) continue;
      if (ps >= end) break;
      if (ps > cur) added.push({ seq: seqAdd(rcvNxt, cur), data: data.slice(cur - start, ps - start) });
      cur = Math.max(cur, pe);
      if (cur >= end) break;
    }
    if (cur < end) added.push({ seq: seqAdd(rcvNxt, cur), data: data.slice(cur - start, end - start) });
    if (added.length === 0) return;
    this.pieces.push(...added);
    this.pieces.sort((a, b) => seqDiff(a.seq, rcvNxt) - seqDiff(b.seq, rcvNxt));
  }

  /** Remembers a FIN that arrived beyond a hole (at the sequence number after its data). */
  setFin(seq: number): void {
    this.finSeq = seq;
  }

  /** True when the early FIN is now next in sequence. */
  finAt(rcvNxt: number): boolean {
    return this.finSeq >= 0 && this.finSeq === rcvNxt;
  }

  /**
   * The held bytes that now continue the stream at `rcvNxt`, or null. Pieces wholly before
   * `rcvNxt` (delivered meanwhile by an overlapping in-order segment) are dropped on the way.
   */
  takeNext(rcvNxt: number): Uint8Array | null {
    while (this.pieces.length > 0) {
      const p = this.pieces[0];
      const ps = seqDiff(p.seq, rcvNxt);
      if (ps > 0) return null;
      this.pieces.shift();
      if (ps + p.data.length > 0) return p.data.subarray(-ps);
    }
    return null;
  }

  /**
   * Writes up to `max` SACK blocks as [left, right) pairs into `out` and returns how many. Adjacent
   * pieces are merged into one block.
   */
  sackBlocks(rcvNxt: number, out: Uint32Array, max: number): number {
    if (this.pieces.length === 0 || max === 0) return 0;
    // Contiguous runs of pieces, as [start, end) distances from rcvNxt.
    const runs: number[] = [];
    for (const p of this.pieces) {
      const ps = seqDiff(p.seq, rcvNxt);
      const pe = ps + p.data.length;
      if (pe <= 0) continue;
      const n = runs.length;
      if (n > 0 && runs[n - 1] >= ps) runs[n - 1] = Math.max(runs[n - 1], pe);
      else runs.push(Math.max(ps, 1), pe);
    }
    const last = this.lastSeq >= 0 ? seqDiff(this.lastSeq, rcvNxt) : -1;
    let first = -1;
    for (let i = 0; i < runs.length; i += 2) if (last >= runs[i] && last < runs[i + 1]) first = i;
    let count = 0;
    const put = (i: number) => {
      out[2 * count] = seqAdd(rcvNxt, runs[i]);
      out[2 * count + 1] = seqAdd(rcvNxt, runs[i + 1]);
      count++;
    };
    if (first >= 0) put(first);
    for (let i = 0; i < runs.length && count < max; i += 2) if (i !== first) put(i);
    return count;
  }

  clear(): void {
    this.pieces = [];
    this.finSeq = -1;
    this.lastSeq = -1;
  }
}
