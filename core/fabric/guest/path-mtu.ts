/**
 * The path-MTU cache (RFC 1191 as Linux keeps it in its route exceptions): per destination, the
 * smallest MTU an ICMP "fragmentation needed" reported, forgotten after `PMTU_EXPIRES_NS`.
 * Reports never raise an entry and never go above the interface MTU; a report below `MIN_PMTU`
 * (or the 0 that pre-RFC 1191 routers send) sets `MIN_PMTU` and locks the entry, after which the
 * guest stops setting DF toward that destination (Linux's min_pmtu rule).
 */
import type { Ipv4 } from '../../base/addr.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { MIN_PMTU, PMTU_EXPIRES_NS } from './constants.ts';

interface PmtuEntry {
  mtu: number;
  locked: boolean;
  expires: number;
}

export interface PmtuInfo {
  readonly dst: Ipv4;
  readonly mtu: number;
  readonly locked: boolean;
  /** Virtual time (ns) when the entry will be forgotten. */
  readonly expires: number;
}

/** Entries kept at most; the oldest goes first. */
const MAX_ENTRIES = 4096;

export class PathMtuCache {
  private readonly entries = new Map<Ipv4, PmtuEntry>();

  constructor(
    private readonly sim: Simulator,
    private readonly interfaceMtu: number,
  ) {}

  /** The MTU toward `dst`: the cached path MTU if one is live, else the interface MTU. */
  mtu(dst: Ipv4): number {
    if (this.entries.size === 0) return this.interfaceMtu;
    const e = this.live(dst);
    return e === null ? this.interfaceMtu : e.mtu;
  }

  /** True when the entry for `dst` is locked: DF must not be set toward it. */
  locked(dst: Ipv4): boolean {
    if (this.entries.size === 0) return false;
    const e = this.live(dst);
    return e !== null && e.locked;
  }

  /**
   * Applies an ICMP fragmentation-needed report. Returns the new path MTU, or -1 when the
   * report changed nothing (not smaller than what is known).
   */
  update(dst: Ipv4, reported: number): number {
    let mtu = reported;
    let locked = false;
    if (mtu < MIN_PMTU) {
      mtu = MIN_PMTU;
      locked = true;
    }
    const current = this.mtu(dst);
    if (mtu >= current && !(locked && !this.locked(dst))) return -1;
    mtu = Math.min(mtu, current);
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(dst)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(dst);
    this.entries.set(dst, { mtu, locked, expires: this.sim.now() + PMTU_EXPIRES_NS });
    return mtu;
  }

  /** Live entries, for `ip route get` and tests. */
  list(): PmtuInfo[] {
    const out: PmtuInfo[] = [];
    for (const [dst] of this.entries) {
      const e = this.live(dst);
      if (e !== null) out.push({ dst, mtu: e.mtu, locked: e.locked, expires: e.expires });
    }
    return out;
  }

  /** The live entry for `dst`, if any. */
  get(dst: Ipv4): PmtuInfo | null {
    const e = this.live(dst);
    return e === null ? null : { dst, mtu: e.mtu, locked: e.locked, expires: e.expires };
  }

  clear(): void {
    this.entries.clear();
  }

  private live(dst: Ipv4): PmtuEntry | null {
    const e = this.entries.get(dst);
    if (e === undefined) return null;
    if (this.sim.now() >= e.expires) {
      this.entries.delete(dst);
      return null;
    }
    return e;
  }
}
