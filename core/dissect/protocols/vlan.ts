import { VLAN_HEADER_LEN, VlanField } from '../../wire/vlan.ts';
import type { DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { eth } from './eth.ts';
import { ETHERTYPE_NAMES } from './names.ts';

/** 802.1Q priorities as Wireshark 4.0 names them by default (8 priorities, no drop-eligible encoding). */
const PRIORITY_NAMES: Readonly<Record<number, string>> = {
  0: 'Best Effort (default)',
  1: 'Background',
  2: 'Excellent Effort',
  3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter',
  5: 'Voice, < 10ms latency and jitter',
  6: 'Internetwork Control',
  7: 'Network Control',
};

const F = defineFields('vlan', {
  priority: {
    abbrev: 'vlan.priority',
    name: 'Priority',
    type: 'uint',
    bits: 16,
    base: 'dec',
    mask: 0xe000,
    strings: PRIORITY_NAMES,
    description: 'Descriptions are recommendations from IEEE standard 802.1D-2004',
  },
  dei: { abbrev: 'vlan.dei', name: 'DEI', type: 'bool', bits: 16, mask: 0x1000, trueFalse: ['Eligible', 'Ineligible'] },
  id: { abbrev: 'vlan.id', name: 'ID', type: 'uint', bits: 16, base: 'dec', mask: 0x0fff, description: 'VLAN ID' },
  etype: { abbrev: 'vlan.etype', name: 'Type', type: 'uint', bits: 16, base: 'hex', strings: ETHERTYPE_NAMES, description: 'Ethertype' },
  len: { abbrev: 'vlan.len', name: 'Length', type: 'uint', bits: 16, base: 'dec' },
  trailer: { abbrev: 'vlan.trailer', name: 'Trailer', type: 'bytes', description: 'VLAN Trailer' },
});

/** Wireshark's pinfo->vlan_id: the ID of the first 802.1Q tag in the frame (0 when there is none). */
interface FrameVlan {
  frame: number;
  id: number;
}

/** The ID of the frame's first VLAN tag, or 0: IPv4 reassembly keys private addresses by it. */
export function frameVlanId(ctx: DissectContext): number {
  const v = ctx.state.get<FrameVlan>('vlan', () => ({ frame: -1, id: 0 }));
  return v.frame === ctx.frame.number ? v.id : 0;
}

/** IEEE 802.1Q: the tag, then the EtherType hand-off; what the payload leaves over is padding. */
export const vlan = defineProtocol({
  abbrev: 'vlan',
  calls: { tables: ['ethertype'], protocols: ['data'] },
  name: '802.1Q Virtual LAN',
  short: 'VLAN',
  fields: F,
  handoffs: [['ethertype', 0x8100]],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('VLAN');
      ctx.setInfo('');
    }
    const tci = ctx.u16(offset + VlanField.tci);
    const pcp = tci >>> 13;
    const dei = (tci >>> 12) & 1;
    const vid = tci & 0x0fff;
    const v = ctx.state.get<FrameVlan>('vlan', () => ({ frame: -1, id: 0 }));
    if (v.frame !== ctx.frame.number) {
      v.frame = ctx.frame.number;
      v.id = 0;
    }
    if (v.id === 0) v.id = vid;
    if (ctx.wantColumns) ctx.setInfo(`PRI: ${pcp}  DEI: ${dei}  ID: ${vid}`);
    ctx.openProtocol(vlan.proto, offset, VLAN_HEADER_LEN);
    if (ctx.tree) ctx.label(`802.1Q Virtual LAN, PRI: ${pcp}, DEI: ${dei}, ID: ${vid}`);
    ctx.value(F.priority, offset, 2, pcp);
    ctx.value(F.dei, offset, 2, dei);
    ctx.value(F.id, offset, 2, vid);
    const type = ctx.u16(offset + VlanField.ethertype);
    const payload = offset + VLAN_HEADER_LEN;
    if (type <= 1500) {
      // An 802.3 length instead of an EtherType: LLC follows, which nothing here dissects.
      ctx.value(F.len, offset + VlanField.ethertype, 2, type);
      ctx.leave();
      const stop = Math.min(end, payload + type);
      ctx.data(payload, stop);
      if (stop < end) trailer(ctx, stop, end);
      ctx.payloadEnd = end;
      return;
    }
    ctx.value(F.etype, offset + VlanField.ethertype, 2, type);
    ctx.leave();
    ctx.noteProtocol('ethertype');
    ctx.payloadEnd = end;
    let consumed = end;
    if (ctx.callTable('ethertype', type, payload, end)) {
      consumed = Math.min(ctx.payloadEnd, end);
    } else {
      ctx.data(payload, end);
      if (ctx.wantColumns) {
        ctx.setProtocolColumn(`0x${type.toString(16).padStart(4, '0')}`);
        const name = ETHERTYPE_NAMES[type];
        if (name !== undefined) ctx.setInfo(name);
      }
    }
    if (consumed < end) trailer(ctx, consumed, end);
    // The tag's own caller (Ethernet) must not show the same bytes again.
    ctx.payloadEnd = end;
  },
});

/**
 * What follows the payload inside a tagged frame (Wireshark's add_ethernet_trailer with no FCS):
 * zeros up to the 60-byte minimum are Ethernet padding, the rest is the VLAN trailer; non-zero
 * bytes where padding should be make all of it trailer, with a note.
 */
function trailer(ctx: DissectContext, from: number, end: number): void {
  const stop = Math.min(end, ctx.bytes.length);
  if (stop <= from) return;
  let at = from;
  if (from < 60) {
    const padEnd = Math.min(60, stop);
    let zeros = true;
    for (let i = from; i < padEnd; i++) {
      if (ctx.bytes[i] !== 0) {
        zeros = false;
        break;
      }
    }
    if (!zeros) {
      ctx.item(F.trailer, from, stop - from);
      ctx.enter();
      ctx.expert(
        Severity.note,
        Group.protocol,
        "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.",
        from,
        stop - from,
      );
      ctx.leave();
      return;
    }
    ctx.item(eth.fields.padding, from, padEnd - from);
    at = padEnd;
  }
  if (at < stop) ctx.item(F.trailer, at, stop - at);
}
