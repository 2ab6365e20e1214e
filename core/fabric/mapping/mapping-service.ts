/**
 * The mapping service: owner of the authoritative table and of the push loop that keeps every
 * host's cache in step with it (DESIGN.md §3, fabric-facts §5).
 *
 * Constant work (fabric-facts §7.4, after AWS's "Reliability and constant work"): every period the
 * service copies the WHOLE table — all `capacity` slots, used or not, and the whole peering table —
 * to every registered host, whether nothing or everything changed. The load on the service and
 * on the hosts is then the same on a quiet day and during a storm of changes, so a storm cannot
 * overload anything, and there is no delta logic that could get out of step. `counters.slotsCopied`
 * shows it: capacity × hosts per period, independent of `counters.changes`.
 *
 * Changes reach the authoritative table at once but a host cache only at the next push. Between
 * the two, caches are stale: an instance that moved is still sought at its old host, which rejects
 * the packet (MAPPING_STALE_DESTINATION). Fault hooks widen that window on purpose for labs:
 * `freezeCache` (one host ignores pushes) and `dropNextPushes` (rounds lost for every host).
 *
 * Failed receiver checks come back as alarms (`raiseAlarm`, from the Nitro card): fired on
 * `onDidAlarm` and kept in a bounded list of recent alarms.
 */
import { formatIpv4, type Ipv4 } from '../../base/addr.ts';
import type { EventHandler, EventId, Simulator } from '../../sim/simulator.ts';
import type { SimTime } from '../../sim/time.ts';
import { type AnyTraceSource, type Traceable, TraceSource } from '../../sim/trace.ts';
import type { DropReason } from '../verdict.ts';
import { HostMappingCache } from './host-cache.ts';
import { type MappingEntry, MappingTable } from './mapping-table.ts';

export const DEFAULT_PUSH_PERIOD_NS = 1_000_000_000;
export const DEFAULT_PEERING_CAPACITY = 256;
export const DEFAULT_ALARM_HISTORY = 256;

export interface MappingServiceOptions {
  /** Time between full-table pushes. Integer ns > 0; default 1 s. */
  readonly pushPeriodNs?: number;
  /** Entry slots of the table and of every cache (1 … MAX_MAPPING_CAPACITY). Fixed for life. */
  readonly capacity: number;
  /** Peering slots (1 … MAX_PEERING_CAPACITY); default 256. */
  readonly peeringCapacity?: number;
  /** Recent alarms kept by `alarms()`; default 256. */
  readonly alarmHistory?: number;
}

/** A failed receiver check, raised by the Nitro card that dropped the packet. */
export interface MappingAlarm {
  readonly time: SimTime;
  /** Name of the host whose card raised it. */
  readonly host: string;
  /** MAPPING_SPOOFED_SOURCE, MAPPING_VPC_NOT_PEERED, MAPPING_STALE_DESTINATION or MAPPING_BAD_ENCAPSULATION. */
  readonly reason: DropReason;
  readonly detail: string;
  /** Trace id of the dropped packet (0 when it had none). */
  readonly traceId: number;
}

/** One push round, for animations and lab checks. */
export interface MappingPush {
  readonly time: SimTime;
  readonly version: number;
  /** Hosts that applied it (frozen hosts and lost rounds excluded). */
  readonly applied: number;
  /** Hosts it was sent to. */
  readonly hosts: number;
}

const KIND_PUSH = 1;

export class MappingService implements EventHandler<void>, Traceable {
  readonly table: MappingTable;
  readonly pushPeriodNs: number;
  readonly counters = {
    /** Push rounds run. */
    pushes: 0,
    /** Slots sent to caches: capacity per registered host per round (lost or ignored included). */
    slotsCopied: 0,
    /** Successful mutations of the table. */
    changes: 0,
    /** Host pushes applied by a cache (including the load at registration). */
    applied: 0,
    /** Host pushes not applied: the cache was frozen or the round was lost. */
    missed: 0,
    alarms: 0,
  };
  readonly onDidAlarm = new TraceSource<MappingAlarm>('alarm', 'A receiver check failed on a host');
  readonly onDidPush = new TraceSource<MappingPush>('push', 'The full table was pushed to the host caches');

  private readonly cachesByIp = new Map<Ipv4, HostMappingCache>();
  private readonly cacheList: HostMappingCache[] = [];
  private readonly peeringCapacity: number;
  private readonly recent: MappingAlarm[] = [];
  private readonly alarmHistory: number;
  private alarmNext = 0;
  private pushesToDrop = 0;
  private nextPush: EventId | null = null;

  constructor(
    private readonly sim: Simulator,
    options: MappingServiceOptions,
  ) {
    const period = options.pushPeriodNs ?? DEFAULT_PUSH_PERIOD_NS;
    if (!(Number.isInteger(period) && period > 0)) throw new RangeError(`pushPeriodNs must be a positive integer, got ${period}`);
    this.pushPeriodNs = period;
    this.peeringCapacity = options.peeringCapacity ?? DEFAULT_PEERING_CAPACITY;
    this.table = new MappingTable(options.capacity, this.peeringCapacity);
    const history = options.alarmHistory ?? DEFAULT_ALARM_HISTORY;
    if (!(Number.isInteger(history) && history >= 0)) throw new RangeError(`alarmHistory must be a non-negative integer, got ${history}`);
    this.alarmHistory = history;
  }

  get capacity(): number {
    return this.table.capacity;
  }

