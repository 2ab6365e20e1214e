import * as wire from '../../wire/geneve.ts';
import { WS } from '../builtin.ts';
import * as contextModule from '../context.ts';
import type { DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { FieldGroup, type FieldDef } from '../field.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { ETHERTYPE_VALS, geneveClassName } from './geneve-names.ts';
import * as reads from './dns-text.ts';
import * as underlay from './underlay-geneve.ts';
import { tableRef } from '../tables.ts';

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { GENEVE_HEADER_LEN, GENEVE_OPTION_CRITICAL, GENEVE_UDP_PORT } = wire;
const { BoundsError } = contextModule;
const { rd16, rd24, rd8, textItem, within } = reads;
const { addUnderlayOptions, UNDERLAY } = underlay;

const ETHERTYPE = tableRef('ethertype');

/**
 * Geneve (RFC 8926) as Wireshark 4.0.17 dissects it (packet-geneve.c): base header, options as
 * TLVs with the standard `geneve.option.*` fields, then the payload through the `ethertype` table
 * (0x6558 inner Ethernet, 0x0800 GWLB's bare IPv4). Underlay's and GWLB's options additionally get
 * named fields (`underlay.*`, see underlay-geneve.ts) that Wireshark shows with underlay.lua.
 */

const TRUE_FALSE = ['True', 'False'] as const;

const F = defineFields('geneve', {
  version: { abbrev: 'geneve.version', name: 'Version', type: 'uint', bits: 8, base: 'dec' },
  flags: { abbrev: 'geneve.flags', name: 'Flags', type: 'uint', bits: 8, base: 'hex' },
  flagOam: {
    abbrev: 'geneve.flags.oam',
    name: 'Operations, Administration and Management Frame',
    type: 'bool',
    bits: 8,
    mask: 0x80,
    trueFalse: TRUE_FALSE,
  },
  flagCritical: { abbrev: 'geneve.flags.critical', name: 'Critical Options Present', type: 'bool', bits: 8, mask: 0x40, trueFalse: TRUE_FALSE },
  flagReserved: { abbrev: 'geneve.flags.reserved', name: 'Reserved', type: 'bool', bits: 8, mask: 0x3f, trueFalse: TRUE_FALSE },
  protoType: { abbrev: 'geneve.proto_type', name: 'Protocol Type', type: 'uint', bits: 16, base: 'hex', strings: ETHERTYPE_VALS },
  vni: { abbrev: 'geneve.vni', name: 'Virtual Network Identifier (VNI)', type: 'uint', bits: 24, base: 'hex_dec' },
  reserved: { abbrev: 'geneve.reserved', name: 'Reserved', type: 'uint', bits: 8, base: 'hex' },
  options: { abbrev: 'geneve.options', name: 'Geneve Options', type: 'bytes' },
  optionClass: { abbrev: 'geneve.option.class', name: 'Class', type: 'uint', bits: 16, base: 'hex' },
  optionType: { abbrev: 'geneve.option.type', name: 'Type', type: 'uint', bits: 8, base: 'hex' },
  optionTypeCritical: {
    abbrev: 'geneve.option.type.critical',
    name: 'Critical Option',
    type: 'bool',
    bits: 8,
    mask: 0x80,
    trueFalse: TRUE_FALSE,
    hidden: true,
  },
  optionFlags: { abbrev: 'geneve.option.flags', name: 'Flags', type: 'uint', bits: 8, base: 'hex' },
  optionFlagsReserved: { abbrev: 'geneve.option.flags.reserved', name: 'Reserved', type: 'bool', bits: 8, mask: 0xe0, trueFalse: TRUE_FALSE },
  /** Used twice, as in Wireshark: the header's option length and each option's length, in bytes. */
  optionLength: { abbrev: 'geneve.option.length', name: 'Length', type: 'uint', bits: 8, base: 'dec' },
  option: { abbrev: 'geneve.option', name: 'Option', type: 'bytes' },
  gcpVnid: { abbrev: 'geneve.option.gcp.vnid', name: 'GCP Virtual Network ID', type: 'uint', bits: 32, base: 'dec' },
  gcpReserved: { abbrev: 'geneve.option.gcp.reserved', name: 'GCP Reserved bits', type: 'bool', bits: 32, mask: 0xe, trueFalse: TRUE_FALSE },
  gcpDirection: {
    abbrev: 'geneve.option.gcp.direction',
    name: 'GCP Traffic Direction',
    type: 'bool',
    bits: 32,
    mask: 0x1,
    trueFalse: ['Egress', 'Ingress'],
  },
  gcpEndpoint: { abbrev: 'geneve.option.gcp.endpoint', name: 'GCP Endpoint ID', type: 'bytes' },
  gcpProfile: { abbrev: 'geneve.option.gcp.profile', name: 'GCP Profile ID', type: 'uint', bits: 64, base: 'dec' },
  unknownData: { abbrev: 'geneve.option.unknown.data', name: 'Unknown Option Data', type: 'bytes' },
  versionUnknown: { abbrev: 'geneve.version.unknown', name: 'Unknown version', type: 'none' },
  optionLengthInvalid: { abbrev: 'geneve.option.length.invalid', name: 'Invalid length for option', type: 'none' },
});

const GCP_CLASS = 0x0132;

/** Fields only the option walk produces: a filter pass wanting none of them may skip it. */
const OPTION_FIELDS: readonly FieldDef[] = [
  F.optionClass,
  F.optionType,
  F.optionTypeCritical,
  F.optionFlags,
  F.optionFlagsReserved,
  F.optionLength,
  F.option,
  F.options,
  F.gcpVnid,
  F.gcpReserved,
  F.gcpDirection,
  F.gcpEndpoint,
  F.gcpProfile,
  F.unknownData,
  F.optionLengthInvalid,
  WS.expert,
  WS.expertMessage,
  WS.expertSeverity,
  WS.expertGroup,
  UNDERLAY.proto,
  ...Object.values(UNDERLAY.fields),
];

const OPTION_GROUP = new FieldGroup(OPTION_FIELDS);

/** `Unknown, Class: Amazon.com, Inc. (0x0108) Type: 0x01`: Wireshark's option name. */
function optionName(optionClass: number, type: number): string {
  let name = 'Unknown';
  if (optionClass === GCP_CLASS) {
    if (type === 1) name = 'GCP Virtual Network ID';
    else if (type === 2) name = 'GCP Endpoint ID';
    else if (type === 3) name = 'GCP Profile ID';
  }
  return `${name}, Class: ${geneveClassName(optionClass)} (0x${hex(optionClass, 4)}) Type: 0x${hex(type, 2)}`;
}

function hex(v: number, digits: number): string {
  return v.toString(16).padStart(digits, '0');
}

function ethertypeName(type: number): string {
  return ETHERTYPE_VALS[type] ?? `0x${hex(type, 4)} (unknown)`;
}

export const geneve = defineProtocol({
  abbrev: 'geneve',
  calls: { tables: ['ethertype'], protocols: ['data'], fields: [UNDERLAY.proto, ...Object.values(UNDERLAY.fields)] },
  name: 'Generic Network Virtualization Encapsulation',
  short: 'Geneve',
  fields: F,
  handoffs: [['udp.port', GENEVE_UDP_PORT]],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('Geneve');
      ctx.setInfo('');
    }
    ctx.openProtocol(geneve.proto, offset, Math.max(0, Math.min(end, ctx.bytes.length) - offset));
    const tree = ctx.tree;
    if (tree) ctx.label(protocolLabel(ctx.bytes, offset));

    // Without any Geneve field wanted the header is still read (bounds-checked) but adds no items.
    const full = ctx.full;
    // With the base header inside the bytes and the datagram (the usual case) it is read directly;
    // otherwise each read is checked, in Wireshark's order.
    const b = ctx.bytes;
    const whole = offset >= 0 && offset + GENEVE_HEADER_LEN <= end && offset + GENEVE_HEADER_LEN <= b.length;
    const verOpt = whole ? b[offset] : rd8(ctx, end, offset);
    const version = verOpt >> 6;
    if (full) ctx.value(F.version, offset, 1, version);
    if (version !== 0) {
      expertItem(ctx, `Unknown version ${version}`, offset, 1, F.versionUnknown);
      if (ctx.wantColumns) ctx.setInfo(`Unknown Geneve version ${version}`);
    }
    const optsLen = (verOpt & 0x3f) * 4;
    if (full) ctx.value(F.optionLength, offset, 1, optsLen);
    if (tree) ctx.label(`Length: ${optsLen} bytes`);

    const flags = whole ? b[offset + 1] : rd8(ctx, end, offset + 1);
    if (full) {
      ctx.value(F.flags, offset + 1, 1, flags);
      if (tree) ctx.label(flagsLabel(flags));
      ctx.enter();
      ctx.value(F.flagOam, offset + 1, 1, (flags & 0x80) !== 0 ? 1 : 0);
      ctx.value(F.flagCritical, offset + 1, 1, (flags & 0x40) !== 0 ? 1 : 0);
      ctx.value(F.flagReserved, offset + 1, 1, (flags & 0x3f) !== 0 ? 1 : 0);
      ctx.leave();
    }

    const protoType = whole ? (b[offset + 2] << 8) | b[offset + 3] : rd16(ctx, end, offset + 2);
    if (full) ctx.value(F.protoType, offset + 2, 2, protoType);
    if (ctx.wantColumns) ctx.setInfo(`Encapsulated ${ethertypeName(protoType)}`);

    const vni = whole ? (b[offset + 4] << 16) | (b[offset + 5] << 8) | b[offset + 6] : rd24(ctx, end, offset + 4);
    if (full) ctx.value(F.vni, offset + 4, 3, vni);
    // Shown only when not zero.
    const reserved = whole ? b[offset + 7] : rd8(ctx, end, offset + 7);
    if (full) {
      ctx.value(F.reserved, offset + 7, 1, reserved);
      if (reserved === 0) ctx.hide();
    }

    const walk = optsLen > 0 && wantsOptions(ctx);
    if (walk) dissectOptions(ctx, offset + GENEVE_HEADER_LEN, optsLen, end);

    const payload = offset + GENEVE_HEADER_LEN + optsLen;
    ctx.setLength(GENEVE_HEADER_LEN + optsLen);
    ctx.leave();

    if (walk) addUnderlayOptions(ctx, offset + GENEVE_HEADER_LEN, optsLen);

    // tvb_new_subset_remaining past the end throws; an empty payload still goes to the table.
    if (payload > end) throw new BoundsError('malformed', end);
    if (!ctx.callTable(ETHERTYPE, protoType, payload, end)) ctx.data(payload, end);
  },
});

