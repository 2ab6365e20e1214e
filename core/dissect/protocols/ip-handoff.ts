import type { IpPayloadInfo } from './ip-info.ts';

/**
 * What the IPv4 dissector hands to the dissectors it calls through `ip.proto` (Wireshark passes its
 * `ws_ip4` header the same way). It extends the transport contract of ip-info.ts with the
 * packet_info flags that change how a payload is dissected. The object is reused: read it at once,
 * never keep it.
 */
export interface Ipv4PayloadInfo extends IpPayloadInfo {
  readonly ttl: number;
  /** Header length in bytes. */
  readonly headerLength: number;
  /**
   * Inside the copy of a datagram that an ICMP error quotes (Wireshark's pinfo->flags.in_error_pkt):
   * no checksum verification, no request/response tracking, no length complaints.
   */
  readonly inErrorPacket: boolean;
  /**
   * The payload is the first fragment of a datagram that was not reassembled (pinfo->fragmented):
   * checksums over the whole datagram cannot be verified.
   */
  readonly fragmented: boolean;
}

/** The IPv4 dissector's own hand-off value (one reused per nesting level): tested for first, as one class. */
export class Ipv4Info implements Ipv4PayloadInfo {
  src = 0;
  dst = 0;
  protocol = 0;
  length = 0;
  ttl = 0;
  headerLength = 0;
  inErrorPacket = false;
  fragmented = false;
}

/** The hand-off value ICMP passes to the IPv4 dissector for the header an error message quotes. */
export const IN_ICMP_ERROR: { readonly inErrorPacket: true } = Object.freeze({ inErrorPacket: true });

/** True when a hand-off value says the bytes are the quoted copy inside an ICMP error. */
export function isInErrorPacket(data: unknown): boolean {
  if (data === undefined) return false;
  if (data === IN_ICMP_ERROR) return true;
  if (data instanceof Ipv4Info) return data.inErrorPacket;
  return typeof data === 'object' && data !== null && (data as { inErrorPacket?: unknown }).inErrorPacket === true;
}

/** The IPv4 hand-off value, when the caller is the IPv4 dissector. */
export function ipv4PayloadInfo(data: unknown): Ipv4PayloadInfo | null {
  if (data instanceof Ipv4Info) return data;
  if (data === undefined || data === IN_ICMP_ERROR) return null;
  return typeof data === 'object' && data !== null && typeof (data as Ipv4PayloadInfo).ttl === 'number'
    ? (data as Ipv4PayloadInfo)
    : null;
}
