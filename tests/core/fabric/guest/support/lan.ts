/**
 * A tiny test network for guests: one "switch" that every guest's NIC is linked to (core/sim
 * Links, like the ENI), standing in for the Nitro card:
 *
 * - proxy ARP: answers every request for a known address (a guest, a router, the resolver, or an
 *   address added with `answerArp`) with the right MAC, as the card does; others go unanswered;
 * - frames to a guest's MAC are switched to it; frames to the router MAC are routed by
 *   destination IP (optionally through virtual hops that decrement TTL and send ICMP time
 *   exceeded, and through a routed-path MTU that sends ICMP fragmentation-needed or fragments);
 * - the resolver address answers DNS A queries from `dnsNames` (NXDOMAIN otherwise) with
 *   core/wire/dns.ts; `dnsMode` can make it silent or SERVFAIL;
 * - `dropIf` drops frames, `inject` sends raw bytes to a guest;
 * - every frame a guest transmits is recorded (`guestFrames`), and everything the switch sees or
 *   sends is recorded in order (`trace`) for determinism checks.
 */
import { type Cidr, type Ipv4, type Mac, parseIpv4, readIpv4, readMac, writeIpv4, writeMac } from '../../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../../core/base/checksum.ts';
import { Guest, type GuestConfig } from '../../../../../core/fabric/guest/index.ts';
import { Link } from '../../../../../core/sim/link.ts';
import type { LinkDirectionConfig } from '../../../../../core/sim/link-config.ts';
import { PacketPool } from '../../../../../core/sim/packet-pool.ts';
import type { SimPacket } from '../../../../../core/sim/packet.ts';
import type { Port, PortReceiver } from '../../../../../core/sim/port.ts';
import { Simulator } from '../../../../../core/sim/simulator.ts';
import { DnsClass, DnsRcode, DnsRepr, DnsType, DnsView, DnsViewMut } from '../../../../../core/wire/dns.ts';
import { Icmpv4Repr, Icmpv4ViewMut } from '../../../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4View, Ipv4ViewMut } from '../../../../../core/wire/ipv4.ts';
import { UdpRepr, UdpViewMut } from '../../../../../core/wire/udp.ts';

export const ROUTER_MAC: Mac = 0x02_00_00_00_00_01;
export const ip = (s: string): Ipv4 => parseIpv4(s)!;

export interface LanOptions {
  readonly seed?: number;
  /** Link settings between guests and the switch (both directions). */
  readonly link?: Partial<LinkDirectionConfig>;
  /** Largest IP packet the routed path carries (frames to the router MAC). */
  readonly routerMtu?: number;
  /** What the routed path does with a too-big packet without DF: fragment it (default) or drop it. */
  readonly routerFragments?: boolean;
  /** Virtual routers on the routed path, in order: each decrements TTL. */
  readonly hops?: readonly Ipv4[];
  readonly dnsIp?: Ipv4;
  readonly dnsNames?: Readonly<Record<string, Ipv4>>;
}

export interface RecordedFrame {
  readonly time: number;
  /** The guest that sent it, or `switch>guest` for frames the switch sent. */
  readonly from: string;
  readonly bytes: Uint8Array;
}

interface Member {
  readonly guest: Guest;
  readonly link: Link;
  readonly port: Port;
}

export class TestLan implements PortReceiver {
  readonly sim: Simulator;
  readonly pool = new PacketPool();
  readonly members = new Map<string, Member>();
  readonly guestFrames: RecordedFrame[] = [];
  readonly trace: RecordedFrame[] = [];
  /** Drop a frame coming from `from` when this returns true. */
  dropIf: ((bytes: Uint8Array, from: string) => boolean) | null = null;
  /** `answer` (default), `silent` (never replies), `servfail`. */
  dnsMode: 'answer' | 'silent' | 'servfail' = 'answer';
  routerMtu: number;
  readonly dnsIp: Ipv4;
  readonly dnsNames: Record<string, Ipv4>;
  private readonly byPort = new Map<Port, Member>();
  private readonly extraArp = new Map<Ipv4, Mac>();
  private ident = 0;

  constructor(readonly options: LanOptions = {}) {
    this.sim = new Simulator({ seed: options.seed ?? 1 });
    this.routerMtu = options.routerMtu ?? 65535;
    this.dnsIp = options.dnsIp ?? ip('10.0.0.2');
    this.dnsNames = { ...(options.dnsNames ?? {}) };
  }

