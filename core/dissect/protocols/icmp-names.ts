/** Value strings of Wireshark 4.0's ICMP dissector (packet-icmp.c). */

export const ICMP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Echo (ping) reply',
  1: 'Reserved',
  2: 'Reserved',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  6: 'Alternate host address',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
  19: 'Reserved (for security)',
  30: 'Traceroute',
  31: 'Datagram Conversion Error',
  32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You',
  34: 'IPv6 I-Am-Here',
  35: 'Mobile Registration Request',
  36: 'Mobile Registration Reply',
  37: 'Domain Name Request',
  38: 'Domain Name Reply',
  39: 'SKIP',
  40: 'Photuris',
  41: 'Experimental mobility protocols',
  42: 'Extended Echo request',
  43: 'Extended Echo reply',
};

export const UNREACH_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  8: 'Source host isolated',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  11: 'Network unreachable for TOS',
  12: 'Host unreachable for TOS',
  13: 'Communication administratively filtered',
  14: 'Host precedence violation',
  15: 'Precedence cutoff in effect',
};

export const REDIRECT_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Redirect for network',
  1: 'Redirect for host',
  2: 'Redirect for TOS and network',
  3: 'Redirect for TOS and host',
};

export const ALT_HOST_CODE_NAMES: Readonly<Record<number, string>> = { 0: 'Alternate address for host' };

export const RTRADVERT_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Normal router advertisement',
  16: 'Does not route common traffic',
};

export const TTL_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Time to live exceeded in transit',
  1: 'Fragment reassembly time exceeded',
};

export const PARAM_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Pointer indicates the error',
  1: 'Required option missing',
  2: 'Bad length',
};

export const PHOTURIS_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Bad SPI',
  1: 'Authentication Failed',
  2: 'Decompression Failed',
  3: 'Decryption Failed',
  4: 'Need Authentication',
  5: 'Need Authorization',
};

export const EXT_ECHO_REQ_CODE_NAMES: Readonly<Record<number, string>> = { 0: 'No error' };

export const EXT_ECHO_REPLY_CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'No error',
  1: 'Malformed Query',
  2: 'No Such Interface',
  3: 'No Such Table Entry',
  4: 'Multiple Interfaces Satisfy Query',
};

/** The code table for a type, or null when Wireshark shows no code text for that type. */
export function icmpCodeNames(type: number): Readonly<Record<number, string>> | null {
  switch (type) {
    case 3:
      return UNREACH_CODE_NAMES;
    case 5:
      return REDIRECT_CODE_NAMES;
    case 6:
      return ALT_HOST_CODE_NAMES;
    case 9:
      return RTRADVERT_CODE_NAMES;
    case 11:
      return TTL_CODE_NAMES;
    case 12:
      return PARAM_CODE_NAMES;
    case 40:
      return PHOTURIS_CODE_NAMES;
    case 42:
      return EXT_ECHO_REQ_CODE_NAMES;
    case 43:
      return EXT_ECHO_REPLY_CODE_NAMES;
    default:
      return null;
  }
}
