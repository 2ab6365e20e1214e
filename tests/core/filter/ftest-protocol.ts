import { defineFields, defineProtocol } from '../../../core/dissect/protocol.ts';
import type { DissectContext } from '../../../core/dissect/context.ts';
import { concat } from './fixture.ts';

/**
 * A test-only protocol with a field of every FieldType, so the filter's unit tests cover every
 * type without depending on real protocol modules. It rides on EtherType 0x88b5 and nests
 * (a non-zero `next` byte starts another ftest layer), for the layer operator.
 *
 * Layout:  0 u8 | 1-2 u16 | 3-6 u32 | 7-12 u48 | 13 i8 | 14 flags (0x80 flag, 0x01 plain)
 *          15-18 addr | 19-22 addr | 23-28 mac | 29-32 data | 33 name length n | 34.. name
 *          34+n next
 */

export const FT = defineFields('ftest', {
  u8: { abbrev: 'ftest.u8', name: 'Small', type: 'uint', bits: 8, strings: { 1: 'One', 2: 'Two', 200: 'Many' } },
  u16: { abbrev: 'ftest.u16', name: 'Medium', type: 'uint', bits: 16, base: 'hex' },
  u32: { abbrev: 'ftest.u32', name: 'Large', type: 'uint', bits: 32 },
  u48: { abbrev: 'ftest.u48', name: 'Huge', type: 'uint', bits: 48 },
  i8: { abbrev: 'ftest.i8', name: 'Signed', type: 'int', bits: 8 },
  flag: { abbrev: 'ftest.flag', name: 'Flag', type: 'bool', bits: 8, mask: 0x80, trueFalse: ['Up', 'Down'] },
  plain: { abbrev: 'ftest.plain', name: 'Plain flag', type: 'bool', bits: 8, mask: 0x01 },
  addr: { abbrev: 'ftest.addr', name: 'Address', type: 'ipv4' },
  mac: { abbrev: 'ftest.mac', name: 'MAC', type: 'ether' },
  data: { abbrev: 'ftest.data', name: 'Data', type: 'bytes' },
  name: { abbrev: 'ftest.name', name: 'Name', type: 'string' },
  ratio: { abbrev: 'ftest.ratio', name: 'Ratio', type: 'float', generated: true },
  when: { abbrev: 'ftest.when', name: 'When', type: 'abs_time', generated: true },
  elapsed: { abbrev: 'ftest.elapsed', name: 'Elapsed', type: 'rel_time', generated: true },
  ref: { abbrev: 'ftest.ref', name: 'Related frame', type: 'framenum', generated: true },
  label: { abbrev: 'ftest.label', name: 'A label', type: 'none' },
});

export const ftestProtocol = defineProtocol({
  abbrev: 'ftest',
  name: 'Filter Test Protocol',
  short: 'FTEST',
  fields: FT,
  handoffs: [['ethertype', 0x88b5]],
  dissect(ctx: DissectContext, offset: number, end: number) {
    const n = ctx.u8(offset + 33);
    const len = 35 + n;
    ctx.openProtocol(ftestProtocol.proto, offset, len);
    ctx.item(FT.u8, offset, 1);
    ctx.item(FT.u16, offset + 1, 2);
    ctx.item(FT.u32, offset + 3, 4);
    ctx.item(FT.u48, offset + 7, 6);
    ctx.item(FT.i8, offset + 13, 1);
    ctx.item(FT.flag, offset + 14, 1);
    ctx.item(FT.plain, offset + 14, 1);
    ctx.item(FT.addr, offset + 15, 4);
    ctx.item(FT.addr, offset + 19, 4);
    ctx.item(FT.mac, offset + 23, 6);
    ctx.item(FT.data, offset + 29, 4);
    ctx.item(FT.name, offset + 34, n);
    const u8 = ctx.u8(offset);
    ctx.value(FT.ratio, offset, 1, u8 / 4);
    ctx.value(FT.when, offset + 3, 4, BigInt(ctx.u32(offset + 3)) * 1_000_000_000n);
    ctx.value(FT.elapsed, offset + 1, 2, BigInt(ctx.u16(offset + 1)) * 1_000_000n);
    ctx.value(FT.ref, offset, 1, u8);
    if (u8 === 1) ctx.value(FT.label, offset, 1, null);
    ctx.leave();
    if (ctx.u8(offset + 34 + n) !== 0 && offset + len < end) ctx.callProtocol('ftest', offset + len, end);
  },
});

export interface FtestLayer {
  u8?: number;
  u16?: number;
  u32?: number;
  u48?: number;
  i8?: number;
  flag?: boolean;
  plain?: boolean;
  addrs?: [number, number];
  mac?: number;
  data?: number[];
  name?: string;
}

/** Bytes of ftest layers, each followed by the next (the last one's `next` byte is 0). */
export function ftestBytes(layers: readonly FtestLayer[]): Uint8Array {
  const parts = layers.map((l, i) => {
    const name = new TextEncoder().encode(l.name ?? '');
    const b = new Uint8Array(35 + name.length);
    const put = (at: number, v: number, size: number) => {
      let x = v;
      for (let k = size - 1; k >= 0; k--) {
        b[at + k] = x % 256;
        x = Math.floor(x / 256);
      }
    };
    put(0, l.u8 ?? 0, 1);
    put(1, l.u16 ?? 0, 2);
    put(3, l.u32 ?? 0, 4);
    put(7, l.u48 ?? 0, 6);
    put(13, (l.i8 ?? 0) & 0xff, 1);
    b[14] = (l.flag ? 0x80 : 0) | (l.plain ? 0x01 : 0);
    put(15, l.addrs?.[0] ?? 0, 4);
    put(19, l.addrs?.[1] ?? 0, 4);
    put(23, l.mac ?? 0, 6);
    b.set(Uint8Array.from(l.data ?? [0, 0, 0, 0]).subarray(0, 4), 29);
    b[33] = name.length;
    b.set(name, 34);
    b[34 + name.length] = i < layers.length - 1 ? 1 : 0;
    return b;
  });
  return concat(...parts);
}
