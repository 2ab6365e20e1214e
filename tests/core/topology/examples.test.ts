// Every shipped example loads without errors or warnings, and the minimal one stays minimal.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../../core/base/addr.ts';
import { loadTopology } from '../../../core/topology/index.ts';

const dir = join(import.meta.dirname, '../../../resources/topologies');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

describe('resources/topologies', () => {
  it('ships the seven examples', () => {
    expect(readdirSync(dir).sort()).toEqual(['minimal.yaml', 'mtu-path.yaml', 'multi-az.yaml', 'peering.yaml', 'same-host.yaml', 'security.yaml', 'two-racks.yaml']);
  });

  it.each(readdirSync(dir))('%s loads with no diagnostics', (file) => {
    const r = loadTopology(read(file));
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.topology!.instances.length).toBeGreaterThan(1);
  });

  it('minimal.yaml is at most ten lines: one VPC, two instances', () => {
    expect(read('minimal.yaml').trimEnd().split('\n').length).toBeLessThanOrEqual(10);
    const t = loadTopology(read('minimal.yaml')).topology!;
    expect(t.vpcs.length).toBe(1);
    expect(t.instances.map((i) => [i.name, formatIpv4(i.ip), i.host])).toEqual([['web', '10.0.1.4', 'az1-host1'], ['db', '10.0.1.5', 'az1-host2']]);
  });

  it('two-racks.yaml puts client and server on hosts in different racks', () => {
    const t = loadTopology(read('two-racks.yaml')).topology!;
    const rackOf = (i: string) => t.hosts.find((h) => h.name === t.instances.find((x) => x.name === i)!.host)!.rack;
    expect([rackOf('client'), rackOf('server')]).toEqual(['rack-a', 'rack-b']);
  });

  it('multi-az.yaml spans two zones', () => {
    const t = loadTopology(read('multi-az.yaml')).topology!;
    expect(new Set(t.instances.map((i) => i.zone))).toEqual(new Set(['use1-az1', 'use1-az2']));
    expect(t.vpcs[0].number).toBe(100);
  });

  it('peering.yaml peers two VPCs and leaves the overlapping third alone', () => {
    const t = loadTopology(read('peering.yaml')).topology!;
    expect(t.peerings.map((p) => [p.requester, p.accepter])).toEqual([['app', 'shared']]);
    expect(t.vpcs.map((v) => v.name)).toEqual(['app', 'shared', 'legacy']);
  });

  it('mtu-path.yaml has a 1500-byte peering and a 1500-byte instance', () => {
    const t = loadTopology(read('mtu-path.yaml')).topology!;
    expect(t.peerings[0].mtu).toBe(1500);
    expect(t.instances.map((i) => [i.name, i.mtu])).toEqual([['big', 9001], ['small', 1500], ['remote', 9001]]);
  });
});
