/**
 * MAC addresses of the devices the resolved topology does not name: Nitro cards, switch ports and
 * the VPC router. All locally administered (second-lowest bit of the first octet set) and unicast,
 * in prefixes that cannot collide with instance MACs (02:00:00:…, see core/topology).
 */
import type { Ipv4, Mac } from '../../base/addr.ts';

/** `06:00:<underlay IPv4>`: a card's MAC spells its underlay address, easy to read in a capture. */
export function cardMac(underlayIp: Ipv4): Mac {
  return 0x06 * 2 ** 40 + (underlayIp >>> 0);
}

/** `0e:00:00:<switch>:<port>`: switch `index` (0–65535), port `port` (0–255). */
export function switchPortMac(index: number, port: number): Mac {
  return 0x0e * 2 ** 40 + index * 256 + port;
}

/**
 * The VPC router's MAC (`0a:00:00:00:00:01`): what proxy ARP answers for a subnet's `.1`, and the
 * source MAC of every frame routed between subnets, as AWS shows a fixed "gateway" MAC.
 */
export const VPC_ROUTER_MAC: Mac = 0x0a * 2 ** 40 + 1;

/** True for broadcast and multicast MACs (the I/G bit of the first octet). */
export function isGroupMac(bytes: Uint8Array, at: number): boolean {
  return (bytes[at] & 1) !== 0;
}
