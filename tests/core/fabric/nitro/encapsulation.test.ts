import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import { type DecapFields, ENCAP_LEN, type EncapFields, newDecapFields, readEncapsulation, writeEncapsulation } from '../../../../core/fabric/nitro/encapsulation.ts';
import { EthernetView } from '../../../../core/wire/ethernet.ts';
import { GeneveView, readUnderlayOptions } from '../../../../core/wire/geneve.ts';
import { Ipv4View } from '../../../../core/wire/ipv4.ts';
import { UdpView } from '../../../../core/wire/udp.ts';

const fields: EncapFields = {
  srcHost: parseIpv4('100.64.1.10')!,
  dstHost: parseIpv4('100.64.2.11')!,
  srcMac: 0x06_00_64_40_01_0a,
  dstMac: 0x0e_00_00_00_01_00,
  vni: 0x123456,
  srcEni: 7,
  dstEni: 0xfedcba98,
  mappingVersion: 42,
  udpSrcPort: 51234,
  ipIdent: 0xbeef,
};

function encapsulated(innerLen = 60): Uint8Array {
  const b = new Uint8Array(ENCAP_LEN + innerLen);
  b.fill(0xab, ENCAP_LEN);
  b[ENCAP_LEN + 12] = 0x08; // inner EtherType IPv4
  b[ENCAP_LEN + 13] = 0x00;
  writeEncapsulation(b, fields);
  return b;
}

describe('VPC encapsulation bytes', () => {
  it('writes every one of the 82 header bytes (the card prepends them without zeroing)', () => {
    const clean = encapsulated(60);
    const dirty = new Uint8Array(clean.length);
    dirty.fill(0x5a, 0, ENCAP_LEN); // stale headroom from the packet's earlier lives
    dirty.set(clean.subarray(ENCAP_LEN), ENCAP_LEN);
    writeEncapsulation(dirty, fields);
    expect([...dirty]).toEqual([...clean]);
  });

  it('is a valid Ethernet/IPv4/UDP/Geneve frame as core/wire reads it', () => {
    const b = encapsulated(100);
    const eth = EthernetView.checked(b);
    if (!eth.ok) throw new Error(eth.error.message);
    expect(eth.value.ethertype).toBe(0x0800);
    const ip = Ipv4View.checked(b.subarray(14));
    if (!ip.ok) throw new Error(ip.error.message);
    expect(ip.value.src).toBe(fields.srcHost);
    expect(ip.value.dst).toBe(fields.dstHost);
    expect(ip.value.totalLength).toBe(b.length - 14);
    expect(ip.value.dontFrag).toBe(true);
    expect(ip.value.ttl).toBe(64);
    expect(ip.value.ident).toBe(0xbeef);
    expect(internetChecksum(b, 14, 34)).toBe(0);
    const udp = UdpView.checked(ip.value.payload);
    if (!udp.ok) throw new Error(udp.error.message);
    expect([udp.value.srcPort, udp.value.dstPort, udp.value.length, udp.value.checksum]).toEqual([51234, 6081, b.length - 34, 0]);
    const gen = GeneveView.checked(udp.value.payload);
    if (!gen.ok) throw new Error(gen.error.message);
    expect(gen.value.vni).toBe(0x123456);
    expect(gen.value.protocolType).toBe(0x6558);
    expect(gen.value.optionsLen).toBe(32);
    expect(readUnderlayOptions(gen.value)).toEqual({ srcEni: 7n, dstEni: 0xfedcba98n, mappingVersion: 42 });
    expect(b.subarray(ENCAP_LEN)).toEqual(new Uint8Array(100).fill(0xab).fill(0x08, 12, 13).fill(0, 13, 14));
  });

  it('reads back what it wrote', () => {
    const out: DecapFields = newDecapFields();
    expect(readEncapsulation(encapsulated(), out)).toBeNull();
    expect(out).toEqual({ srcHost: fields.srcHost, dstHost: fields.dstHost, vni: 0x123456, srcEni: 7, dstEni: 0xfedcba98, mappingVersion: 42 });
  });

  it.each([
    ['short frame', (b: Uint8Array) => b.subarray(0, 90), /too short/],
    ['not UDP', (b: Uint8Array) => { b[23] = 6; return b; }, /not UDP/],
    ['other UDP port', (b: Uint8Array) => { b[37] = 0x00; return b; }, /6081/],
    ['Geneve version 1', (b: Uint8Array) => { b[42] |= 0x40; return b; }, /version/],
    ['VXLAN-like payload type', (b: Uint8Array) => { b[44] = 0x08; b[45] = 0x00; return b; }, /not Ethernet/],
    ['options reordered', (b: Uint8Array) => { b[52] = 2; return b; }, /options/],
    ['outer fragment', (b: Uint8Array) => { b[20] = 0x20; return b; }, /fragment/],
    ['length mismatch', (b: Uint8Array) => { b[17] += 1; return b; }, /length/],
  ])('refuses a frame with %s', (_name, mutate, message) => {
    const out = newDecapFields();
    expect(readEncapsulation(mutate(encapsulated()), out)).toMatch(message);
  });
});
