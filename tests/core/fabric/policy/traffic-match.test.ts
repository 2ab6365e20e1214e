import { describe, expect, it } from 'vitest';
import { coversAllPorts, describeFlowTraffic, describeTraffic, matchesTraffic } from '../../../../core/fabric/policy/index.ts';
import { echoPacket, flowOf, icmp, laterFragment, laterFragmentPacket, otherProtocol, tcp, tcpPacket, traffic, udp, udpPacket } from './helpers.ts';

describe('matchesTraffic', () => {
  it('protocol all matches every protocol, port and ICMP type', () => {
    const all = traffic('all');
    const flows = [tcp('10.0.0.1:1', '10.0.0.2:65535'), udp('10.0.0.1:53', '10.0.0.2:0'), icmp('10.0.0.1', '10.0.0.2', 3, 4), otherProtocol(47, '10.0.0.1', '10.0.0.2')];
    expect(flows.map((f) => matchesTraffic(all, f))).toEqual([true, true, true, true]);
  });

  it('tcp and udp match their own protocol only', () => {
    expect(matchesTraffic(traffic('tcp', 53), tcp('10.0.0.1:4000', '10.0.0.2:53'))).toBe(true);
    expect(matchesTraffic(traffic('tcp', 53), udp('10.0.0.1:4000', '10.0.0.2:53'))).toBe(false);
    expect(matchesTraffic(traffic('udp', 53), udp('10.0.0.1:4000', '10.0.0.2:53'))).toBe(true);
    expect(matchesTraffic(traffic('udp', 53), tcp('10.0.0.1:4000', '10.0.0.2:53'))).toBe(false);
    expect(matchesTraffic(traffic('icmp'), tcp('10.0.0.1:4000', '10.0.0.2:53'))).toBe(false);
  });

  it('port ranges are inclusive at both ends and compare the destination port', () => {
    const range = traffic('tcp', 1024, 2048);
    const at = (dport: number) => matchesTraffic(range, tcp('10.0.0.1:80', `10.0.0.2:${dport}`));
    expect([1023, 1024, 1500, 2048, 2049].map(at)).toEqual([false, true, true, true, false]);
    // The source port plays no part: a rule "tcp 80" does not admit a packet *from* port 80 to 5000.
    expect(matchesTraffic(traffic('tcp', 80), tcp('10.0.0.1:80', '10.0.0.2:5000'))).toBe(false);
  });

  it('ICMP type and code: -1 is any, otherwise exact', () => {
    const echoRequest = icmp('10.0.0.1', '10.0.0.2', 8, 0, 7);
    const fragNeeded = icmp('10.0.0.1', '10.0.0.2', 3, 4);
    const cases = [traffic('icmp'), traffic('icmp', 0, 0, 8), traffic('icmp', 0, 0, 8, 0), traffic('icmp', 0, 0, 3, 4), traffic('icmp', 0, 0, 3, 3)];
    expect(cases.map((r) => [matchesTraffic(r, echoRequest), matchesTraffic(r, fragNeeded)])).toEqual([
      [true, true], [true, false], [true, false], [false, true], [false, false],
    ]);
  });

  it('a non-first fragment matches only rules that cover every port or type', () => {
    const later = laterFragment(tcp('10.0.0.1:4000', '10.0.0.2:443'));
    expect(matchesTraffic(traffic('tcp', 443), later)).toBe(false);
    expect(matchesTraffic(traffic('tcp', 0, 0), later)).toBe(false);
    expect(matchesTraffic(traffic('tcp', 0, 65535), later)).toBe(true);
    expect(matchesTraffic(traffic('all'), later)).toBe(true);
    const icmpLater = laterFragment(icmp('10.0.0.1', '10.0.0.2', 8, 0, 1));
    expect(matchesTraffic(traffic('icmp', 0, 0, 8), icmpLater)).toBe(false);
    expect(matchesTraffic(traffic('icmp'), icmpLater)).toBe(true);
  });

  it('works on keys read from real packet bytes', () => {
    const syn = flowOf(tcpPacket('10.0.1.5:40000', '10.0.2.10:5432', 0x02));
    expect(matchesTraffic(traffic('tcp', 5432), syn)).toBe(true);
    expect(matchesTraffic(traffic('tcp', 5433, 6000), syn)).toBe(false);
    const dns = flowOf(udpPacket('10.0.1.5:53000', '10.0.0.2:53'));
    expect(matchesTraffic(traffic('udp', 53), dns)).toBe(true);
    const reply = flowOf(echoPacket('10.0.2.10', '10.0.1.5', 'echoReply', 9));
    expect([matchesTraffic(traffic('icmp', 0, 0, 0), reply), matchesTraffic(traffic('icmp', 0, 0, 8), reply)]).toEqual([true, false]);
    const fragment = flowOf(laterFragmentPacket('10.0.1.5', '10.0.2.10', 17));
    expect(fragment.fragment).toBe('later');
    expect([matchesTraffic(traffic('udp', 0, 65535), fragment), matchesTraffic(traffic('udp', 53), fragment)]).toEqual([true, false]);
  });
});

describe('describing traffic', () => {
  it('describes rules as the console would', () => {
    expect([
      describeTraffic(traffic('all')),
      describeTraffic(traffic('tcp', 22)),
      describeTraffic(traffic('udp', 1024, 65535)),
      describeTraffic(traffic('tcp')),
      describeTraffic(traffic('icmp')),
      describeTraffic(traffic('icmp', 0, 0, 8)),
      describeTraffic(traffic('icmp', 0, 0, 3, 4)),
    ]).toEqual(['all', 'tcp 22', 'udp 1024-65535', 'tcp all ports', 'icmp', 'icmp type 8', 'icmp type 3 code 4']);
  });

  it('describes packets for deny messages', () => {
    expect([
      describeFlowTraffic(tcp('10.0.0.1:5000', '10.0.0.2:22')),
      describeFlowTraffic(udp('10.0.0.1:5000', '10.0.0.2:53')),
      describeFlowTraffic(icmp('10.0.0.1', '10.0.0.2', 8, 0, 3)),
      describeFlowTraffic(otherProtocol(47, '10.0.0.1', '10.0.0.2')),
      describeFlowTraffic(laterFragment(tcp('10.0.0.1:5000', '10.0.0.2:22'))),
    ]).toEqual(['tcp 22', 'udp 53', 'icmp type 8 code 0', 'protocol 47', 'tcp (non-first fragment)']);
  });

  it('coversAllPorts is true for all and for full TCP/UDP ranges only', () => {
    expect([traffic('all'), traffic('tcp'), traffic('udp', 0, 65534), traffic('udp', 1, 65535)].map(coversAllPorts)).toEqual([true, true, false, false]);
  });
});
