/**
 * How iputils ping (`pr_icmph`) and traceroute name ICMP errors. Shared by the applications.
 */

const UNREACHABLE = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  'Frag needed and DF set',
  'Source Route Failed',
  'Destination Net Unknown',
  'Destination Host Unknown',
  'Source Host Isolated',
  'Destination Net Prohibited',
  'Destination Host Prohibited',
  'Destination Net Unreachable for Type of Service',
  'Destination Host Unreachable for Type of Service',
  'Packet filtered',
  'Precedence Violation',
  'Precedence Cutoff',
];

/** ping's text for an ICMP error: `Destination Host Unreachable`, `Frag needed and DF set (mtu = 1500)`, … */
export function pingIcmpText(type: number, code: number, nextHopMtu: number): string {
  switch (type) {
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${nextHopMtu})`;
      return UNREACHABLE[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 4:
      return 'Source Quench';
    case 5:
      return 'Redirect';
    case 11:
      return code === 0 ? 'Time to live exceeded' : code === 1 ? 'Frag reassembly time exceeded' : `Time exceeded, Bad Code: ${code}`;
    case 12:
      return 'Parameter problem';
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/** traceroute's annotation after a probe's time for an unreachable: `!H`, `!N`, `!F-1500`, … ('' for none). */
export function tracerouteAnnotation(type: number, code: number, nextHopMtu: number): string {
  if (type !== 3) return '';
  switch (code) {
    case 0:
    case 6:
    case 11:
      return '!N';
    case 1:
    case 7:
    case 8:
    case 12:
      return '!H';
    case 2:
      return '!P';
    case 3:
      return '';
    case 4:
      return `!F-${nextHopMtu}`;
    case 5:
      return '!S';
    case 9:
    case 10:
    case 13:
      return '!X';
    case 14:
      return '!V';
    case 15:
      return '!C';
    default:
      return `!<${code}>`;
  }
}
