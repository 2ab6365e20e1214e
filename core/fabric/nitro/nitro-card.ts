/**
 * The Nitro card of one host: it owns the host's ENIs and its uplink to the ToR, and runs the VPC
 * data plane between them (DESIGN.md §3):
 *
 *   egress  guest frame → proxy ARP → parse → source/destination check → (DNS resolver) →
 *           reassembly → security group (stateful) → route table → network ACL (leaving the
 *           subnet) → mapping lookup (sender verification) → path MTU → Geneve → uplink
 *   ingress uplink → encapsulation checks → receiver verification → decapsulation → reassembly →
 *           network ACL (entering the subnet) → security group → receiving ENI's MTU → guest
 *
 * Every packet that dies here is reported once, on the port where it was (the ENI port for a
 * guest's frame or a decapsulated one, the uplink for an encapsulated one), with one reason code
 * and the rule that decided it. `onDidDecide` additionally reports every stage's verdict (allow
 * and deny) for step-by-step views; it costs nothing while nobody listens.
 */
import { formatIpv4 as ip, formatMac as macText, type Ipv4, readIpv4 as readU32, writeMac as writeMac6 } from '../../base/addr.ts';
import type { PacketPool } from '../../sim/packet-pool.ts';
import type { SimPacket } from '../../sim/packet.ts';
import type { Port, PortReceiver } from '../../sim/port.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { TraceSource } from '../../sim/trace.ts';
import { type FlowKey, flowHashMasked, newFlowKey, PROTO_UDP, readFlow } from '../flow.ts';
import type { HostMappingCache, MappingService } from '../mapping/index.ts';
import { cardMac, isGroupMac, VPC_ROUTER_MAC } from '../substrate/underlay-macs.ts';
import { DropReason, type FabricDropEvent, type RuleRef, ruleRef, type VerdictKind } from '../verdict.ts';
import { arpReply, icmpError, udpFrame } from './card-frames.ts';
import { type DecapFields, ENCAP_LEN, type EncapFields, newDecapFields, readEncapsulation, writeEncapsulation } from './encapsulation.ts';
import { type Eni, inSubnet, VPC_MTU, type VpcRecord } from './eni.ts';
import { fragmentFrame, type ReassemblyFailure } from './ip-fragments.ts';

/** Amazon's DNS is also reachable at this link-local address from every VPC. */
export const LINK_LOCAL_DNS = 0xa9fea9fd; // 169.254.169.253
const ETH = 14;
const UNDERLAY_DEFAULT_MTU = 9216;

/** One pipeline stage's verdict, for step-by-step views and lab checks. */
export interface CardDecision {
  readonly packet: SimPacket;
  readonly host: string;
  /** The port the packet is at: an ENI port or the uplink. */
  readonly point: string;
  readonly stage: CardStage;
  readonly verdict: VerdictKind;
  readonly reason: string | null;
  readonly rule: RuleRef | null;
  readonly detail: string;
}

export type CardStage =
  | 'parse'
  | 'proxy-arp'
  | 'src-dst-check'
  | 'dns'
  | 'reassembly'
  | 'sg-egress'
  | 'route'
  | 'nacl-egress'
  | 'mapping'
  | 'mtu'
  | 'encapsulate'
  | 'decapsulate'
  | 'nacl-ingress'
  | 'sg-ingress'
  | 'deliver';

/** What a card needs from the world around it. */
export interface CardContext {
  readonly sim: Simulator;
  readonly pool: PacketPool;
  readonly mapping: MappingService;
  /** Allocates trace ids: one per tenant packet, shared across the world. */
  nextTraceId(): number;
  /** The VPC resolver's answer (a DNS message) to a query from `vpc`, or null to ignore it. */
  answerDns(query: Uint8Array, vpc: VpcRecord): Uint8Array | null;
}

/** Deliberate misbehaviour, for labs: a compromised host forging what it puts on the wire. */
export interface CardFaults {
  /** Outer source address written instead of the host's own. */
  forgeOuterSource: Ipv4 | null;
  /** VNI written instead of the sender's VPC number. */
  forgeVni: number | null;
}

