/**
 * A restart the user asks for (the host contract's restartWorker): the run is replayed as after a
 * crash, including a run that was cancelled half-way, and calls made meanwhile wait for the new
 * worker instead of failing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { populate, startChain, type Chain } from './support/chain.ts';

describe('worker supervision', () => {
  let chain: Chain | undefined;
  afterEach(async () => {
    await chain?.close();
    chain = undefined;
  });

  it('a user-requested restart replays too, and calls made meanwhile wait for the new worker', async () => {
    chain = await startChain();
    await populate(chain);
    // A run cancelled half-way still moved time: the journal keeps where it got to.
    await chain.renderer.api.exec('web', 'ping -c 100000 -i 0.001 db');
    const controller = new AbortController();
    const cancelled = chain.renderer.withOptions({ signal: controller.signal }).run();
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    const reached = await chain.renderer.api.now();
    expect(reached).toBeGreaterThan(3_000_000_000);
    const before = { total: (await chain.renderer.api.capturePage(0, 0)).total };
    const restarting = chain.supervisor.restart('requested', 'test');
    const during = chain.renderer.api.now();
    expect((await restarting).state).toBe('ready');
    expect(await during).toBe(reached);
    expect((await chain.renderer.api.capturePage(0, 0)).total).toBe(before.total);
  });
});
