/**
 * The network stack of one instance: a Linux-like host with one interface (`eth0`, the NIC end of
 * its ENI link) and a loopback. Ethernet in and out, ARP (arp-cache.ts), IPv4 with fragmentation
 * and reassembly (reassembly.ts) and a path-MTU cache (path-mtu.ts), ICMP (echo, errors), UDP
 * sockets, TCP (./tcp), a stub DNS resolver (dns-client.ts), the built-in HTTP server on port 80
 * (http-server.ts) and a tiny shell that runs the applications in ./apps (shell.ts).
 *
 * Hot paths: `receive` and `sendUdp` read and write bytes in place; the only per-packet
 * allocation is the pooled packet itself (and the payload subarray handed to a UDP handler).
 *
 * Nothing a peer sends may throw out of `receive`: every length is checked before it is used,
 * malformed frames are counted under `counters.drops` and released. As a last line of defence an
 * unexpected exception (an application bug) is caught, counted as `drops.error` and kept in
 * `lastError`; tests assert that it stays zero.
 */
import { BROADCAST_MAC, type Cidr, type Ipv4, type Mac, prefixMask, readIpv4, readMac, writeIpv4, writeMac } from '../../base/addr.ts';
import { finishChecksum, internetChecksum } from '../../base/checksum.ts';
import { type Disposable } from '../../base/event.ts';
import type { Rng } from '../../base/rng.ts';
import type { DropEvent } from '../../sim/drop.ts';
import type { PacketPool } from '../../sim/packet-pool.ts';
import type { SimPacket } from '../../sim/packet.ts';
import type { Port, PortReceiver } from '../../sim/port.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { TraceSource } from '../../sim/trace.ts';
import { ArpCache, type ArpHost } from './arp-cache.ts';
import { DEFAULT_TTL, EPHEMERAL_FIRST, EPHEMERAL_LAST, LOOPBACK_MTU } from './constants.ts';
import { DnsClient } from './dns-client.ts';
import {
  ETH_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, FLAG_DF, FLAG_MF, fillIcmpChecksum, FRAG_MASK, ICMP_LEN, IP_LEN, PROTO_ICMP, PROTO_TCP, PROTO_UDP,
  readU16, sumWordsFast, udpChecksumOk, UDP_LEN, writeEthernet, writeIpv4Header, writeUdpHeader,
} from './frames.ts';
import { HttpServer } from './http-server.ts';
import { PathMtuCache } from './path-mtu.ts';
import { Reassembler, type ReassemblyHost } from './reassembly.ts';
import { type GuestProcess, type ProcessIo, Shell } from './shell.ts';
import { type TcpHandler, type TcpSocket, TcpStack } from './tcp/index.ts';

export interface GuestConfig {
  /** The instance name: the hostname, and the prefix of the guest's random streams. */
  readonly name: string;
  readonly ip: Ipv4;
  readonly mac: Mac;
  /** Interface MTU (L3 bytes), e.g. 9001 or 1500. */
  readonly mtu: number;
  readonly subnet: Cidr;
  /** The default gateway: the VPC router at the subnet's base + 1. */
  readonly router: Ipv4;
  /** The resolver: the VPC base + 2. */
  readonly dns: Ipv4;
}

/**
 * How a socket treats DF (Linux's IP_MTU_DISCOVER): `do` sets DF and refuses datagrams larger
 * than the path MTU (EMSGSIZE); `want` sets DF on datagrams that fit and fragments larger ones
 * without DF (Linux's default for every socket, UDP included); `dont` never sets DF.
 */
export type PmtuMode = 'do' | 'want' | 'dont';

/** What a send did: `ok` (sent, or held for ARP), `too-big` (EMSGSIZE), `invalid` (bad arguments). */
export type SendStatus = 'ok' | 'too-big' | 'invalid';

export interface IpSendOptions {
  readonly pmtu?: PmtuMode;
  readonly ttl?: number;
}

/** An ICMP error about a datagram a socket sent. */
export interface IcmpErrorInfo {
  /** Who sent the error (the guest's own address for local errors such as a failed ARP). */
  readonly from: Ipv4;
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU of a fragmentation-needed error, else 0. */
  readonly nextHopMtu: number;
  /** Destination and ports of the datagram the error quotes. */
  readonly dst: Ipv4;
  readonly srcPort: number;
  readonly dstPort: number;
}

export type UdpHandler = (src: Ipv4, srcPort: number, payload: Uint8Array) => void;

export interface UdpBinding extends Disposable {
  readonly port: number;
}

/** The receiving side of a ping socket (Linux's ICMP datagram socket). */
export interface IcmpEchoHandler {
  /** An echo reply with our identifier. `data` follows the 8-byte header and is lent. */
  reply(src: Ipv4, seq: number, data: Uint8Array, ttl: number, icmpLength: number): void;
  /** An ICMP error quoting one of our echo requests. */
  error(info: IcmpErrorInfo, seq: number): void;
}

