/**
 * Reads a frame back through core/wire's views and reports the first thing wrong with it
 * (null when it is a valid Ethernet frame with correct checksums all the way down).
 */
import { ArpRepr, ArpView } from '../../../../../core/wire/arp.ts';
import { EthernetView } from '../../../../../core/wire/ethernet.ts';
import { Icmpv4Repr, Icmpv4View } from '../../../../../core/wire/icmpv4.ts';
import { Ipv4Repr, Ipv4View } from '../../../../../core/wire/ipv4.ts';
import { TcpView } from '../../../../../core/wire/tcp.ts';
import { UdpView } from '../../../../../core/wire/udp.ts';

export function frameProblem(bytes: Uint8Array): string | null {
  const eth = EthernetView.checked(bytes);
  if (!eth.ok) return eth.error.message;
  const e = eth.value;
  if (e.ethertype === 0x0806) {
    const arp = ArpView.checked(e.payload);
    if (!arp.ok) return arp.error.message;
    const repr = ArpRepr.parse(arp.value);
    if (!repr.ok) return repr.error.message;
    return arp.value.packetLen === e.payload.length ? null : 'ARP frame has trailing bytes';
  }
  if (e.ethertype !== 0x0800) return `EtherType ${e.ethertype.toString(16)}`;
  const ipv = Ipv4View.checked(e.payload);
  if (!ipv.ok) return ipv.error.message;
  const ip = ipv.value;
  const repr = Ipv4Repr.parse(ip);
  if (!repr.ok) return repr.error.message;
  if (ip.totalLength !== e.payload.length) return `IPv4 total length ${ip.totalLength} but ${e.payload.length} bytes`;
  if (ip.isFragment && ip.fragOffset > 0) return null;
  if (ip.moreFrags) return null; // first fragment: the transport checksum covers the whole datagram
  switch (ip.protocol) {
    case 1: {
      const icmp = Icmpv4View.checked(ip.payload);
      if (!icmp.ok) return icmp.error.message;
      if (!icmp.value.verifyChecksum()) return 'ICMP checksum';
      const r = Icmpv4Repr.parse(icmp.value);
      return r.ok ? null : r.error.message;
    }
    case 17: {
      const udp = UdpView.checked(ip.payload);
      if (!udp.ok) return udp.error.message;
      if (udp.value.checksum === 0) return 'UDP checksum missing';
      if (udp.value.length !== ip.payload.length) return 'UDP length';
      return udp.value.verifyChecksum(ip.src, ip.dst) ? null : 'UDP checksum';
    }
    case 6: {
      const tcp = TcpView.checked(ip.payload);
      if (!tcp.ok) return tcp.error.message;
      return tcp.value.verifyChecksum(ip.src, ip.dst) ? null : 'TCP checksum';
    }
    default:
      return `IP protocol ${ip.protocol}`;
  }
}
