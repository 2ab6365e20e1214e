import { GeneveClass, GwlbOptionType, UnderlayOptionType, formatAwsId } from '../../wire/geneve.ts';
import type { DissectContext } from '../context.ts';
import type { FieldDef } from '../field.ts';
import { defineFields, defineProtocol } from '../protocol.ts';

/**
 * Underlay's own names for two Geneve option classes, under the pseudo-protocol `underlay`:
 *
 *   class 0xFFF1 (Underlay, experimental range)     class 0x0108 (AWS GWLB)
 *     0x01 underlay.geneve.src_eni          (u64)     0x01 underlay.gwlb.endpoint_id   (u64)
 *     0x02 underlay.geneve.dst_eni          (u64)     0x02 underlay.gwlb.attachment_id (u64)
 *     0x03 underlay.geneve.mapping_version  (u32)     0x03 underlay.gwlb.flow_cookie   (u32)
 *
 * Stock Wireshark has no decoder for either class; resources/wireshark/underlay.lua adds the same
 * fields as a post-dissector, so filters mean the same in both. Like that post-dissector, the
 * fields sit in their own top-level `underlay` tree (not listed in frame.protocols), and an option
 * is named only when its data has exactly the expected length.
 */

const FIELDS = defineFields('underlay', {
  srcEni: { abbrev: 'underlay.geneve.src_eni', name: 'Source ENI', type: 'uint', bits: 64, base: 'hex' },
  dstEni: { abbrev: 'underlay.geneve.dst_eni', name: 'Destination ENI', type: 'uint', bits: 64, base: 'hex' },
  mappingVersion: { abbrev: 'underlay.geneve.mapping_version', name: 'Mapping Version', type: 'uint', bits: 32, base: 'dec' },
  endpointId: { abbrev: 'underlay.gwlb.endpoint_id', name: 'GWLB Endpoint ID', type: 'uint', bits: 64, base: 'hex' },
  attachmentId: { abbrev: 'underlay.gwlb.attachment_id', name: 'Attachment ID', type: 'uint', bits: 64, base: 'hex' },
  flowCookie: { abbrev: 'underlay.gwlb.flow_cookie', name: 'Flow Cookie', type: 'uint', bits: 32, base: 'hex' },
});

/** The `underlay` pseudo-protocol: registered for its fields; Geneve's dissector fills them. */
export const UNDERLAY = defineProtocol({
  abbrev: 'underlay',
  calls: {},
  name: 'Underlay Geneve Options',
  short: 'Underlay',
  fields: FIELDS,
  dissect() {},
});

interface Known {
  readonly field: FieldDef;
  readonly length: number;
  /** `eni` / `vpce`: the label also shows the AWS-style id. */
  readonly prefix: string | null;
}

const UNDERLAY_OPTIONS: Readonly<Record<number, Known>> = {
  [UnderlayOptionType.srcEni]: { field: FIELDS.srcEni, length: 8, prefix: 'eni' },
  [UnderlayOptionType.dstEni]: { field: FIELDS.dstEni, length: 8, prefix: 'eni' },
  [UnderlayOptionType.mappingVersion]: { field: FIELDS.mappingVersion, length: 4, prefix: null },
};

const GWLB_OPTIONS: Readonly<Record<number, Known>> = {
  [GwlbOptionType.endpointId]: { field: FIELDS.endpointId, length: 8, prefix: 'vpce' },
  [GwlbOptionType.attachmentId]: { field: FIELDS.attachmentId, length: 8, prefix: null },
  [GwlbOptionType.flowCookie]: { field: FIELDS.flowCookie, length: 4, prefix: null },
};

/** The named field for an option, or null (critical bit ignored, as underlay.lua does). */
export function underlayOptionField(optionClass: number, type: number, dataLength: number): FieldDef | null {
  const table = optionClass === GeneveClass.underlay ? UNDERLAY_OPTIONS : optionClass === GeneveClass.gwlb ? GWLB_OPTIONS : null;
  const known = table?.[type & 0x7f];
  return known && known.length === dataLength ? known.field : null;
}

/**
 * Adds the `underlay` tree for the options in `[start, start + optsLen)` of the frame, at the
 * current tree level (Geneve calls it after closing its own subtree). Reads are bounds-checked;
 * the walk stops where Geneve's did, at an option running past the end of the options.
 */
export function addUnderlayOptions(ctx: DissectContext, start: number, optsLen: number): void {
  const end = start + optsLen;
  let at = start;
  let opened = false;
  while (at < end) {
    const optClass = ctx.u16(at);
    const type = ctx.u8(at + 2);
    const optLen = 4 + (ctx.u8(at + 3) & 0x1f) * 4;
    if (at + optLen > end) break;
    const table = optClass === GeneveClass.underlay ? UNDERLAY_OPTIONS : optClass === GeneveClass.gwlb ? GWLB_OPTIONS : null;
    const known = table?.[type & 0x7f];
    if (known && known.length === optLen - 4) {
      if (!opened) {
        ctx.value(UNDERLAY.proto, at, optLen, null);
        if (ctx.tree) ctx.label(UNDERLAY.name);
        ctx.enter();
        opened = true;
      }
      addKnown(ctx, known, at + 4);
    }
    at += optLen;
  }
  if (opened) ctx.leave();
}

function addKnown(ctx: DissectContext, known: Known, data: number): void {
  ctx.ensure(data, known.length);
  const b = ctx.bytes;
  if (!ctx.tree && !ctx.sink.wants(known.field)) {
    ctx.value(known.field, data, known.length, null);
    return;
  }
  if (known.length === 4) {
    const v = ((b[data] << 24) | (b[data + 1] << 16) | (b[data + 2] << 8) | b[data + 3]) >>> 0;
    ctx.value(known.field, data, 4, v);
    if (ctx.tree) ctx.label(`${known.field.name}: ${known.field.base === 'hex' ? `0x${v.toString(16).padStart(8, '0')}` : v}`);
    return;
  }
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[data + i]);
  ctx.value(known.field, data, 8, v);
  if (ctx.tree) {
    const id = known.prefix ? ` (${formatAwsId(known.prefix, v)})` : '';
    ctx.label(`${known.field.name}: 0x${v.toString(16).padStart(16, '0')}${id}`);
  }
}
