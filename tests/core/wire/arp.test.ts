import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpv4, parseMac } from '../../../core/base/addr.ts';
import { fromHex } from '../../../core/base/bytes.ts';
import { ARP_ETH_IPV4_LEN, ArpOperation, ArpRepr, ArpView, ArpViewMut } from '../../../core/wire/arp.ts';

// Who has 10.0.0.2? Tell 10.0.0.1 (02:00:00:00:00:01).
const REQUEST = fromHex('0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002')!;
const REPR: ArpRepr = {
  operation: ArpOperation.request,
  senderMac: parseMac('02:00:00:00:00:01')!,
  senderIp: parseIpv4('10.0.0.1')!,
  targetMac: 0,
  targetIp: parseIpv4('10.0.0.2')!,
};

describe('ARP codec', () => {
  it('deconstructs an Ethernet/IPv4 request', () => {
    const v = ArpView.checked(REQUEST);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const a = v.value;
    expect([a.hardwareType, a.protocolType, a.hardwareLen, a.protocolLen, a.operation]).toEqual([1, 0x0800, 6, 4, 1]);
    expect(a.isEthernetIpv4).toBe(true);
    expect(a.packetLen).toBe(28);
    expect(a.senderMac).toBe(0x020000000001);
    expect(a.senderIp).toBe(0x0a000001);
    expect(a.targetMac).toBe(0);
    expect(a.targetIp).toBe(0x0a000002);
    expect([...a.senderHardwareAddr]).toEqual([2, 0, 0, 0, 0, 1]);
    expect([...a.targetProtocolAddr]).toEqual([10, 0, 0, 2]);
    expect(ArpRepr.parse(a)).toEqual({ ok: true, value: REPR });
  });

  it('reads from a subarray at a non-zero byteOffset', () => {
    const backing = new Uint8Array(14 + REQUEST.length + 18);
    backing.set(REQUEST, 14);
    const v = ArpView.checked(backing.subarray(14));
    expect(v.ok && v.value.senderIp).toBe(0x0a000001);
    expect(v.ok && v.value.targetIp).toBe(0x0a000002);
    expect(v.ok && v.value.senderMac).toBe(0x020000000001);
  });

  it('constructs the same bytes into a junk-filled buffer', () => {
    const buf = new Uint8Array(ArpRepr.bufferLen(REPR)).fill(0xa5);
    ArpRepr.emit(REPR, ArpViewMut.over(buf));
    expect(buf).toEqual(REQUEST);
  });

  it('checks the address sizes against the length', () => {
    expect(ArpView.checked(REQUEST.subarray(0, 7))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(ArpView.checked(REQUEST.subarray(0, 27))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    // Zero-length addresses: only the fixed part is needed, and the address views are empty.
    const bare = fromHex('0001 0800 00 00 0001')!;
    const v = ArpView.checked(bare);
    expect(v.ok && v.value.senderHardwareAddr.length).toBe(0);
    expect(v.ok && v.value.senderMac).toBe(0);
    expect(v.ok && ArpRepr.parse(v.value)).toMatchObject({ ok: false, error: { code: 'bad-length' } });
  });

  it('rejects what the repr cannot describe', () => {
    const op = REQUEST.slice();
    op[7] = 3; // reverse request
    const v = ArpView.checked(op);
    expect(v.ok && ArpRepr.parse(v.value)).toMatchObject({ ok: false, error: { code: 'unsupported', offset: 6 } });
    const hw = REQUEST.slice();
    hw[1] = 6;
    const w = ArpView.checked(hw);
    expect(w.ok && ArpRepr.parse(w.value)).toMatchObject({ ok: false, error: { code: 'unsupported', offset: 0 } });
  });

  it('never throws on random or truncated bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const v = ArpView.checked(bytes);
        if (!v.ok) return;
        const a = v.value;
        expect(8 + 2 * (a.hardwareLen + a.protocolLen)).toBeLessThanOrEqual(bytes.length);
        expect(a.targetProtocolAddr.length).toBe(a.protocolLen);
        void [a.senderMac, a.senderIp, a.targetMac, a.targetIp];
        ArpRepr.parse(a);
      }),
    );
  });

  it('parse(emit(repr)) gives the repr back', () => {
    const mac = fc.integer({ min: 0, max: 0xffffffffffff });
    const ip = fc.integer({ min: 0, max: 0xffffffff });
    const repr = fc.record({ operation: fc.constantFrom(1, 2), senderMac: mac, senderIp: ip, targetMac: mac, targetIp: ip });
    fc.assert(
      fc.property(repr, (r) => {
        const buf = new Uint8Array(ARP_ETH_IPV4_LEN).fill(0xa5);
        ArpRepr.emit(r, ArpViewMut.over(buf));
        const v = ArpView.checked(buf);
        expect(v.ok && ArpRepr.parse(v.value)).toEqual({ ok: true, value: r });
      }),
    );
  });
});
