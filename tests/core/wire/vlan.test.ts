import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../../core/base/bytes.ts';
import { VLAN_HEADER_LEN, VlanRepr, VlanView, VlanViewMut } from '../../../core/wire/vlan.ts';

// PCP 5, DEI 1, VID 42, carrying IPv4, then two payload bytes.
const TAG = fromHex('b0 2a 08 00 de ad')!;
const REPR: VlanRepr = { pcp: 5, dei: true, vid: 42, ethertype: 0x0800 };

describe('802.1Q tag codec', () => {
  it('deconstructs known bytes', () => {
    const v = VlanView.checked(TAG);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.tci).toBe(0xb02a);
    expect(v.value.pcp).toBe(5);
    expect(v.value.dei).toBe(true);
    expect(v.value.vid).toBe(42);
    expect(v.value.ethertype).toBe(0x0800);
    expect([...v.value.payload]).toEqual([0xde, 0xad]);
    expect(VlanRepr.parse(v.value)).toEqual({ ok: true, value: REPR });
  });

  it('reads a tag inside a larger buffer at a non-zero byteOffset', () => {
    const backing = new Uint8Array(3 + TAG.length + 5).fill(0xff);
    backing.set(TAG, 3);
    const v = VlanView.checked(backing.subarray(3, 3 + TAG.length));
    expect(v.ok && v.value.vid).toBe(42);
    expect(v.ok && v.value.ethertype).toBe(0x0800);
    expect(v.ok && [...v.value.payload]).toEqual([0xde, 0xad]);
  });

  it('constructs the same bytes into a buffer pre-filled with junk', () => {
    const buf = new Uint8Array(VlanRepr.bufferLen(REPR, 2)).fill(0xa5);
    const view = VlanViewMut.over(buf);
    VlanRepr.emit(REPR, view);
    view.payloadMut.set([0xde, 0xad]);
    expect(buf).toEqual(TAG);
  });

  it('setters touch only their own bits', () => {
    const buf = TAG.slice();
    const view = VlanViewMut.over(buf);
    view.setVid(4095);
    expect([view.pcp, view.dei, view.vid]).toEqual([5, true, 4095]);
    view.setPcp(0);
    view.setDei(false);
    expect([view.pcp, view.dei, view.vid, view.ethertype]).toEqual([0, false, 4095, 0x0800]);
    view.setEthertype(0x86dd);
    expect([...buf.subarray(0, 4)]).toEqual([0x0f, 0xff, 0x86, 0xdd]);
  });

  it('rejects fewer than four bytes', () => {
    const r = VlanView.checked(TAG.subarray(0, 3));
    expect(r).toMatchObject({ ok: false, error: { code: 'truncated', offset: 3 } });
    expect(() => VlanViewMut.over(new Uint8Array(VLAN_HEADER_LEN - 1))).toThrow(RangeError);
  });

  it('never throws on random bytes, and getters stay in range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        const v = VlanView.checked(bytes);
        if (!v.ok) return bytes.length < VLAN_HEADER_LEN;
        const r = VlanRepr.parse(v.value);
        return r.ok && r.value.vid <= 4095 && r.value.pcp <= 7 && v.value.payload.length === bytes.length - 4;
      }),
    );
  });

  it('parse(emit(repr)) gives the repr back', () => {
    const repr = fc.record({
      pcp: fc.integer({ min: 0, max: 7 }),
      dei: fc.boolean(),
      vid: fc.integer({ min: 0, max: 4095 }),
      ethertype: fc.integer({ min: 0, max: 0xffff }),
    });
    fc.assert(
      fc.property(repr, (r) => {
        const buf = new Uint8Array(VlanRepr.bufferLen(r, 0)).fill(0xa5);
        VlanRepr.emit(r, VlanViewMut.over(buf));
        const v = VlanView.checked(buf);
        expect(v.ok && VlanRepr.parse(v.value)).toEqual({ ok: true, value: r });
      }),
    );
  });
});
