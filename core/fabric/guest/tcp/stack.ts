/**
 * The TCP layer of one guest: demultiplexes arriving segments to connections and listeners, answers
 * segments for closed ports with RST (RFC 9293 §3.10.7.1), opens connections (ISS and ephemeral
 * ports from the seeded stream), routes ICMP errors to the connection they quote, and counts.
 *
 * Connections are found by local port, then by (remote address, remote port) packed into one
 * number (2^48 > address · 2^16 + port), so a lookup allocates nothing.
 */
import { type Ipv4, formatIpv4, readIpv4 } from '../../../base/addr.ts';
import type { Disposable } from '../../../base/event.ts';
import { TCP_PROTOCOL } from '../../../wire/tcp.ts';
import { type ConnectionHost, type ListenerLink, TcpConnection } from './connection.ts';
import { ACK, RST, Segment, fillChecksum, parseSegment, verifyChecksum, writeHeader } from './segment.ts';
import { seqAdd } from './seq.ts';
import { TCP_DEFAULTS, type TcpConfig, type TcpEnv, type TcpHandler, type TcpSocket, type TcpState, type TcpStats } from './types.ts';

/** The largest segment we ever build: a 60-byte header and a 65535-byte payload. */
const SCRATCH_BYTES = 60 + 0xffff;

function emptyStats(): TcpStats {
  return {
    segmentsIn: 0,
    segmentsOut: 0,
    retransmissions: 0,
    fastRetransmits: 0,
    timeouts: 0,
    resetsSent: 0,
    resetsReceived: 0,
    badChecksum: 0,
    malformed: 0,
    noSocket: 0,
    outOfOrder: 0,
    activeOpens: 0,
    passiveOpens: 0,
    failedOpens: 0,
    icmpErrors: 0,
    listenOverflows: 0,
  };
}

const remoteKey = (ip: Ipv4, port: number): number => ip * 0x10000 + port;

export class TcpStack {
  readonly stats: TcpStats = emptyStats();
  readonly config: TcpConfig;
  private readonly segment = new Segment();
  private readonly connections = new Map<number, Map<number, TcpConnection>>();
  private readonly listeners = new Map<number, TcpListener>();
  /** Every socket, listeners included, in creation order (for `sockets()`). */
  private readonly all = new Set<TcpSocket>();
  private readonly host: ConnectionHost;

  constructor(
    readonly env: TcpEnv,
    config: Partial<TcpConfig> = {},
  ) {
    this.config = { ...TCP_DEFAULTS, ...config };
    checkConfig(this.config);
    const scratch = new Uint8Array(SCRATCH_BYTES);
    this.host = {
      env,
      config: this.config,
      stats: this.stats,
      scratch,
      transmit: (remote, len) => this.transmit(remote, scratch.subarray(0, len)),
      sendReset: (remote, localPort, remotePort, seq, ack, flags) => this.sendReset(remote, localPort, remotePort, seq, ack, flags),
      removeConnection: (c) => this.removeConnection(c),
    };
  }

  /** Sockets for a netstat-like display: listeners and connections (TIME_WAIT included), oldest first. */
  sockets(): readonly TcpSocket[] {
    return [...this.all];
  }

  /**
   * A TCP segment addressed to us arrived inside IPv4 (`segment` lent). Malformed segments and bad
   * checksums are counted and dropped; nothing a peer sends makes this throw.
   */
  input(src: Ipv4, dst: Ipv4, segment: Uint8Array): void {
    this.stats.segmentsIn++;
    const seg = this.segment;
    if (dst !== this.env.localIp || !parseSegment(segment, seg)) {
      this.stats.malformed++;
      return;
    }
    if (!verifyChecksum(segment, src, dst)) {
      this.stats.badChecksum++;
      return;
    }
    const conn = this.connections.get(seg.dstPort)?.get(remoteKey(src, seg.srcPort));
    if (conn) {
      // A new SYN for a connection in TIME_WAIT may reopen it (RFC 9293 §3.6.1).
      if (!(conn.acceptsNewSyn(seg) && this.listeners.has(seg.dstPort))) {
        conn.input(seg);
        return;
      }
      conn.terminate(null);
    }
    const listener = this.listeners.get(seg.dstPort);
    if (listener) this.listenInput(listener, src, seg);
    else this.refuse(src, seg);
  }

