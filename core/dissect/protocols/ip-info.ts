/**
 * What the IPv4 dissector hands to the transport dissectors it calls through `ip.proto`:
 *
 *   ctx.callTable('ip.proto', protocol, offset, end, info satisfies IpPayloadInfo)
 *
 * The addresses feed the pseudo-header checksum and the conversation keys of TCP and UDP. The
 * IPv4 dissector may reuse one object from frame to frame: callees read it, never keep it.
 */
export interface IpPayloadInfo {
  /** Source address as a uint32. */
  readonly src: number;
  /** Destination address as a uint32. */
  readonly dst: number;
  /** The IP protocol number (6 TCP, 17 UDP). */
  readonly protocol: number;
  /** Payload length from the IP header (total length minus header length): the reported length. */
  readonly length: number;
}

/** True when a hand-off value has the shape of `IpPayloadInfo`. */
export function isIpPayloadInfo(data: unknown): data is IpPayloadInfo {
  return typeof data === 'object' && data !== null && typeof (data as IpPayloadInfo).src === 'number' && typeof (data as IpPayloadInfo).length === 'number';
}
