import * as addrModule from '../../base/addr.ts';
import * as wire from '../../wire/ethernet.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import type { DissectContext } from '../context.ts';
import type { FieldDef } from '../field.ts';
import { ETHERTYPE_NAMES } from './names.ts';
import { tableRef } from '../tables.ts';

const ETHERTYPE = tableRef('ethertype');

// Imported bindings used per frame are read once (see tcp.ts): tsx and Vitest turn each access
// to an imported binding into a getter call.
const { formatMac } = addrModule;
const { ETHERNET_HEADER_LEN, EthernetField } = wire;

const F = defineFields('eth', {
  dst: { abbrev: 'eth.dst', name: 'Destination', type: 'ether' },
  dstResolved: { abbrev: 'eth.dst_resolved', name: 'Destination (resolved)', type: 'string', generated: true, hidden: true },
  src: { abbrev: 'eth.src', name: 'Source', type: 'ether' },
  srcResolved: { abbrev: 'eth.src_resolved', name: 'Source (resolved)', type: 'string', generated: true, hidden: true },
  addr: { abbrev: 'eth.addr', name: 'Address', type: 'ether' },
  addrResolved: { abbrev: 'eth.addr_resolved', name: 'Address (resolved)', type: 'string', hidden: true },
  dstLg: lgBit('eth.dst.lg'),
  dstIg: igBit('eth.dst.ig'),
  srcLg: lgBit('eth.src.lg'),
  srcIg: igBit('eth.src.ig'),
  lg: { ...lgBit('eth.lg'), hidden: true },
  ig: { ...igBit('eth.ig'), hidden: true },
  type: { abbrev: 'eth.type', name: 'Type', type: 'uint', bits: 16, base: 'hex', strings: ETHERTYPE_NAMES },
  padding: { abbrev: 'eth.padding', name: 'Padding', type: 'bytes' },
  trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: 'bytes' },
});

function lgBit(abbrev: string) {
  return {
    abbrev,
    name: 'LG bit',
    type: 'bool',
    bits: 24,
    mask: 0x020000,
    trueFalse: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'],
  } as const;
}

function igBit(abbrev: string) {
  return {
    abbrev,
    name: 'IG bit',
    type: 'bool',
    bits: 24,
    mask: 0x010000,
    trueFalse: ['Group address (multicast/broadcast)', 'Individual address (unicast)'],
  } as const;
}

/** Ethernet II: addresses with their bits, the EtherType hand-off, and padding after the payload. */
export const eth = defineProtocol({
  abbrev: 'eth',
  calls: { tables: ['ethertype'], protocols: ['data'] },
  name: 'Ethernet II',
  short: 'Ethernet',
  fields: F,
  handoffs: [
    ['wtap_encap', 1],
    ['ethertype', 0x6558], // Transparent Ethernet Bridging (Geneve, GRE)
  ],
  dissect(ctx, offset, end) {
    ctx.ensure(offset, ETHERNET_HEADER_LEN);
    const b = ctx.bytes; // the header is there (just checked)
    const type = (b[offset + EthernetField.ethertype] << 8) | b[offset + EthernetField.ethertype + 1];
    ctx.openProtocol(eth.proto, offset, ETHERNET_HEADER_LEN);
    // The addresses are read only for items (some eth field wanted) or the columns.
    const full = ctx.full;
    if (full || ctx.wantColumns) {
      const dst = readMac(ctx.bytes, offset + EthernetField.dst);
      const src = readMac(ctx.bytes, offset + EthernetField.src);
      if (full) {
        if (ctx.tree) ctx.label(`Ethernet II, Src: ${macLabel(src)}, Dst: ${macLabel(dst)}`);
        addAddress(ctx, offset + EthernetField.dst, dst, F.dst, F.dstResolved, F.dstLg, F.dstIg);
        addAddress(ctx, offset + EthernetField.src, src, F.src, F.srcResolved, F.srcLg, F.srcIg);
        ctx.item(F.type, offset + EthernetField.ethertype, 2);
      }
      if (ctx.wantColumns) {
        ctx.setProtocolColumn('Ethernet');
        ctx.setLinkAddresses(resolvedName(src), resolvedName(dst));
      }
    }
    ctx.leave();
    const payload = offset + ETHERNET_HEADER_LEN;
    ctx.noteProtocol('ethertype');
    const consumed = callEthertype(ctx, type, payload, end);
    if (consumed < end) trailer(ctx, consumed, end);
  },
});

/**
 * Hands the payload to the EtherType table and returns where the payload ended. A dissector that
 * knows its own length (IPv4's total length) leaves the rest as Ethernet padding or trailer.
 */
export function callEthertype(ctx: DissectContext, type: number, offset: number, end: number): number {
  ctx.payloadEnd = end;
  if (!ctx.callTable(ETHERTYPE, type, offset, end)) {
    ctx.data(offset, end);
    return end;
  }
  return Math.min(ctx.payloadEnd, end);
}

function trailer(ctx: DissectContext, from: number, end: number): void {
  const stop = Math.min(end, ctx.bytes.length);
  if (stop <= from) return;
  // Frames shorter than 60 bytes are padded with zeros; anything else after the payload is a trailer.
  if (!ctx.full) return;
  const field = from < 60 && allZero(ctx.bytes, from, stop) ? F.padding : F.trailer;
  ctx.item(field, from, stop - from);
}

/** `02:00:00:00:00:01 (02:00:00:00:00:01)`: the address and its resolved name, as Wireshark labels it. */
function macLabel(mac: number): string {
  return `${formatMac(mac)} (${resolvedName(mac)})`;
}

/** The resolved name without a manufacturer database: `Broadcast`, or the address itself. */
function resolvedName(mac: number): string {
  return mac === 0xffffffffffff ? 'Broadcast' : formatMac(mac);
}

/** A 48-bit address (bounds already checked). */
function readMac(b: Uint8Array, at: number): number {
  return ((b[at] << 8) | b[at + 1]) * 4294967296 + (((b[at + 2] << 24) | (b[at + 3] << 16) | (b[at + 4] << 8) | b[at + 5]) >>> 0);
}

function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

function addAddress(
  ctx: DissectContext,
  offset: number,
  mac: number,
  field: FieldDef,
  resolved: FieldDef,
  lg: FieldDef,
  ig: FieldDef,
): void {
  ctx.value(field, offset, 6, mac);
  if (ctx.tree) ctx.label(`${field.name}: ${macLabel(mac)}`);
  ctx.enter();
  if (ctx.sink.wants(resolved)) ctx.value(resolved, offset, 6, resolvedName(mac));
  ctx.value(F.addr, offset, 6, mac);
  if (ctx.tree) ctx.label(`Address: ${macLabel(mac)}`);
  if (ctx.sink.wants(F.addrResolved)) ctx.value(F.addrResolved, offset, 6, resolvedName(mac));
  ctx.item(lg, offset, 3);
  ctx.item(F.lg, offset, 3);
  ctx.item(ig, offset, 3);
  ctx.item(F.ig, offset, 3);
  ctx.leave();
}
