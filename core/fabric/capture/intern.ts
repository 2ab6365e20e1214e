/**
 * Interning of the few distinct strings and rules captured frames refer to, so that a frame stores a
 * small integer instead of a reference. Index 0 always means "none". Tables only grow: their size is
 * the number of distinct reasons and rules in the world, not the number of frames.
 */
import type { RuleRef } from '../verdict.ts';

export class StringTable {
  private readonly index = new Map<string, number>();
  private readonly values: (string | null)[] = [null];

  /** The index of `s` (added on first sight); 0 for null. */
  intern(s: string | null): number {
    if (s === null) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  get(i: number): string | null {
    return this.values[i] ?? null;
  }
}

export class RuleTable {
  // Components usually keep their RuleRef objects, so identity answers without building a key;
  // a WeakMap, because a component that makes a fresh RuleRef per drop must not pin them all.
  private readonly byObject = new WeakMap<RuleRef, number>();
  private readonly byKey = new Map<string, number>();
  private readonly rules: (RuleRef | null)[] = [null];

  intern(rule: RuleRef | null): number {
    if (rule === null) return 0;
    const known = this.byObject.get(rule);
    if (known !== undefined) return known;
    const key = `${rule.kind}\u0000${rule.name}\u0000${rule.index}\u0000${rule.text}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.rules.length;
      this.rules.push(rule);
      this.byKey.set(key, i);
    }
    this.byObject.set(rule, i);
    return i;
  }

  get(i: number): RuleRef | null {
    return this.rules[i] ?? null;
  }
}