  /** Version of the authoritative table. */
  get version(): number {
    return this.table.version;
  }

  /** True between `start` and `stop`. */
  get running(): boolean {
    return this.nextPush !== null;
  }

  /**
   * Registers a host and returns its cache, loaded at once with the current table (a host boots
   * with a full copy: there is never a window with an empty cache). Throws for a duplicate IP.
   */
  register(hostIp: Ipv4, name: string): HostMappingCache {
    if (this.cachesByIp.has(hostIp)) throw new Error(`host ${formatIpv4(hostIp)} is already registered with the mapping service`);
    const cache = new HostMappingCache(hostIp, name, this.table.capacity, this.peeringCapacity);
    this.cachesByIp.set(hostIp, cache);
    this.cacheList.push(cache);
    cache.apply(this.table);
    this.counters.slotsCopied += this.table.capacity;
    this.counters.applied++;
    return cache;
  }

  /** The cache of a registered host, by underlay IP. */
  cache(hostIp: Ipv4): HostMappingCache | undefined {
    return this.cachesByIp.get(hostIp);
  }

  caches(): readonly HostMappingCache[] {
    return this.cacheList;
  }

  /** Pushes now, then every `pushPeriodNs` (at start + k·period). Idempotent while running. */
  start(): void {
    if (this.nextPush !== null) return;
    this.pushRound();
    this.nextPush = this.sim.schedule(this.pushPeriodNs, this, KIND_PUSH);
  }

  stop(): void {
    if (this.nextPush === null) return;
    this.sim.cancel(this.nextPush);
    this.nextPush = null;
  }

  /** An extra round outside the cadence (labs, tests); the periodic schedule is unchanged. */
  pushNow(): void {
    this.pushRound();
  }

  handleEvent(kind: number): void {
    if (kind !== KIND_PUSH) return;
    this.nextPush = this.sim.schedule(this.pushPeriodNs, this, KIND_PUSH);
    this.pushRound();
  }

  // ---- mutations: effective in the table now, in host caches at the next push ---------------

  /** Adds or replaces a mapping; returns its slot. Throws when the table is full. */
  upsert(entry: MappingEntry): number {
    const slot = this.table.upsert(entry);
    this.counters.changes++;
    return slot;
  }

  /** Removes a mapping; false when there was none. */
  remove(vpc: number, ip: Ipv4): boolean {
    const removed = this.table.remove(vpc, ip);
    if (removed) this.counters.changes++;
    return removed;
  }

  /**
   * An instance moved to another host. The authoritative table changes at once; caches keep
   * sending to the old host until the next push. Throws when (vpc, ip) is not mapped.
   */
  moveInstance(vpc: number, ip: Ipv4, newHostIp: Ipv4): void {
    this.table.move(vpc, ip, newHostIp);
    this.counters.changes++;
  }

  /** Creates, activates or deactivates the peering `name` between two VPC numbers. */
  setPeering(name: string, vpcA: number, vpcB: number, active: boolean): void {
    this.table.setPeering(name, vpcA, vpcB, active);
    this.counters.changes++;
  }

  removePeering(name: string): boolean {
    const removed = this.table.removePeering(name);
    if (removed) this.counters.changes++;
    return removed;
  }

  // ---- fault hooks --------------------------------------------------------------------------

  /** A frozen host ignores pushes and keeps its stale copy until unfrozen (and the next push). */
  freezeCache(hostIp: Ipv4, frozen: boolean): void {
    const cache = this.cachesByIp.get(hostIp);
    if (cache === undefined) throw new Error(`host ${formatIpv4(hostIp)} is not registered with the mapping service`);
    cache.frozen = frozen;
  }

  /** The next `n` push rounds are lost for every host (the service still does the work). */
  dropNextPushes(n: number): void {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`dropNextPushes: n must be a non-negative integer, got ${n}`);
    this.pushesToDrop = n;
  }

  // ---- alarms -------------------------------------------------------------------------------

  /** Records a failed receiver check and fires `onDidAlarm`. */
  raiseAlarm(alarm: MappingAlarm): void {
    this.counters.alarms++;
    if (this.alarmHistory > 0) {
      if (this.recent.length < this.alarmHistory) this.recent.push(alarm);
      else this.recent[this.alarmNext] = alarm;
      this.alarmNext = (this.alarmNext + 1) % this.alarmHistory;
    }
    if (this.onDidAlarm.active) this.onDidAlarm.fire(alarm);
  }

  /** The most recent alarms (at most `alarmHistory`), oldest first. */
  alarms(): MappingAlarm[] {
    if (this.recent.length < this.alarmHistory) return this.recent.slice();
    return [...this.recent.slice(this.alarmNext), ...this.recent.slice(0, this.alarmNext)];
  }

  traceSources(): readonly AnyTraceSource[] {
    return [this.onDidAlarm, this.onDidPush];
  }

  /** One round: the same copy to every host, whatever changed since the last one. */
  private pushRound(): void {
    const c = this.counters;
    const lost = this.pushesToDrop > 0;
    if (lost) this.pushesToDrop--;
    c.pushes++;
    let applied = 0;
    for (const cache of this.cacheList) {
      c.slotsCopied += this.table.capacity;
      if (lost || cache.frozen) {
        c.missed++;
        continue;
      }
      cache.apply(this.table);
      applied++;
    }
    c.applied += applied;
    if (this.onDidPush.active) this.onDidPush.fire({ time: this.sim.now(), version: this.table.version, applied, hosts: this.cacheList.length });
  }
}
