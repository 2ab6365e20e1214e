/**
 * Connection tracking for one ENI: the memory that makes security groups stateful. A flow allowed
 * once (in either direction) is remembered, and later packets of it — responses above all — are
 * allowed without looking at the rules until the flow has been idle for its timeout.
 *
 * Key: protocol, local IP, remote IP, local port, remote port, so both directions of a flow find
 * the same entry (local is the ENI's side: the source of outbound packets, the destination of
 * inbound ones). ICMP has no ports: the echo identifier takes the local port and the message type
 * the remote port, with each query type mapped to its request (echo reply 0 → echo request 8,
 * timestamp 14 → 13, information 16 → 15, address mask 18 → 17) so a request and its reply share
 * one entry. Other ICMP messages (errors) key on their own type: AWS does not treat them as related
 * to the flow they quote (path MTU discovery needs an inbound ICMP rule, per the EC2 docs).
 * Protocols other than TCP/UDP/ICMP key on addresses and protocol only, as AWS documents.
 * Non-first fragments have no ports, so they key as ports 0 (the Nitro card reassembles first).
 *
 * Idle timeouts ([V] = AWS-documented default, [R] = lab choice), all in virtual ns:
 *   TCP established 432,000 s [V] (AWS range 60–432,000 s; 350 s on Nitro v6 types [V]);
 *   UDP 30 s [V] (range 30–60); UDP stream 180 s [V] (range 60–180): "more than one
 *   request-response transaction", here: a reply has followed a non-reply packet twice;
 *   other protocols 600 s [V]; ICMP 30 s [R] (Linux nf_conntrack_icmp_timeout);
 *   TCP SYN_SENT 120 s, SYN_RECEIVED 60 s, FIN_WAIT 120 s, TIME_WAIT 120 s, CLOSED (after RST)
 *   10 s [R] — Linux nf_conntrack_proto_tcp defaults (whose established value is also 432,000 s);
 *   AWS documents no values for these states.
 * TCP state is followed minimally from the flags: SYN → SYN_SENT, SYN-ACK back → SYN_RECEIVED, ACK
 * from the opener → ESTABLISHED, one FIN → FIN_WAIT, FINs both ways → TIME_WAIT, RST → CLOSED. A
 * packet picked up mid-stream (allowed by a rule without a SYN) starts ESTABLISHED, like Linux's
 * loose pickup. A fresh SYN on a TIME_WAIT/CLOSED entry is a new connection: the old entry is
 * dropped and the SYN must be allowed by a rule again. Callers that cannot give the TCP flags pass
 * `TCP_FLAGS_UNKNOWN`: the state then stays as it is (new entries start ESTABLISHED).
 *
 * Expiry is lazy: an entry with lastSeen + timeout ≤ now is dead, and is reclaimed when a lookup
 * meets it, when the table grows, or when the table is full (at most one sweep until the earliest
 * expiry, so a table full of live entries does not rescan per packet). A full table makes
 * `track()` fail: the caller drops with CONNTRACK_ALLOWANCE_EXCEEDED. AWS sizes the allowance per
 * instance type without publishing numbers; 65,536 entries is a lab default [R].
 *
 * Performance: this is on the per-packet path (one lookup per packet at each ENI it crosses). The
 * table is open addressing with linear probing over typed arrays (struct of arrays), keyed by a
 * 32-bit hash with a full key comparison, load factor at most 1/2, and backward-shift deletion
 * (no tombstones). It starts small and doubles, so idle ENIs cost little memory. Lookups and
 * updates allocate nothing: the key is held in scalar fields of the table, not in an object.
 */
import type { Ipv4 } from '../../base/addr.ts';
import { isSimTime, SECOND, type SimTime } from '../../sim/time.ts';
import { TcpFlag } from '../../wire/tcp.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, type FlowKey } from '../flow.ts';

/** Pass as `tcpFlags` when the TCP flags of the packet are not known. */
export const TCP_FLAGS_UNKNOWN = -1;

export interface ConntrackTimeouts {
  readonly tcpEstablished: SimTime;
  readonly tcpSynSent: SimTime;
  readonly tcpSynReceived: SimTime;
  readonly tcpFinWait: SimTime;
  readonly tcpTimeWait: SimTime;
  /** After a RST. */
  readonly tcpClosed: SimTime;
  readonly udp: SimTime;
  readonly udpStream: SimTime;
  readonly icmp: SimTime;
  /** Protocols other than TCP, UDP and ICMP. */
  readonly other: SimTime;
}

