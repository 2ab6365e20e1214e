/** pcapng block and option codes (draft-ietf-opsawg-pcapng §4, §10). */

export const BlockType = {
  shb: 0x0a0d0d0a,
  idb: 0x00000001,
  packet: 0x00000002,
  spb: 0x00000003,
  nrb: 0x00000004,
  isb: 0x00000005,
  epb: 0x00000006,
  dsb: 0x0000000a,
  custom: 0x00000bad,
  customNoCopy: 0x40000bad,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const Option = {
  endOfOpt: 0,
  comment: 1,
  shbHardware: 2,
  shbOs: 3,
  shbUserAppl: 4,
  ifName: 2,
  ifDescription: 3,
  ifTsresol: 9,
  epbFlags: 2,
  epbPacketId: 5,
  nrbRecordEnd: 0,
  nrbRecordIpv4: 1,
} as const;

/** epb_flags direction bits (bits 0-1). */
export const Direction = { unknown: 0, inbound: 1, outbound: 2 } as const;