export interface IcmpEchoSocket extends Disposable {
  readonly ident: number;
  /** Sends an echo request carrying `data` after the 8-byte header. */
  send(dst: Ipv4, seq: number, data: Uint8Array, options?: IpSendOptions): SendStatus;
}

export type GuestDropCause =
  | 'malformed'
  | 'badChecksum'
  | 'notForUs'
  | 'unsupported'
  | 'noSocket'
  | 'arpFailed'
  | 'arpOverflow'
  | 'tooBig'
  | 'linkRefused'
  | 'fragment'
  | 'reassemblyTimeout'
  | 'error';

/** Drop reason codes fired on `onDidDrop` (upper snake case, like the fabric's). */
export const GuestDropReason: Readonly<Record<GuestDropCause, string>> = {
  malformed: 'GUEST_MALFORMED',
  badChecksum: 'GUEST_BAD_CHECKSUM',
  notForUs: 'GUEST_NOT_FOR_US',
  unsupported: 'GUEST_UNSUPPORTED',
  noSocket: 'GUEST_NO_SOCKET',
  arpFailed: 'GUEST_ARP_FAILED',
  arpOverflow: 'GUEST_ARP_QUEUE_FULL',
  tooBig: 'GUEST_MESSAGE_TOO_LONG',
  linkRefused: 'GUEST_LINK_REFUSED',
  fragment: 'GUEST_FRAGMENT_DROPPED',
  reassemblyTimeout: 'GUEST_REASSEMBLY_TIMEOUT',
  error: 'GUEST_INTERNAL_ERROR',
};

export interface GuestCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  arpRequestsSent: number;
  arpRepliesSent: number;
  /** IPv4 datagrams handed to ICMP/UDP/TCP (after reassembly). */
  ipDelivered: number;
  /** IPv4 datagrams sent (a fragmented one counts once). */
  ipSent: number;
  fragmentsSent: number;
  fragmentsReceived: number;
  datagramsReassembled: number;
  icmpReceived: number;
  icmpSent: number;
  udpSent: number;
  udpDelivered: number;
  tcpSegmentsIn: number;
  tcpSegmentsOut: number;
  readonly drops: Record<GuestDropCause, number>;
}

const EV_LOOPBACK = 1;
const PMTU_DO: IpSendOptions = { pmtu: 'do' };
const PMTU_DONT: IpSendOptions = { pmtu: 'dont' };
const LOOPBACK_IP = 0x7f000001;

export class Guest implements PortReceiver, ArpHost, ReassemblyHost {
  readonly name: string;
  readonly ip: Ipv4;
  readonly mac: Mac;
  readonly mtu: number;
  readonly subnet: Cidr;
  readonly arp: ArpCache;
  readonly pmtu: PathMtuCache;
  readonly reassembler: Reassembler;
  readonly tcp: TcpStack;
  readonly dns: DnsClient;
  readonly http: HttpServer;
  readonly shell: Shell;
  readonly counters: GuestCounters = {
    rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, arpRequestsSent: 0, arpRepliesSent: 0, ipDelivered: 0, ipSent: 0,
    fragmentsSent: 0, fragmentsReceived: 0, datagramsReassembled: 0, icmpReceived: 0, icmpSent: 0, udpSent: 0, udpDelivered: 0,
    tcpSegmentsIn: 0, tcpSegmentsOut: 0,
    drops: {
      malformed: 0, badChecksum: 0, notForUs: 0, unsupported: 0, noSocket: 0, arpFailed: 0, arpOverflow: 0, tooBig: 0, linkRefused: 0,
      fragment: 0, reassemblyTimeout: 0, error: 0,
    },
  };
  /** Frames the guest dropped, with a `GUEST_…` reason (the packet is lent, as on a port's `drop`). */
  readonly onDidDrop = new TraceSource<DropEvent>('drop', 'A frame the guest stack dropped, with a reason');
  /** The last exception caught in `receive` (an application bug), for debugging. */
  lastError: unknown = null;

  private readonly udpSockets = new Map<number, { handler: UdpHandler; onError: ((e: IcmpErrorInfo) => void) | undefined }>();
  private readonly echoSockets = new Map<number, IcmpEchoHandler>();
  private readonly listeners = new Map<number, Disposable>();
  private rawListeners: readonly ((datagram: Uint8Array) => void)[] = [];
  private readonly udpPortRng: Rng;
  private nextIcmpIdent: number;
  private ident: number;
  private readonly broadcast: Ipv4;
  /** The subnet as int32 mask and base, for the per-packet next-hop choice. */
  private readonly subnetMask: number;
  private readonly subnetBase: number;
  /** The packet `receive` is working on, for drop traces. */
  private current: SimPacket | null = null;

