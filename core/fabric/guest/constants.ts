/**
 * The guest stack's tunables. Where a Linux sysctl or library default exists, the value is
 * Linux's and the comment names it; where the lab deliberately differs, the comment says so.
 */

const MS = 1_000_000;
const S = 1_000_000_000;

/** net.ipv4.ip_default_ttl. */
export const DEFAULT_TTL = 64;

/** The MTU of the loopback interface (`lo`). */
export const LOOPBACK_MTU = 65536;

// ---- ARP (net.ipv4.neigh.default.*) ----

/**
 * How long an entry stays REACHABLE after a reply confirmed it: base_reachable_time_ms (30 s).
 * Linux draws the real value uniformly from [0.5, 1.5]·base; the lab uses the base itself, so
 * captures do not depend on a random draw.
 */
export const ARP_REACHABLE_NS = 30 * S;
/** Between two requests for the same address: retrans_time_ms (1 s). */
export const ARP_RETRANS_NS = 1 * S;
/** Requests before giving up: mcast_solicit (3) for a new entry, ucast_solicit (3) to re-confirm a stale one. */
export const ARP_MAX_PROBES = 3;
/**
 * Bytes of frames held per unresolved address: unres_qlen_bytes (212992). Linux counts the
 * socket-buffer truesize; the lab counts frame bytes. Beyond it the oldest frame is dropped.
 */
export const ARP_QUEUE_BYTES = 212_992;

// ---- IPv4 fragments (net.ipv4.ipfrag_*) ----

/** Reassembly timeout: ipfrag_time (30 s). */
export const REASSEMBLY_TIMEOUT_NS = 30 * S;
/** Bytes held by incomplete datagrams before new fragments are refused: ipfrag_high_thresh (4 MiB). */
export const REASSEMBLY_MEMORY_BYTES = 4 * 1024 * 1024;
/** Incomplete datagrams held at once (a lab bound; Linux bounds only by memory). */
export const REASSEMBLY_MAX_DATAGRAMS = 256;

// ---- path MTU (net.ipv4.route.*) ----

/** A learned path MTU is forgotten after mtu_expires (600 s). */
export const PMTU_EXPIRES_NS = 600 * S;
/** min_pmtu (552): smaller reported MTUs are raised to it and the entry is locked (DF cleared). */
export const MIN_PMTU = 552;

// ---- ports (net.ipv4.ip_local_port_range) ----

export const EPHEMERAL_FIRST = 32768;
export const EPHEMERAL_LAST = 60999;

// ---- resolver (glibc resolv.conf defaults) ----

/** `options timeout:5`. */
export const DNS_TIMEOUT_NS = 5 * S;
/** `options attempts:2`. */
export const DNS_ATTEMPTS = 2;

// ---- applications ----

/** nginx keepalive_timeout (75 s): an idle persistent HTTP connection is closed after it. */
export const HTTP_KEEPALIVE_NS = 75 * S;
/** Largest request head the HTTP server buffers (nginx large_client_header_buffers 8k). */
export const HTTP_MAX_HEAD = 8 * 1024;
/** Largest `/bytes/N` the HTTP server serves. */
export const HTTP_MAX_BYTES = 100_000_000;

export { MS, S };
