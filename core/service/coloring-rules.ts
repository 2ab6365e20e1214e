/**
 * Wireshark's default coloring rules as data: the `colorfilters` file shipped with tshark 4.0.17
 * (reference/pcap-wireshark.md §4.3), in file order, background first as the file has it. Rules
 * naming protocols our registry lacks (HSRP, STP, SCTP, SMB…) are kept: like Wireshark with a rule
 * it cannot compile, the evaluator disables them and says so, so the table stays the real one.
 */
export interface ColoringRuleSpec {
  readonly name: string;
  readonly filter: string;
  /** CSS hex colours (#rrggbb), each channel Wireshark's 16-bit value shifted right by 8. */
  readonly bg: string;
  readonly fg: string;
}

export const DEFAULT_COLORING_RULES: readonly ColoringRuleSpec[] = [
  { name: 'Bad TCP', filter: 'tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack', bg: '#12272e', fg: '#f78787' },
  { name: 'HSRP State Change', filter: 'hsrp.state != 8 && hsrp.state != 16', bg: '#12272e', fg: '#fffc9c' },
  { name: 'Spanning Tree Topology  Change', filter: 'stp.type == 0x80', bg: '#12272e', fg: '#fffc9c' },
  { name: 'OSPF State Change', filter: 'ospf.msg != 1', bg: '#12272e', fg: '#fffc9c' },
  { name: 'ICMP errors', filter: 'icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }', bg: '#12272e', fg: '#b7f774' },
  { name: 'ARP', filter: 'arp', bg: '#faf0d7', fg: '#12272e' },
  { name: 'ICMP', filter: 'icmp || icmpv6', bg: '#fce0ff', fg: '#12272e' },
  { name: 'TCP RST', filter: 'tcp.flags.reset eq 1', bg: '#a40000', fg: '#fffc9c' },
  { name: 'SCTP ABORT', filter: 'sctp.chunk_type eq ABORT', bg: '#a40000', fg: '#fffc9c' },
  {
    name: 'TTL low or unexpected',
    filter: '(ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp))',
    bg: '#a40000',
    fg: '#ecf0eb',
  },
  {
    name: 'Checksum Errors',
    filter:
      'eth.fcs.status=="Bad" || ip.checksum.status=="Bad" || tcp.checksum.status=="Bad" || udp.checksum.status=="Bad" || sctp.checksum.status=="Bad" || mstp.checksum.status=="Bad" || cdp.checksum.status=="Bad" || edp.checksum.status=="Bad" || wlan.fcs.status=="Bad" || stt.checksum.status=="Bad"',
    bg: '#12272e',
    fg: '#f78787',
  },
  { name: 'SMB', filter: 'smb || nbss || nbns || netbios', bg: '#feffd0', fg: '#12272e' },
  { name: 'HTTP', filter: 'http || tcp.port == 80 || http2', bg: '#e4ffc7', fg: '#12272e' },
  { name: 'DCERPC', filter: 'dcerpc', bg: '#c797ff', fg: '#12272e' },
  { name: 'Routing', filter: 'hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp', bg: '#fff3d6', fg: '#12272e' },
  { name: 'TCP SYN/FIN', filter: 'tcp.flags & 0x02 || tcp.flags.fin == 1', bg: '#a0a0a0', fg: '#12272e' },
  { name: 'TCP', filter: 'tcp', bg: '#e7e6ff', fg: '#12272e' },
  { name: 'UDP', filter: 'udp', bg: '#daeeff', fg: '#12272e' },
  { name: 'Broadcast', filter: 'eth[0] & 1', bg: '#ffffff', fg: '#babdb6' },
  { name: 'System Event', filter: 'systemd_journal || sysdig', bg: '#e6e6e6', fg: '#2d6f9a' },
];
