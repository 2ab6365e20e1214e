import { beforeAll, describe, expect, it } from 'vitest';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { arp } from '../../../core/dissect/protocols/arp.ts';
import { eth } from '../../../core/dissect/protocols/eth.ts';
import { geneve } from '../../../core/dissect/protocols/geneve.ts';
import { icmp } from '../../../core/dissect/protocols/icmp.ts';
import { ip } from '../../../core/dissect/protocols/ip.ts';
import { tcp } from '../../../core/dissect/protocols/tcp.ts';
import { udp } from '../../../core/dissect/protocols/udp.ts';
import { vlan } from '../../../core/dissect/protocols/vlan.ts';
import { vxlan } from '../../../core/dissect/protocols/vxlan.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/filter.ts';
import { pcapngOf, recordsOf } from '../../support/capture.ts';
import { tempFile } from '../../support/tshark.ts';
import { tunnelCapture } from './fixture.ts';
import { sharkdMatches, type SharkdAnswer } from './oracle-support.ts';

/**
 * The filter over the real protocol modules (ARP, 802.1Q, IPv4, ICMP, UDP, TCP, Geneve, VXLAN):
 * the encapsulation filters the lab lives on (`geneve.vni == 5`, `ip.src#2`, `count(ip) == 2`)
 * must select what tshark 4.0 selects on the same pcapng. A failure here can also mean a dissector
 * and tshark disagree on a field; oracle.test.ts checks the language itself without them.
 */

const CAPTURE = tunnelCapture();
const FRAMES = recordsOf(CAPTURE);
const FILE = tempFile('tunnels.pcapng', pcapngOf(CAPTURE));
const engine = new DissectionEngine([eth, vlan, arp, ip, icmp, udp, tcp, geneve, vxlan]);

function ours(filter: string): number[] | string {
  const r = compileFilter(filter, engine.fields);
  if (!r.ok) return r.error.message;
  const runner = new FilterRunner(r.filter);
  const session = engine.newSession();
  return FRAMES.filter((f) => runner.run(session, f)).map((f) => f.number);
}

