/** Value strings of the IPv4 dissector, as Wireshark 4.0 registers them (from `tshark -G values`). */

/** ip.proto names (Wireshark's ipproto_val), indexed by protocol number; 225..255 have none. */
const IPPROTO_LIST: readonly string[] = [
  'IPv6 Hop-by-Hop Option', 'ICMP', 'IGMP', 'GGP', 'IPIP', 'Stream', 'TCP', 'CBT', 'EGP', 'IGRP', 'BBN RCC',
  'Network Voice', 'PUP', 'ARGUS', 'EMCON', 'XNET', 'CHAOS', 'UDP', 'Multiplex', 'DCN Measurement',
  'Host Monitoring', 'Packet radio', 'IDP', 'Trunk-1', 'Trunk-2', 'Leaf-1', 'Leaf-2', 'Reliable Data', 'IRT',
  'ISO TP4', 'Bulk Data', 'MFE NSP', 'Merit Internodal', 'Datagram Congestion Control Protocol', '3rd Party Connect',
  'Inter-Domain Policy Routing Protocol', 'XTP', 'Datagram delivery', 'Control Message', 'TP++', 'IL', 'IPv6',
  'Source demand routing', 'Routing Header for IPv6', 'Fragment Header for IPv6', 'Inter-Domain Routing Protocol',
  'Reservation Protocol', 'Generic Routing Encapsulation', 'Dynamic source routing', 'BNA', 'Encap Security Payload',
  'Authentication Header', 'INSLP', 'SWIPE', 'NBMA ARP', 'IP Mobility', 'TLSP Kryptonet', 'SKIP', 'ICMPv6',
  'No Next Header for IPv6', 'Destination Options for IPv6', 'any host internal protocol', 'Mobile IPv6 (old)',
  'any local network', 'SATNET EXPAK', 'Kryptolan', 'Remote Virtual Disk', 'IPPC', 'any distributed file system',
  'SATNET Monitoring', 'VISA', 'IPCV', 'CPNX', 'CPHB', 'Wang Span', 'Packet Video', 'Backroom SATNET Mon',
  'Sun ND Protocol', 'Wideband Mon', 'Wideband Expak', 'ISO Internet Protocol', 'VMTP', 'Secure VMTP', 'VINES',
  'TTP', 'NSFNET IGP', 'Dissimilar Gateway', 'TCF', 'EIGRP', 'OSPF IGP', 'Sprite RPC', 'Locus ARP',
  'Multicast Transport', 'AX.25 Frames', 'IP in IP', 'MICP', 'Semaphore', 'Ether in IP', 'ENCAP',
  'any private encryption scheme', 'GMTP', 'Ipsilon Flow', 'PNNI over IP', 'PIM', 'ARIS', 'SCPS', 'QNX',
  'Active Networks', 'IPComp', 'Sitara Networks', 'Compaq Peer', 'IPX IN IP', 'VRRP', 'PGM', 'any 0-hop protocol',
  'Layer 2 Tunneling', 'DDX', 'IATP', 'STP', 'SpectraLink', 'UTI', 'SMP', 'SM', 'PTP', 'ISIS over IP', 'FIRE',
  'CRTP', 'CRUDP', 'SSCOPMCE', 'IPLT', 'Secure Packet', 'PIPE', 'SCTP', 'Fibre Channel', 'RSVP E2EI', 'Mobile IPv6',
  'UDPLite', 'MPLS in IP', 'MANET', 'HIP', 'Shim6 header', 'WESP', 'ROHC', 'Ethernet', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'AX/4000 Testframe', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned', 'Unassigned',
  'Novell NCS Heartbeat',
];

export const IPPROTO_VALS: Readonly<Record<number, string>> = Object.fromEntries(IPPROTO_LIST.map((name, i) => [i, name]));

/** ip.dsfield.dscp */
export const DSCP_VALS: Readonly<Record<number, string>> = {
  0: 'Default',
  1: 'Lower Effort',
  8: 'Class Selector 1',
  10: 'Assured Forwarding 11',
  12: 'Assured Forwarding 12',
  14: 'Assured Forwarding 13',
  16: 'Class Selector 2',
  18: 'Assured Forwarding 21',
  20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23',
  24: 'Class Selector 3',
  26: 'Assured Forwarding 31',
  28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33',
  32: 'Class Selector 4',
  34: 'Assured Forwarding 41',
  36: 'Assured Forwarding 42',
  38: 'Assured Forwarding 43',
  40: 'Class Selector 5',
  44: 'Voice Admit',
  46: 'Expedited Forwarding',
  48: 'Class Selector 6',
  56: 'Class Selector 7',
};

