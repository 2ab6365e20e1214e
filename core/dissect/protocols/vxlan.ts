import { VXLAN_HEADER_LEN, VXLAN_UDP_PORT } from '../../wire/vxlan.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { rd16, within } from './dns-text.ts';

/**
 * VXLAN (RFC 7348) as Wireshark 4.0.17 dissects UDP port 4789 (packet-vxlan.c): the first 16 bits
 * as a flag bitmask (with the Group Based Policy extension's G, D and A bits), the Group Policy ID,
 * the VNI, a reserved byte, then always an inner Ethernet frame.
 */

const TRUE_FALSE = ['True', 'False'] as const;

const F = defineFields('vxlan', {
  flags: { abbrev: 'vxlan.flags', name: 'Flags', type: 'uint', bits: 16, base: 'hex' },
  flagG: { abbrev: 'vxlan.flag_g', name: 'GBP Extension', type: 'bool', bits: 16, mask: 0x8000, trueFalse: ['Defined', 'Not defined'] },
  flagI: { abbrev: 'vxlan.flag_i', name: 'VXLAN Network ID (VNI)', type: 'bool', bits: 16, mask: 0x0800, trueFalse: TRUE_FALSE },
  flagD: { abbrev: 'vxlan.flag_d', name: "Don't Learn", type: 'bool', bits: 16, mask: 0x0040, trueFalse: TRUE_FALSE },
  flagA: { abbrev: 'vxlan.flag_a', name: 'Policy Applied', type: 'bool', bits: 16, mask: 0x0008, trueFalse: TRUE_FALSE },
  flagsReserved: { abbrev: 'vxlan.flags_reserved', name: 'Reserved(R)', type: 'uint', bits: 16, base: 'hex', mask: 0x77b7 },
  gbp: { abbrev: 'vxlan.gbp', name: 'Group Policy ID', type: 'uint', bits: 16, base: 'dec' },
  vni: { abbrev: 'vxlan.vni', name: 'VXLAN Network Identifier (VNI)', type: 'uint', bits: 24, base: 'dec' },
  reserved8: { abbrev: 'vxlan.reserved8', name: 'Reserved', type: 'uint', bits: 8, base: 'dec' },
  // VXLAN-GPE (UDP 4790) fields, registered so filters naming them compile as in Wireshark.
  ver: { abbrev: 'vxlan.ver', name: 'Version', type: 'uint', bits: 8, base: 'dec', mask: 0x30 },
  iBit: { abbrev: 'vxlan.i_bit', name: 'Instance', type: 'uint', bits: 8, base: 'dec', mask: 0x08 },
  pBit: { abbrev: 'vxlan.p_bit', name: 'Next Protocol Bit', type: 'uint', bits: 8, base: 'dec', mask: 0x04 },
  oBit: { abbrev: 'vxlan.o_bit', name: 'OAM bit', type: 'uint', bits: 8, base: 'dec', mask: 0x01 },
  reserved16: { abbrev: 'vxlan.reserved_16', name: 'Reserved', type: 'uint', bits: 16, base: 'dec' },
  nextProto: { abbrev: 'vxlan.next_proto', name: 'Next Protocol', type: 'uint', bits: 8, base: 'dec' },
});

export const vxlan = defineProtocol({
  abbrev: 'vxlan',
  calls: { protocols: ['eth', 'data'] },
  name: 'Virtual eXtensible Local Area Network',
  short: 'VXLAN',
  fields: F,
  handoffs: [['udp.port', VXLAN_UDP_PORT]],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('VXLAN');
      ctx.setInfo('');
    }
    ctx.openProtocol(vxlan.proto, offset, VXLAN_HEADER_LEN);
    const flags = rd16(ctx, end, offset);
    if (!ctx.full) {
      // No VXLAN field wanted: the header is only bounds-checked.
      within(ctx, end, offset + 2, 2);
      within(ctx, end, offset + 4, 3);
      within(ctx, end, offset + 7, 1);
      ctx.leave();
      const at = offset + VXLAN_HEADER_LEN;
      if (!ctx.callProtocol('eth', at, end)) ctx.data(at, end);
      return;
    }
    ctx.value(F.flags, offset, 2, flags);
    if (ctx.tree) {
      const set: string[] = [];
      if (flags & 0x8000) set.push(F.flagG.name);
      if (flags & 0x0800) set.push(F.flagI.name);
      if (flags & 0x0040) set.push(F.flagD.name);
      if (flags & 0x0008) set.push(F.flagA.name);
      ctx.label(`Flags: 0x${flags.toString(16).padStart(4, '0')}${set.length ? `, ${set.join(', ')}` : ''}`);
    }
    ctx.enter();
    ctx.value(F.flagG, offset, 2, flags & 0x8000 ? 1 : 0);
    ctx.value(F.flagI, offset, 2, flags & 0x0800 ? 1 : 0);
    ctx.value(F.flagD, offset, 2, flags & 0x0040 ? 1 : 0);
    ctx.value(F.flagA, offset, 2, flags & 0x0008 ? 1 : 0);
    ctx.value(F.flagsReserved, offset, 2, flags & 0x77b7);
    ctx.leave();
    within(ctx, end, offset + 2, 2);
    ctx.item(F.gbp, offset + 2, 2);
    within(ctx, end, offset + 4, 3);
    ctx.item(F.vni, offset + 4, 3);
    within(ctx, end, offset + 7, 1);
    ctx.item(F.reserved8, offset + 7, 1);
    ctx.leave();
    // Always Ethernet, even with nothing left (Wireshark's eth then reports the frame malformed).
    const payload = offset + VXLAN_HEADER_LEN;
    if (!ctx.callProtocol('eth', payload, end)) ctx.data(payload, end);
  },
});
