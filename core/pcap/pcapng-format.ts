/** pcapng block and option codes (draft-ietf-opsawg-pcapng §4, §10). */

export const BlockType = {
  shb: 0x0a0d0d0a,
  idb: 0x00000001,
  packet: 0x00000002,
  spb: 0x00000003,
  nrb: 0x00000004,
  isb: 0x00000005,
  epb: 0x00000006,
  journal: 0x00000009,
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
  ifFilter: 11,
  ifOs: 12,
  ifFcslen: 13,
  ifTsoffset: 14,
  ifHardware: 15,
  epbFlags: 2,
  epbHash: 3,
  epbDropCount: 4,
  epbPacketId: 5,
  packFlags: 2,
  isbStartTime: 2,
  isbEndTime: 3,
  isbIfRecv: 4,
  isbIfDrop: 5,
  isbFilterAccept: 6,
  isbOsDrop: 7,
  isbUsrDeliv: 8,
  nrbRecordEnd: 0,
  nrbRecordIpv4: 1,
  nrbRecordIpv6: 2,
  nrbRecordEui48: 3,
  nrbRecordEui64: 4,
} as const;

/** epb_flags direction bits (bits 0-1). */
export const Direction = { unknown: 0, inbound: 1, outbound: 2 } as const;

/** Decryption Secrets Block secrets types (§4.7). */
export const SecretsType = {
  tlsKeyLog: 0x544c534b,
  ssh: 0x5353484b,
  wireGuard: 0x57474b4c,
  espSa: 0x45535053,
} as const;

/** Short names used in reader error messages: `block 3 (EPB) at offset 248`. */
export function blockTypeName(type: number): string {
  switch (type) {
    case BlockType.shb: return 'SHB';
    case BlockType.idb: return 'IDB';
    case BlockType.packet: return 'PB';
    case BlockType.spb: return 'SPB';
    case BlockType.nrb: return 'NRB';
    case BlockType.isb: return 'ISB';
    case BlockType.epb: return 'EPB';
    case BlockType.journal: return 'Journal';
    case BlockType.dsb: return 'DSB';
    case BlockType.custom: return 'CB';
    case BlockType.customNoCopy: return 'DCB';
    default: return `type 0x${(type >>> 0).toString(16).padStart(8, '0')}`;
  }
}
