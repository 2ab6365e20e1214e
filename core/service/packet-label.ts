/**
 * A one-line label for a frame in the event list ("ICMP 10.0.1.4 → 10.0.1.5 echo request",
 * "Geneve vni 1 [TCP 10.0.1.4:40000 → 10.0.2.10:80 SYN]"). It reads a few header bytes by hand
 * rather than dissecting: the event log labels every packet event as it happens, and a full
 * dissection per event would cost more than the simulation itself. Anything it does not know is
 * labelled by its EtherType or protocol number; it never throws on short or odd frames.
 */
import { formatIpv4, readIpv4 } from '../base/addr.ts';

const GENEVE_PORT = 6081;

export function packetLabel(bytes: Uint8Array): string {
  return labelEthernet(bytes, 0, 0);
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function labelEthernet(b: Uint8Array, o: number, depth: number): string {
  if (b.length < o + 14) return 'truncated frame';
  let type = u16(b, o + 12);
  let l3 = o + 14;
  if (type === 0x8100 && b.length >= o + 18) {
    type = u16(b, o + 16);
    l3 = o + 18;
  }
  if (type === 0x0806) return labelArp(b, l3);
  if (type === 0x0800) return labelIpv4(b, l3, depth);
  return `EtherType 0x${type.toString(16).padStart(4, '0')}`;
}

function labelArp(b: Uint8Array, o: number): string {
  if (b.length < o + 28) return 'ARP';
  const op = u16(b, o + 6);
  const sender = formatIpv4(readIpv4(b, o + 14));
  const target = formatIpv4(readIpv4(b, o + 24));
  if (op === 1) return `ARP who has ${target}? tell ${sender}`;
  if (op === 2) return `ARP ${sender} is at`;
  return `ARP op ${op}`;
}

function labelIpv4(b: Uint8Array, o: number, depth: number): string {
  if (b.length < o + 20) return 'IPv4 (truncated)';
  const ihl = (b[o] & 0x0f) * 4;
  const proto = b[o + 9];
  const src = formatIpv4(readIpv4(b, o + 12));
  const dst = formatIpv4(readIpv4(b, o + 16));
  const fragment = (u16(b, o + 6) & 0x1fff) !== 0;
  const l4 = o + ihl;
  if (fragment) return `IPv4 fragment ${src} → ${dst}`;
  if (proto === 1) return `ICMP ${src} → ${dst} ${icmpType(b, l4)}`;
  if (proto === 6 && b.length >= l4 + 14) return `TCP ${src}:${u16(b, l4)} → ${dst}:${u16(b, l4 + 2)} ${tcpFlags(b[l4 + 13])}`;
  if (proto === 17 && b.length >= l4 + 8) {
    const sport = u16(b, l4);
    const dport = u16(b, l4 + 2);
    if (dport === GENEVE_PORT && depth === 0 && b.length >= l4 + 16) {
      const g = l4 + 8;
      const options = (b[g] & 0x3f) * 4;
      const vni = (b[g + 4] << 16) | (b[g + 5] << 8) | b[g + 6];
      const inner = g + 8 + options;
      // 0x6558: an inner Ethernet frame (VPC traffic); anything else (GWLB's bare IP) as IPv4.
      const label = u16(b, g + 2) === 0x6558 ? labelEthernet(b, inner, 1) : labelIpv4(b, inner, 1);
      return `Geneve vni ${vni} ${src} → ${dst} [${label}]`;
    }
    if (dport === 53 || sport === 53) return `DNS ${src}:${sport} → ${dst}:${dport}`;
    return `UDP ${src}:${sport} → ${dst}:${dport}`;
  }
  return `IPv4 proto ${proto} ${src} → ${dst}`;
}

function icmpType(b: Uint8Array, o: number): string {
  if (b.length < o + 1) return '';
  switch (b[o]) {
    case 0: return 'echo reply';
    case 3: return 'destination unreachable';
    case 8: return 'echo request';
    case 11: return 'time exceeded';
    default: return `type ${b[o]}`;
  }
}

function tcpFlags(f: number): string {
  const names: string[] = [];
  if (f & 0x02) names.push('SYN');
  if (f & 0x10) names.push('ACK');
  if (f & 0x08) names.push('PSH');
  if (f & 0x01) names.push('FIN');
  if (f & 0x04) names.push('RST');
  return names.join(',');
}
