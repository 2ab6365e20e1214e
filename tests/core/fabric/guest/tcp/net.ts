/**
 * A tiny network for TCP tests: two stacks (A = 10.0.0.1, B = 10.0.0.2) on one simulator, each
 * segment delivered to the other side after a fixed one-way delay. Every segment is recorded
 * (time, direction, decoded header) and checked with core/wire/tcp.ts (valid header, options that
 * parse, checksum over the pseudo-header). Tests can drop chosen segments, and can put a smaller
 * MTU on the path so that oversized segments are dropped and answered with ICMP "fragmentation
 * needed" — as the Nitro card does.
 */
import { formatIpv4, type Ipv4, parseIpv4, writeIpv4 } from '../../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../../core/base/checksum.ts';
import { TcpStack } from '../../../../../core/fabric/guest/tcp/index.ts';
import type { TcpCloseReason, TcpConfig, TcpHandler, TcpSocket } from '../../../../../core/fabric/guest/tcp/index.ts';
import { Simulator } from '../../../../../core/sim/simulator.ts';
import { TcpFlag, type TcpOption, TcpRepr, TcpView } from '../../../../../core/wire/tcp.ts';

export const IP_A = parseIpv4('10.0.0.1')!;
export const IP_B = parseIpv4('10.0.0.2')!;
export const MS = 1_000_000;
export const US = 1_000;
export const S = 1_000_000_000;

export type Side = 'a' | 'b';

/** One segment seen on the wire. */
export interface Captured {
  readonly index: number;
  readonly t: number;
  readonly from: Side;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly bytes: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly options: readonly TcpOption[];
  readonly headerLen: number;
  readonly payload: Uint8Array;
  /** Flags as in tcpdump: S, F, R, P, A (e.g. "SA", "PA", "FA", "R"). */
  readonly tag: string;
  /** Why the network did not deliver it, if it did not. */
  dropped?: 'test' | 'mtu';
}

export interface NetOptions {
  seed?: number;
  /** One-way delay in ns (default 10 µs). */
  delayNs?: number;
  /** Interface MTUs (default 9001 both). */
  mtuA?: number;
  mtuB?: number;
  configA?: Partial<TcpConfig>;
  configB?: Partial<TcpConfig>;
}

export function flagTag(flags: number): string {
  let s = '';
  if (flags & TcpFlag.syn) s += 'S';
  if (flags & TcpFlag.fin) s += 'F';
  if (flags & TcpFlag.rst) s += 'R';
  if (flags & TcpFlag.psh) s += 'P';
  if (flags & TcpFlag.ack) s += 'A';
  return s;
}

export class TestNet {
  readonly sim: Simulator;
  readonly a: TcpStack;
  readonly b: TcpStack;
  readonly trace: Captured[] = [];
  delayNs: number;
  /** Return true to lose a segment. */
  drop: (c: Captured) => boolean = () => false;
  /** IP packets larger than this are dropped with ICMP fragmentation-needed to their sender. */
  pathMtu = Infinity;
  /** Raise the ICMP error inside `output`, as an IP layer that checks its own path-MTU cache might. */
  syncIcmp = false;
  /** What the IP layer of each side learnt from ICMP (its path-MTU cache). */
  readonly pmtu: Record<Side, number> = { a: Infinity, b: Infinity };
  readonly mtu: Record<Side, number>;

  constructor(options: NetOptions = {}) {
    this.sim = new Simulator({ seed: options.seed ?? 1 });
    this.delayNs = options.delayNs ?? 10 * US;
    this.mtu = { a: options.mtuA ?? 9001, b: options.mtuB ?? 9001 };
    this.a = this.stack('a', IP_A, options.configA);
    this.b = this.stack('b', IP_B, options.configB);
  }

  private stack(side: Side, ip: Ipv4, config: Partial<TcpConfig> | undefined): TcpStack {
    return new TcpStack(
      {
        sim: this.sim,
        localIp: ip,
        mss: () => Math.min(this.mtu[side], this.pmtu[side]) - 40,
        output: (remote, segment) => this.carry(side, ip, remote, segment),
        rng: this.sim.rng(`tcp:${side}`),
      },
      config,
    );
  }

  other(side: Side): Side {
    return side === 'a' ? 'b' : 'a';
  }

  stackOf(side: Side): TcpStack {
    return side === 'a' ? this.a : this.b;
  }

  private carry(from: Side, src: Ipv4, dst: Ipv4, segment: Uint8Array): void {
    const c = decode(this.trace.length, this.sim.now(), from, src, dst, segment.slice());
    this.trace.push(c);
    if (this.drop(c)) {
      c.dropped = 'test';
      return;
    }
    const to = this.other(from);
    if (20 + c.bytes.length > this.pathMtu) {
      c.dropped = 'mtu';
      const mtu = this.pathMtu;
      const icmp = () => {
        this.pmtu[from] = Math.min(this.pmtu[from], mtu);
        this.stackOf(from).icmpError(3, 4, quoteIpv4(src, dst, c.bytes), mtu);
      };
      if (this.syncIcmp) icmp();
      else this.sim.call(this.delayNs, icmp);
      return;
    }
    this.sim.call(this.delayNs, () => this.stackOf(to).input(src, dst, c.bytes));
  }