  constructor(
    readonly sim: Simulator,
    readonly pool: PacketPool,
    readonly config: GuestConfig,
    readonly nic: Port,
  ) {
    this.name = config.name;
    this.ip = config.ip >>> 0;
    this.mac = config.mac;
    this.mtu = config.mtu;
    this.subnet = config.subnet;
    this.broadcast = (config.subnet.base | ~prefixMask(config.subnet.prefix)) >>> 0;
    this.subnetMask = prefixMask(config.subnet.prefix) | 0;
    this.subnetBase = config.subnet.base | 0; // as cidrContains compares: the base as given
    this.ident = sim.rng(`guest:${config.name}:ip-ident`).int(0, 0x10000);
    this.nextIcmpIdent = sim.rng(`guest:${config.name}:icmp-ident`).int(1, 0x10000);
    this.udpPortRng = sim.rng(`guest:${config.name}:udp-port`);
    this.arp = new ArpCache(sim, this);
    this.pmtu = new PathMtuCache(sim, config.mtu);
    this.reassembler = new Reassembler(sim, this);
    this.tcp = new TcpStack({
      sim,
      localIp: this.ip,
      rng: sim.rng(`guest:${config.name}:tcp`),
      mss: (remote) => this.pathMtu(remote) - 40,
      output: (remote, segment) => this.tcpOutput(remote, segment),
    });
    this.dns = new DnsClient(this, sim.rng(`guest:${config.name}:dns`));
    this.shell = new Shell(this);
    nic.attach(this);
    this.http = new HttpServer(this);
  }

  // ---- public API ----

  /** Runs a command line as a shell would (see shell.ts for what it understands). */
  exec(commandLine: string, io: ProcessIo): GuestProcess {
    return this.shell.exec(commandLine, io);
  }