/**
 * Wireshark walks the options only while building a tree (`if (tree && opts_len)`); a filter pass
 * builds one too, a summary-only pass does not. Our summary pass keeps no fields at all.
 */
function wantsOptions(ctx: DissectContext): boolean {
  return ctx.tree || ctx.wantsAnyOf(OPTION_GROUP);
}

/**
 * proto_tree_add_expert: an item labelled with the message that holds the expert info (Geneve's
 * expert infos are all Warning/Protocol).
 */
function expertItem(ctx: DissectContext, message: string, offset: number, length: number, field: FieldDef): void {
  const opened = textItem(ctx, message, offset, length);
  if (opened) ctx.enter();
  ctx.expert(Severity.warning, Group.protocol, message, offset, length, field);
  if (opened) ctx.leave();
}

function flagsLabel(flags: number): string {
  const names: string[] = [];
  if (flags & 0x80) names.push(F.flagOam.name);
  if (flags & 0x40) names.push(F.flagCritical.name);
  if (flags & 0x3f) names.push(F.flagReserved.name);
  return `Flags: 0x${hex(flags, 2)}${names.length ? `, ${names.join(', ')}` : ''}`;
}

/** `…, VNI: 0x0a0b0c, OAM` once the VNI is there; a header cut before it shows the bare name. */
function protocolLabel(b: Uint8Array, offset: number): string {
  const name = 'Generic Network Virtualization Encapsulation';
  if (offset + 7 > b.length) return name;
  const vni = (b[offset + 4] << 16) | (b[offset + 5] << 8) | b[offset + 6];
  return `${name}, VNI: 0x${hex(vni, 6)}${b[offset + 1] & 0x80 ? ', OAM' : ''}`;
}