  /** Runs for `ns` of virtual time from now. */
  runFor(ns: number): void {
    this.sim.run(this.sim.now() + ns);
  }

  /** Segments sent by `side` that carry data. */
  dataSegments(side: Side): Captured[] {
    return this.trace.filter((c) => c.from === side && c.payload.length > 0);
  }

  /** One line per segment, for snapshots and determinism checks. */
  lines(): string[] {
    return this.trace.map(
      (c) =>
        `${c.t} ${c.from === 'a' ? 'A>B' : 'B>A'} ${c.srcPort}>${c.dstPort} ${c.tag} seq=${c.seq} ack=${c.ack} win=${c.window} len=${c.payload.length}` +
        (c.dropped ? ` DROP(${c.dropped})` : ''),
    );
  }
}

/** Decodes and validates one segment with core/wire/tcp.ts; throws if anything is off. */
export function decode(index: number, t: number, from: Side, src: Ipv4, dst: Ipv4, bytes: Uint8Array): Captured {
  const v = TcpView.checked(bytes);
  if (!v.ok) throw new Error(`segment ${index}: ${v.error.message}`);
  const view = v.value;
  const repr = TcpRepr.parse(view, { src, dst });
  if (!repr.ok) throw new Error(`segment ${index} from ${formatIpv4(src)}: ${repr.error.message}`);
  if (!view.verifyChecksum(src, dst)) throw new Error(`segment ${index}: checksum`);
  return {
    index,
    t,
    from,
    src,
    dst,
    bytes,
    srcPort: view.srcPort,
    dstPort: view.dstPort,
    seq: view.seq,
    ack: view.ack,
    flags: view.flags,
    window: view.window,
    options: repr.value.options,
    headerLen: view.headerLen,
    payload: view.payload,
    tag: flagTag(view.flags),
  };
}

/** The quote of an ICMP error: the IPv4 header we would have sent and the first 8 bytes of TCP. */
export function quoteIpv4(src: Ipv4, dst: Ipv4, segment: Uint8Array): Uint8Array {
  const q = new Uint8Array(28);
  q[0] = 0x45;
  const total = 20 + segment.length;
  q[2] = total >>> 8;
  q[3] = total & 0xff;
  q[6] = 0x40; // DF
  q[8] = 64;
  q[9] = 6;
  writeIpv4(q, 12, src);
  writeIpv4(q, 16, dst);
  const sum = internetChecksum(q, 0, 20);
  q[10] = sum >>> 8;
  q[11] = sum & 0xff;
  q.set(segment.subarray(0, 8), 20);
  return q;
}

export interface Recorded {
  readonly events: string[];
  readonly received: Uint8Array[];
  closedReason?: TcpCloseReason;
  socket?: TcpSocket;
  /** All received bytes joined. */
  bytes(): Uint8Array;
}

/** A handler that records what happens; `extra` callbacks run after recording. */
export function recorder(sim: Simulator, extra: TcpHandler = {}): TcpHandler & Recorded {
  const r: TcpHandler & Recorded = {
    events: [],
    received: [],
    connected(s) {
      r.socket = s;
      r.events.push(`connected@${sim.now()}`);
      extra.connected?.(s);
    },
    data(s, bytes) {
      r.received.push(bytes.slice());
      extra.data?.(s, bytes);
    },
    remoteClosed(s) {
      r.events.push(`remoteClosed@${sim.now()}`);
      extra.remoteClosed?.(s);
    },
    closed(s, reason) {
      r.closedReason = reason;
      r.events.push(`closed:${reason}@${sim.now()}`);
      extra.closed?.(s, reason);
    },
    drained(s) {
      extra.drained?.(s);
    },
    bytes() {
      return concat(r.received);
    },
  };
  return r;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic test bytes: a counter pattern that makes misplaced bytes visible. */
export function pattern(n: number, salt = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >>> 8) * 7 + salt) & 0xff;
  return out;
}

export function mssOption(c: Captured): number | undefined {
  for (const o of c.options) if (o.kind === 'mss') return o.value;
  return undefined;
}

/** A connected pair: B listens on `port`, A connects; returns both recorders after the handshake. */
export function connectPair(net: TestNet, port = 80, serverExtra: TcpHandler = {}, clientExtra: TcpHandler = {}) {
  const server = recorder(net.sim, serverExtra);
  const listener = net.b.listen(port, (s) => {
    server.socket = s;
    return server;
  });
  const client = recorder(net.sim, clientExtra);
  const socket = net.a.connect(IP_B, port, client);
  client.socket = socket;
  return { client, server, listener, socket };
}

/** Index of the first byte where `a` and `b` differ (−1 when equal); cheap where deep-equal on 1 MB is not. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
