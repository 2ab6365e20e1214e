// Every shipped lab: valid against the published schema, at the current version, its reference
// solution passes every check, and the untouched starting state fails exactly the checks that
// need the learner's work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CURRENT_LAB_VERSION, labJsonSchema, loadLab, runLab } from '../../../core/lab/index.ts';
import { folder, labIds, LABS } from './support.ts';

/** Checks that must fail before the learner does anything; every other check passes already. */
const FAILS_UNTOUCHED: Record<string, string[]> = {
  '01-two-hosts-geneve': ['request-delivered', 'geneve-on-the-wire', 'outer-addresses', 'path-across-the-underlay', 'reply-came-back'],
  '02-arp-stays-home': ['asked-for-neighbour', 'card-answered', 'answer-is-db-mac', 'asked-for-router', 'traffic-did-flow'],
  '03-spoofing': ['src-dst-check', 'appliance-check-off', 'receiver-verification', 'forged-traffic-alarm', 'sender-mapping-check'],
  '04-vpc-peering': ['peered-ping', 'reply', 'sender-vni', 'legacy-no-route', 'stale-window', 'peering-refused', 'refused-after-push'],
  '05-sg-vs-nacl': ['page-arrived', 'request-got-in', 'replies-got-out', 'connection-completed'],
  '06-mtu': ['jumbo-inside', 'df-refused', 'frag-needed', 'fragments-on-the-wire', 'fragmented-ping-answered', 'tcp-probed', 'tcp-delivered'],
  '07-host-cache-move': ['stale-drops', 'stale-alarm', 'window-closed-by-push', 'replies-resumed', 'new-path', 'cache-updated', 'constant-work'],
};

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(labJsonSchema());

describe('the shipped labs', () => {
  const ids = labIds();

  it('are the seven of the curriculum, each with its expectations here', () => {
    expect(ids).toEqual(Object.keys(FAILS_UNTOUCHED).sort());
  });

  describe.each(ids)('%s', (id) => {
    const loaded = loadLab(folder(id), { seed: 7 });
    const instance = loaded.ok ? loaded.instance : null;

    it('loads without a diagnostic, at the current version, named after its folder', () => {
      expect(loaded.ok ? [] : loaded.diagnostics).toEqual([]);
      expect(instance!.lab.version).toBe(CURRENT_LAB_VERSION);
      expect(instance!.migratedFrom).toBeNull();
      expect(instance!.lab.id).toBe(id);
      expect(instance!.solution).not.toBeNull();
      expect(instance!.steps.length).toBe(instance!.lab.steps.length);
      // Every variable reference was substituted everywhere.
      for (const text of [instance!.topologyText, ...instance!.steps.map((s) => s.markdown), JSON.stringify(instance!.lab)]) expect(text).not.toMatch(/\{\{/);
    });

    it('validates against the published JSON Schema', () => {
      const ok = validate(parse(readFileSync(join(LABS, id, 'lab.yaml'), 'utf8')));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it.each([7, 1, 90210])('passes every check with its reference solution (seed %i)', (seed) => {
      const other = loadLab(folder(id), { seed });
      if (!other.ok) throw new Error(JSON.stringify(other.diagnostics));
      const r = runLab(other.instance, { solution: true });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.results.filter((c) => !c.passed).map((c) => `${c.id}: ${c.explanation}`)).toEqual([]);
    });

    it('fails exactly the expected checks when untouched, each with an explanation', () => {
      const r = runLab(instance!);
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.topology).toBe('starting');
      expect(r.results.filter((c) => !c.passed).map((c) => c.id)).toEqual(FAILS_UNTOUCHED[id]);
      for (const c of r.results) expect(c.explanation.length).toBeGreaterThan(20);
    });
  });
});

describe('different-but-correct answers pass', () => {
  const attempt = (id: string, edit: (topology: string) => string, execs: string[]) => {
    const loaded = loadLab(folder(id), { seed: 11 });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const solution = loaded.instance.solution!.topologyText ?? loaded.instance.topologyText;
    const r = runLab(loaded.instance, { topologyText: edit(solution), execs });
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.results.filter((c) => !c.passed).map((c) => `${c.id}: ${c.explanation}`);
  };

  it('05: a narrower ephemeral range under another rule number', () => {
    const failed = attempt('05-sg-vs-nacl', (t) => t.replace(/- \{ rule: 100, action: allow, protocol: tcp, ports: 1024-65535, (cidr: [^}]*)\}/, '- { rule: 200, action: allow, protocol: tcp, ports: 32768-65535, $1}'), ['{{client}}: curl -s -m 3 http://server/']);
    expect(failed).toEqual([]);
  });

  it('04: one wide route per side instead of the exact CIDR, and a peering of another name', () => {
    const failed = attempt('04-vpc-peering', (t) => t.replaceAll('app-shared', 'link-1').replace(/destination: 10\.\d+\.0\.0\/16, target: peering/g, 'destination: 10.0.0.0/8, target: peering'),
      ['app-vm: ping -c 1 shared-vm', 'legacy-vm: ping -c 1 -W 1 shared-vm.invalid', 'legacy-vm: ping -c 1 -W 1 10.{{b}}.1.50']);
    expect(failed).toEqual([]);
  });

  it('07: a faster ping passes as long as it outlasts the next push; one that stops before it does not', () => {
    expect(attempt('07-host-cache-move', (t) => t, ['{{client}}: ping -c 60 -i 0.05 -W 1 server'])).toEqual([]);
    const short = attempt('07-host-cache-move', (t) => t, ['{{client}}: ping -c 36 -i 0.05 -W 1 server']);
    // The run ends with the ping, before the 2 s push: the cache is still stale too.
    expect(short.map((f) => f.split(':')[0])).toEqual(['replies-resumed', 'new-path', 'cache-updated', 'constant-work']);
    expect(short[1]).toMatch(/it got as far as encapsulate@host-a:eth0 but not to decapsulate@host-c:eth0/);
  });
});
