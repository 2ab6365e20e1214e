/**
 * The topology draft autosave: the editor sends its text on every change, the disk is written once
 * the changes stop for `delayMs` (debounced per draft slot). Until then the newest text is held
 * here, so reading a draft back never sees an older one than was sent. Flushing on dispose means
 * closing the app loses nothing that was typed.
 */
import type { Disposable } from '../../core/base/event.ts';
import type { Scheduler } from '../../core/rpc/scheduler.ts';

export interface PendingDraft {
  readonly text: string;
  readonly savedAt: number;
}

export class DraftAutosave {
  private readonly pending = new Map<number | null, { draft: PendingDraft; timer: Disposable }>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly delayMs: number,
    private readonly now: () => number,
    private readonly write: (slot: number | null, draft: PendingDraft) => Promise<void>,
  ) {}

  /** Holds the newest text and (re)starts the slot's quiet-period timer. */
  update(slot: number | null, text: string): void {
    this.pending.get(slot)?.timer.dispose();
    const draft = { text, savedAt: this.now() };
    this.pending.set(slot, { draft, timer: this.scheduler.schedule(this.delayMs, () => void this.flushSlot(slot)) });
  }

  /** The text not yet written for a slot, if any. */
  peek(slot: number | null): PendingDraft | undefined {
    return this.pending.get(slot)?.draft;
  }

  /** Forgets a slot's unwritten text (the draft was discarded or saved as a revision). */
  cancel(slot: number | null): void {
    this.pending.get(slot)?.timer.dispose();
    this.pending.delete(slot);
  }

  /** Writes every held draft now, and waits for writes already under way. */
  async flush(): Promise<void> {
    for (const slot of [...this.pending.keys()]) void this.flushSlot(slot);
    await this.writes;
  }

  private flushSlot(slot: number | null): Promise<void> {
    const p = this.pending.get(slot);
    if (!p) return this.writes;
    p.timer.dispose();
    this.pending.delete(slot);
    // Writes go in order, so a later draft can never be overwritten by an earlier one.
    this.writes = this.writes.then(() => this.write(slot, p.draft)).catch(() => undefined);
    return this.writes;
  }
}