/** ip.dsfield.ecn */
export const ECN_VALS: Readonly<Record<number, string>> = {
  0: 'Not ECN-Capable Transport',
  1: 'ECN-Capable Transport codepoint \'01\'',
  2: 'ECN-Capable Transport codepoint \'10\'',
  3: 'Congestion Experienced',
};

/** ip.opt.type.class */
export const OPT_CLASS_VALS: Readonly<Record<number, string>> = {
  0: 'Control',
  1: 'Reserved for future use',
  2: 'Debugging and measurement',
  3: 'Reserved for future use',
};

/** ip.opt.type.number */
export const OPT_NUMBER_VALS: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Security',
  3: 'Loose source route',
  4: 'Time stamp',
  5: 'Extended security',
  6: 'Commercial IP security option',
  7: 'Record route',
  8: 'Stream identifier',
  9: 'Strict source route',
  10: 'Experimental Measurement',
  11: 'MTU probe',
  12: 'MTU Reply',
  13: 'Experimental Flow Control',
  14: 'Experimental Access Control',
  15: 'Ask Estrin',
  16: 'IMI Traffic Descriptor',
  17: 'Extended Internet Protocol',
  18: 'Traceroute',
  19: 'Address Extension',
  20: 'Router Alert',
  21: 'Selective Directed Broadcast',
  22: 'Unassigned',
  23: 'Dynamic Packet State',
  24: 'Upstream Multicast Packet',
  25: 'Quick-Start',
  30: 'RFC 3692-style experiment',
};

/** ip.opt.flag (timestamp option) */
export const OPT_TS_FLAG_VALS: Readonly<Record<number, string>> = {
  0: 'Time stamps only',
  1: 'Time stamp and address',
  3: 'Time stamps for prespecified addresses',
};

/** proto_checksum_vals: every *.checksum.status field */
export const CHECKSUM_STATUS_VALS: Readonly<Record<number, string>> = {
  0: 'Bad',
  1: 'Good',
  2: 'Unverified',
  3: 'Not present',
  4: 'Illegal',
};

/** ip.opt.qs_func (Quick-Start). */
export const QS_FUNC_VALS: Readonly<Record<number, string>> = { 0: 'Rate request', 8: 'Rate report' };

/** ip.opt.qs_rate (Quick-Start). */
export const QS_RATE_VALS: Readonly<Record<number, string>> = {
  0: '0 bit/s', 1: '80 Kbit/s', 2: '160 Kbit/s', 3: '320 Kbit/s', 4: '640 Kbit/s', 5: '1.28 Mbit/s', 6: '2.56 Mbit/s',
  7: '5.12 Mbit/s', 8: '10.24 Mbit/s', 9: '20.48 Mbit/s', 10: '40.96 Mbit/s', 11: '81.92 Mbit/s', 12: '163.84 Mbit/s',
  13: '327.68 Mbit/s', 14: '655.36 Mbit/s', 15: '1.31072 Gbit/s',
};

/** ip.opt.sec_rfc791_sec (RFC 791 Security option). */
export const SEC_RFC791_VALS: Readonly<Record<number, string>> = {
  0x0000: 'Unclassified', 0xf135: 'Confidential', 0x789a: 'EFTO', 0xbc4d: 'MMMM', 0x5e26: 'PROG', 0xaf13: 'Restricted',
  0xd788: 'Secret', 0x6bc5: 'Top secret', 0x35e2: 'Reserved', 0x9af1: 'Reserved', 0x4d78: 'Reserved', 0x24bd: 'Reserved',
  0x135e: 'Reserved', 0x89af: 'Reserved', 0xc4d6: 'Reserved', 0xe26b: 'Reserved',
};

/** ip.opt.sec_cl (RFC 1108 classification level). */
export const SEC_CL_VALS: Readonly<Record<number, string>> = {
  0x01: 'Reserved 4', 0x3d: 'Top secret', 0x5a: 'Secret', 0x96: 'Confidential', 0x66: 'Reserved 3', 0xcc: 'Reserved 2',
  0xab: 'Unclassified', 0xf1: 'Reserved 1',
};

/** ip.cipso.tag_type. */
export const CIPSO_TAG_VALS: Readonly<Record<number, string>> = {
  0: 'Padding', 1: 'Restrictive Category Bitmap', 2: 'Enumerated Categories', 5: 'Ranged Categories', 6: 'Permissive Categories',
  7: 'Free Form',
};
