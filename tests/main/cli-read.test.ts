import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { pcapngOf } from '../support/capture.ts';
import { oracleFrames } from '../core/dissect/tunnel-frames.ts';
import { tempFile, tshark } from '../support/tshark.ts';

/** `underlay read` must behave like tshark for scripts: same lines, same fields, same exit codes. */

function underlay(args: string[]) {
  const r = spawnSync('node', ['bin/underlay', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

let file = '';
beforeAll(() => {
  file = tempFile('cli.pcapng', pcapngOf(oracleFrames().map((f, i) => ({ bytes: f.bytes, comments: i % 3 === 0 ? [`trace=${i} hop=1`] : undefined }))));
});

describe('underlay read', () => {
  it('prints the same summary lines as tshark', () => {
    const ours = underlay(['read', file]);
    expect(ours.status).toBe(0);
    expect(ours.stdout.split('\n').length).toBeGreaterThan(20);
    expect(ours.stdout).toBe(tshark(['-r', file]).stdout);
  });

  it('prints -T fields like tshark, filtered, with several occurrences comma-separated', () => {
    const args = ['-Y', 'ip.addr == 10.0.1.10 || esp || vxlan', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'geneve.vni', '-e', 'tcp.flags.syn', '-e', 'dns.qry.name', '-e', 'eth.type', '-e', 'esp.spi', '-e', 'frame.time_relative'];
    const ours = underlay(['read', file, ...args]);
    const theirs = tshark(['-r', file, ...args]);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toContain(',');
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('honours -E header, separator, occurrence and quote', () => {
    const args = ['-T', 'fields', '-E', 'header=y', '-E', 'separator=,', '-E', 'occurrence=f', '-E', 'quote=d', '-e', 'frame.number', '-e', 'ip.addr'];
    expect(underlay(['read', file, ...args]).stdout).toBe(tshark(['-r', file, ...args]).stdout);
  });

  it('stops after -c frames', () => {
    expect(underlay(['read', file, '-c', '3']).stdout.trim().split('\n')).toHaveLength(3);
  });

  it('prints the protocol tree with -V', () => {
    const ours = underlay(['read', file, '-V', '-c', '1']).stdout;
    expect(ours).toMatch(/^Frame 1: 142 bytes on wire \(1136 bits\)/m);
    expect(ours).toContain('\nGeneric Network Virtualization Encapsulation');
    expect(ours).toContain('    Destination Port: 6081\n');
  });

  it('exits 2 with the position for a bad filter', () => {
    const r = underlay(['read', file, '-Y', 'ip.src == 1.2.3.4 andd']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('underlay: "andd" was unexpected in this context.\n    ip.src == 1.2.3.4 andd\n                      ^~~~\n');
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming the offset for a file that is not a capture', () => {
    const r = underlay(['read', 'package.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^underlay read: capture file: file header at offset 0: not a pcap or pcapng file/);
  });

  it('exits 2 for an unknown field', () => {
    const r = underlay(['read', file, '-T', 'fields', '-e', 'nosuch.field']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nosuch.field');
  });
});