  /** Adds a guest at `address` (a /24 around it unless told otherwise), linked to the switch. */
  add(name: string, address: string, extra: { mtu?: number; subnet?: Cidr; link?: Partial<LinkDirectionConfig> } = {}): Guest {
    const a = ip(address);
    const subnet = extra.subnet ?? { base: (a & 0xffffff00) >>> 0, prefix: 24 };
    const mtu = extra.mtu ?? 9001;
    const config: GuestConfig = {
      name,
      ip: a,
      mac: 0x02_00_00_00_00_00 + a,
      mtu,
      subnet,
      router: (subnet.base + 1) >>> 0,
      dns: this.dnsIp,
    };
    const link = new Link(this.sim, {
      name: `${name}/eni`,
      portNames: [`${name}:eth0`, `${name}:eni`],
      config: { rateBps: 1_000_000_000, latencyNs: 20_000, queuePackets: 1000, ...this.options.link, ...extra.link, mtu },
    });
    const guest = new Guest(this.sim, this.pool, config, link.a);
    link.b.attach(this);
    const m = { guest, link, port: link.b };
    this.members.set(name, m);
    this.byPort.set(link.b, m);
    link.a.onDidTransmit.subscribe((p) => this.guestFrames.push({ time: this.sim.now(), from: name, bytes: p.bytes.slice() }));
    return guest;
  }

  guest(name: string): Guest {
    return this.members.get(name)!.guest;
  }

  /** Makes proxy ARP answer for an address no guest holds (it then blackholes its traffic). */
  answerArp(address: Ipv4, mac: Mac = 0x02_00_00_ee_ee_ee): void {
    this.extraArp.set(address, mac);
  }

  /** Sends raw frame bytes to a guest, as if from the switch. */
  inject(name: string, bytes: Uint8Array): void {
    const p = this.pool.copyOf(bytes);
    this.send(this.members.get(name)!.port, p);
  }

  /** Runs the simulation until `ns` from now. */
  runFor(ns: number): void {
    this.sim.run(this.sim.now() + ns);
  }

  receive(p: SimPacket, port: Port): void {
    const from = this.byPort.get(port)!;
    const b = p.bytes;
    this.trace.push({ time: this.sim.now(), from: from.guest.name, bytes: b.slice() });
    if (this.dropIf?.(b, from.guest.name)) return p.release();
    if (b.length < 14) return p.release();
    const ethertype = (b[12] << 8) | b[13];
    if (ethertype === 0x0806) return this.arp(p, from);
    if (ethertype !== 0x0800) return p.release();
    const dstMac = readMac(b, 0);
    if (dstMac === ROUTER_MAC) return this.route(p, from);
    for (const m of this.members.values()) {
      if (m.guest.mac === dstMac) return this.send(m.port, p);
    }
    p.release();
  }

  private send(port: Port, p: SimPacket): void {
    this.trace.push({ time: this.sim.now(), from: `switch>${this.byPort.get(port)!.guest.name}`, bytes: p.bytes.slice() });
    port.send(p);
  }

  private macOf(a: Ipv4): Mac {
    for (const m of this.members.values()) if (m.guest.ip === a) return m.guest.mac;
    if (a === this.dnsIp) return ROUTER_MAC;
    if ((a & 0xff) === 1) return ROUTER_MAC;
    return this.extraArp.get(a) ?? -1;
  }