export class NitroCard implements PortReceiver {
  readonly mac: number;
  readonly faults: CardFaults = { forgeOuterSource: null, forgeVni: null };
  readonly onDidDecide = new TraceSource<CardDecision>('decide', 'A pipeline stage decided about a packet');
  readonly counters = { egress: 0, ingress: 0, encapsulated: 0, decapsulated: 0, delivered: 0, dropped: 0, arpAnswered: 0, dnsAnswered: 0 };
  /** The ToR's MAC on the other end of the uplink (next hop of every encapsulated frame). */
  torMac = 0;
  /** Largest outer IPv4 packet the uplink carries. */
  underlayMtu = UNDERLAY_DEFAULT_MTU;

  private readonly enisByPort = new Map<Port, Eni>();
  private readonly enisByNumber = new Map<number, Eni>();
  private readonly key: FlowKey = newFlowKey();
  private readonly decap: DecapFields = newDecapFields();
  private readonly encap: EncapFields = {
    srcHost: 0, dstHost: 0, srcMac: 0, dstMac: 0, vni: 0, srcEni: 0, dstEni: 0, mappingVersion: 0, udpSrcPort: 0, ipIdent: 0,
  };
  private ipIdent = 0;

  constructor(
    private readonly ctx: CardContext,
    readonly host: string,
    readonly hostIp: Ipv4,
    readonly uplink: Port,
    readonly cache: HostMappingCache,
  ) {
    this.mac = cardMac(hostIp);
    uplink.attach(this);
  }

  /** Plugs an ENI into this card (at boot, or when an instance moves here). */
  attachEni(eni: Eni): void {
    this.enisByPort.set(eni.port, eni);
    this.enisByNumber.set(eni.number, eni);
    eni.port.attach(this);
  }

  /** Unplugs an ENI (an instance moving away); frames still addressed here are then stale. */
  detachEni(eni: Eni): void {
    this.enisByPort.delete(eni.port);
    this.enisByNumber.delete(eni.number);
  }

  enis(): Eni[] {
    return [...this.enisByPort.values()];
  }

  receive(packet: SimPacket, port: Port): void {
    if (port === this.uplink) {
      this.counters.ingress++;
      this.fromUplink(packet);
      return;
    }
    const eni = this.enisByPort.get(port);
    if (eni === undefined) {
      // An ENI port whose instance moved away: nothing on this card owns it any more.
      this.counters.dropped++;
      if (port.onDidDrop.active) port.onDidDrop.fire({ packet, reason: DropReason.InstanceUnavailable, detail: `${this.host}: ENI no longer attached`, rule: null } as FabricDropEvent);
      packet.release();
      return;
    }
    this.counters.egress++;
    this.fromGuest(packet, eni);
  }

  // ---- egress -------------------------------------------------------------------------------

  private fromGuest(p: SimPacket, eni: Eni): void {
    if (p.traceId === 0) p.traceId = this.ctx.nextTraceId();
    const b = p.bytes;
    if (b.length < ETH) return this.drop(p, eni.port, 'parse', DropReason.MalformedPacket, null, 'frame shorter than an Ethernet header');
    const etherType = (b[12] << 8) | b[13];
    if (etherType === 0x0806) return this.proxyArp(p, eni);
    if (etherType !== 0x0800) return this.drop(p, eni.port, 'parse', DropReason.UnsupportedTraffic, null, `EtherType 0x${etherType.toString(16).padStart(4, '0')} is not carried by a VPC`);
    if (isGroupMac(b, 0)) return this.drop(p, eni.port, 'parse', DropReason.UnsupportedTraffic, null, 'a VPC carries no broadcast or multicast');
    const key = this.key;
    if (!readFlow(b, ETH, key)) return this.drop(p, eni.port, 'parse', DropReason.MalformedPacket, null, 'not a well-formed IPv4 packet');
    if (eni.srcDstCheck && key.src !== eni.ip) {
      return this.drop(p, eni.port, 'src-dst-check', DropReason.SrcDstCheck, ruleRef('instance', eni.name, -1, 'source/destination check'),
        `source ${ip(key.src)} is not ${eni.name}'s address ${ip(eni.ip)}`);
    }
    const vpc = eni.vpc;
    if (key.dst === vpc.dns || key.dst === LINK_LOCAL_DNS) return this.resolver(p, eni);
    if (key.fragment !== 'none') {
      const whole = eni.egressFragments.add(p);
      if (whole === null) return;
      this.decided(whole, eni.port, 'reassembly', 'forward', null, null, 'fragments reassembled before the security group');
      if (!readFlow(whole.bytes, ETH, key)) return this.drop(whole, eni.port, 'reassembly', DropReason.MalformedPacket, null, 'reassembled datagram is malformed');
      p = whole;
    }
    this.egressFiltered(p, eni, key);
  }

