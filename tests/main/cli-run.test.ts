import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFile, tshark } from '../support/tshark.ts';

/** `underlay run`: a topology, commands in virtual time, their output and every packet's path. */

function underlay(args: string[]) {
  const r = spawnSync('node', ['bin/underlay', 'run', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const TWO_RACKS = 'resources/topologies/two-racks.yaml';

describe('underlay run', () => {
  it('runs a command, prints its output and each packet\'s hop-by-hop path, and writes pcapng', () => {
    const pcap = join(tempFile('x', new Uint8Array()) + '.d.pcapng');
    const r = underlay([TWO_RACKS, '--exec', 'client: ping -c 1 server', '--pcap', pcap]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('[0.000000000] client$ ping -c 1 server');
    expect(out).toContain('client| 1 packets transmitted, 1 received, 0% packet loss, time 0ms');
    // The echo request's trace: card stages, four physical links, delivery.
    const start = out.findIndex((l) => /^trace \d+ .* ICMP {2}Echo \(ping\) request/.test(l));
    expect(start).toBeGreaterThan(0);
    const trace = out.slice(start + 1, out.indexOf('', start));
    expect(trace.slice(0, -1).map((l) => l.trim().split(/\s+/)[1])).toEqual(['send', 'sg-egress', 'route', 'encapsulate', 'link', 'link', 'link', 'link', 'decapsulate', 'sg-ingress', 'deliver']);
    expect(trace.at(-1)).toMatch(/⇒ delivered to server after 4 physical links/);
    expect(existsSync(pcap)).toBe(true);
    const frames = tshark(['-r', pcap, '-T', 'fields', '-e', 'frame.comment']).stdout.trim().split('\n');
    expect(out.at(-2)).toBe(`wrote ${frames.length} frames from 15 capture points to ${pcap}`);
    expect(frames.every((c) => /^trace=\d+ hop=\d+ verdict=(forward|deliver|drop|rewrite) reason=/.test(c))).toBe(true);
  });

  it('prints where and why a packet was dropped', () => {
    const r = underlay(['resources/topologies/security.yaml', '--exec', 'intruder: ping -c 1 -W 1 10.0.2.10']);
    expect(r.status).toBe(1); // ping exits 1 when nothing came back
    expect(r.stdout).toMatch(/⇒ dropped at db:eni: NACL_INGRESS_DENY \(rule 90 deny all 10\.0\.66\.0\/24\)/);
  });

  it('answers a bad address or an unknown host like a shell would', () => {
    const r = underlay([TWO_RACKS, '-q', '--exec', 'client: ping -c 1 10.0.1.999', '--exec', 'client: frobnicate']);
    expect(r.stdout).toContain('client| ping: 10.0.1.999: Name or service not known');
    expect(r.stdout).toContain('client| frobnicate: command not found');
    expect(r.status).toBe(1);
  });

  it('refuses an unknown instance, naming the ones there are', () => {
    const r = underlay([TWO_RACKS, '--exec', 'nobody: ping server']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`underlay run: --exec 'nobody: ping server': no instance named "nobody" (instances: client, server, neighbour)`);
  });

  it('reports every error of a bad topology with its line and column and runs nothing', () => {
    const doc = 'version: 1\nvpcs:\n  a: { cidr: 10.0.0.0/16 }\nsubnets:\n  s: { cidr: 10.0.1.0/24 }\ninstances:\n  x: { ip: 10.0.1.1 }\n  y: { subnet: nowhere }\n';
    const bad = tempFile('bad.yaml', new TextEncoder().encode(doc));
    const r = underlay([bad, '--exec', 'x: ping -c 1 x']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.startsWith(`${bad}:`))).toBe(true);
    expect(r.stderr).toMatch(/:7:\d+: .*reserved/);
    expect(r.stderr).toMatch(/:8:\d+: .*nowhere/);
  });

  it('refuses bad options with a usage message', () => {
    expect(underlay([TWO_RACKS, '--until', 'soon']).stderr).toContain('--until: "soon" is not a duration');
    expect(underlay([TWO_RACKS, '--exec', 'no colon here']).stderr).toContain(`is not 'INSTANCE: COMMAND'`);
    expect(underlay([]).status).toBe(2);
  });

  it('is deterministic: the same seed gives the same bytes, another seed other ISNs', () => {
    const run = (seed: string) => {
      const file = tempFile('d.pcapng', new Uint8Array()) + `.${seed}.pcapng`;
      underlay([TWO_RACKS, '-q', '--seed', seed, '--exec', 'client: curl -s -o /dev/null http://server/', '--pcap', file]);
      return readFileSync(file);
    };
    const a = run('7');
    expect(run('7').equals(a)).toBe(true);
    expect(run('8').equals(a)).toBe(false);
  });
});