  private arp(p: SimPacket, from: Member): void {
    const b = p.bytes;
    const op = (b[20] << 8) | b[21];
    const sender = readIpv4(b, 28);
    const target = readIpv4(b, 38);
    const mac = op === 1 && target !== sender ? this.macOf(target) : -1;
    if (mac < 0 || target === from.guest.ip) return p.release();
    const r = this.pool.alloc(42);
    const o = r.bytes;
    writeMac(o, 0, readMac(b, 6));
    writeMac(o, 6, mac);
    o.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2], 12);
    writeMac(o, 22, mac);
    writeIpv4(o, 28, target);
    writeMac(o, 32, readMac(b, 22));
    writeIpv4(o, 38, sender);
    p.release();
    this.send(from.port, r);
  }

  private route(p: SimPacket, from: Member): void {
    const b = p.bytes;
    const ipv = Ipv4View.checked(b.subarray(14));
    if (!ipv.ok) return p.release();
    const v = ipv.value;
    if (v.dst === this.dnsIp) return this.dns(p, from);
    const target = [...this.members.values()].find((m) => m.guest.ip === v.dst);
    // Virtual hops: each decrements TTL; at 1 the hop answers "time exceeded".
    const hops = this.options.hops ?? [];
    let ttl = v.ttl;
    for (const hop of hops) {
      if (ttl <= 1) {
        this.icmpError(from, hop, 11, 0, b.subarray(14, 14 + v.totalLength), 0);
        return p.release();
      }
      ttl--;
    }
    if (target === undefined) return p.release(); // blackhole
    b[22] = ttl;
    b[24] = 0;
    b[25] = 0;
    const c = internetChecksum(b, 14, 14 + v.headerLen);
    b[24] = c >>> 8;
    b[25] = c & 0xff;
    writeMac(b, 0, target.guest.mac);
    writeMac(b, 6, ROUTER_MAC);
    if (v.totalLength > this.routerMtu) {
      if (v.dontFrag) {
        this.icmpError(from, from.guest.config.router, 3, 4, b.subarray(14, 14 + v.totalLength), this.routerMtu);
        return p.release();
      }
      if (this.options.routerFragments === false) return p.release();
      for (const f of this.fragment(b, v.headerLen, v.totalLength)) this.send(target.port, f);
      return p.release();
    }
    this.send(target.port, p);
  }

  /** RFC 791 fragmentation of the frame's datagram to `routerMtu` (options not copied: tests use none). */
  private fragment(b: Uint8Array, hl: number, total: number): SimPacket[] {
    const out: SimPacket[] = [];
    const chunk = Math.floor((this.routerMtu - hl) / 8) * 8;
    const payload = total - hl;
    const baseOffset = (((b[20] << 8) | b[21]) & 0x1fff) * 8;
    const moreAfter = (b[20] & 0x20) !== 0;
    for (let off = 0; off < payload; off += chunk) {
      const n = Math.min(chunk, payload - off);
      const f = this.pool.alloc(14 + hl + n);
      const o = f.bytes;
      o.set(b.subarray(0, 14 + hl), 0);
      o.set(b.subarray(14 + hl + off, 14 + hl + off + n), 14 + hl);
      const view = Ipv4ViewMut.over(o.subarray(14));
      view.setTotalLength(hl + n);
      view.setFlagsFragment(((off + n < payload || moreAfter) ? 0x2000 : 0) | ((baseOffset + off) / 8));
      view.fillChecksum();
      out.push(f);
    }
    return out;
  }

  /** An ICMP error from `src` to the sender of `original`. */
  icmpError(to: Member, src: Ipv4, type: number, code: number, original: Uint8Array, mtu: number): void {
    const hv = Ipv4View.checkedHeader(original);
    if (!hv.ok) return;
    const header = Ipv4Repr.parse(hv.value, { verifyChecksum: false });
    if (!header.ok) return;
    const data = original.subarray(hv.value.headerLen, Math.min(original.length, hv.value.headerLen + 8));
    const icmp: Icmpv4Repr = type === 3
      ? { kind: 'dstUnreachable', code, nextHopMtu: mtu, header: header.value, data }
      : { kind: 'timeExceeded', code, header: header.value, data };
    this.sendIp(to, src, hv.value.src, 1, Icmpv4Repr.bufferLen(icmp), (out) => Icmpv4Repr.emit(icmp, Icmpv4ViewMut.over(out)));
  }

  private sendIp(to: Member, src: Ipv4, dst: Ipv4, protocol: number, len: number, write: (payload: Uint8Array) => void): void {
    const repr: Ipv4Repr = {
      src, dst, protocol, payloadLen: len, ttl: 64, dscp: 0, ecn: 0, ident: ++this.ident & 0xffff, dontFrag: false, moreFrags: false, fragOffset: 0, options: new Uint8Array(0),
    };
    const p = this.pool.alloc(14 + Ipv4Repr.bufferLen(repr));
    const b = p.bytes;
    writeMac(b, 0, to.guest.mac);
    writeMac(b, 6, ROUTER_MAC);
    b[12] = 0x08;
    b[13] = 0x00;
    const view = Ipv4ViewMut.over(b.subarray(14));
    Ipv4Repr.emit(repr, view);
    write(view.payloadMut);
    this.send(to.port, p);
  }

  private dns(p: SimPacket, from: Member): void {
    const b = p.bytes;
    const v = Ipv4View.checked(b.subarray(14));
    if (!v.ok || v.value.protocol !== 17 || this.dnsMode === 'silent') return p.release();
    const udp = v.value.payload;
    const srcPort = (udp[0] << 8) | udp[1];
    const dq = DnsView.checked(udp.subarray(8));
    const query = dq.ok ? DnsRepr.parse(dq.value) : null;
    const src = v.value.src;
    p.release();
    if (query === null || !query.ok || query.value.questions.length !== 1) return;
    const q = query.value.questions[0];
    const address = this.dnsNames[q.name.toLowerCase()];
    const answer: DnsRepr = {
      ...query.value,
      response: true,
      recursionAvailable: true,
      rcode: this.dnsMode === 'servfail' ? DnsRcode.servFail : address === undefined ? DnsRcode.nxDomain : DnsRcode.noError,
      answers: this.dnsMode === 'answer' && address !== undefined && q.type === DnsType.a ? [{ name: q.name, class: DnsClass.in, ttl: 60, data: { kind: 'a', address } }] : [],
    };
    const msg = new Uint8Array(DnsRepr.bufferLen(answer));
    DnsRepr.emit(answer, DnsViewMut.over(msg));
    this.sendIp(from, this.dnsIp, src, 17, 8 + msg.length, (out) => {
      msg.forEach((x, i) => (out[8 + i] = x));
      UdpRepr.emit({ srcPort: 53, dstPort: srcPort }, UdpViewMut.over(out), out.subarray(8, 8 + msg.length), { src: this.dnsIp, dst: src });
    });
  }
}

/** Runs `command` on `guest`, collecting its output lines and exit code. */
export function run(guest: Guest, command: string): { lines: string[]; code: () => number | null; proc: ReturnType<Guest['exec']> } {
  const lines: string[] = [];
  let code: number | null = null;
  const proc = guest.exec(command, { write: (l) => lines.push(l), exit: (c) => (code = c) });
  return { lines, code: () => code, proc };
}
