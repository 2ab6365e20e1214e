/**
 * The lab catalogue reads labs/ (or any folder given to it): every shipped lab listed with its
 * metadata, instances with the seed's values filled in, and a broken or unknown lab refused in
 * words rather than crashing the list.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LABS_DIR, LabCatalogue, LabNotFoundError } from '../../../main/host/lab-catalogue.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('LabCatalogue', () => {
  it('lists the seven shipped labs in order, with topic, level, minutes and objectives', () => {
    const labs = new LabCatalogue().list();
    expect(labs.map((l) => l.id)).toEqual([
      '01-two-hosts-geneve', '02-arp-stays-home', '03-spoofing', '04-vpc-peering', '05-sg-vs-nacl', '06-mtu', '07-host-cache-move',
    ]);
    expect(labs[0]).toMatchObject({ level: 'beginner', minutes: 20, topic: 'Encapsulation', steps: 3, checks: 7 });
    expect(labs[0].objectives.length).toBeGreaterThan(0);
    expect(labs.every((l) => l.topic !== 'Other' && l.title.length > 0)).toBe(true);
  });

  it('fills in the seed\'s values in the topology and the steps', () => {
    const one = new LabCatalogue().instance('01-two-hosts-geneve', 1);
    const other = new LabCatalogue().instance('01-two-hosts-geneve', 7);
    expect(one.topologyText).not.toContain('{{');
    expect(one.steps[1].markdown).not.toContain('{{');
    expect(one.steps[1].markdown).toContain(`${one.variables.get('client')}: ping -c 3 ${one.variables.get('server')}`);
    expect(other.variables.get('net')).not.toBe(one.variables.get('net'));
  });

  it('refuses an unknown id and leaves a broken lab out of the list, saying why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'underlay-labs-'));
    dirs.push(dir);
    cpSync(join(DEFAULT_LABS_DIR, '01-two-hosts-geneve'), join(dir, '01-two-hosts-geneve'), { recursive: true });
    cpSync(join(DEFAULT_LABS_DIR, '01-two-hosts-geneve'), join(dir, '02-broken'), { recursive: true });
    writeFileSync(join(dir, '02-broken', 'lab.yaml'), 'version: 1\nid: 02-broken\ncolour: red\n');
    const catalogue = new LabCatalogue(dir);
    const problems: string[] = [];
    expect(catalogue.list((m) => problems.push(m)).map((l) => l.id)).toEqual(['01-two-hosts-geneve']);
    expect(problems[0]).toContain('unknown key "colour"');
    expect(() => catalogue.instance('../etc', 1)).toThrow(LabNotFoundError);
    expect(() => catalogue.instance('09-none', 1)).toThrow('no lab "09-none" (labs: 01-two-hosts-geneve, 02-broken)');
  });
});