  /** Egress from the security group on, for a whole (reassembled) packet whose key is `key`. */
  private egressFiltered(p: SimPacket, eni: Eni, key: FlowKey): void {
    const now = this.ctx.sim.now();
    const fw = eni.firewall;
    if (!fw.egress(key, now, key.tcpFlags)) return this.drop(p, eni.port, 'sg-egress', fw.lastDenyReason, fw.lastRule, `${eni.name}'s security groups deny it`);
    if (this.onDidDecide.active) this.decided(p, eni.port, 'sg-egress', 'forward', null, fw.lastRule, 'allowed');

    const subnet = eni.subnet;
    const routeIndex = subnet.routes.lookup(key.dst);
    if (routeIndex < 0) return this.drop(p, eni.port, 'route', DropReason.NoRoute, subnet.routes.noRoute, `no route to ${ip(key.dst)} in ${subnet.routes.name}`);
    const route = subnet.routes.route(routeIndex);
    let dstVpc = subnet.vpc;
    let pathMtu = VPC_MTU;
    if (route.target.kind === 'peering') {
      const link = subnet.vpc.peerings.get(route.target.peering);
      if (link === undefined) {
        return this.drop(p, eni.port, 'route', DropReason.NoRoute, subnet.routes.ruleRef(routeIndex), `peering ${route.target.peering} does not involve ${subnet.vpc.name}`);
      }
      dstVpc = link.peer;
      pathMtu = link.mtu;
    }
    if (this.onDidDecide.active) this.decided(p, eni.port, 'route', 'forward', null, subnet.routes.ruleRef(routeIndex), 'route matched');

    if (!inSubnet(subnet, key.dst)) {
      if (!subnet.nacl.egress(key)) return this.drop(p, eni.port, 'nacl-egress', DropReason.NaclEgressDeny, subnet.nacl.lastRule, `${subnet.nacl.name} denies it leaving ${subnet.name}`);
      if (this.onDidDecide.active) this.decided(p, eni.port, 'nacl-egress', 'forward', null, subnet.nacl.lastRule, 'allowed');
    }

    const cache = this.cache;
    const slot = cache.lookup(dstVpc.number, key.dst);
    if (slot < 0) {
      this.raiseAlarm(p, DropReason.MappingNotFound, `sender verification: no mapping for ${ip(key.dst)} in VPC ${dstVpc.name}`);
      return this.drop(p, eni.port, 'mapping', DropReason.MappingNotFound, ruleRef('mapping', this.host, -1, `no mapping for ${ip(key.dst)} in ${dstVpc.name}`),
        `${this.host}'s mapping cache (version ${cache.version}) has no entry for ${ip(key.dst)} in VPC ${dstVpc.name}`);
    }
    if (dstVpc !== subnet.vpc && !cache.arePeered(subnet.vpc.number, dstVpc.number)) {
      this.raiseAlarm(p, DropReason.MappingVpcNotPeered, `sender verification: ${subnet.vpc.name} and ${dstVpc.name} are not peered`);
      return this.drop(p, eni.port, 'mapping', DropReason.MappingVpcNotPeered, ruleRef('peering', route.target.kind === 'peering' ? route.target.peering : dstVpc.name, -1, 'peering not active'),
        `${subnet.vpc.name} and ${dstVpc.name} are not peered in ${this.host}'s mapping cache`);
    }

    if (key.ipLength > pathMtu) {
      if (key.dontFragment) return this.fragmentationNeeded(p, eni, pathMtu, route.target.kind === 'peering' ? `peering ${route.target.peering}` : `VPC ${dstVpc.name}`);
      for (const fragment of fragmentFrame(this.ctx.pool, p, pathMtu)) this.forward(fragment, eni, key, dstVpc, slot);
      p.release();
      return;
    }
    this.forward(p, eni, key, dstVpc, slot);
  }

