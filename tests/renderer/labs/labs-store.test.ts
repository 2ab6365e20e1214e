// @vitest-environment happy-dom
/**
 * The labs store against the real labs service and the real fabric in this thread: the catalogue
 * by topic, start loads the lab into the live simulation (and the editor), check grades what the
 * learner ran there, hints come on demand, and after a reload (a new Pinia on the same host) the
 * progress is read back and the lab worked on last is open again.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { LabCatalogue } from '../../../main/host/lab-catalogue.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useLabsStore } from '../../../renderer/src/stores/labs.ts';
import { useSimulationStore } from '../../../renderer/src/stores/simulation.ts';
import { useWorkspaceStore } from '../../../renderer/src/stores/workspace.ts';
import type { Harness } from '../support/harness.ts';
import { connected, settle, testBackoff } from '../support/mount.ts';

const LAB = '01-two-hosts-geneve';
const vars = new LabCatalogue().instance(LAB, 1).variables;
const [client, server] = [vars.get('client')!, vars.get('server')!];

let harness: Harness | undefined;
afterEach(() => {
  useConnectionStore().stop();
  harness?.dispose();
  harness = undefined;
});

async function catalogueReady() {
  const c = await connected(harness ? { harness } : {});
  harness = c.harness;
  const labs = useLabsStore();
  await expect.poll(() => labs.catalogue.length).toBe(7);
  return labs;
}

describe('labs store', () => {
  it('lists the labs by topic, with no progress yet', async () => {
    const labs = await catalogueReady();
    expect(labs.byTopic.map((g) => g.topic)).toEqual(['Encapsulation', 'Isolation', 'Routing', 'Filtering', 'Mapping service']);
    expect(labs.byTopic[0].labs.map((l) => l.id)).toEqual([LAB, '02-arp-stays-home']);
    expect(labs.progress.size).toBe(0);
    expect(labs.current).toBeNull();
  });

  it('starts a lab into the live simulation, fails untouched, passes after the steps, with hints on demand', async () => {
    const labs = await catalogueReady();
    const simulation = useSimulationStore();
    await labs.open(LAB);
    expect(labs.current?.stepTexts[1].markdown).toContain(`${client}: ping -c 3 ${server}`);
    expect(await labs.start()).toBe(true);
    expect(simulation.loadedName).toBe(LAB);
    expect(simulation.instances.sort()).toEqual([client, server].sort());
    expect(useWorkspaceStore().text).toBe(labs.current?.topologyText);
    expect(labs.currentProgress).toMatchObject({ started: true, completed: false });

    await labs.check();
    expect(labs.report?.passed).toBeLessThan(labs.report!.total);
    const delivered = labs.report!.results.find((r) => r.id === 'request-delivered')!;
    expect(delivered).toMatchObject({ passed: false });
    expect(delivered.explanation).toMatch(/no frame at/);
    expect(delivered.hint).toContain('ping -c 3');

    await labs.revealHint();
    expect(labs.hints).toHaveLength(1);
    expect(labs.currentProgress?.hintsRevealed).toBe(1);

    await simulation.exec(client, `ping -c 3 ${server}`);
    await simulation.run(5_000_000_000);
    await labs.check();
    expect(labs.report?.results.filter((r) => !r.passed)).toEqual([]);
    expect(labs.currentProgress).toMatchObject({ completed: true });
    await labs.markStep(0, true);
    await labs.markStep(1, true);
    expect(labs.currentProgress?.stepsDone).toEqual([0, 1]);

    // Reset: the lab's topology at time zero again; the saved progress stays.
    await labs.reset();
    expect(simulation.status).toMatchObject({ time: 0, frames: 0 });
    expect(labs.report).toBeNull();
    expect(labs.currentProgress).toMatchObject({ completed: true, stepsDone: [0, 1] });

    // A reload: a new page (Pinia) on the same host finds the progress and reopens the lab.
    useConnectionStore().stop();
    setActivePinia(createPinia());
    useConnectionStore().start(harness!.connector, { backoff: testBackoff });
    const again = useLabsStore();
    await expect.poll(() => again.current?.id).toBe(LAB);
    expect(again.progress.get(LAB)).toMatchObject({ completed: true, stepsDone: [0, 1], hintsRevealed: 1 });
    expect(again.hints).toHaveLength(1);

    await again.forget();
    expect(again.progress.get(LAB)).toMatchObject({ started: false, stepsDone: [], hintsRevealed: 0, completed: false });
    await settle();
  }, 30_000);

  it('says so when an unknown lab is asked for', async () => {
    const labs = await catalogueReady();
    await labs.open('99-none');
    expect(labs.error).toContain('no lab "99-none"');
    expect(labs.current).toBeNull();
  });
});
