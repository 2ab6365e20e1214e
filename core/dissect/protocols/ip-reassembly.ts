/**
 * IPv4 fragment reassembly for the dissector, after Wireshark's reassemble.c as packet-ip.c uses
 * it (fragment_add_check): fragments are collected per datagram on the first, in-order pass; the
 * frame whose fragment completes the datagram is the one it is "reassembled in"; a completed
 * datagram leaves the in-progress table, so a later fragment with the same key starts a new one.
 * Frames seen again (a later click in the packet list) find their result by frame number.
 */

export interface FragmentPiece {
  readonly frame: number;
  /** Offset of the fragment's data within the datagram payload, in bytes. */
  readonly offset: number;
  readonly length: number;
}

/** A datagram reassembled from more than one fragment. */
export interface ReassembledDatagram {
  readonly reassembledIn: number;
  /** The fragments in payload order (Wireshark lists them by offset). */
  readonly pieces: readonly FragmentPiece[];
  /** The reassembled payload. */
  readonly bytes: Uint8Array;
}

interface Pending {
  readonly pieces: { frame: number; offset: number; length: number; data: Uint8Array }[];
  /** Payload length once the last fragment (MF clear) is seen; -1 before. */
  total: number;
}

export class Ipv4Reassembly {
  private readonly pending = new Map<string, Pending>();
  /** Completed datagrams by `frame|key`, for every frame that carried one of their fragments. */
  private readonly done = new Map<string, ReassembledDatagram>();

  /**
   * Adds a fragment seen for the first time and returns the datagram when this fragment completes
   * it, else null. `data` is copied.
   */
  add(key: string, frame: number, offset: number, data: Uint8Array, more: boolean): ReassembledDatagram | null {
    let p = this.pending.get(key);
    if (!p) {
      p = { pieces: [], total: -1 };
      this.pending.set(key, p);
    }
    if (!more) p.total = offset + data.length;
    // The same frame seen twice on the first pass (a retransmission of the frame) adds nothing new.
    if (!p.pieces.some((f) => f.frame === frame && f.offset === offset)) {
      p.pieces.push({ frame, offset, length: data.length, data: data.slice() });
    }
    if (p.total < 0) return null;
    const sorted = [...p.pieces].sort((a, b) => a.offset - b.offset || a.frame - b.frame);
    let covered = 0;
    for (const f of sorted) {
      if (f.offset > covered) return null;
      covered = Math.max(covered, f.offset + f.length);
    }
    if (covered < p.total) return null;
    const bytes = new Uint8Array(p.total);
    // Later pieces never overwrite earlier data (Wireshark keeps the first copy of overlapping bytes).
    for (let i = sorted.length - 1; i >= 0; i--) {
      const f = sorted[i];
      bytes.set(f.data.subarray(0, Math.max(0, Math.min(f.length, p.total - f.offset))), f.offset);
    }
    const datagram: ReassembledDatagram = {
      reassembledIn: frame,
      pieces: sorted.map((f) => ({ frame: f.frame, offset: f.offset, length: f.length })),
      bytes,
    };
    this.pending.delete(key);
    for (const f of sorted) this.done.set(`${f.frame}|${key}`, datagram);
    return datagram;
  }

  /** The datagram a frame's fragment belonged to, when it was reassembled (for frames seen again). */
  lookup(key: string, frame: number): ReassembledDatagram | null {
    return this.done.get(`${frame}|${key}`) ?? null;
  }
}
