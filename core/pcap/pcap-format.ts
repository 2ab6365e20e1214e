/** Classic pcap constants (draft-ietf-opsawg-pcap §4). */

/** Seconds and microseconds. Written in the writer's byte order: `d4 c3 b2 a1` on disk when little-endian. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** Seconds and nanoseconds: `4d 3c b2 a1` on disk when little-endian. */
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export const PCAP_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** A snap length larger than any packet we make; the format forbids 0. */
export const PCAP_DEFAULT_SNAPLEN = 262144;
