import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const text = (f: string) => readFileSync(new URL(`../../../resources/topologies/${f}`, import.meta.url), 'utf8');

function load(f = 'two-racks.yaml', options = {}) {
  const r = SimulationService.load(text(f), options);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.service;
}

describe('SimulationService', () => {
  it('returns every diagnostic of a bad document and builds nothing', () => {
    const r = SimulationService.load('version: 1\nvpcs:\n  a: { cidr: 10.0.0.0/8 }\n  b: { cidr: nonsense }\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [3, 'vpc-cidr-size'],
      [4, expect.stringMatching(/cidr|schema/)],
    ]);
  });

  it('runs commands, streams their output with virtual times, and tells when they exit', () => {
    const s = load();
    const events: string[] = [];
    s.onDidOutput((o) => events.push(`${o.time} ${o.instance}#${o.pid} ${o.line ?? `exit ${o.exitCode}`}`));
    expect(s.exec('client', 'hostname')).toEqual({ ok: true, pid: 1 });
    expect(s.exec('ghost', 'hostname')).toEqual({ ok: false, error: 'no instance named "ghost" (instances: client, server, neighbour)' });
    s.run(1_000_000);
    expect(events).toEqual(['0 client#1 client', '0 client#1 exit 0']);
    expect(s.now()).toBe(1_000_000);
  });

  it('kills a running command and lists what runs', () => {
    const s = load();
    const r = s.exec('client', 'ping server');
    if (!r.ok) throw new Error(r.error);
    s.run(1_500_000_000);
    expect(s.running()).toEqual([{ pid: r.pid, instance: 'client', command: 'ping server' }]);
    expect(s.kill(r.pid)).toBe(true);
    s.run(1_600_000_000);
    expect(s.running()).toEqual([]);
    expect(s.kill(r.pid)).toBe(false);
  });

  it('captures at every port by default, at ENIs only, or not at all', () => {
    const counts = (capture: 'all' | 'eni' | 'none') => {
      const s = load('two-racks.yaml', { capture });
      s.exec('client', 'ping -c 1 server');
      s.run(1_000_000_000);
      return [s.captures.points.length, s.captures.count];
    };
    const [allPoints, allFrames] = counts('all');
    const [eniPoints, eniFrames] = counts('eni');
    expect(allPoints).toBe(15);
    expect(eniPoints).toBe(3);
    expect(allFrames).toBeGreaterThan(eniFrames);
    expect(counts('none')).toEqual([0, 0]);
  });

  it('injects link faults by name and refuses unknown links', () => {
    const s = load();
    s.configureLink('host-a-rack-a-tor', { up: false });
    s.exec('client', 'ping -c 1 -W 1 server');
    s.run(3_000_000_000);
    const reasons = new Set<string>();
    for (let n = 1; n <= s.captures.count; n++) {
      const f = s.captures.frame(n)!;
      if (f.reason) reasons.add(f.reason);
    }
    expect([...reasons]).toEqual(['LINK_DOWN']);
    expect(() => s.configureLink('nope', { up: false })).toThrow('no link named "nope"');
  });
});
