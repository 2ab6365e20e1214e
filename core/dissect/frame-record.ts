/**
 * One captured frame as the dissector sees it: captured bytes plus the capture metadata that
 * pcapng carries (interface, time, flags, comments). Time is seconds plus nanoseconds so absolute
 * times stay exact without bigint on the hot path.
 */
export interface FrameRecord {
  /** 1-based frame number in the capture. */
  number: number;
  /** The captured bytes (may be shorter than `originalLength` when a snap length cut them). */
  bytes: Uint8Array;
  originalLength: number;
  tsSec: number;
  tsNsec: number;
  interfaceId: number;
  /** LINKTYPE_* of the interface: 1 Ethernet, 101 raw IP. */
  linkType: number;
  interfaceName?: string;
  interfaceDescription?: string;
  /** epb_flags; bits 0-1 are the direction (1 inbound, 2 outbound). */
  flags?: number;
  comments?: readonly string[];
}

export const LinkType = {
  ethernet: 1,
  raw: 101,
  ipv4: 228,
} as const;