  /** Rewrites the inner Ethernet header and sends the frame to the destination's host. */
  private forward(p: SimPacket, eni: Eni, key: FlowKey, dstVpc: VpcRecord, slot: number): void {
    const b = p.bytes;
    const cache = this.cache;
    const dstMac = cache.mac(slot);
    const sameSubnet = dstVpc === eni.vpc && inSubnet(eni.subnet, key.dst);
    writeMac6(b, 0, dstMac);
    writeMac6(b, 6, sameSubnet ? eni.mac : VPC_ROUTER_MAC);
    const dstHost = cache.hostIp(slot);
    if (dstHost === this.hostIp && this.faults.forgeOuterSource === null && this.faults.forgeVni === null) {
      // Both ends on this card: the card switches the frame itself, the underlay never sees it.
      const target = this.enisByNumber.get(cache.eni(slot));
      if (target !== undefined && target.ip === key.dst && target.available) {
        if (this.onDidDecide.active) this.decided(p, eni.port, 'mapping', 'forward', null, null, `local delivery to ${target.name}`);
        this.toEni(p, target);
        return;
      }
    }
    const e = this.encap;
    e.srcHost = this.faults.forgeOuterSource ?? this.hostIp;
    e.dstHost = dstHost;
    e.srcMac = this.mac;
    e.dstMac = this.torMac;
    e.vni = this.faults.forgeVni ?? eni.vpc.number;
    e.srcEni = eni.number;
    e.dstEni = cache.eni(slot);
    e.mappingVersion = cache.version;
    e.udpSrcPort = 49152 + flowHashMasked(key, 0x3fff);
    e.ipIdent = this.ipIdent = (this.ipIdent + 1) & 0xffff;
    const framed = p.prepend(ENCAP_LEN, false); // writeEncapsulation writes all 82 bytes
    writeEncapsulation(framed, e);
    // Since it arrived: the inner MACs (now at ENCAP_LEN…+12) and the new outer headers changed.
    p.declareEdit(ENCAP_LEN + 12, ENCAP_LEN);
    this.counters.encapsulated++;
    if (this.onDidDecide.active) this.decided(p, this.uplink, 'encapsulate', 'rewrite', null, null, `Geneve VNI ${e.vni} to ${ip(dstHost)}`);
    this.uplink.send(p);
  }

  private fragmentationNeeded(p: SimPacket, eni: Eni, mtu: number, where: string): void {
    const b = p.bytes;
    const reply = icmpError(this.ctx.pool, this.routerHeader(eni), 3, 4, b.subarray(ETH), mtu);
    reply.traceId = p.traceId;
    this.drop(p, eni.port, 'mtu', DropReason.MtuExceededDf, ruleRef('subnet', eni.subnet.name, -1, `path MTU ${mtu} (${where})`),
      `${this.key.ipLength}-byte packet with DF set exceeds the ${mtu}-byte MTU of ${where}; ICMP fragmentation needed sent`);
    eni.port.send(reply);
  }

  private routerHeader(eni: Eni) {
    this.ipIdent = (this.ipIdent + 1) & 0xffff;
    return { srcMac: VPC_ROUTER_MAC, dstMac: eni.mac, srcIp: eni.subnet.router, dstIp: eni.ip, ident: this.ipIdent, ttl: 64 };
  }

  /** ARP never leaves the host: the card answers for every address it can vouch for. */
  private proxyArp(p: SimPacket, eni: Eni): void {
    const b = p.bytes;
    const valid = b.length >= ETH + 28 && b[ETH] === 0 && b[ETH + 1] === 1 && b[ETH + 2] === 0x08 && b[ETH + 3] === 0 && b[ETH + 4] === 6 && b[ETH + 5] === 4;
    if (!valid) return this.drop(p, eni.port, 'proxy-arp', DropReason.MalformedPacket, null, 'not an Ethernet/IPv4 ARP packet');
    const op = (b[ETH + 6] << 8) | b[ETH + 7];
    const target = readU32(b, ETH + 24);
    const sender = readU32(b, ETH + 14);
    const subnet = eni.subnet;
    let answer = -1;
    if (op === 1 && target !== sender && inSubnet(subnet, target)) {
      if (target === subnet.router || target === subnet.vpc.dns) answer = VPC_ROUTER_MAC;
      else {
        const slot = this.cache.lookup(subnet.vpc.number, target);
        if (slot >= 0) answer = this.cache.mac(slot);
      }
    }
    if (answer < 0) {
      // Like AWS: no reply for addresses nobody holds (and replies/gratuitous ARP are absorbed).
      if (this.onDidDecide.active) this.decided(p, eni.port, 'proxy-arp', 'drop', null, null, op === 1 ? `no instance holds ${ip(target)}` : 'ARP reply absorbed by the card');
      p.release();
      return;
    }
    const reply = arpReply(this.ctx.pool, b, answer);
    reply.traceId = p.traceId;
    this.counters.arpAnswered++;
    if (this.onDidDecide.active) this.decided(p, eni.port, 'proxy-arp', 'rewrite', null, null, `card answers ${ip(target)} is-at ${macText(answer)}`);
    p.release();
    eni.port.send(reply);
  }

