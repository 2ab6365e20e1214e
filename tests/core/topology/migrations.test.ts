// The version mechanism: migrations[n] turns a version-n document into version n+1. Version 1 is
// the first format, so these tests register test-only migrations (a "version 0" that called VPCs
// "networks") to exercise the machinery a real v2 will use.
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../../core/base/addr.ts';
import { CURRENT_VERSION, loadTopology, migrate, migrations, type Migration } from '../../../core/topology/index.ts';
import { errorsOf, expectErrors } from './helpers.ts';

/** Test-only v0: `networks: { name: { block: … } }` instead of `vpcs: { name: { cidr: … } }`. */
const v0to1: Migration = (doc) => {
  const { networks, ...rest } = doc as { networks?: Record<string, { block: string }> };
  const vpcs = Object.fromEntries(Object.entries(networks ?? {}).map(([name, n]) => [name, { cidr: n.block }]));
  return { ...rest, version: 1, vpcs };
};

const V0 = `version: 0   # old format
networks:
  lab: { block: 10.0.0.0/16 }
subnets:
  app: { cidr: 10.0.1.0/24 }
instances:
  a: {}
`;

describe('version 1', () => {
  it('is current and needs no migration', () => {
    expect(CURRENT_VERSION).toBe(1);
    expect(Object.keys(migrations)).toEqual([]);
    const r = loadTopology('version: 1\n');
    expect([r.ok, r.migratedFrom]).toEqual([true, null]);
  });

  it('refuses documents without a usable version', () => {
    expectErrors('«vpcs: {}\n', ['version-missing']);
    expectErrors('version: «"1"\n', ['version-invalid']);
    expectErrors('version: «1.5\n', ['version-invalid']);
    const [e] = expectErrors('version: «2\n', ['version-too-new']);
    expect(e.message).toBe('version 2 is newer than this Underlay understands (1): update Underlay');
  });

  it('has no migration from version 0 built in', () => {
    const [e] = expectErrors('version: «0\n', ['migration-failed']);
    expect(e.message).toBe('no migration from version 0 to 1');
  });
});

describe('migrating with a registered migration', () => {
  it('loads an older document through its migration', () => {
    const r = loadTopology(V0, { migrations: { 0: v0to1 } });
    expect(errorsOf(r)).toEqual([]);
    expect(r.migratedFrom).toBe(0);
    expect(r.document!.version).toBe(1);
    expect(r.document!.vpcs).toEqual({ lab: { cidr: '10.0.0.0/16' } });
    expect(r.topology!.instances.map((i) => formatIpv4(i.ip))).toEqual(['10.0.1.4']);
  });

  it('locates errors of a migrated document in the original text where the path still exists', () => {
    const text = V0.replace('a: {}', 'a: { ip: 10.0.1.1 }');
    const [e] = errorsOf(loadTopology(text, { migrations: { 0: v0to1 } }));
    expect([e.code, e.line, e.column]).toEqual(['reserved-address', 7, 12]);
  });

  it('falls back to the nearest existing node for paths the migration created', () => {
    const text = V0.replace('block: 10.0.0.0/16', 'block: 10.0.0.0/8');
    const [e] = errorsOf(loadTopology(text, { migrations: { 0: v0to1 } }));
    // vpcs.lab.cidr does not exist in the v0 text: the error points at the document start.
    expect([e.code, e.path, e.line, e.column]).toEqual(['vpc-cidr-size', ['vpcs', 'lab', 'cidr'], 1, 1]);
  });

  it('reports a migration that throws or produces the wrong version', () => {
    const throws: Migration = () => { throw new Error('boom'); };
    expect(errorsOf(loadTopology(V0, { migrations: { 0: throws } })).map((e) => [e.code, e.message, e.line, e.column]))
      .toEqual([['migration-failed', 'migration from version 0 failed: boom', 1, 10]]);
    const wrong: Migration = (doc) => ({ ...doc });
    expect(errorsOf(loadTopology(V0, { migrations: { 0: wrong } })).map((e) => e.message))
      .toEqual(['migration from version 0 did not produce a version 1 document']);
  });
});

describe('migrate()', () => {
  it('chains migrations in order up to the target, without mutating the input', () => {
    const calls: number[] = [];
    const registry: Record<number, Migration> = {
      1: (d) => { calls.push(1); return { ...d, version: 2, renamed: d.old }; },
      2: (d) => { calls.push(2); return { ...d, version: 3, added: true }; },
    };
    const input = Object.freeze({ version: 1, old: 'x' });
    const r = migrate(input, 1, registry, 3);
    expect(r).toEqual({ ok: true, value: { value: { version: 3, old: 'x', renamed: 'x', added: true }, from: 1, applied: [1, 2] } });
    expect(calls).toEqual([1, 2]);
    expect(input).toEqual({ version: 1, old: 'x' });
  });

  it('starts from the document version, skipping earlier migrations', () => {
    const r = migrate({ version: 2 }, 2, { 1: () => { throw new Error('must not run'); }, 2: (d) => ({ ...d, version: 3 }) }, 3);
    expect(r.ok && r.value.applied).toEqual([2]);
  });

  it('does not take inherited properties for migrations', () => {
    const r = migrate({ version: 0 }, 0, Object.create({ 0: (d: object) => ({ ...d, version: 1 }) }), 1);
    expect(r).toEqual({ ok: false, error: { code: 'migration-failed', message: 'no migration from version 0 to 1' } });
  });
});
