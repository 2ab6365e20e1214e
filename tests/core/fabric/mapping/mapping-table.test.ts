import { describe, expect, it } from 'vitest';
import { MAX_MAPPING_CAPACITY, MappingTable, type MappingEntry } from '../../../../core/fabric/mapping/index.ts';
import { ip } from './helpers.ts';

const entry = (n: number, over: Partial<MappingEntry> = {}): MappingEntry => ({
  vpc: 7, ip: ip('10.0.0.0') + n, host: ip('100.64.1.10'), eni: n + 1, mac: 0x020000000000 + n, instance: `vm${n}`, vpcName: 'lab', ...over,
});

describe('MappingTable', () => {
  it('upserts, finds, replaces and removes entries, bumping the version on every change', () => {
    const t = new MappingTable(8, 4);
    expect(t.version).toBe(0);
    const slot = t.upsert(entry(1));
    expect(t.find(7, ip('10.0.0.1'))).toBe(slot);
    expect(t.entry(slot)).toEqual(entry(1));
    expect(t.version).toBe(1);
    expect(t.upsert(entry(1, { eni: 99 }))).toBe(slot);
    expect(t.entry(slot)!.eni).toBe(99);
    expect(t.size).toBe(1);
    expect(t.version).toBe(2);
    expect(t.find(8, ip('10.0.0.1'))).toBe(-1); // same IP, other VPC
    expect(t.remove(7, ip('10.0.0.1'))).toBe(true);
    expect(t.version).toBe(3);
    expect(t.remove(7, ip('10.0.0.1'))).toBe(false);
    expect(t.version).toBe(3);
    expect(t.entry(slot)).toBeNull();
    expect(t.size).toBe(0);
  });

  it('fills slots lowest first and reuses freed ones', () => {
    const t = new MappingTable(4, 1);
    expect([0, 1, 2].map((n) => t.upsert(entry(n)))).toEqual([0, 1, 2]);
    t.remove(7, ip('10.0.0.1'));
    expect(t.upsert(entry(9))).toBe(1);
  });

  it('throws when the table is full, and leaves it intact', () => {
    const t = new MappingTable(3, 1);
    for (let n = 0; n < 3; n++) t.upsert(entry(n));
    expect(() => t.upsert(entry(3))).toThrow(/mapping table full: capacity 3/);
    expect(t.size).toBe(3);
    expect(t.version).toBe(3);
    t.upsert(entry(2, { eni: 50 })); // replacing still works when full
    expect(t.entry(t.find(7, ip('10.0.0.2')))!.eni).toBe(50);
  });

  it('rejects bad capacities and bad values', () => {
    expect(() => new MappingTable(0, 1)).toThrow(RangeError);
    expect(() => new MappingTable(MAX_MAPPING_CAPACITY + 1, 1)).toThrow(RangeError);
    expect(() => new MappingTable(1.5, 1)).toThrow(RangeError);
    expect(() => new MappingTable(4, 0)).toThrow(RangeError);
    const t = new MappingTable(4, 1);
    expect(() => t.upsert(entry(0, { vpc: 1 << 24 }))).toThrow(/24-bit/);
    expect(() => t.upsert(entry(0, { ip: -1 }))).toThrow(RangeError);
    expect(() => t.upsert(entry(0, { mac: 2 ** 48 }))).toThrow(/48-bit/);
  });

  it('moves an entry to another host, and refuses to move an unknown one', () => {
    const t = new MappingTable(4, 1);
    const slot = t.upsert(entry(1));
    t.move(7, ip('10.0.0.1'), ip('100.64.2.10'));
    expect(t.entry(slot)!.host).toBe(ip('100.64.2.10'));
    expect(() => t.move(7, ip('10.0.0.9'), ip('100.64.2.10'))).toThrow(/no mapping for 10.0.0.9 in VPC 7/);
  });

  it('keeps peerings by name, active or not', () => {
    const t = new MappingTable(4, 2);
    t.setPeering('a-b', 1, 2, true);
    expect(t.arePeered(1, 2)).toBe(true);
    expect(t.arePeered(2, 1)).toBe(true);
    expect(t.arePeered(1, 3)).toBe(false);
    expect(t.arePeered(3, 3)).toBe(true);
    t.setPeering('a-b', 1, 2, false);
    expect(t.arePeered(1, 2)).toBe(false);
    expect(t.peering('a-b')).toEqual({ name: 'a-b', vpcA: 1, vpcB: 2, active: false });
    t.setPeering('b-c', 2, 3, true);
    expect(() => t.setPeering('c-d', 3, 4, true)).toThrow(/peering table full/);
    expect(t.removePeering('a-b')).toBe(true);
    expect(t.removePeering('a-b')).toBe(false);
    expect(t.peeringList()).toEqual([{ name: 'b-c', vpcA: 2, vpcB: 3, active: true }]);
  });
});