  /** The VPC's DNS resolver lives on the card: queries never cross the network. */
  private resolver(p: SimPacket, eni: Eni): void {
    const key = this.key;
    if (key.protocol !== PROTO_UDP || key.dstPort !== 53 || key.fragment !== 'none') {
      return this.drop(p, eni.port, 'dns', DropReason.NoRoute, ruleRef('subnet', eni.subnet.name, -1, 'the resolver answers DNS over UDP port 53 only'), 'nothing but DNS is served at the resolver address');
    }
    const l4 = ETH + key.ipHeaderLength;
    const query = p.bytes.subarray(l4 + 8, ETH + key.ipLength);
    const answer = this.ctx.answerDns(query, eni.vpc);
    if (answer === null) {
      return this.drop(p, eni.port, 'dns', DropReason.MalformedPacket, null, 'the resolver could not parse the query');
    }
    this.ipIdent = (this.ipIdent + 1) & 0xffff;
    const reply = udpFrame(this.ctx.pool, { srcMac: VPC_ROUTER_MAC, dstMac: eni.mac, srcIp: key.dst, dstIp: key.src, ident: this.ipIdent, ttl: 64 }, 53, key.srcPort, answer);
    reply.traceId = p.traceId;
    this.counters.dnsAnswered++;
    if (this.onDidDecide.active) this.decided(p, eni.port, 'dns', 'rewrite', null, null, 'answered by the VPC resolver');
    p.release();
    eni.port.send(reply);
  }

  // ---- ingress ------------------------------------------------------------------------------

  private fromUplink(p: SimPacket): void {
    const b = p.bytes;
    const d = this.decap;
    const problem = readEncapsulation(b, d);
    if (problem !== null) return this.alarmDrop(p, DropReason.MappingBadEncapsulation, problem);
    if (d.dstHost !== this.hostIp) return this.alarmDrop(p, DropReason.MappingBadEncapsulation, `outer destination ${ip(d.dstHost)} is not this host`);
    const inner = ENCAP_LEN + ETH;
    if (b.length < inner + 20 || b[ENCAP_LEN + 12] !== 0x08 || b[ENCAP_LEN + 13] !== 0x00) return this.alarmDrop(p, DropReason.MappingBadEncapsulation, 'inner frame is not IPv4');
    const innerSrc = readU32(b, inner + 12);
    const innerDst = readU32(b, inner + 16);
    const cache = this.cache;
    const srcReason = cache.verifySource(d.vni, innerSrc, d.srcHost, d.srcEni);
    if (srcReason !== null) {
      return this.alarmDrop(p, srcReason, srcReason === DropReason.MappingSpoofedSource
        ? `${ip(innerSrc)} in VNI ${d.vni} does not live at ${ip(d.srcHost)} (ENI ${d.srcEni})`
        : `source check failed for ${ip(innerSrc)} in VNI ${d.vni}`);
    }
    const eni = this.enisByNumber.get(d.dstEni);
    if (eni === undefined || eni.ip !== innerDst || !eni.available) {
      return this.alarmDrop(p, DropReason.MappingStaleDestination, `ENI ${d.dstEni} (${ip(innerDst)}) is not on ${this.host}: the sender's mapping (version ${d.mappingVersion}) is stale`);
    }
    if (d.vni !== eni.vpc.number && !cache.arePeered(d.vni, eni.vpc.number)) {
      return this.alarmDrop(p, DropReason.MappingVpcNotPeered, `VNI ${d.vni} is not peered with ${eni.vpc.name} (VNI ${eni.vpc.number})`);
    }
    p.trimFront(ENCAP_LEN);
    // The inner frame goes to the guest exactly as it arrived inside the tunnel (toEni only reads
    // it; fragmenting or reassembling makes new packets, which declare nothing).
    p.declareEdit(0, -ENCAP_LEN);
    this.counters.decapsulated++;
    if (this.onDidDecide.active) this.decided(p, this.uplink, 'decapsulate', 'rewrite', null, null, `receiver verification passed for ${ip(innerSrc)} → ${eni.name}`);
    this.toEni(p, eni);
  }

