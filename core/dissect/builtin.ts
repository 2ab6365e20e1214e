import { defineFields, defineProtocol } from './protocol.ts';
import { GROUP_NAMES, SEVERITY_NAMES } from './expert.ts';

/**
 * Wireshark's built-in pseudo-fields: `_ws.malformed`, `_ws.short` and the `_ws.expert` family that
 * every expert item carries, so `_ws.malformed` and `_ws.expert.severity >= "Warning"` filter as in
 * Wireshark.
 */
export const WS = defineFields('_ws', {
  malformed: { abbrev: '_ws.malformed', name: 'Malformed Packet', type: 'protocol' },
  short: { abbrev: '_ws.short', name: 'Packet size limited during capture', type: 'protocol' },
  expert: { abbrev: '_ws.expert', name: 'Expert Info', type: 'protocol' },
  expertMessage: { abbrev: '_ws.expert.message', name: 'Message', type: 'string' },
  expertSeverity: {
    abbrev: '_ws.expert.severity',
    name: 'Severity level',
    type: 'uint',
    bits: 32,
    base: 'hex',
    strings: SEVERITY_NAMES,
  },
  expertGroup: { abbrev: '_ws.expert.group', name: 'Group', type: 'uint', bits: 32, base: 'hex', strings: GROUP_NAMES },
});

const DATA = defineFields('data', {
  data: { abbrev: 'data.data', name: 'Data', type: 'bytes' },
  len: { abbrev: 'data.len', name: 'Length', type: 'uint', bits: 32, base: 'dec', generated: true },
});

/** Bytes no dissector claimed. */
export const dataProtocol = defineProtocol({
  abbrev: 'data',
  calls: {},
  name: 'Data',
  short: 'DATA',
  fields: DATA,
  dissect(ctx, offset, end) {
    const length = Math.min(end, ctx.bytes.length) - offset;
    if (length <= 0) return;
    ctx.openProtocol(dataProtocol.proto, offset, length);
    if (ctx.tree) ctx.label(`Data (${length} byte${length === 1 ? '' : 's'})`);
    ctx.item(DATA.data, offset, length);
    ctx.value(DATA.len, offset, 0, length);
    if (ctx.tree) ctx.label(`[Length: ${length}]`);
    ctx.leave();
  },
});
