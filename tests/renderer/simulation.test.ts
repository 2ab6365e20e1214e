// @vitest-environment happy-dom
/** The simulation store against the real fabric behind an in-memory RPC server. */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulationService } from '../../core/service/simulation-service.ts';
import { useConnectionStore } from '../../renderer/src/stores/connection.ts';
import { MAX_OUTPUT_LINES, useSimulationStore } from '../../renderer/src/stores/simulation.ts';
import type { Harness } from './support/harness.ts';
import { connected, settle } from './support/mount.ts';
import { badCidrYaml, minimalYaml } from './support/topologies.ts';

let harness: Harness | undefined;
afterEach(() => {
  useConnectionStore().stop();
  harness?.dispose();
});

async function loadedMinimal() {
  ({ harness } = await connected());
  const simulation = useSimulationStore();
  expect(await simulation.load(minimalYaml, 'minimal')).toBe(true);
  return simulation;
}

describe('simulation store', () => {
  it('keeps the diagnostics of a document that does not build, with line and column, and loads nothing', async () => {
    ({ harness } = await connected());
    const simulation = useSimulationStore();
    expect(await simulation.load(badCidrYaml, 'bad')).toBe(false);
    expect(simulation.loaded).toBe(false);
    expect(simulation.diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([['error', 'cidr-syntax', 5, 16]]);
    expect(simulation.diagnosedText).toBe(badCidrYaml);
    expect(simulation.error).toBeNull();
  });

  it('loads a topology: instances, time zero, no frames', async () => {
    const simulation = await loadedMinimal();
    expect(simulation.loadedName).toBe('minimal');
    expect(simulation.instances).toEqual(['web', 'db']);
    expect(simulation.status).toMatchObject({ time: 0, frames: 0 });
    expect(simulation.diagnostics).toEqual([]);
  });

  it('runs a ping: output lines arrive, time and frames move as the host has them', async () => {
    const simulation = await loadedMinimal();
    await simulation.exec('web', 'ping -c 2 db');
    await simulation.run(2_000_000_000);
    await settle();
    expect(simulation.status.time).toBe(2_000_000_000);
    expect(simulation.status.frames).toBeGreaterThan(0);
    const texts = simulation.output.map((l) => l.text);
    expect(texts[0]).toBe('$ ping -c 2 db');
    expect(texts).toContain('PING db (10.0.1.5) 56(84) bytes of data.');
    expect(texts.filter((t) => t.startsWith('64 bytes from db'))).toHaveLength(2);
    expect(simulation.output.at(-1)).toMatchObject({ kind: 'exit', text: 'exited with code 0', instance: 'web' });
    // what the host captured, as a service of its own running the same counts
    const direct = SimulationService.load(minimalYaml);
    if (!direct.ok) throw new Error('does not load');
    direct.service.exec('web', 'ping -c 2 db');
    direct.service.run(2_000_000_000);
    expect(simulation.status.frames).toBe(direct.service.captures.count);
  });

  it('steps events and then resets to time zero with the same document', async () => {
    const simulation = await loadedMinimal();
    await simulation.exec('web', 'ping -c 1 db');
    for (let i = 0; i < 5; i++) await simulation.step(1);
    expect(simulation.status.time).toBeGreaterThan(0);
    const stepped = simulation.status.time;
    await simulation.step(50);
    expect(simulation.status.time).toBeGreaterThan(stepped);
    await simulation.reset();
    expect(simulation.status).toMatchObject({ time: 0, frames: 0 });
    expect(simulation.output).toEqual([]);
    expect(simulation.loadedName).toBe('minimal');
  });

  it('keeps the newest lines of a long burst of output, each once, in order', async () => {
    const simulation = await loadedMinimal();
    await simulation.exec('web', 'ping -c 2500 -i 0.002 db');
    await simulation.run(6_000_000_000);
    await expect.poll(() => simulation.output.at(-1)?.kind, { timeout: 20_000 }).toBe('exit');
    expect(simulation.output).toHaveLength(MAX_OUTPUT_LINES);
    const seqs = simulation.output.flatMap((l) => /icmp_seq=(\d+)/.exec(l.text)?.[1] ?? []).map(Number);
    expect(seqs.at(-1)).toBe(2500);
    expect(seqs.every((n, i) => i === 0 || n === seqs[i - 1] + 1)).toBe(true);
    expect(new Set(simulation.output.map((l) => l.key)).size).toBe(MAX_OUTPUT_LINES);
  });

  it('pauses a long run midway, and stays busy until the run has really stopped', async () => {
    const simulation = await loadedMinimal();
    await simulation.exec('web', 'ping -c 200000 -i 0.002 db');
    const running = simulation.run(1_000_000_000_000);
    await expect.poll(() => simulation.status.running).toBe(true);
    expect(simulation.busy).toBe('Running');
    await simulation.pause();
    // The pause answered before the run did: the run's mark stays until it returns.
    expect(simulation.busy).toBe('Running');
    await running;
    expect(simulation.busy).toBeNull();
    expect(simulation.status.time).toBeGreaterThan(0);
    expect(simulation.status.time).toBeLessThan(1_000_000_000_000);
    await expect.poll(() => simulation.status.running).toBe(false);
  });

  it('shows a refused command as an error line', async () => {
    const simulation = await loadedMinimal();
    await simulation.exec('ghost', 'hostname');
    expect(simulation.output.map((l) => [l.kind, l.text])).toEqual([
      ['command', '$ hostname'],
      ['error', 'no instance named "ghost" (instances: web, db)'],
    ]);
  });

  it('says in words that it is not connected, and picks the run up again after a reconnect', async () => {
    const simulation = await loadedMinimal();
    await simulation.run(500_000_000);
    const connection = useConnectionStore();
    harness!.dropAll();
    await expect.poll(() => connection.phase).not.toBe('connected');
    await simulation.step(1);
    expect(simulation.error).toMatch(/^Stepping: not connected to the Underlay host/);
    await expect.poll(() => connection.phase).toBe('connected');
    // The host kept the world; a fresh client listens again and refreshes the status.
    await expect.poll(() => simulation.status.time).toBe(500_000_000);
    await simulation.exec('web', 'hostname');
    await simulation.run(600_000_000);
    await settle();
    expect(simulation.output.at(-2)).toMatchObject({ kind: 'output', text: 'web' });
    expect(simulation.error).toBeNull();
  });
});