  /** The last stages before a guest: reassembly, NACL and SG ingress, the ENI's MTU. */
  private toEni(p: SimPacket, eni: Eni): void {
    const key = this.key;
    if (!readFlow(p.bytes, ETH, key)) return this.drop(p, eni.port, 'parse', DropReason.MalformedPacket, null, 'inner packet is not well-formed IPv4');
    if (key.fragment !== 'none') {
      const whole = eni.ingressFragments.add(p);
      if (whole === null) return;
      if (!readFlow(whole.bytes, ETH, key)) return this.drop(whole, eni.port, 'reassembly', DropReason.MalformedPacket, null, 'reassembled datagram is malformed');
      p = whole;
    }
    const subnet = eni.subnet;
    // NACLs filter traffic entering the subnet, not traffic between its own instances.
    if (!inSubnet(subnet, key.src)) {
      if (!subnet.nacl.ingress(key)) return this.drop(p, eni.port, 'nacl-ingress', DropReason.NaclIngressDeny, subnet.nacl.lastRule, `${subnet.nacl.name} denies it entering ${subnet.name}`);
      if (this.onDidDecide.active) this.decided(p, eni.port, 'nacl-ingress', 'forward', null, subnet.nacl.lastRule, 'allowed');
    }
    const fw = eni.firewall;
    if (!fw.ingress(key, this.ctx.sim.now(), key.tcpFlags)) return this.drop(p, eni.port, 'sg-ingress', fw.lastDenyReason, fw.lastRule, `${eni.name}'s security groups deny it`);
    if (this.onDidDecide.active) this.decided(p, eni.port, 'sg-ingress', 'forward', null, fw.lastRule, 'allowed');
    if (key.ipLength > eni.mtu) {
      if (key.dontFragment) {
        return this.drop(p, eni.port, 'mtu', DropReason.MtuExceededDf, ruleRef('instance', eni.name, -1, `interface MTU ${eni.mtu}`),
          `${key.ipLength}-byte packet with DF set exceeds ${eni.name}'s ${eni.mtu}-byte MTU`);
      }
      for (const fragment of fragmentFrame(this.ctx.pool, p, eni.mtu)) this.deliver(fragment, eni);
      p.release();
      return;
    }
    this.deliver(p, eni);
  }

  private deliver(p: SimPacket, eni: Eni): void {
    this.counters.delivered++;
    eni.port.send(p);
  }

  /** A datagram the card gave up reassembling (timeout, overlap, too many pending). */
  fragmentsAbandoned(eni: Eni, failure: ReassemblyFailure): void {
    this.drop(failure.frame, eni.port, 'reassembly', DropReason.FragmentReassemblyTimeout, null, `${failure.fragments} fragment(s): ${failure.detail}`);
  }

  // ---- verdict reporting --------------------------------------------------------------------

  private drop(p: SimPacket, at: Port, stage: CardStage, reason: DropReason, rule: RuleRef | null, detail: string): void {
    this.counters.dropped++;
    if (this.onDidDecide.active) this.decided(p, at, stage, 'drop', reason, rule, detail);
    if (at.onDidDrop.active) {
      const event: FabricDropEvent = { packet: p, reason, detail: `${this.host}: ${detail}`, rule };
      at.onDidDrop.fire(event);
    }
    p.release();
  }

  /** A failed receiver check: dropped like any other, and an alarm for the operators. */
  private alarmDrop(p: SimPacket, reason: DropReason, detail: string): void {
    this.raiseAlarm(p, reason, detail);
    this.drop(p, this.uplink, 'decapsulate', reason, ruleRef('mapping', this.host, -1, 'receiver verification'), detail);
  }

  /** Every failed verification, at the sender or the receiver, is an alarm for the operators. */
  private raiseAlarm(p: SimPacket, reason: DropReason, detail: string): void {
    this.ctx.mapping.raiseAlarm({ time: this.ctx.sim.now(), host: this.host, reason, detail, traceId: p.traceId });
  }

  private decided(p: SimPacket, at: Port, stage: CardStage, verdict: VerdictKind, reason: string | null, rule: RuleRef | null, detail: string): void {
    if (this.onDidDecide.active) this.onDidDecide.fire({ packet: p, host: this.host, point: at.name, stage, verdict, reason, rule, detail });
  }
}