function dissectOptions(ctx: DissectContext, start: number, optsLen: number, end: number): void {
  const tree = ctx.tree;
  within(ctx, end, start, optsLen);
  ctx.value(F.options, start, optsLen, ctx.sink.wants(F.options) ? ctx.bytes.subarray(start, start + optsLen) : null);
  if (tree) ctx.label(`Options: (${optsLen} bytes)`);
  ctx.enter();
  let offset = start;
  let len = optsLen;
  while (len > 0) {
    const optClass = ctx.u16(offset);
    const optType = ctx.u8(offset + 2);
    const optLen = 4 + (ctx.u8(offset + 3) & 0x1f) * 4;
    if (optLen > len) {
      expertItem(ctx, `${optionName(optClass, optType)} (length of ${optLen} is past end of options)`, offset + 3, 1, F.optionLengthInvalid);
      break;
    }
    dissectOption(ctx, offset, optClass, optType, optLen);
    offset += optLen;
    len -= optLen;
  }
  ctx.leave();
}

function dissectOption(ctx: DissectContext, offset: number, optClass: number, optType: number, len: number): void {
  const tree = ctx.tree;
  const critical = optType & GENEVE_OPTION_CRITICAL ? 'Critical' : 'Non-critical';
  ctx.item(F.option, offset, len);
  if (tree) ctx.label(`${optionName(optClass, optType)} (${critical})`);
  ctx.enter();
  ctx.value(F.optionClass, offset, 2, optClass);
  if (tree) ctx.label(`Class: ${geneveClassName(optClass)} (0x${hex(optClass, 4)})`);
  ctx.value(F.optionType, offset + 2, 1, optType);
  if (tree) ctx.label(`Type: 0x${hex(optType, 2)} (${critical})`);
  ctx.value(F.optionTypeCritical, offset + 2, 1, optType & 0x80 ? 1 : 0);
  const flags = ctx.u8(offset + 3) >> 5;
  ctx.value(F.optionFlags, offset + 3, 1, flags);
  if (tree && flags) ctx.label(`Flags: 0x${hex(flags, 2)} (RSVD)`);
  if (!flags) ctx.hide();
  ctx.enter();
  ctx.value(F.optionFlagsReserved, offset + 3, 1, flags ? 1 : 0);
  ctx.leave();
  ctx.value(F.optionLength, offset + 3, 1, len);
  if (tree) ctx.label(`Length: ${len} bytes`);
  const data = offset + 4;
  const dataLen = len - 4;
  if (optClass === GCP_CLASS && optType === 1) {
    // 28-bit VNID, 3 reserved bits, 1 direction bit.
    const word = ctx.u32(data);
    ctx.value(F.gcpVnid, data, 4, word >>> 4);
    if (tree) ctx.label(`GCP Virtual Network ID: ${word >>> 4}`);
    ctx.value(F.gcpDirection, data, 4, word & 1);
    ctx.value(F.gcpReserved, data, 4, word & 0xe ? 1 : 0);
  } else if (optClass === GCP_CLASS && optType === 2) {
    ctx.item(F.gcpEndpoint, data, dataLen);
  } else if (optClass === GCP_CLASS && optType === 3) {
    ctx.ensure(data, dataLen);
    ctx.value(F.gcpProfile, data, dataLen, dataLen > 0 && dataLen <= 8 ? bigUint(ctx.bytes, data, dataLen) : null);
  } else {
    ctx.item(F.unknownData, data, dataLen);
    if (tree && dataLen === 0) ctx.label(`${F.unknownData.name}: <MISSING>`);
  }
  ctx.leave();
}

function bigUint(b: Uint8Array, offset: number, length: number): bigint {
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(b[offset + i]);
  return v;
}
