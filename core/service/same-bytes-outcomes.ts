/**
 * A filter pass's outcomes for frames whose dissection read nothing but their bytes, kept so a
 * later frame recorded with the very same bytes takes the outcome without being dissected.
 *
 * The fabric records the same packet at both ends of a link as one set of bytes
 * (CaptureStore.recordShared; `bytesSourceOf` names the first frame that has them), so on the
 * underlay about half the frames a filter tests are byte-for-byte copies of a frame it tested a
 * few frames earlier. A frame's fields follow from its bytes alone when its dissection read no
 * capture state (CaptureState.storeReads did not move: TCP always reads its conversations, ICMP
 * echoes their matches) and the filter asks for no field of the frame itself (its number, time,
 * interface and comments differ between copies). The copy would then get the same fields, and so
 * the same answer, and would read and write no state either. Anything else is dissected as usual.
 *
 * Outcomes sit in a small direct-mapped table indexed by the source frame's number: copies come
 * within a link's delay of their source, and a slot taken by a newer frame only costs a dissection.
 */
import type { FieldDef } from '../dissect/field.ts';

const SLOTS_LOG2 = 12;
const SLOTS = 1 << SLOTS_LOG2;
const MASK = SLOTS - 1;

/** Protocols whose fields describe the frame rather than its bytes. */
const FRAME_PROTOCOLS = new Set(['frame', 'pkt_comment']);

export class SameBytesOutcomes {
  /** Source frame number held in each slot (0: empty). Doubles: frame numbers are not bounded by 2^32. */
  private readonly sources = new Float64Array(SLOTS);
  private readonly outcomes = new Uint8Array(SLOTS);

  /**
   * A table for a filter over `fields` in a pruned session, or null when copies may differ for it
   * (it asks for a field of the frame itself, or its session is not pruned, so the frame's own
   * dissection keeps per-frame times).
   */
  static forFilter(fields: readonly FieldDef[], pruned: boolean): SameBytesOutcomes | null {
    if (!pruned) return null;
    for (const f of fields) if (FRAME_PROTOCOLS.has(f.protocol)) return null;
    return new SameBytesOutcomes();
  }

  /** The outcome remembered for the bytes first recorded as frame `source`: 1 match, 0 no match, -1 unknown. */
  outcome(source: number): number {
    const slot = source & MASK;
    return this.sources[slot] === source ? this.outcomes[slot] : -1;
  }

  remember(source: number, matched: boolean): void {
    const slot = source & MASK;
    this.sources[slot] = source;
    this.outcomes[slot] = matched ? 1 : 0;
  }
}
