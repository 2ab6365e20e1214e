/**
 * The labs contract on a real host: the catalogue from labs/ (or the folder createHost is given),
 * open with the seed's values, and check graded on the LIVE simulation in the worker — the world the
 * simulation contract (the consoles) drove — failing untouched with explanations and passing once
 * the learner has followed the steps. Progress lives in the workspace store and survives a restart.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostContract } from '../../../core/contract/host.ts';
import { labsContract } from '../../../core/contract/labs.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import type { Contract } from '../../../core/contract/spec.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createHost, type Host, type HostContractName } from '../../../main/host/host.ts';
import { DEFAULT_LABS_DIR, LabCatalogue } from '../../../main/host/lab-catalogue.ts';
import { messagePortPort } from '../../../main/rpc/worker-port.ts';

const LAB = '01-two-hosts-geneve';

function connect<A, E>(host: Host, name: HostContractName, contract: Contract<A, E>): RpcClient<A, E> {
  const { port1, port2 } = new MessageChannel();
  host.connect(name, messagePortPort(port1));
  return new RpcClient(messagePortPort(port2), contract);
}

describe('the labs contract on createHost', () => {
  let dir: string;
  let host: Host;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'underlay-labs-host-'));
    host = await createHost({ workspaceDir: join(dir, 'workspace'), log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await host?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the seven labs and opens one with the seed\'s values filled in', async () => {
    const labs = connect(host, 'labs', labsContract);
    const list = await labs.api.list();
    expect(list).toHaveLength(7);
    expect(list[0]).toMatchObject({ id: LAB, level: 'beginner', topic: 'Encapsulation' });
    const opened = await labs.api.open(LAB, 3);
    expect(opened.topologyText).not.toContain('{{');
    expect(opened.stepTexts.map((s) => s.title)).toEqual(['Look at the topology', 'Send a ping', 'Compare the two captures']);
    expect(opened.checkTitles).toHaveLength(7);
    expect(opened.hints).toBe(2);
    await expect(labs.api.open('99-nope', 1)).rejects.toThrow('no lab "99-nope"');
    labs.dispose();
  });

  it('grades the live run: untouched it fails with explanations, after the steps it passes', async () => {
    const labs = connect(host, 'labs', labsContract);
    const sim = connect(host, 'simulation', simulationContract);
    const opened = await labs.api.open(LAB, 1);

    // Nothing loaded yet: every check fails, saying so.
    const empty = await labs.api.check(LAB, 1);
    expect(empty.passed).toBe(0);
    expect(empty.results[0].explanation).toContain('no topology is loaded');

    // Started, not yet pinged: the traffic checks fail, explaining what the captures hold.
    expect((await sim.api.load(opened.topologyText)).ok).toBe(true);
    await labs.api.start(LAB, 1);
    await sim.api.run(2_000_000_000);
    const untouched = await labs.api.check(LAB, 1);
    const byId = new Map(untouched.results.map((r) => [r.id, r]));
    expect(byId.get('request-delivered')).toMatchObject({ passed: false, kind: 'capture' });
    expect(byId.get('request-delivered')!.explanation).toMatch(/no frame at .*:eni matched/);
    expect(byId.get('request-delivered')!.hint).toMatch(/ping -c 3/);
    expect(byId.get('guests-never-see-geneve')!.passed).toBe(true);
    expect(untouched.progress).toMatchObject({ started: true, completed: false });

    // The learner's steps, as the console sends them: exec the ping the step asks for, run.
    // (The names are the seed's: read off the same instance the host serves.)
    const vars = new LabCatalogue().instance(LAB, 1).variables;
    const [client, server] = [vars.get('client')!, vars.get('server')!];
    expect(opened.stepTexts[1].markdown).toContain(`${client}: ping -c 3 ${server}`);
    expect(await sim.api.exec(client, `ping -c 3 ${server}`)).toMatchObject({ ok: true });
    await sim.api.run(6_000_000_000);
    const report = await labs.api.check(LAB, 1);
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report).toMatchObject({ passed: 7, total: 7, timeNs: 6_000_000_000 });
    expect(report.progress).toMatchObject({ completed: true, checksPassed: opened.checkTitles.map((c) => c.id) });
    labs.dispose();
    sim.dispose();
  }, 60_000);

  it('plays the lab\'s scenario into the live run, and replays it after a worker restart', async () => {
    const MOVE = '07-host-cache-move';
    const labs = connect(host, 'labs', labsContract);
    const sim = connect(host, 'simulation', simulationContract);
    const app = connect(host, 'host', hostContract);
    const opened = await labs.api.open(MOVE, 1);
    const client = new LabCatalogue().instance(MOVE, 1).variables.get('client')!;
    expect((await sim.api.load(opened.topologyText)).ok).toBe(true);
    // The scenario moves server to host-c at 1.05 s; starting twice schedules it once.
    expect(await labs.api.start(MOVE, 1)).toMatchObject({ scenarioActions: 1, scenarioProblems: [] });
    expect(await labs.api.start(MOVE, 1)).toMatchObject({ scenarioProblems: [] });
    expect(await sim.api.exec(client, 'ping -c 30 -i 0.1 -W 1 server')).toMatchObject({ ok: true });
    await sim.api.run(5_000_000_000);
    const report = await labs.api.check(MOVE, 1);
    expect(report.results.filter((r) => !r.passed)).toEqual([]);

    // A restarted worker replays load, scenario, exec and run: the same world grades the same.
    await app.api.restartWorker();
    const again = await labs.api.check(MOVE, 1);
    expect(again.results).toEqual(report.results);

    // A topology the scenario does not fit: the action is skipped, and said so.
    expect((await sim.api.load(opened.topologyText.replace(/host-c/g, 'host-z'))).ok).toBe(true);
    expect((await labs.api.start(MOVE, 1)).scenarioProblems).toEqual(['lab action 1: no host named "host-c" in this topology']);
    for (const c of [labs, sim, app]) c.dispose();
  }, 90_000);

  it('keeps progress — steps, hints, checks — in the workspace across a restart of the host', async () => {
    let labs = connect(host, 'labs', labsContract);
    await labs.api.markStep(LAB, 0, true);
    await labs.api.markStep(LAB, 1, true);
    expect(await labs.api.hint(LAB, 1, 1)).toContain('82 bytes');
    expect(await labs.api.hint(LAB, 1, 5)).toBeNull();
    await expect(labs.api.markStep(LAB, 3, true)).rejects.toThrow('has 3 steps');
    labs.dispose();
    await host.dispose();

    // Another host on the same workspace, and the labs copied elsewhere (a packaged app's resources).
    const copy = join(dir, 'resources-labs');
    cpSync(DEFAULT_LABS_DIR, copy, { recursive: true });
    host = await createHost({ workspaceDir: join(dir, 'workspace'), labsDir: copy, log: () => {} });
    labs = connect(host, 'labs', labsContract);
    const [p] = await labs.api.progress(LAB);
    expect(p).toMatchObject({ labId: LAB, seed: 1, started: true, stepsDone: [0, 1], hintsRevealed: 2, completed: true });
    expect(p.checksPassed).toHaveLength(7);

    // A different seed is a new attempt; resetting forgets the work.
    expect((await labs.api.start(LAB, 9)).progress).toMatchObject({ seed: 9, stepsDone: [], completed: false });
    await labs.api.resetProgress(LAB);
    expect((await labs.api.progress(LAB))[0]).toMatchObject({ started: false, stepsDone: [], checksPassed: [], hintsRevealed: 0 });
    labs.dispose();
  }, 60_000);

  it('draws the workspace\'s learner seed once and keeps it across a restart of the host', async () => {
    const workspaceDir = join(dir, 'seeded-workspace');
    let draws = 0;
    const labSeed = () => 4242 + draws++;
    let seeded = await createHost({ workspaceDir, labSeed, log: () => {} });
    let labs = connect(seeded, 'labs', labsContract);
    // Asked for twice at once: one draw, one answer.
    expect(await Promise.all([labs.api.learnerSeed(), labs.api.learnerSeed()])).toEqual([4242, 4242]);
    expect(draws).toBe(1);
    // The seed changes the learner's instance: another seed, other names or addresses.
    const mine = await labs.api.open(LAB, 4242);
    expect(mine.topologyText).not.toBe((await labs.api.open(LAB, 1)).topologyText);
    labs.dispose();
    await seeded.dispose();

    seeded = await createHost({ workspaceDir, labSeed, log: () => {} });
    labs = connect(seeded, 'labs', labsContract);
    expect(await labs.api.learnerSeed()).toBe(4242);
    expect(draws).toBe(1);
    // A step marked before the lab was started is kept under the learner seed.
    expect((await labs.api.markStep(LAB, 0, true)).seed).toBe(4242);
    labs.dispose();
    await seeded.dispose();
  }, 60_000);
});
