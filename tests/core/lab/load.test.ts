// Loading a lab: positioned diagnostics for bad files, migrations, seeded variables.
import { describe, expect, it } from 'vitest';
import { drawVariables, loadLab, type LabDiagnostic } from '../../../core/lab/index.ts';
import { files, LAB } from './fixture.ts';
import { memory } from './support.ts';

const problems = (over: Record<string, string>): LabDiagnostic[] => {
  const r = loadLab(memory(files(over)));
  if (r.ok) throw new Error('expected diagnostics');
  return [...r.diagnostics];
};
const brief = (d: LabDiagnostic) => `${d.file}:${d.line}:${d.column} ${d.code}`;

describe('loadLab', () => {
  it('loads a lab with its variables substituted into topology, steps and checks', () => {
    const r = loadLab(memory(files()), { seed: 3 });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const { instance } = r;
    const net = instance.variables.get('net')!;
    const client = instance.variables.get('client')!;
    expect(instance.topologyText).toContain(`cidr: 10.${net}.0.0/16`);
    expect(instance.topologyText).toContain(`  ${client}: { host: host-a }`);
    expect(instance.steps[0].markdown).toBe(`Ping web from ${client} (10.${net}.1.4).\n`);
    expect(instance.lab.checks[0].capture!.at).toBe(`${client}:eni`);
    expect(instance.solution).toBeNull();
  });

  it('reports a YAML syntax error at its line and column', () => {
    const ds = problems({ 'lab.yaml': LAB.replace('minutes: 5', 'minutes: [5') });
    expect(ds[0].code).toBe('yaml-syntax');
    expect(ds[0].file).toBe('lab.yaml');
    expect(ds[0].line).toBeGreaterThanOrEqual(5);
  });

  it('reports schema problems where they are, with "did you mean"', () => {
    const ds = problems({ 'lab.yaml': LAB.replace('minutes: 5', 'minuts: 5').replace('level: beginner', 'level: expert') });
    // The missing key is placed at the mapping that lacks it: the document itself.
    expect(ds.map(brief)).toEqual(['lab.yaml:1:1 missing-key', 'lab.yaml:4:8 invalid-value', 'lab.yaml:5:1 unknown-key']);
    expect(ds.find((d) => d.code === 'unknown-key')!.message).toBe('unknown key "minuts" (did you mean "minutes"?)');
  });

  it('reports a check with no kind, or two, at the check', () => {
    const lab = LAB.replace('    capture: { at: "{{client}}:eni", filter: "icmp.type == 0" }\n', '    hint: nothing to check\n');
    const ds = problems({ 'lab.yaml': lab });
    expect(ds.map(brief)).toEqual(['lab.yaml:14:5 wrong-type']);
    expect(ds[0].message).toMatch(/a check needs one of "capture", "path", "state", "topology", "timing"/);
    const two = problems({ 'lab.yaml': LAB + '    state: { alarm: { max: 0 } }\n' });
    expect(two[0].message).toBe('a check takes only one of "capture", "state"');
  });

  it('reports missing files and unknown variables in the file that names them', () => {
    const ds = problems({
      'lab.yaml': LAB.replace('steps/01.md', 'steps/02.md').replace('"icmp.type == 0"', '"icmp.type == {{kind}}"'),
      'topology.yaml': files()['topology.yaml'].replace('version: 1\n', 'version: 1\ndescription: placed on {{where}}\n'),
    });
    expect(ds.map(brief)).toEqual(['lab.yaml:16:46 unknown-reference', 'topology.yaml:2:24 unknown-reference', 'lab.yaml:12:26 unknown-reference']);
    expect(ds.map((d) => d.message)).toEqual(expect.arrayContaining(['no file "steps/02.md" in the lab folder', 'no variable named "where"']));
  });

  it('reports errors of the starting topology in topology.yaml', () => {
    const ds = problems({ 'topology.yaml': files()['topology.yaml'].replace('ports: 80', 'ports: 80-70000') });
    expect(ds.map(brief)).toEqual(['topology.yaml:13:33 port-range']);
  });

  it('refuses duplicate check ids and a missing lab.yaml', () => {
    const dup = LAB + '  - id: reply\n    title: Again\n    state: { alarm: { max: 0 } }\n';
    expect(problems({ 'lab.yaml': dup }).map(brief)).toEqual(['lab.yaml:17:9 duplicate-name']);
    const r = loadLab(memory({}));
    expect(r.ok ? [] : r.diagnostics.map((d) => d.message)).toEqual(['the lab folder has no lab.yaml']);
  });

  it('refuses a newer version and migrates an older one through the registry', () => {
    expect(problems({ 'lab.yaml': LAB.replace('version: 1', 'version: 2') }).map(brief)).toEqual(['lab.yaml:1:10 version-too-new']);
    const old = LAB.replace('version: 1', 'version: 0').replace('title: Demo lab', 'name: Demo lab');
    const migrations = { 0: (doc: Readonly<Record<string, unknown>>) => { const { name, ...rest } = doc; return { ...rest, title: name, version: 1 }; } };
    const r = loadLab(memory(files({ 'lab.yaml': old })), { migrations });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.instance.migratedFrom).toBe(0);
    expect(r.instance.lab.title).toBe('Demo lab');
    expect(problems({ 'lab.yaml': old }).map((d) => d.code)).toEqual(['migration-failed']);
  });
});

describe('seeded variables', () => {
  const vars = { net: { int: [16, 250] as [number, number] }, client: { pick: ['alpha', 'bravo', 'charlie', 'delta'] }, port: { pick: [80, 8080] } };

  it('are deterministic per seed and lab', () => {
    expect(drawVariables('demo', 42, vars)).toEqual(drawVariables('demo', 42, vars));
  });

  it('differ between seeds (and between labs)', () => {
    const draws = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify([...drawVariables('demo', s, vars)])));
    expect(draws.size).toBeGreaterThanOrEqual(6);
    expect([...drawVariables('demo', 1, vars)]).not.toEqual([...drawVariables('other', 1, vars)]);
  });

  it('stay within their ranges and choices', () => {
    for (let s = 0; s < 200; s++) {
      const v = drawVariables('demo', s, vars);
      const net = Number(v.get('net'));
      expect(net >= 16 && net <= 250).toBe(true);
      expect(['alpha', 'bravo', 'charlie', 'delta']).toContain(v.get('client'));
    }
  });

  it('do not move when another variable is added', () => {
    expect(drawVariables('demo', 9, vars).get('net')).toBe(drawVariables('demo', 9, { ...vars, extra: { int: [1, 2] } }).get('net'));
  });

  it('give each seed of a lab its own addresses', () => {
    const a = loadLab(memory(files()), { seed: 1 });
    const b = loadLab(memory(files()), { seed: 2 });
    if (!a.ok || !b.ok) throw new Error('load failed');
    expect(a.instance.topologyText).not.toBe(b.instance.topologyText);
    expect(loadLab(memory(files()), { seed: 1 })).toEqual(a);
  });
});