// Frames: 1 ARP, 2 ICMP request in VLAN 100, 3 ICMP reply, 4 Geneve VNI 5 / TCP SYN, 5 VXLAN VNI 42 /
// UDP, 6 TCP SYN/ACK, 7 ICMP port unreachable, 8 Geneve VNI 5 / TCP SYN/ACK, 9 TCP FIN/ACK in VLAN 200.
const FILTERS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['arp', [1]],
  ['arp.opcode == 1', [1]],
  ['arp.opcode == request', [1]],
  ['arp.src.proto_ipv4 == 10.0.0.1', [1]],
  ['arp.dst.proto_ipv4 == 10.0.0.2', [1]],
  ['vlan', [2, 9]],
  ['vlan.id == 100', [2]],
  ['vlan.id in {100, 200}', [2, 9]],
  ['vlan.id > 150', [9]],
  ['icmp', [2, 3, 7]],
  ['icmp.type == 8', [2]],
  ['icmp.type == 0 && icmp.code == 0', [3]],
  ['icmp.type in { 3..5, 11 }', [7]],
  ['icmp.ident == 7', [2, 3]],
  ['icmp.seq == 1', [2, 3]],
  ['geneve', [4, 8]],
  ['geneve.vni == 5', [4, 8]],
  ['geneve.vni == 0x000005', [4, 8]],
  ['geneve.proto_type == 0x6558', [4, 8]],
  ['vxlan', [5]],
  ['vxlan.vni in {42, 5001}', [5]],
  ['vxlan.vni == 42', [5]],
  ['udp.dstport == 6081', [4, 8]],
  ['udp.port in {6081, 4789}', [4, 5, 8]],
  ['udp.dstport not in {6081, 4789}', [1, 2, 3, 6, 7, 9]],
  ['ip.src#2 == 172.16.0.1', [4]],
  ['ip.dst#2 == 172.16.1.2', [5]],
  ['ip.addr#1 == 10.0.0.0/16 && ip.dst#2 == 172.16.0.2', [4]],
  ['count(ip) == 2', [4, 5, 7, 8]],
  ['count(eth) == 2', [4, 5, 8]],
  ['eth.addr#2 == 02:00:00:00:00:0c', [4, 5, 8]],
  ['eth.src#2 == 02:00:00:00:00:0d', [5, 8]],
  ['eth.dst[0] & 1', [1]],
  ['eth[0] & 1', [1]],
  ['tcp', [4, 6, 8, 9]],
  ['tcp.flags & 0x02 || tcp.flags.fin == 1', [4, 6, 8, 9]],
  ['tcp.flags.syn == 1 && tcp.flags.ack == 0', [4]],
  ['tcp.flags.syn == 1 && !tcp.flags.ack', []],
  ['tcp.flags.ack == 0', [4]],
  ['tcp.flags.reset eq 1', []],
  ['tcp.port == 80', [4, 8]],
  ['tcp.port == 443 || tcp.port == 80', [4, 6, 8, 9]],
  ['tcp.srcport == 33000 && geneve.vni == 5', [4]],
  ['tcp.flags.syn == 1 && geneve.vni == 5', [4, 8]],
  ['tcp.dstport == 80 and ip.src#1 == 10.0.0.1', [4]],
  ['ip.ttl == 64', [2, 3, 4, 5, 6, 7, 8, 9]],
  ['ip.proto == 17', [4, 5, 7, 8]],
  ['ip.proto#2 == 6', [4, 8]],
  ['ip.addr == 172.16.0.0/12', [4, 5, 8]],
  ['all ip.addr == 10.0.0.0/8', [2, 3, 6, 7, 9]],
  ['ip.addr != 10.0.0.1', []],
  ['ip.addr !== 10.0.0.1', [2, 3, 4, 5, 6, 7, 8, 9]],
  ['ip.src == ip.dst#2', [7]],
  ['udp.length > 50', [4, 5, 8]],
  ['udp.srcport >= 40000', [4, 5, 7, 8]],
  ['udp', [4, 5, 7, 8]],
  ['ip.dsfield.dscp == 0', [2, 3, 4, 5, 6, 7, 8, 9]],
  ['ip.flags.df == 0', [2, 3, 4, 5, 6, 7, 8, 9]],
  ['frame.len > 100', [4, 5, 8]],
  ['frame.len == 110', [4, 5, 8]],
  ['eth.type == 0x8100', [2, 9]],
  ['eth.type == "802.1Q Virtual LAN"', [2, 9]],
  ['eth.type in {0x0800, 0x0806}', [1, 3, 4, 5, 6, 7, 8]],
  ['data', [2, 3, 5]],
  ['ip.dst in {10.0.0.1 .. 10.0.0.2}', [2, 3, 5, 6, 7, 8, 9]],
  ['frame[12:2] == 81:00', [2, 9]],
  ['eth.src[0:3] == 02:00:00', [1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ['udp.dstport == 4789 && ip.src#2 == 172.16.1.1', [5]],
  ['not ip', [1]],
  ['!tcp && !udp', [1, 2, 3]],
  ['tcp.flags & 0x12 == 0x12', [6, 8]],
  ['tcp.window_size_value == 64240', [4, 6, 8, 9]],
  ['tcp.seq == 0', [4, 6, 8]],
  ['tcp.stream == 0', [4, 8]],
  ['frame.protocols contains "geneve"', [4, 8]],
  ['frame.protocols == "eth:ethertype:vlan:ethertype:ip:icmp:data"', [2]],
];

describe('filters over the real protocol modules match tshark 4.0', () => {
  let answers: SharkdAnswer[] = [];
  beforeAll(() => {
    answers = sharkdMatches(FILE, FILTERS.map(([f]) => f));
  });

  it.each(FILTERS.map(([filter, frames], i) => [filter, frames, i] as const))('%s', (filter, frames, i) => {
    expect(ours(filter)).toEqual(frames);
    expect(answers[i]).toEqual({ frames });
  });
});
