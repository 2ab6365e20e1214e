/** Value strings shared by several protocols (Wireshark's etypes.h, ipproto.h). */

export const ETHERTYPE_NAMES: Readonly<Record<number, string>> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8100: '802.1Q Virtual LAN',
  0x86dd: 'IPv6',
  0x6558: 'Transparent Ethernet bridging',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x8847: 'MPLS label switched packet',
};

export const IP_PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  89: 'OSPF',
  132: 'SCTP',
};