export const DEFAULT_CONNTRACK_TIMEOUTS: ConntrackTimeouts = Object.freeze({
  tcpEstablished: 432_000 * SECOND,
  tcpSynSent: 120 * SECOND,
  tcpSynReceived: 60 * SECOND,
  tcpFinWait: 120 * SECOND,
  tcpTimeWait: 120 * SECOND,
  tcpClosed: 10 * SECOND,
  udp: 30 * SECOND,
  udpStream: 180 * SECOND,
  icmp: 30 * SECOND,
  other: 600 * SECOND,
});

export const DEFAULT_MAX_CONNTRACK_ENTRIES = 65_536;
/** Upper bound on `maxEntries`, so the typed arrays stay of a sane size. */
export const MAX_CONNTRACK_ENTRIES = 1 << 24;

export interface ConntrackOptions {
  readonly timeouts?: Partial<ConntrackTimeouts>;
  readonly maxEntries?: number;
}

export type ConnectionState =
  | 'SYN_SENT' | 'SYN_RECEIVED' | 'ESTABLISHED' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSED'
  | 'UDP' | 'UDP_STREAM' | 'ICMP' | 'OTHER';

/** A snapshot of one tracked connection, for labs and the UI. */
export interface ConnectionEntry {
  readonly protocol: number;
  readonly local: Ipv4;
  readonly remote: Ipv4;
  /** TCP/UDP ports; for ICMP the echo identifier (local) and the request type (remote); else 0. */
  readonly localPort: number;
  readonly remotePort: number;
  readonly state: ConnectionState;
  /** Who opened it: 'outbound' = this ENI sent the first packet. */
  readonly direction: 'outbound' | 'inbound';
  /** Whether any packet has travelled against the opening direction. */
  readonly replied: boolean;
  readonly lastSeen: SimTime;
  readonly expiresAt: SimTime;
}

// Entry states; 0 marks an empty slot.
const EMPTY = 0;
const SYN_SENT = 1;
const SYN_RECEIVED = 2;
const ESTABLISHED = 3;
const FIN_WAIT = 4;
const TIME_WAIT = 5;
const CLOSED = 6;
const UDP = 7;
const UDP_STREAM = 8;
const ICMP = 9;
const OTHER = 10;
const STATE_NAMES: readonly ConnectionState[] = [
  'CLOSED', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT', 'TIME_WAIT', 'CLOSED', 'UDP', 'UDP_STREAM', 'ICMP', 'OTHER',
];

// Per-entry flag bits.
const OPENED_INBOUND = 1;
/** The last packet seen travelled against the opening direction (UDP transaction counting). */
const LAST_WAS_REPLY = 2;
const FIN_FROM_OPENER = 4;
const FIN_FROM_RESPONDER = 8;
const REPLIED = 16;
/** Completed request-response transactions, saturating at 2 (bits 5–6). */
const TRANSACTION_SHIFT = 5;
const TRANSACTION_MASK = 3 << TRANSACTION_SHIFT;

const INITIAL_CAPACITY = 16;

const FIN = TcpFlag.fin;
const SYN = TcpFlag.syn;
const RST = TcpFlag.rst;
const ACK = TcpFlag.ack;

export class ConnectionTable {
  readonly maxEntries: number;
  readonly timeouts: ConntrackTimeouts;
  /** After `observe` returned true: whether the packet travelled against the opening direction. */
  lastWasReply = false;
  private readonly timeoutByState: Float64Array;
  private readonly maxCapacity: number;
  private count = 0;
  /** No entry expires before this instant (a lower bound), so a full table need not be rescanned sooner. */
  private sweepNotBefore = 0;

  // The table, one typed array per field (struct of arrays); `capacity` is a power of two.
  private capacityValue = 0;
  private states = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private protocols = new Uint8Array(0);
  private locals = new Int32Array(0);
  private remotes = new Int32Array(0);
  /** localPort << 16 | remotePort, as int32. */
  private ports = new Int32Array(0);
  private hashes = new Int32Array(0);
  private lastSeens = new Float64Array(0);
  private expiries = new Float64Array(0);

  // The key of the packet being looked at, held in scalars so no key object is ever made.
  private keyProtocol = 0;
  private keyLocal = 0;
  private keyRemote = 0;
  private keyPorts = 0;
  private keyHash = 0;

