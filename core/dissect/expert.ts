/** Expert info, with Wireshark's numeric severities and groups (what `-T fields` prints). */

export const Severity = {
  comment: 0x00100000,
  chat: 0x00200000,
  note: 0x00400000,
  warning: 0x00600000,
  error: 0x00800000,
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  [Severity.comment]: 'Comment',
  [Severity.chat]: 'Chat',
  [Severity.note]: 'Note',
  [Severity.warning]: 'Warning',
  [Severity.error]: 'Error',
};

export const Group = {
  checksum: 0x01000000,
  sequence: 0x02000000,
  responseCode: 0x03000000,
  request: 0x04000000,
  undecoded: 0x05000000,
  reassemble: 0x06000000,
  malformed: 0x07000000,
  debug: 0x08000000,
  protocol: 0x09000000,
  security: 0x0a000000,
  comment: 0x0b000000,
  decryption: 0x0c000000,
  assumption: 0x0d000000,
  deprecated: 0x0e000000,
} as const;
export type Group = (typeof Group)[keyof typeof Group];

export const GROUP_NAMES: Readonly<Record<number, string>> = {
  [Group.checksum]: 'Checksum',
  [Group.sequence]: 'Sequence',
  [Group.responseCode]: 'Response code',
  [Group.request]: 'Request',
  [Group.undecoded]: 'Undecoded',
  [Group.reassemble]: 'Reassemble',
  [Group.malformed]: 'Malformed',
  [Group.debug]: 'Debug',
  [Group.protocol]: 'Protocol',
  [Group.security]: 'Security',
  [Group.comment]: 'Comment',
  [Group.decryption]: 'Decryption',
  [Group.assumption]: 'Assumption',
  [Group.deprecated]: 'Deprecated',
};

export interface ExpertInfo {
  readonly severity: Severity;
  readonly group: Group;
  readonly message: string;
  /** The protocol that raised it (`tcp`). */
  readonly protocol: string;
  readonly offset: number;
  readonly length: number;
}
