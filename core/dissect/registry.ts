import type { FieldDef } from './field.ts';
import type { ProtocolModule } from './protocol.ts';

/**
 * Every field the engine knows, by filter name: what the filter compiler resolves names against
 * and what field-name completion lists. Built once from the protocol modules, then read-only.
 */
export class FieldRegistry {
  private readonly byAbbrev = new Map<string, FieldDef>();
  private readonly protocolList: ProtocolModule[] = [];

  constructor(modules: readonly ProtocolModule[], extra: readonly (Readonly<Record<string, FieldDef>>)[] = []) {
    for (const m of modules) {
      this.protocolList.push(m);
      this.addField(m.proto);
      for (const f of Object.values(m.fields)) this.addField(f);
    }
    for (const group of extra) for (const f of Object.values(group)) this.addField(f);
  }

  private addField(f: FieldDef): void {
    const existing = this.byAbbrev.get(f.abbrev);
    if (existing && existing !== f) throw new Error(`field ${f.abbrev} registered twice`);
    this.byAbbrev.set(f.abbrev, f);
  }

  get(abbrev: string): FieldDef | undefined {
    return this.byAbbrev.get(abbrev);
  }

  /** All fields, sorted by filter name (for completion and `-G fields`-style listings). */
  all(): FieldDef[] {
    return [...this.byAbbrev.values()].sort((a, b) => (a.abbrev < b.abbrev ? -1 : a.abbrev > b.abbrev ? 1 : 0));
  }

  protocols(): readonly ProtocolModule[] {
    return this.protocolList;
  }

  /** Filter names starting with `prefix`, for completion in the filter bar. */
  complete(prefix: string, limit = 50): FieldDef[] {
    const out: FieldDef[] = [];
    for (const f of this.all()) {
      if (f.abbrev.startsWith(prefix)) out.push(f);
      if (out.length >= limit) break;
    }
    return out;
  }
}
