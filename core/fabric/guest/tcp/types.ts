/**
 * The public types of the guest TCP: what the stack needs from the IP layer (`TcpEnv`), what an
 * application gives it (`TcpHandler`) and gets back (`TcpSocket`), the counters, and the tunables
 * with their defaults.
 */
import type { Ipv4 } from '../../../base/addr.ts';
import type { Rng } from '../../../base/rng.ts';
import type { Simulator } from '../../../sim/simulator.ts';

/** Connection states with the names of RFC 793 / RFC 9293. */
export type TcpState =
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSED';

/**
 * Why a connection ended, as reported to `TcpHandler.closed`:
 *  - `closed`: both sides finished (FIN exchanged), or the application closed before the handshake ended;
 *  - `reset`: a valid RST arrived, or the application called `abort()`;
 *  - `timeout`: retransmissions (of the SYN, the SYN-ACK or data) ran out;
 *  - `refused`: an RST answered our SYN (nothing listens on the port);
 *  - `unreachable`: an ICMP destination-unreachable killed the handshake, or retransmissions ran
 *    out after one had been received (RFC 1122 soft error).
 */
export type TcpCloseReason = 'closed' | 'reset' | 'timeout' | 'refused' | 'unreachable';

/** What the TCP stack needs from the IPv4 layer below it. */
export interface TcpEnv {
  readonly sim: Simulator;
  readonly localIp: Ipv4;
  /** Largest segment payload toward `remote`: min(interface MTU, path MTU cache) − 40. */
  mss(remote: Ipv4): number;
  /**
   * Sends one TCP segment (header + payload, checksum filled) to `remote` inside IPv4 (DF set).
   * The array is lent: copy it before returning. Must not call back into the stack synchronously.
   */
  output(remote: Ipv4, segment: Uint8Array): void;
  /** Seeded stream for initial sequence numbers, timestamp offsets and ephemeral ports. */
  readonly rng: Rng;
}

/** Callbacks of one connection. Every callback runs inside the simulator; none may be re-entered. */
export interface TcpHandler {
  /** The handshake completed (ESTABLISHED). For accepted connections it follows `accept`. */
  connected?(s: TcpSocket): void;
  /** In-order bytes arrived. `bytes` is lent: copy what you keep. */
  data?(s: TcpSocket, bytes: Uint8Array): void;
  /** The peer sent FIN: no more data will arrive (the socket may still send). */
  remoteClosed?(s: TcpSocket): void;
  /**
   * The connection is over for the application. Called exactly once per socket the application
   * holds — also synchronously from `abort()` (reason `reset`). An actively closed connection
   * reports `closed` when it enters TIME_WAIT; it leaves `sockets()` 60 s later.
   */
  closed?(s: TcpSocket, reason: TcpCloseReason): void;
  /** Everything queued with `send` has been acknowledged (addition to the base API, for bulk senders). */
  drained?(s: TcpSocket): void;
}

export interface TcpSocket {
  readonly state: TcpState;
  readonly localIp: Ipv4;
  readonly localPort: number;
  /** 0 for a listening socket. */
  readonly remoteIp: Ipv4;
  /** 0 for a listening socket. */
  readonly remotePort: number;
  /** Queues bytes (copied) for sending; throws in states where sending is no longer possible. */
  send(bytes: Uint8Array): void;
  /** Graceful close: FIN after all queued data. Closing a listening socket stops listening. */
  close(): void;
  /** Abortive close: RST to the peer (when synchronized), CLOSED at once. */
  abort(): void;
  /** Application bytes transmitted at least once (retransmissions not counted). */
  readonly bytesSent: number;
  /** Bytes delivered in order to the application. */
  readonly bytesReceived: number;
  /** Segments this connection retransmitted (timeouts, fast retransmit, PMTU). */
  readonly retransmissions: number;
  /** Effective send MSS: min(our MSS, peer's MSS option, path MTU − 40). Options come out of it. */
  readonly mss: number;
  /** Bytes queued by `send` and not yet acknowledged. */
  readonly bufferedAmount: number;
  /** Congestion window in bytes. */
  readonly cwnd: number;
  /** Smoothed RTT in ns (0 until the first sample). */
  readonly srttNs: number;
  /** Current retransmission timeout in ns. */
  readonly rtoNs: number;
}

/** Counters of one stack (RFC 4022's MIB counters by another name). */
export interface TcpStats {
  segmentsIn: number;
  segmentsOut: number;
  /** Segments sent again: SYN/SYN-ACK retries, timeouts, fast retransmits, PMTU re-sends. */
  retransmissions: number;
  fastRetransmits: number;
  /** Retransmission-timer expiries. */
  timeouts: number;
  resetsSent: number;
  resetsReceived: number;
  badChecksum: number;
  /** Too short, bad data offset, port 0, or not addressed to us. */
  malformed: number;
  /** Segments for which no connection or listener existed. */
  noSocket: number;
  outOfOrder: number;
  activeOpens: number;
  passiveOpens: number;
  /** Connections that never reached ESTABLISHED: refused, unreachable, timed out, reset. */
  failedOpens: number;
  icmpErrors: number;
  /** SYNs dropped because a listener's backlog of half-open connections was full. */
  listenOverflows: number;
}

/** Tunables of a stack; every field has a default in `TCP_DEFAULTS`. */
export interface TcpConfig {
  /** Receive buffer = the window we advertise, in bytes (≤ 2^30). */
  readonly receiveWindow: number;
  readonly initialRtoNs: number;
  readonly minRtoNs: number;
  readonly maxRtoNs: number;
  /** Retransmissions of a SYN before `timeout` (Linux tcp_syn_retries). */
  readonly synRetries: number;
  /** Retransmissions of a SYN-ACK before the half-open connection is dropped (tcp_synack_retries). */
  readonly synAckRetries: number;
  /** Retransmissions of data or FIN before `timeout` (Linux tcp_retries2). */
  readonly maxRetries: number;
  /** TIME_WAIT length (2·MSL). */
  readonly timeWaitNs: number;
  /** Delay ACKs for in-order data (ACK at least every second segment). */
  readonly delayedAck: boolean;
  readonly delayedAckNs: number;
  /** Offer RFC 7323 timestamps (used when the peer offers them too). */
  readonly timestamps: boolean;
  /** Offer SACK (RFC 2018) (used when the peer offers it too). */
  readonly sack: boolean;
  /** Offer window scaling (RFC 7323). */
  readonly windowScaling: boolean;
  /** Initial congestion window in segments (RFC 6928). */
  readonly initialCwndSegments: number;
  /** Half-open connections per listener before further SYNs are dropped. */
  readonly backlog: number;
  /** Ephemeral ports: [first, last] (Linux ip_local_port_range). */
  readonly ephemeralFirst: number;
  readonly ephemeralLast: number;
}

const MS = 1_000_000;

export const TCP_DEFAULTS: TcpConfig = {
  receiveWindow: 256 * 1024,
  initialRtoNs: 1000 * MS,
  minRtoNs: 200 * MS,
  maxRtoNs: 120_000 * MS,
  synRetries: 6,
  synAckRetries: 5,
  maxRetries: 15,
  timeWaitNs: 60_000 * MS,
  delayedAck: true,
  delayedAckNs: 40 * MS,
  timestamps: true,
  sack: true,
  windowScaling: true,
  initialCwndSegments: 10,
  backlog: 128,
  ephemeralFirst: 32768,
  ephemeralLast: 60999,
};