  constructor(options: ConntrackOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_CONNTRACK_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > MAX_CONNTRACK_ENTRIES) {
      throw new RangeError(`maxEntries must be an integer from 1 to ${MAX_CONNTRACK_ENTRIES}, not ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
    const timeouts: Record<string, number> = {};
    for (const [name, fallback] of Object.entries(DEFAULT_CONNTRACK_TIMEOUTS)) {
      const value = options.timeouts?.[name as keyof ConntrackTimeouts] ?? fallback;
      if (!isSimTime(value) || value === 0) throw new RangeError(`timeout ${name} must be a positive integer number of ns, not ${value}`);
      timeouts[name] = value;
    }
    this.timeouts = Object.freeze(timeouts as unknown as ConntrackTimeouts);
    const t = this.timeouts;
    this.timeoutByState = Float64Array.from([
      0, t.tcpSynSent, t.tcpSynReceived, t.tcpEstablished, t.tcpFinWait, t.tcpTimeWait, t.tcpClosed, t.udp, t.udpStream, t.icmp, t.other,
    ]);
    let cap = INITIAL_CAPACITY;
    while (cap < maxEntries * 2) cap *= 2;
    this.maxCapacity = cap;
    this.allocate(Math.min(INITIAL_CAPACITY, cap));
  }

  /** Entries held, including dead ones not yet reclaimed (expiry is lazy). */
  get size(): number {
    return this.count;
  }

  /** Slots in the hash table now (it doubles as entries are added, up to 2 × maxEntries rounded up to a power of two). */
  get capacity(): number {
    return this.capacityValue;
  }

  /**
   * The packet's connection, if a live one is tracked: refreshes it (state, idle timer) and returns
   * true. A dead entry met here is reclaimed and the packet counts as untracked (false).
   */
  observe(flow: FlowKey, outbound: boolean, now: SimTime, tcpFlags: number = TCP_FLAGS_UNKNOWN): boolean {
    this.setKey(flow, outbound);
    const i = this.find();
    if (i < 0) return false;
    if (this.expiries[i] <= now) {
      this.removeAt(i);
      return false;
    }
    const state = this.states[i];
    if ((state === TIME_WAIT || state === CLOSED) && tcpFlags >= 0 && (tcpFlags & (SYN | ACK)) === SYN) {
      // A new connection reusing the 4-tuple: it is judged by the rules, not by the old one's entry.
      this.removeAt(i);
      return false;
    }
    const reply = ((this.flags[i] & OPENED_INBOUND) !== 0) === outbound;
    this.lastWasReply = reply;
    this.advance(i, reply, tcpFlags, now);
    return true;
  }

  /** Whether the packet's connection is tracked and live, without touching it (for labs and tests). */
  has(flow: FlowKey, outbound: boolean, now: SimTime): boolean {
    this.setKey(flow, outbound);
    const i = this.find();
    return i >= 0 && this.expiries[i] > now;
  }

  /**
   * Starts tracking the packet's connection, opened by this packet (call after `observe` said
   * there was none). False when the table is full of live entries: drop the packet.
   */
  track(flow: FlowKey, outbound: boolean, now: SimTime, tcpFlags: number = TCP_FLAGS_UNKNOWN): boolean {
    this.setKey(flow, outbound);
    let i = this.find();
    if (i < 0) {
      if (this.count >= this.maxEntries) {
        if (now < this.sweepNotBefore) return false;
        this.rebuild(this.capacityValue, now);
        if (this.count >= this.maxEntries) return false;
      } else if ((this.count + 1) * 2 > this.capacityValue && this.capacityValue < this.maxCapacity) {
        this.grow(now);
      }
      i = this.emptySlot();
      this.states[i] = OTHER; // any non-empty state; `start` sets the real one
      this.protocols[i] = this.keyProtocol;
      this.locals[i] = this.keyLocal;
      this.remotes[i] = this.keyRemote;
      this.ports[i] = this.keyPorts;
      this.hashes[i] = this.keyHash;
      this.count++;
    }
    this.start(i, outbound, tcpFlags, now);
    return true;
  }

  /** Reclaims every dead entry now; returns how many. */
  expire(now: SimTime): number {
    const before = this.count;
    this.rebuild(this.capacityValue, now);
    return before - this.count;
  }

  clear(): void {
    this.count = 0;
    this.sweepNotBefore = 0;
    this.allocate(Math.min(INITIAL_CAPACITY, this.maxCapacity));
  }

  /** A snapshot of the entries in table order; with `now`, only the live ones. */
  entries(now?: SimTime): ConnectionEntry[] {
    const out: ConnectionEntry[] = [];
    for (let i = 0; i < this.capacityValue; i++) {
      const state = this.states[i];
      if (state === EMPTY || (now !== undefined && this.expiries[i] <= now)) continue;
      const f = this.flags[i];
      const ports = this.ports[i];
      out.push({
        protocol: this.protocols[i],
        local: this.locals[i] >>> 0,
        remote: this.remotes[i] >>> 0,
        localPort: ports >>> 16,
        remotePort: ports & 0xffff,
        state: STATE_NAMES[state],
        direction: (f & OPENED_INBOUND) !== 0 ? 'inbound' : 'outbound',
        replied: (f & REPLIED) !== 0,
        lastSeen: this.lastSeens[i],
        expiresAt: this.expiries[i],
      });
    }
    return out;
  }

  // ---- per-packet internals -------------------------------------------------------------------

  private setKey(flow: FlowKey, outbound: boolean): void {
    const protocol = flow.protocol;
    let ports = 0;
    if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
      ports = outbound ? (flow.srcPort << 16) | flow.dstPort : (flow.dstPort << 16) | flow.srcPort;
    } else if (protocol === PROTO_ICMP) {
      ports = ((flow.icmpId & 0xffff) << 16) | (icmpRequestType(flow.icmpType) & 0xffff);
    }
    const local = (outbound ? flow.src : flow.dst) | 0;
    const remote = (outbound ? flow.dst : flow.src) | 0;
    this.keyProtocol = protocol;
    this.keyLocal = local;
    this.keyRemote = remote;
    this.keyPorts = ports;
    this.keyHash = hashKey(protocol, local, remote, ports);
  }

  /** The slot holding the current key, or -1. The load factor ≤ 1/2 guarantees an empty slot ends the probe. */
  private find(): number {
    const mask = this.capacityValue - 1;
    const { states, hashes, ports, locals, remotes, protocols } = this;
    const hash = this.keyHash;
    let i = hash & mask;
    for (;;) {
      if (states[i] === EMPTY) return -1;
      if (hashes[i] === hash && ports[i] === this.keyPorts && locals[i] === this.keyLocal && remotes[i] === this.keyRemote && protocols[i] === this.keyProtocol) return i;
      i = (i + 1) & mask;
    }
  }

  private emptySlot(): number {
    const mask = this.capacityValue - 1;
    let i = this.keyHash & mask;
    while (this.states[i] !== EMPTY) i = (i + 1) & mask;
    return i;
  }

  /** Sets up slot `i` as a connection opened by this packet. */
  private start(i: number, outbound: boolean, tcpFlags: number, now: SimTime): void {
    let state: number;
    switch (this.keyProtocol) {
      case PROTO_TCP:
        if (tcpFlags < 0) state = ESTABLISHED;
        else if ((tcpFlags & RST) !== 0) state = CLOSED;
        else if ((tcpFlags & (SYN | ACK)) === SYN) state = SYN_SENT;
        else state = ESTABLISHED;
        break;
      case PROTO_UDP:
        state = UDP;
        break;
      case PROTO_ICMP:
        state = ICMP;
        break;
      default:
        state = OTHER;
    }
    this.states[i] = state;
    this.flags[i] = outbound ? 0 : OPENED_INBOUND;
    // A connection picked up mid-stream may already be closing; no other flag matters for a new entry.
    this.advance(i, false, state === ESTABLISHED && tcpFlags >= 0 ? tcpFlags & FIN : TCP_FLAGS_UNKNOWN, now);
  }

  /** Applies one packet to entry `i`: state transitions, then the idle timer from `now`. */
  private advance(i: number, reply: boolean, tcpFlags: number, now: SimTime): void {
    let state = this.states[i];
    let f = this.flags[i];
    if (reply) f |= REPLIED;
    if (state <= CLOSED) {
      if (tcpFlags >= 0) {
        if ((tcpFlags & RST) !== 0) {
          state = CLOSED;
        } else {
          const syn = (tcpFlags & SYN) !== 0;
          const ack = (tcpFlags & ACK) !== 0;
          if (state === SYN_SENT && reply && syn) state = SYN_RECEIVED;
          else if (state === SYN_RECEIVED && !reply && ack && !syn) state = ESTABLISHED;
          if ((tcpFlags & FIN) !== 0 && (state === ESTABLISHED || state === FIN_WAIT)) {
            f |= reply ? FIN_FROM_RESPONDER : FIN_FROM_OPENER;
            state = (f & (FIN_FROM_OPENER | FIN_FROM_RESPONDER)) === (FIN_FROM_OPENER | FIN_FROM_RESPONDER) ? TIME_WAIT : FIN_WAIT;
          }
        }
      }
    } else if (state === UDP || state === UDP_STREAM) {
      if (reply && (f & LAST_WAS_REPLY) === 0) {
        const done = (f & TRANSACTION_MASK) >> TRANSACTION_SHIFT;
        if (done < 2) f = (f & ~TRANSACTION_MASK) | ((done + 1) << TRANSACTION_SHIFT);
        if (done + 1 >= 2) state = UDP_STREAM;
      }
      f = reply ? f | LAST_WAS_REPLY : f & ~LAST_WAS_REPLY;
    }
    this.states[i] = state;
    this.flags[i] = f;
    this.lastSeens[i] = now;
    const expiry = now + this.timeoutByState[state];
    this.expiries[i] = expiry;
    if (expiry < this.sweepNotBefore) this.sweepNotBefore = expiry;
  }

  /** Empties slot `i`, shifting later entries of its probe run back so lookups never meet a hole. */
  private removeAt(i: number): void {
    const mask = this.capacityValue - 1;
    const { states, hashes } = this;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (states[j] === EMPTY) break;
      const home = hashes[j] & mask;
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        this.moveSlot(j, hole);
        hole = j;
      }
    }
    states[hole] = EMPTY;
    this.count--;
  }

  private moveSlot(from: number, to: number): void {
    this.states[to] = this.states[from];
    this.flags[to] = this.flags[from];
    this.protocols[to] = this.protocols[from];
    this.locals[to] = this.locals[from];
    this.remotes[to] = this.remotes[from];
    this.ports[to] = this.ports[from];
    this.hashes[to] = this.hashes[from];
    this.lastSeens[to] = this.lastSeens[from];
    this.expiries[to] = this.expiries[from];
  }

  // ---- rare paths: growth and sweeping (these allocate) ---------------------------------------

  /** Grows so the live entries plus one fit at load ≤ 1/2, dropping dead entries on the way. */
  private grow(now: SimTime): void {
    let live = 0;
    for (let i = 0; i < this.capacityValue; i++) if (this.states[i] !== EMPTY && this.expiries[i] > now) live++;
    let cap = this.capacityValue;
    while (cap < this.maxCapacity && (live + 1) * 2 > cap) cap *= 2;
    this.rebuild(cap, now);
  }

  /** Re-inserts the live entries into fresh arrays of `capacity` slots. */
  private rebuild(capacity: number, now: SimTime): void {
    const old = {
      capacity: this.capacityValue, states: this.states, flags: this.flags, protocols: this.protocols, locals: this.locals,
      remotes: this.remotes, ports: this.ports, hashes: this.hashes, lastSeens: this.lastSeens, expiries: this.expiries,
    };
    this.allocate(capacity);
    const mask = capacity - 1;
    let count = 0;
    let earliest = Infinity;
    for (let k = 0; k < old.capacity; k++) {
      if (old.states[k] === EMPTY || old.expiries[k] <= now) continue;
      let i = old.hashes[k] & mask;
      while (this.states[i] !== EMPTY) i = (i + 1) & mask;
      this.states[i] = old.states[k];
      this.flags[i] = old.flags[k];
      this.protocols[i] = old.protocols[k];
      this.locals[i] = old.locals[k];
      this.remotes[i] = old.remotes[k];
      this.ports[i] = old.ports[k];
      this.hashes[i] = old.hashes[k];
      this.lastSeens[i] = old.lastSeens[k];
      this.expiries[i] = old.expiries[k];
      if (old.expiries[k] < earliest) earliest = old.expiries[k];
      count++;
    }
    this.count = count;
    this.sweepNotBefore = earliest === Infinity ? 0 : earliest;
  }

  private allocate(capacity: number): void {
    this.capacityValue = capacity;
    this.states = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.protocols = new Uint8Array(capacity);
    this.locals = new Int32Array(capacity);
    this.remotes = new Int32Array(capacity);
    this.ports = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.lastSeens = new Float64Array(capacity);
    this.expiries = new Float64Array(capacity);
  }
}

/** ICMP query replies map to their request type so both share an entry; other types stay. */
function icmpRequestType(type: number): number {
  switch (type) {
    case 0: return 8; // echo reply → echo request
    case 14: return 13; // timestamp reply
    case 16: return 15; // information reply
    case 18: return 17; // address mask reply
    default: return type;
  }
}

/**
 * Murmur3-style mixing of the four key words into a well-spread 32-bit hash (int32). Exported so
 * tests can pick keys that collide (same home slot) and exercise probing and deletion on purpose.
 */
export function hashKey(protocol: number, local: number, remote: number, ports: number): number {
  let h = mix(0x9747b28c ^ protocol, local);
  h = mix(h, remote);
  h = mix(h, ports);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