  /**
   * Binds a UDP port (0 picks an ephemeral one) to `handler`; `onError` hears ICMP errors about
   * datagrams sent from the port. Throws `Address already in use` when taken.
   */
  udpBind(port: number, handler: UdpHandler, onError?: (e: IcmpErrorInfo) => void): UdpBinding {
    if (port === 0) port = this.ephemeralUdpPort();
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`udpBind: bad port ${port}`);
    if (this.udpSockets.has(port)) throw new Error('Address already in use');
    const sock = { handler, onError };
    this.udpSockets.set(port, sock);
    const sockets = this.udpSockets;
    return {
      port,
      dispose() {
        if (sockets.get(port) === sock) sockets.delete(port);
      },
    };
  }

  /** Bound UDP ports, ascending (for `ss`). */
  udpPorts(): number[] {
    return [...this.udpSockets.keys()].sort((a, b) => a - b);
  }

  /**
   * Sends a UDP datagram of `payloadLength` bytes; `fill` writes the payload (else it is zeros).
   * UDP sockets default to `want` (Linux's default): DF when the datagram fits the path MTU,
   * fragmented without DF otherwise. The hot path allocates nothing but the pooled packet.
   */
  sendUdp(dst: Ipv4, srcPort: number, dstPort: number, payloadLength: number, fill?: (payload: Uint8Array) => void, options?: IpSendOptions): SendStatus {
    const udpLen = UDP_LEN + payloadLength;
    if (!(payloadLength >= 0) || IP_LEN + udpLen > 0xffff || srcPort < 0 || srcPort > 0xffff || dstPort < 1 || dstPort > 0xffff) return 'invalid';
    const p = this.datagram(dst, PROTO_UDP, udpLen, options);
    if (p === null) return 'too-big';
    const b = p.bytes;
    const at = ETH_LEN + IP_LEN;
    // Without `fill` the payload is the pool's zeroed bytes: the checksum need not sum them.
    if (fill !== undefined) fill(b.subarray(at + UDP_LEN, at + udpLen));
    writeUdpHeader(b, at, srcPort, dstPort, udpLen, readIpv4(b, ETH_LEN + 12), dst, fill === undefined ? at + UDP_LEN : at + udpLen);
    this.counters.udpSent++;
    this.route(p, dst);
    return 'ok';
  }

  /** `sendUdp` with the payload given as bytes. */
  sendUdpBytes(dst: Ipv4, srcPort: number, dstPort: number, payload: Uint8Array, options?: IpSendOptions): SendStatus {
    return this.sendUdp(dst, srcPort, dstPort, payload.length, (out) => out.set(payload), options);
  }

  /** Opens a ping socket: echo requests out, replies and errors with its identifier in. */
  icmpOpen(handler: IcmpEchoHandler): IcmpEchoSocket {
    let ident = this.nextIcmpIdent;
    for (let i = 0; i < 0x10000 && (this.echoSockets.has(ident) || ident === 0); i++) ident = (ident + 1) & 0xffff;
    this.nextIcmpIdent = (ident + 1) & 0xffff || 1;
    this.echoSockets.set(ident, handler);
    const sockets = this.echoSockets;
    return {
      ident,
      send: (dst, seq, data, options) => this.sendEcho(dst, ident, seq, data, options),
      dispose() {
        if (sockets.get(ident) === handler) sockets.delete(ident);
      },
    };
  }

  /** Listens on a TCP port through the stack, remembering it for `ss`. Throws when in use. */
  tcpListen(port: number, accept: (socket: TcpSocket) => TcpHandler): Disposable {
    const d = this.tcp.listen(port, accept);
    this.listeners.set(port, d);
    const listeners = this.listeners;
    return {
      dispose() {
        if (listeners.get(port) === d) listeners.delete(port);
        d.dispose();
      },
    };
  }

  /** TCP ports listened on, ascending (for `ss`). */
  tcpListeningPorts(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  /**
   * A raw socket's send (IP_HDRINCL-like): `payload` is the whole transport message, checksum
   * already filled by the caller for the source it chose; `src` may be any address (spoofing, as
   * hping's `-a` does — the Nitro card's source/destination check is what stops it).
   */
  sendRawIp(dst: Ipv4, protocol: number, payload: Uint8Array, options: IpSendOptions & { readonly src?: Ipv4 } = {}): SendStatus {
    if (IP_LEN + payload.length > 0xffff) return 'invalid';
    const p = this.datagram(dst, protocol, payload.length, options);
    if (p === null) return 'too-big';
    const b = p.bytes;
    if (options.src !== undefined && options.src !== readIpv4(b, ETH_LEN + 12)) {
      writeIpv4(b, ETH_LEN + 12, options.src);
      b[ETH_LEN + 10] = 0;
      b[ETH_LEN + 11] = 0;
      const c = internetChecksum(b, ETH_LEN, ETH_LEN + IP_LEN);
      b[ETH_LEN + 10] = c >>> 8;
      b[ETH_LEN + 11] = c & 0xff;
    }
    b.set(payload, ETH_LEN + IP_LEN);
    this.route(p, dst);
    return 'ok';
  }

  /**
   * A packet socket's view (what hping and tcpdump see): every IPv4 datagram delivered to the
   * guest, after reassembly and before the protocols, lent for the duration of the call.
   */
  rawListen(handler: (datagram: Uint8Array) => void): Disposable {
    this.rawListeners = [...this.rawListeners, handler];
    return {
      dispose: () => {
        const i = this.rawListeners.indexOf(handler);
        if (i >= 0) this.rawListeners = [...this.rawListeners.slice(0, i), ...this.rawListeners.slice(i + 1)];
      },
    };
  }

  /** MTU toward `dst`: loopback, or min(interface MTU, path MTU cache). */
  pathMtu(dst: Ipv4): number {
    return this.isLocal(dst) ? LOOPBACK_MTU : this.pmtu.mtu(dst);
  }

  /** The next hop for `dst`: itself when on the subnet, else the router; -1 for local addresses. */
  nextHop(dst: Ipv4): Ipv4 {
    if (this.isLocal(dst)) return -1;
    return this.onSubnet(dst) ? dst : this.config.router;
  }

  /** `cidrContains(subnet, dst)` with the mask computed once (int32 compare: no boxing, no call). */
  private onSubnet(dst: Ipv4): boolean {
    return (dst & this.subnetMask) === this.subnetBase;
  }

  /** True for the guest's own address and 127.0.0.0/8 (delivered through the loopback). */
  isLocal(dst: Ipv4): boolean {
    return dst === this.ip || dst >>> 24 === 127;
  }

  // ---- receive ----

  receive(packet: SimPacket, _port: Port): void {
    const c = this.counters;
    c.rxFrames++;
    c.rxBytes += packet.length;
    this.current = packet;
    try {
      this.input(packet.bytes);
    } catch (e) {
      this.lastError = e;
      this.drop('error');
    } finally {
      this.current = null;
      packet.release();
    }
  }

  /** Simulator callback: loopback delivery. */
  handleEvent(kind: number, payload: SimPacket): void {
    if (kind !== EV_LOOPBACK) return;
    this.current = payload;
    try {
      this.ipInput(payload.bytes, ETH_LEN, true);
    } catch (e) {
      this.lastError = e;
      this.drop('error');
    } finally {
      this.current = null;
      payload.release();
    }
  }

  private input(b: Uint8Array): void {
    if (b.length < ETH_LEN) return this.drop('malformed');
    const dst = readMac(b, 0);
    if (dst !== this.mac && dst !== BROADCAST_MAC) return this.drop('notForUs');
    const ethertype = (b[12] << 8) | b[13];
    if (ethertype === ETHERTYPE_IPV4) return this.ipInput(b, ETH_LEN, false);
    if (ethertype === ETHERTYPE_ARP) return this.arpInput(b);
    this.drop('unsupported');
  }

  private arpInput(b: Uint8Array): void {
    const at = ETH_LEN;
    if (b.length < at + 28) return this.drop('malformed');
    if (b[at] !== 0 || b[at + 1] !== 1 || b[at + 2] !== 0x08 || b[at + 3] !== 0 || b[at + 4] !== 6 || b[at + 5] !== 4) return this.drop('unsupported');
    const op = (b[at + 6] << 8) | b[at + 7];
    if (op !== 1 && op !== 2) return this.drop('unsupported');
    const senderMac = readMac(b, at + 8);
    const senderIp = readIpv4(b, at + 14);
    const targetIp = readIpv4(b, at + 24);
    if (this.arp.input(op, senderIp, senderMac, targetIp, this.ip)) this.sendArp(2, senderMac, senderMac, senderIp);
  }

  private ipInput(b: Uint8Array, at: number, loopback: boolean): void {
    const avail = b.length - at;
    if (avail < IP_LEN) return this.drop('malformed');
    const vihl = b[at];
    const hl = (vihl & 0x0f) * 4;
    if (vihl >>> 4 !== 4 || hl < IP_LEN || hl > avail) return this.drop('malformed');
    const total = readU16(b, at + 2);
    if (total < hl || total > avail) return this.drop('malformed');
    if (internetChecksum(b, at, at + hl) !== 0) return this.drop('badChecksum');
    const dst = readIpv4(b, at + 16);
    const src = readIpv4(b, at + 12);
    const broadcast = dst === 0xffffffff || dst === this.broadcast;
    if (!(dst === this.ip || broadcast || (loopback && dst >>> 24 === 127))) return this.drop('notForUs');
    if (!loopback && (src === this.ip || src >>> 24 === 127)) return this.drop('notForUs'); // martian source
    const flagsFrag = readU16(b, at + 6);
    if ((flagsFrag & (FLAG_MF | FRAG_MASK)) !== 0) {
      this.counters.fragmentsReceived++;
      const whole = this.reassembler.add(b.subarray(at, at + total), hl, total);
      if (whole === null) {
        const why = this.reassembler.lastOutcome;
        if (why !== 'held' && why !== 'duplicate') this.drop('fragment');
        return;
      }
      this.counters.datagramsReassembled++;
      return this.deliver(whole, 0, (whole[0] & 0x0f) * 4, whole.length, src, dst, broadcast);
    }
    this.deliver(b, at, hl, total, src, dst, broadcast);
  }

  private deliver(b: Uint8Array, at: number, hl: number, total: number, src: Ipv4, dst: Ipv4, broadcast: boolean): void {
    if (this.rawListeners.length !== 0) {
      const datagram = b.subarray(at, at + total);
      for (const l of this.rawListeners) l(datagram);
    }
    const proto = b[at + 9];
    if (proto === PROTO_UDP) return this.udpInput(b, at, hl, total, src, dst, broadcast);
    if (proto === PROTO_TCP) {
      if (broadcast) return this.drop('notForUs');
      this.counters.ipDelivered++;
      this.counters.tcpSegmentsIn++;
      this.tcp.input(src, dst, b.subarray(at + hl, at + total));
      return;
    }
    if (proto === PROTO_ICMP) return this.icmpInput(b, at, hl, total, src, broadcast);
    this.drop('unsupported');
    if (!broadcast) this.sendIcmpError(3, 2, b.subarray(at, at + total), 0); // protocol unreachable
  }

  private udpInput(b: Uint8Array, at: number, hl: number, total: number, src: Ipv4, dst: Ipv4, broadcast: boolean): void {
    const u = at + hl;
    if (total - hl < UDP_LEN) return this.drop('malformed');
    const len = readU16(b, u + 4);
    if (len < UDP_LEN || len > total - hl) return this.drop('malformed');
    if (!udpChecksumOk(b, u, len, src, dst)) return this.drop('badChecksum');
    const dstPort = readU16(b, u + 2);
    if (dstPort === 0) return this.drop('malformed');
    const sock = this.udpSockets.get(dstPort);
    if (sock === undefined) {
      this.drop('noSocket');
      if (!broadcast) this.sendIcmpError(3, 3, b.subarray(at, at + total), 0); // port unreachable
      return;
    }
    this.counters.ipDelivered++;
    this.counters.udpDelivered++;
    // The payload view is lent: the packet's cached view when `b` is its bytes (no allocation).
    const cur = this.current;
    const payload = cur !== null && cur.bytes === b ? cur.slice(u + UDP_LEN, u + len) : b.subarray(u + UDP_LEN, u + len);
    sock.handler(src, readU16(b, u), payload);
  }

  private icmpInput(b: Uint8Array, at: number, hl: number, total: number, src: Ipv4, broadcast: boolean): void {
    const m = at + hl;
    const len = total - hl;
    if (len < ICMP_LEN) return this.drop('malformed');
    if (finishChecksum(sumWordsFast(b, m, m + len)) !== 0) return this.drop('badChecksum');
    this.counters.icmpReceived++;
    this.counters.ipDelivered++;
    const type = b[m];
    const code = b[m + 1];
    switch (type) {
      case 8: // echo request (broadcast pings ignored: icmp_echo_ignore_broadcasts = 1)
        if (!broadcast && code === 0) this.echoReply(src, b, m, len);
        return;
      case 0: {
        if (code !== 0) return;
        const sock = this.echoSockets.get(readU16(b, m + 4));
        if (sock !== undefined) sock.reply(src, readU16(b, m + 6), b.subarray(m + ICMP_LEN, m + len), b[at + 8], len);
        return;
      }
      case 3:
      case 4:
      case 11:
      case 12:
        this.icmpError(src, type, code, type === 3 && code === 4 ? readU16(b, m + 6) : 0, b.subarray(m + ICMP_LEN, m + len));
        return;
      default:
        return; // timestamps, redirects, router discovery: ignored
    }
  }

  /** An ICMP error arrived (or was raised locally): update the PMTU cache and tell the socket. */
  private icmpError(from: Ipv4, type: number, code: number, nextHopMtu: number, quoted: Uint8Array): void {
    if (quoted.length < IP_LEN) return this.drop('malformed');
    const qhl = (quoted[0] & 0x0f) * 4;
    if (quoted[0] >>> 4 !== 4 || qhl < IP_LEN || quoted.length < qhl + 8) return this.drop('malformed');
    const qsrc = readIpv4(quoted, 12);
    if (qsrc !== this.ip && qsrc >>> 24 !== 127) return this.drop('notForUs');
    const qdst = readIpv4(quoted, 16);
    // Sockets hear the MTU the router reported (iputils prints it); TCP gets the MTU now in force.
    if (type === 3 && code === 4) this.pmtu.update(qdst, nextHopMtu);
    if ((readU16(quoted, 6) & FRAG_MASK) !== 0) return; // a later fragment quotes no transport header
    const l4 = qhl;
    switch (quoted[9]) {
      case PROTO_ICMP: {
        if (quoted[l4] !== 8) return;
        const sock = this.echoSockets.get(readU16(quoted, l4 + 4));
        if (sock !== undefined) sock.error({ from, type, code, nextHopMtu, dst: qdst, srcPort: 0, dstPort: 0 }, readU16(quoted, l4 + 6));
        return;
      }
      case PROTO_UDP: {
        const srcPort = readU16(quoted, l4);
        const sock = this.udpSockets.get(srcPort);
        if (sock?.onError !== undefined) sock.onError({ from, type, code, nextHopMtu, dst: qdst, srcPort, dstPort: readU16(quoted, l4 + 2) });
        return;
      }
      case PROTO_TCP:
        this.tcp.icmpError(type, code, quoted, type === 3 && code === 4 ? this.pmtu.mtu(qdst) : nextHopMtu);
        return;
      default:
        return;
    }
  }

  // ---- send ----

  /**
   * A pooled frame with Ethernet (destination MAC still zero) and IPv4 headers for an `l4Len`-byte
   * payload toward `dst`, or null when `do` forbids a datagram this large (counted as tooBig).
   */
  private datagram(dst: Ipv4, protocol: number, l4Len: number, options: IpSendOptions | undefined, defaultMode: PmtuMode = 'want'): SimPacket | null {
    const total = IP_LEN + l4Len;
    const mode = options?.pmtu ?? defaultMode;
    let df = false;
    if (mode !== 'dont') {
      const mtu = this.pathMtu(dst);
      if (mode === 'do') {
        if (total > mtu) {
          this.counters.drops.tooBig++;
          return null;
        }
        df = true;
      } else {
        df = total <= mtu && (this.pmtu.locked(dst) === false);
      }
    }
    const p = this.pool.alloc(ETH_LEN + total);
    const b = p.bytes;
    writeMac(b, 6, this.mac);
    b[12] = 0x08;
    b[13] = 0x00;
    this.ident = (this.ident + 1) & 0xffff;
    const src = dst >>> 24 === 127 ? LOOPBACK_IP : this.ip;
    writeIpv4Header(b, ETH_LEN, total, this.ident, df ? FLAG_DF : 0, options?.ttl ?? DEFAULT_TTL, protocol, src, dst);
    return p;
  }

  /** Sends a complete datagram: loopback, or fragmented to the path MTU and handed to ARP. */
  private route(p: SimPacket, dst: Ipv4): void {
    this.counters.ipSent++;
    if (this.isLocal(dst)) {
      this.sim.post(0, this, EV_LOOPBACK, p);
      return;
    }
    const nextHop = this.onSubnet(dst) ? dst : this.config.router;
    const mtu = this.pmtu.mtu(dst);
    if (p.length - ETH_LEN <= mtu) {
      this.arp.send(nextHop, p);
      return;
    }
    this.fragment(p, mtu, nextHop);
  }

  /** RFC 791 fragmentation of the frame's datagram into pieces of at most `mtu` bytes. */
  private fragment(p: SimPacket, mtu: number, nextHop: Ipv4): void {
    const b = p.bytes;
    const hl = (b[ETH_LEN] & 0x0f) * 4;
    const payload = b.length - ETH_LEN - hl;
    const chunk = Math.floor((mtu - hl) / 8) * 8;
    if (chunk <= 0) {
      this.drop('tooBig', p);
      p.release();
      return;
    }
    const ident = readU16(b, ETH_LEN + 4);
    const ttl = b[ETH_LEN + 8];
    const proto = b[ETH_LEN + 9];
    const src = readIpv4(b, ETH_LEN + 12);
    const dst = readIpv4(b, ETH_LEN + 16);
    for (let off = 0; off < payload; off += chunk) {
      const n = Math.min(chunk, payload - off);
      const f = this.pool.alloc(ETH_LEN + hl + n);
      const fb = f.bytes;
      fb.set(b.subarray(0, ETH_LEN), 0);
      writeIpv4Header(fb, ETH_LEN, hl + n, ident, (off + n < payload ? FLAG_MF : 0) | (off / 8), ttl, proto, src, dst);
      fb.set(b.subarray(ETH_LEN + hl + off, ETH_LEN + hl + off + n), ETH_LEN + hl);
      f.traceId = p.traceId;
      this.counters.fragmentsSent++;
      this.arp.send(nextHop, f);
    }
    p.release();
  }

  private tcpOutput(remote: Ipv4, segment: Uint8Array): void {
    const total = IP_LEN + segment.length;
    if (total > 0xffff) return;
    const mtu = this.pathMtu(remote);
    if (total > mtu && !this.pmtu.locked(remote)) {
      // DF is set and the segment does not fit: Linux answers itself with "fragmentation needed".
      this.counters.drops.tooBig++;
      const quote = new Uint8Array(IP_LEN + Math.min(8, segment.length));
      writeIpv4Header(quote, 0, total, 0, FLAG_DF, DEFAULT_TTL, PROTO_TCP, this.ip, remote);
      quote.set(segment.subarray(0, quote.length - IP_LEN), IP_LEN);
      this.sim.call(0, () => this.tcp.icmpError(3, 4, quote, mtu));
      return;
    }
    // DF unless the path MTU entry is locked (then the datagram may be fragmented).
    const p = this.datagram(remote, PROTO_TCP, segment.length, this.pmtu.locked(remote) ? PMTU_DONT : PMTU_DO)!;
    const b = p.bytes;
    b.set(segment, ETH_LEN + IP_LEN);
    this.counters.tcpSegmentsOut++;
    this.route(p, remote);
  }

  private sendEcho(dst: Ipv4, ident: number, seq: number, data: Uint8Array, options?: IpSendOptions): SendStatus {
    const len = ICMP_LEN + data.length;
    if (IP_LEN + len > 0xffff) return 'invalid';
    const p = this.datagram(dst, PROTO_ICMP, len, options);
    if (p === null) return 'too-big';
    const b = p.bytes;
    const m = ETH_LEN + IP_LEN;
    b[m] = 8;
    b[m + 1] = 0;
    b[m + 4] = ident >>> 8;
    b[m + 5] = ident & 0xff;
    b[m + 6] = (seq >>> 8) & 0xff;
    b[m + 7] = seq & 0xff;
    b.set(data, m + ICMP_LEN);
    fillIcmpChecksum(b, m, len);
    this.counters.icmpSent++;
    this.route(p, dst);
    return 'ok';
  }

  /** Echo reply: same identifier, sequence and data; no DF (Linux's ICMP socket uses IP_PMTUDISC_DONT). */
  private echoReply(to: Ipv4, req: Uint8Array, m: number, len: number): void {
    const p = this.datagram(to, PROTO_ICMP, len, PMTU_DONT)!;
    const b = p.bytes;
    const r = ETH_LEN + IP_LEN;
    b.set(req.subarray(m, m + len), r);
    b[r] = 0;
    b[r + 1] = 0;
    fillIcmpChecksum(b, r, len);
    this.counters.icmpSent++;
    this.route(p, to);
  }

  /**
   * Sends an ICMP error about `original` (an IPv4 datagram from its header on) to its source,
   * quoting the header and 8 bytes of payload — never about an ICMP error, a later fragment, or
   * a datagram from a broadcast, multicast or unspecified source (RFC 1122 §3.2.2).
   */
  sendIcmpError(type: number, code: number, original: Uint8Array, nextHopMtu: number): void {
    if (original.length < IP_LEN) return;
    const hl = (original[0] & 0x0f) * 4;
    const to = readIpv4(original, 12);
    if (to === 0 || to === 0xffffffff || to === this.broadcast || to >>> 28 === 0xe) return;
    if ((readU16(original, 6) & FRAG_MASK) !== 0) return;
    if (original[9] === PROTO_ICMP && original.length > hl) {
      const t = original[hl];
      if (t !== 0 && t !== 8 && t !== 13 && t !== 14 && t !== 15 && t !== 16 && t !== 17 && t !== 18) return;
    }
    const quote = Math.min(original.length, hl + 8);
    const len = ICMP_LEN + quote;
    const p = this.datagram(to, PROTO_ICMP, len, PMTU_DONT)!;
    const b = p.bytes;
    const m = ETH_LEN + IP_LEN;
    b[m] = type;
    b[m + 1] = code;
    if (type === 3 && code === 4) {
      b[m + 6] = nextHopMtu >>> 8;
      b[m + 7] = nextHopMtu & 0xff;
    }
    b.set(original.subarray(0, quote), m + ICMP_LEN);
    fillIcmpChecksum(b, m, len);
    this.counters.icmpSent++;
    this.route(p, to);
  }

  private sendArp(op: number, ethDst: Mac, targetMac: Mac, targetIp: Ipv4): void {
    const p = this.pool.alloc(ETH_LEN + 28);
    const b = p.bytes;
    writeEthernet(b, ethDst, this.mac, ETHERTYPE_ARP);
    const a = ETH_LEN;
    b[a] = 0;
    b[a + 1] = 1;
    b[a + 2] = 0x08;
    b[a + 3] = 0;
    b[a + 4] = 6;
    b[a + 5] = 4;
    b[a + 6] = 0;
    b[a + 7] = op;
    writeMac(b, a + 8, this.mac);
    writeIpv4(b, a + 14, this.ip);
    writeMac(b, a + 18, targetMac);
    writeIpv4(b, a + 24, targetIp);
    if (op === 1) this.counters.arpRequestsSent++;
    else this.counters.arpRepliesSent++;
    this.transmit(p);
  }

  private transmit(p: SimPacket): void {
    const c = this.counters;
    c.txFrames++;
    c.txBytes += p.length;
    if (!this.nic.send(p)) c.drops.linkRefused++;
  }

  // ---- ArpHost ----

  /** @internal */
  sendArpRequest(ip: Ipv4, unicastMac: Mac): void {
    this.sendArp(1, unicastMac < 0 ? BROADCAST_MAC : unicastMac, 0, ip);
  }

  /** @internal */
  transmitResolved(p: SimPacket, mac: Mac): void {
    writeMac(p.bytes, 0, mac);
    this.transmit(p);
  }

  /** @internal */
  unresolved(p: SimPacket, _ip: Ipv4, why: 'failed' | 'overflow'): void {
    if (why === 'overflow') {
      this.drop('arpOverflow', p);
      p.release();
      return;
    }
    this.drop('arpFailed', p);
    // Linux's arp_error_report: the kernel answers its own datagram with "host unreachable".
    const b = p.bytes;
    if (b.length >= ETH_LEN + IP_LEN + 8 && ((b[12] << 8) | b[13]) === ETHERTYPE_IPV4) {
      try {
        this.icmpError(this.ip, 3, 1, 0, b.subarray(ETH_LEN));
      } catch (e) {
        this.lastError = e;
        this.drop('error');
      }
    }
    p.release();
  }

  // ---- ReassemblyHost ----

  /** @internal */
  reassemblyTimedOut(_src: Ipv4, quote: Uint8Array | null): void {
    this.counters.drops.reassemblyTimeout++;
    if (quote !== null) this.sendIcmpError(11, 1, quote, 0);
  }

  // ---- helpers ----

  private ephemeralUdpPort(): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    let port = EPHEMERAL_FIRST + this.udpPortRng.int(0, span);
    for (let i = 0; i < span; i++) {
      if (!this.udpSockets.has(port)) return port;
      port = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
    }
    throw new Error('Address already in use');
  }

  private drop(cause: GuestDropCause, packet: SimPacket | null = this.current): void {
    this.counters.drops[cause]++;
    if (packet !== null && this.onDidDrop.active) this.onDidDrop.fire({ packet, reason: GuestDropReason[cause], detail: `${this.name}: ${cause}` });
  }
}