  /**
   * An ICMP error quoting one of our segments: `quoted` is the IPv4 header we sent and at least 8
   * bytes of TCP. Type 3 code 4 carries the next-hop MTU (RFC 1191).
   */
  icmpError(type: number, code: number, quoted: Uint8Array, nextHopMtu: number): void {
    this.stats.icmpErrors++;
    if (quoted.length < 20 || quoted[0] >> 4 !== 4) return;
    const ihl = (quoted[0] & 0x0f) * 4;
    if (ihl < 20 || quoted.length < ihl + 8 || quoted[9] !== TCP_PROTOCOL) return;
    if (readIpv4(quoted, 12) !== this.env.localIp) return;
    const remote = readIpv4(quoted, 16);
    const localPort = (quoted[ihl] << 8) | quoted[ihl + 1];
    const remotePort = (quoted[ihl + 2] << 8) | quoted[ihl + 3];
    const seq = readIpv4(quoted, ihl + 4);
    this.connections.get(localPort)?.get(remoteKey(remote, remotePort))?.icmpError(type, code, seq, nextHopMtu);
  }

  /** Opens a connection to `remote:port` (SYN sent at once). */
  connect(remote: Ipv4, port: number, handler: TcpHandler, options: { localPort?: number } = {}): TcpSocket {
    checkPort(port, 'connect: remote port');
    let localPort = options.localPort;
    if (localPort !== undefined) {
      checkPort(localPort, 'connect: local port');
      if (this.connections.get(localPort)?.has(remoteKey(remote, port))) {
        throw new Error(`connect: ${formatIpv4(this.env.localIp)}:${localPort} → ${formatIpv4(remote)}:${port}: address already in use`);
      }
    } else {
      localPort = this.ephemeralPort();
    }
    const c = new TcpConnection(this.host, localPort, remote, port, null, handler);
    this.addConnection(c);
    this.stats.activeOpens++;
    c.openActive();
    return c;
  }

