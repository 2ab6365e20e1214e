/**
 * A whole fabric built from a resolved topology: the simulator, the physical substrate, one Nitro
 * card per host, the mapping service and its host caches, and a guest stack per instance joined to
 * its card by an ENI link. The builder is the only place that knows how the parts fit together;
 * each part only knows its neighbours' small interfaces.
 */
import type { Ipv4 } from '../base/addr.ts';
import { Link } from '../sim/link.ts';
import type { LinkDirectionConfig } from '../sim/link-config.ts';
import { PacketPool } from '../sim/packet-pool.ts';
import { Simulator } from '../sim/simulator.ts';
import type { ResolvedTopology } from '../topology/resolved.ts';
import { Guest, type GuestProcess, type ProcessIo } from './guest/index.ts';
import { answerDnsQuery, dnsNamesFromTopology, type DnsNames, mappingCapacityFor, MappingService, populateFromTopology } from './mapping/index.ts';
import { type Eni, type PeeringLink, type SubnetRecord, subnetRecordBase, type VpcRecord } from './nitro/eni.ts';
import { Eni as EniClass } from './nitro/eni.ts';
import { Reassembler, type ReassemblyFailure } from './nitro/ip-fragments.ts';
import { type CardContext, NitroCard } from './nitro/nitro-card.ts';
import { NetworkAclEvaluator, RouteTableLookup, SecurityGroupFirewall } from './policy/index.ts';
import { buildSubstrate, DEFAULT_SUBSTRATE, type Substrate, type SubstrateOptions } from './substrate/build-substrate.ts';

export interface FabricOptions {
  /** Seed of every random stream (ISNs, link loss, …). Default 1. */
  readonly seed?: number;
  readonly substrate?: Partial<SubstrateOptions>;
  /** Period of the mapping service's full-table push to host caches. Default 1 s. */
  readonly mappingPushPeriodNs?: number;
  /** The ENI link between a guest and its card (ENA): rate and latency. */
  readonly eniLink?: Partial<LinkDirectionConfig>;
  /** Stop runaway simulations: total events the simulator may execute. */
  readonly eventLimit?: number;
}

/** ENA at 25 Gb/s; 10 µs each way stands for the card's processing, so a same-host round trip takes ~40 µs. */
export const DEFAULT_ENI_LINK: Partial<LinkDirectionConfig> = { rateBps: 25_000_000_000, latencyNs: 10_000, queuePackets: 1000 };

export interface InstanceHandle {
  readonly name: string;
  readonly guest: Guest;
  readonly eni: Eni;
  readonly link: Link;
  host: string;
}

export class Fabric {
  readonly sim: Simulator;
  readonly pool = new PacketPool();
  readonly substrate: Substrate;
  readonly mapping: MappingService;
  readonly cards = new Map<string, NitroCard>();
  readonly instances = new Map<string, InstanceHandle>();
  readonly vpcs = new Map<string, VpcRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  private traceIds = 0;
  private readonly dnsNames: DnsNames;

  constructor(
    readonly topology: ResolvedTopology,
    options: FabricOptions = {},
  ) {
    this.sim = new Simulator({ seed: options.seed ?? 1, eventLimit: options.eventLimit });
    this.substrate = buildSubstrate(this.sim, topology, { ...DEFAULT_SUBSTRATE, ...options.substrate });
    this.mapping = new MappingService(this.sim, { pushPeriodNs: options.mappingPushPeriodNs ?? 1_000_000_000, capacity: mappingCapacityFor(topology) });
    populateFromTopology(this.mapping, topology);
    this.dnsNames = dnsNamesFromTopology(topology);
    this.buildVpcs();
    const ctx: CardContext = {
      sim: this.sim,
      pool: this.pool,
      mapping: this.mapping,
      nextTraceId: () => ++this.traceIds,
      answerDns: (query, vpc) => answerDnsQuery(query, vpc.number, this.dnsNames),
    };
    for (const host of topology.hosts) {
      const attachment = this.substrate.hosts.get(host.name)!;
      const card = new NitroCard(ctx, host.name, host.underlayIp, attachment.port, this.mapping.register(host.underlayIp, host.name));
      card.torMac = attachment.torMac;
      this.cards.set(host.name, card);
    }
    const membership = this.groupMembership();
    const eniLink = { ...DEFAULT_ENI_LINK, ...options.eniLink };
    for (const inst of topology.instances) {
      const subnet = this.subnets.get(inst.subnet)!;
      const link = new Link(this.sim, { name: `${inst.name}/eni`, portNames: [`${inst.name}:eth0`, `${inst.name}:eni`], config: { ...eniLink, mtu: inst.mtu } });
      const groups = inst.securityGroups.map((g) => topology.securityGroups.find((sg) => sg.name === g)!);
      const firewall = new SecurityGroupFirewall(inst.ip, groups, membership);
      // Whichever card holds the ENI when a datagram is given up reports the drop.
      const abandoned = (f: ReassemblyFailure) => this.cards.get(this.instances.get(inst.name)!.host)!.fragmentsAbandoned(eni, f);
      const eni: Eni = new EniClass(inst, link.b, subnet, firewall, new Reassembler(this.sim, this.pool, abandoned), new Reassembler(this.sim, this.pool, abandoned));
      this.cards.get(inst.host)!.attachEni(eni);
      // A tenant packet's trace id is given as it leaves the guest, so a tap on either end of the
      // ENI link already sees it (the card would be too late: the port's receive trace fires first).
      link.a.onDidTransmit.subscribe((p) => {
        if (p.traceId === 0) p.traceId = ++this.traceIds;
      });
      const guest = new Guest(this.sim, this.pool, {
        name: inst.name,
        ip: inst.ip,
        mac: inst.mac,
        mtu: inst.mtu,
        subnet: subnet.source.cidr,
        router: subnet.router,
        dns: subnet.vpc.dns,
      }, link.a);
      this.instances.set(inst.name, { name: inst.name, guest, eni, link, host: inst.host });
    }
    this.mapping.start();
  }

