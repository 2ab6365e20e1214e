/**
 * What the card knows about one ENI (an instance's virtual interface) and the subnet and VPC it is
 * in. The VPC and subnet records are shared by every card; the ENI record (with its firewall's
 * connection table and its reassembly buffers) belongs to the card the instance runs on.
 */
import { type Cidr, type Ipv4, type Mac, prefixMask } from '../../base/addr.ts';
import type { Port } from '../../sim/port.ts';
import type { ResolvedInstance, ResolvedSubnet, ResolvedVpc } from '../../topology/resolved.ts';
import type { NetworkAclEvaluator, RouteTableLookup, SecurityGroupFirewall } from '../policy/index.ts';
import type { Reassembler } from './ip-fragments.ts';

/** The MTU between instances of one VPC (AWS: 9001, jumbo frames). */
export const VPC_MTU = 9001;

export interface PeeringLink {
  readonly name: string;
  readonly peer: VpcRecord;
  readonly mtu: number;
}

export interface VpcRecord {
  readonly name: string;
  readonly number: number;
  readonly cidr: Cidr;
  readonly dns: Ipv4;
  readonly peerings: Map<string, PeeringLink>;
  readonly source: ResolvedVpc;
}

export interface SubnetRecord {
  readonly name: string;
  readonly vpc: VpcRecord;
  readonly base: Ipv4;
  readonly mask: number;
  readonly router: Ipv4;
  readonly nacl: NetworkAclEvaluator;
  readonly routes: RouteTableLookup;
  readonly source: ResolvedSubnet;
}

export function subnetRecordBase(cidr: Cidr): { base: Ipv4; mask: number } {
  const mask = prefixMask(cidr.prefix);
  return { base: (cidr.base & mask) >>> 0, mask };
}

export function inSubnet(subnet: SubnetRecord, ip: Ipv4): boolean {
  return ((ip & subnet.mask) >>> 0) === subnet.base;
}

export class Eni {
  readonly ip: Ipv4;
  readonly mac: Mac;
  readonly number: number;
  readonly mtu: number;
  srcDstCheck: boolean;
  /** False while the instance is stopped or being moved: frames for it are dropped. */
  available = true;

  constructor(
    readonly instance: ResolvedInstance,
    /** The card's end of the ENI link (the guest's NIC is the other end). */
    readonly port: Port,
    readonly subnet: SubnetRecord,
    readonly firewall: SecurityGroupFirewall,
    /** Fragments from the guest, reassembled before the security group looks. */
    readonly egressFragments: Reassembler,
    /** Fragments arriving for the guest. */
    readonly ingressFragments: Reassembler,
  ) {
    this.ip = instance.ip;
    this.mac = instance.mac;
    this.number = instance.eni;
    this.mtu = instance.mtu;
    this.srcDstCheck = instance.sourceDestCheck;
  }

  get vpc(): VpcRecord {
    return this.subnet.vpc;
  }

  get name(): string {
    return this.instance.name;
  }
}
