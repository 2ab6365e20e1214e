/**
 * Wireshark's Expert Information dialog in numbers: every expert item the dissectors raised over the
 * held frames, grouped by severity, group, protocol and message, with a count and the first frames
 * of each (to jump to). Built incrementally: each call dissects only frames it has not seen; a
 * cleared store starts it over.
 */
import { fieldIdLimit } from '../dissect/field.ts';
import { GROUP_NAMES, SEVERITY_NAMES } from '../dissect/expert.ts';
import { FilterSink } from '../dissect/sink.ts';
import type { CaptureQuery } from './capture-query.ts';

/** Frames kept per entry (the dialog lists them under the entry; the rest are counted). */
export const EXPERT_FRAMES_PER_ENTRY = 50;

export type ExpertSeverityName = 'Error' | 'Warning' | 'Note' | 'Chat' | 'Comment';

export interface ExpertEntry {
  readonly severity: ExpertSeverityName;
  readonly group: string;
  readonly protocol: string;
  readonly message: string;
  readonly count: number;
  readonly frames: readonly number[];
}

export interface ExpertSummary {
  /** Items per severity, every severity present (0 when none). */
  readonly counts: Readonly<Record<ExpertSeverityName, number>>;
  /** Entries most severe first, then by count. */
  readonly entries: readonly ExpertEntry[];
  /** Frames examined. */
  readonly frames: number;
}

const ORDER: readonly ExpertSeverityName[] = ['Error', 'Warning', 'Note', 'Chat', 'Comment'];

interface Entry {
  severity: ExpertSeverityName;
  group: string;
  protocol: string;
  message: string;
  count: number;
  frames: number[];
}

export class ExpertScan {
  private readonly entries = new Map<string, Entry>();
  private scanned = 0;
  private generation = -1;
  private readonly sink = new FilterSink([], fieldIdLimit());

  constructor(private readonly query: CaptureQuery) {}

  summary(): ExpertSummary {
    const store = this.query.store;
    if (this.generation !== this.query.generationSeen) {
      this.generation = this.query.generationSeen;
      this.entries.clear();
      this.scanned = 0;
    }
    for (let n = Math.max(this.scanned + 1, store.firstAvailable); n <= store.count; n++) {
      const d = this.query.dissectInto(n, this.sink, true);
      if (!d) continue;
      for (const e of d.result.expertInfos) {
        const severity = (SEVERITY_NAMES[e.severity] ?? 'Note') as ExpertSeverityName;
        const group = GROUP_NAMES[e.group] ?? String(e.group);
        const key = `${severity}\u0000${group}\u0000${e.protocol}\u0000${e.message}`;
        let entry = this.entries.get(key);
        if (!entry) this.entries.set(key, (entry = { severity, group, protocol: e.protocol, message: e.message, count: 0, frames: [] }));
        entry.count++;
        if (entry.frames.length < EXPERT_FRAMES_PER_ENTRY && entry.frames.at(-1) !== n) entry.frames.push(n);
      }
    }
    this.scanned = Math.max(this.scanned, store.count);
    const counts: Record<ExpertSeverityName, number> = { Error: 0, Warning: 0, Note: 0, Chat: 0, Comment: 0 };
    const entries = [...this.entries.values()].map((e) => ({ ...e, frames: [...e.frames] }));
    for (const e of entries) counts[e.severity] += e.count;
    entries.sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || b.count - a.count || (a.message < b.message ? -1 : 1));
    return { counts, entries, frames: store.available };
  }
}