  /** Runs a shell command on an instance's guest, as if typed at its console. */
  exec(instance: string, command: string, io: ProcessIo): GuestProcess {
    const handle = this.instances.get(instance);
    if (!handle) throw new Error(`no instance named "${instance}"`);
    return handle.guest.exec(command, io);
  }

  /** Traversals of physical links so far (host–ToR, ToR–spine, spine–spine), as ns-3 counts packet-hops. */
  packetHops(): number {
    let n = 0;
    for (const link of this.substrate.links) n += link.aToB.counters.rxPackets + link.bToA.counters.rxPackets;
    return n;
  }

  /**
   * Live-migrates an instance to another host: its ENI moves to the new card at once and the
   * authoritative mapping changes, but host caches learn it only at the next push — until then
   * senders with a stale cache still send to the old host, which drops (MAPPING_STALE_DESTINATION).
   */
  moveInstance(instance: string, toHost: string): void {
    const handle = this.instances.get(instance);
    if (!handle) throw new Error(`no instance named "${instance}"`);
    const target = this.cards.get(toHost);
    if (!target) throw new Error(`no host named "${toHost}"`);
    if (handle.host === toHost) return;
    this.cards.get(handle.host)!.detachEni(handle.eni);
    target.attachEni(handle.eni);
    handle.host = toHost;
    this.mapping.moveInstance(handle.eni.vpc.number, handle.eni.ip, target.hostIp);
  }

  private buildVpcs(): void {
    const t = this.topology;
    for (const v of t.vpcs) this.vpcs.set(v.name, { name: v.name, number: v.number, cidr: v.cidr, dns: v.dns, peerings: new Map<string, PeeringLink>(), source: v });
    for (const p of t.peerings) {
      const a = this.vpcs.get(p.requester)!;
      const b = this.vpcs.get(p.accepter)!;
      a.peerings.set(p.name, { name: p.name, peer: b, mtu: p.mtu });
      b.peerings.set(p.name, { name: p.name, peer: a, mtu: p.mtu });
    }
    const acls = new Map(t.networkAcls.map((a) => [a.name, new NetworkAclEvaluator(a)]));
    const tables = new Map(t.routeTables.map((r) => [r.name, new RouteTableLookup(r)]));
    for (const s of t.subnets) {
      const { base, mask } = subnetRecordBase(s.cidr);
      this.subnets.set(s.name, { name: s.name, vpc: this.vpcs.get(s.vpc)!, base, mask, router: s.router, nacl: acls.get(s.networkAcl)!, routes: tables.get(s.routeTable)!, source: s });
    }
  }

  /** Which instance addresses belong to which security group (for group-referencing rules). */
  private groupMembership(): { isMember(group: string, ip: Ipv4): boolean } {
    const members = new Map<string, Set<Ipv4>>();
    for (const inst of this.topology.instances) {
      for (const g of inst.securityGroups) {
        if (!members.has(g)) members.set(g, new Set());
        members.get(g)!.add(inst.ip);
      }
    }
    return { isMember: (group, ip) => members.get(group)?.has(ip) ?? false };
  }
}
