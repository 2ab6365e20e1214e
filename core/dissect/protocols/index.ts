import type { ProtocolModule } from '../protocol.ts';
import { DissectionEngine } from '../engine.ts';
import { eth } from './eth.ts';
import { vlan } from './vlan.ts';
import { arp } from './arp.ts';
import { ip } from './ip.ts';
import { icmp } from './icmp.ts';
import { udp } from './udp.ts';
import { tcp } from './tcp.ts';
import { geneve } from './geneve.ts';
import { UNDERLAY } from './underlay-geneve.ts';
import { vxlan } from './vxlan.ts';
import { esp } from './esp.ts';
import { dns } from './dns.ts';
import { http, dataTextLines } from './http.ts';
import { proxy } from './proxy.ts';

/** Every protocol Underlay dissects, in registration order. New protocols are added here. */
export const ALL_PROTOCOLS: readonly ProtocolModule[] = [
  eth, vlan, arp, ip, icmp, udp, tcp, geneve, UNDERLAY, vxlan, esp, dns, http, dataTextLines, proxy,
] as ProtocolModule[];

/** The engine with every protocol: what the CLI, the capture view and the filters use. */
export function createDefaultEngine(): DissectionEngine {
  return new DissectionEngine(ALL_PROTOCOLS);
}
