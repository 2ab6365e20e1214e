import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../core/base/bytes.ts';
import { VxlanRepr, VxlanView, VxlanViewMut, VXLAN_HEADER_LEN } from '../../../core/wire/vxlan.ts';

// RFC 7348 §5: flags 0x08 (I), 24 reserved bits, VNI 5001 (0x001389), reserved byte; then Ethernet.
const PACKET = fromHex('08 00 00 00 00 13 89 00 ff ff')!;

describe('VxlanView', () => {
  it('deconstructs a header', () => {
    const v = VxlanView.checked(PACKET);
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value.flags).toBe(0x08);
    expect(v.value.flags16).toBe(0x0800);
    expect(v.value.vniValid).toBe(true);
    expect(v.value.vni).toBe(5001);
    expect(v.value.reserved1).toBe(0);
    expect(v.value.reserved2).toBe(0);
    expect(toHex(v.value.payload)).toBe('ffff');
    expect(VxlanRepr.parse(v.value)).toEqual({ ok: true, value: { vni: 5001 } });
  });

  it('reads through a subarray at a non-zero byteOffset', () => {
    const buf = new Uint8Array(5 + PACKET.length).fill(0x77);
    buf.set(PACKET, 5);
    const v = VxlanView.checked(buf.subarray(5));
    expect(v.ok && v.value.vni).toBe(5001);
  });

  it('rejects a short header and a clear I flag', () => {
    expect(VxlanView.checked(PACKET.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated', offset: 7 } });
    const noI = PACKET.slice();
    noI[0] = 0;
    const v = VxlanView.checked(noI);
    expect(v.ok && VxlanRepr.parse(v.value)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('constructs into a 0xa5-filled buffer, also at an offset', () => {
    const buf = new Uint8Array(2 + VxlanRepr.bufferLen({ vni: 5001 }, 2)).fill(0xa5);
    VxlanRepr.emit({ vni: 5001 }, VxlanViewMut.over(buf.subarray(2)));
    expect(toHex(buf)).toBe(`a5a5${toHex(PACKET.subarray(0, VXLAN_HEADER_LEN))}a5a5`);
  });

  it('round-trips any VNI and never throws on junk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (vni) => {
        const buf = new Uint8Array(VXLAN_HEADER_LEN).fill(0xa5);
        VxlanRepr.emit({ vni }, VxlanViewMut.over(buf));
        const v = VxlanView.checked(buf);
        expect(v.ok && VxlanRepr.parse(v.value)).toEqual({ ok: true, value: { vni } });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
        const v = VxlanView.checked(bytes);
        if (v.ok) void [v.value.vni, v.value.flags16, v.value.reserved1, v.value.payload, VxlanRepr.parse(v.value)];
      }),
    );
  });
});