  /** Listens on `port`; `accept` gives the handler of each connection once its handshake completes. */
  listen(port: number, accept: (socket: TcpSocket) => TcpHandler): Disposable {
    checkPort(port, 'listen: port');
    if (this.listeners.has(port)) throw new Error(`listen: port ${port}: address already in use`);
    const l = new TcpListener(this.env.localIp, port, accept, () => this.removeListener(l));
    this.listeners.set(port, l);
    this.all.add(l);
    return l;
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────────

  /** LISTEN state (RFC 9293 §3.10.7.2). */
  private listenInput(l: TcpListener, src: Ipv4, seg: Segment): void {
    if (seg.rst) return;
    if (seg.hasAck) {
      this.sendReset(src, seg.dstPort, seg.srcPort, seg.ack, 0, RST);
      return;
    }
    if (!seg.syn || seg.fin) return;
    if (l.halfOpen >= this.config.backlog) {
      this.stats.listenOverflows++;
      return;
    }
    const c = new TcpConnection(this.host, seg.dstPort, src, seg.srcPort, l, null);
    this.addConnection(c);
    this.stats.passiveOpens++;
    c.openPassive(seg);
  }

  /** A segment for a port nobody uses: RST unless it is one (RFC 9293 §3.10.7.1). */
  private refuse(src: Ipv4, seg: Segment): void {
    this.stats.noSocket++;
    if (seg.rst) return;
    if (seg.hasAck) this.sendReset(src, seg.dstPort, seg.srcPort, seg.ack, 0, RST);
    else this.sendReset(src, seg.dstPort, seg.srcPort, 0, seqAdd(seg.seq, seg.segLen), RST | ACK);
  }

  private sendReset(remote: Ipv4, localPort: number, remotePort: number, seq: number, ack: number, flags: number): void {
    const buf = this.host.scratch;
    writeHeader(buf, localPort, remotePort, seq, ack, flags, 0, 20);
    fillChecksum(buf, 20, this.env.localIp, remote);
    this.stats.resetsSent++;
    this.transmit(remote, buf.subarray(0, 20));
  }

  private transmit(remote: Ipv4, segment: Uint8Array): void {
    this.stats.segmentsOut++;
    this.env.output(remote, segment);
  }

  private addConnection(c: TcpConnection): void {
    let byRemote = this.connections.get(c.localPort);
    if (!byRemote) this.connections.set(c.localPort, (byRemote = new Map()));
    byRemote.set(remoteKey(c.remoteIp, c.remotePort), c);
    this.all.add(c);
  }

  private removeConnection(c: TcpConnection): void {
    const byRemote = this.connections.get(c.localPort);
    const key = remoteKey(c.remoteIp, c.remotePort);
    if (byRemote?.get(key) === c) {
      byRemote.delete(key);
      if (byRemote.size === 0) this.connections.delete(c.localPort);
    }
    this.all.delete(c);
  }

  private removeListener(l: TcpListener): void {
    if (this.listeners.get(l.localPort) === l) this.listeners.delete(l.localPort);
    this.all.delete(l);
    // Half-open connections of this listener have nobody to be accepted by: reset them.
    for (const s of [...this.all]) if (s instanceof TcpConnection && s.listener === l && s.state === 'SYN_RECEIVED') s.abort();
  }

  /** A free port in the ephemeral range, from a random start (Linux-like), skipping ports in use. */
  private ephemeralPort(): number {
    const { ephemeralFirst: first, ephemeralLast: last } = this.config;
    const n = last - first + 1;
    const start = this.env.rng.int(0, n);
    for (let i = 0; i < n; i++) {
      const port = first + ((start + i) % n);
      if (!this.connections.has(port) && !this.listeners.has(port)) return port;
    }
    throw new Error(`connect: no free ephemeral port in ${first}–${last}`);
  }
}

/** A listening socket: also the Disposable that `listen` returns. */
class TcpListener implements TcpSocket, ListenerLink, Disposable {
  state: TcpState = 'LISTEN';
  halfOpen = 0;
  readonly remoteIp = 0;
  readonly remotePort = 0;
  readonly bytesSent = 0;
  readonly bytesReceived = 0;
  readonly retransmissions = 0;
  readonly mss = 0;
  readonly bufferedAmount = 0;
  readonly cwnd = 0;
  readonly srttNs = 0;
  readonly rtoNs = 0;

  constructor(
    readonly localIp: Ipv4,
    readonly localPort: number,
    private readonly accept: (socket: TcpSocket) => TcpHandler,
    private readonly onDispose: () => void,
  ) {}

  acceptConnection(s: TcpSocket): TcpHandler {
    return this.accept(s);
  }

  send(): void {
    throw new Error(`TCP send: port ${this.localPort} is a listening socket`);
  }

  close(): void {
    this.dispose();
  }

  abort(): void {
    this.dispose();
  }

  dispose(): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.onDispose();
  }
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`${what} must be an integer in 1–65535, got ${port}`);
}

function checkConfig(c: TcpConfig): void {
  const positive = (v: number, name: string) => {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`TcpStack: ${name} must be a positive integer, got ${v}`);
  };
  positive(c.receiveWindow, 'receiveWindow');
  if (c.receiveWindow > 2 ** 30) throw new RangeError('TcpStack: receiveWindow must be at most 2^30');
  positive(c.initialRtoNs, 'initialRtoNs');
  positive(c.minRtoNs, 'minRtoNs');
  positive(c.maxRtoNs, 'maxRtoNs');
  positive(c.timeWaitNs, 'timeWaitNs');
  positive(c.delayedAckNs, 'delayedAckNs');
  positive(c.initialCwndSegments, 'initialCwndSegments');
  for (const [v, name] of [[c.synRetries, 'synRetries'], [c.synAckRetries, 'synAckRetries'], [c.maxRetries, 'maxRetries'], [c.backlog, 'backlog']] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`TcpStack: ${name} must be a non-negative integer, got ${v}`);
  }
  checkPort(c.ephemeralFirst, 'TcpStack: ephemeralFirst');
  checkPort(c.ephemeralLast, 'TcpStack: ephemeralLast');
  if (c.ephemeralLast < c.ephemeralFirst) throw new RangeError('TcpStack: ephemeralLast < ephemeralFirst');
}
