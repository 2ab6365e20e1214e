/**
 * Files opened from the command line or a menu land in the real host's workspace: a topology as a
 * topology (a new revision when its name exists), a capture in the catalogue, both in the recent
 * files; a file that is neither, or a broken capture, comes back as an error to show.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulationContract } from '../../../core/contract/simulation.ts';
import { workspaceContract } from '../../../core/contract/workspace.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { localClient } from '../../../main/start/local-client.ts';
import { openIntoWorkspace } from '../../../main/start/open-files.ts';

const topologies = join(import.meta.dirname, '..', '..', '..', 'resources', 'topologies');
let dir: string;
let host: Host;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-open-'));
  host = await createHost({ workspaceDir: join(dir, 'ws'), log: () => {} });
});
afterAll(async () => {
  await host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('brings topologies and captures into the workspace and the recent files', async () => {
  const workspace = localClient(host, 'workspace', workspaceContract);
  const sim = localClient(host, 'simulation', simulationContract);
  const file = join(dir, 'minimal.yaml');
  copyFileSync(join(topologies, 'minimal.yaml'), file);

  const first = await openIntoWorkspace(workspace, file);
  expect(first).toMatchObject({ kind: 'topology', topology: { name: 'minimal', revision: 1 } });
  const again = await openIntoWorkspace(workspace, file);
  expect(again).toMatchObject({ kind: 'topology', topology: { name: 'minimal', revision: 2 } });
  if (first.kind !== 'topology' || again.kind !== 'topology') throw new Error('unreachable');
  expect(again.topology.id).toBe(first.topology.id);

  // A capture made by the simulation, written out, opened as a file.
  expect((await sim.api.load(first.text, 3)).ok).toBe(true);
  await sim.api.exec('web', 'ping -c 1 db');
  await sim.api.run(2_000_000_000);
  const pcapng = join(dir, 'ping.pcapng');
  writeFileSync(pcapng, await sim.api.exportPcapng());
  const capture = await openIntoWorkspace(workspace, pcapng);
  expect(capture).toMatchObject({ kind: 'capture', capture: { source: 'import', format: 'pcapng' } });

  expect((await workspace.api.recentFiles()).map((r) => [r.kind, r.path])).toEqual([
    ['capture', pcapng],
    ['topology', file],
  ]);
  workspace.dispose();
  sim.dispose();
});

it('reports files it cannot open', async () => {
  const workspace = localClient(host, 'workspace', workspaceContract);
  const broken = join(dir, 'broken.pcap');
  writeFileSync(broken, 'not a capture');
  expect(await openIntoWorkspace(workspace, broken)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^broken\.pcap: /) });
  expect(await openIntoWorkspace(workspace, join(dir, 'notes.txt'))).toMatchObject({ kind: 'error', message: expect.stringMatching(/neither a topology/) });
  expect(await openIntoWorkspace(workspace, join(dir, 'missing.yaml'))).toMatchObject({ kind: 'error', message: expect.stringMatching(/ENOENT/) });
  workspace.dispose();
});
