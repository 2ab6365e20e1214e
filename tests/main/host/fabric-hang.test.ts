/**
 * Hang recovery: a worker that stops answering (its thread blocked) is found by the heartbeat,
 * replaced, and its run replayed; the call that was waiting on it fails with UNAVAILABLE.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerRestarted } from '../../../core/contract/host.ts';
import { HOOKABLE_WORKER, hook, populate, startChain, until, type Chain } from './support/chain.ts';

describe('worker supervision', () => {
  let chain: Chain | undefined;
  afterEach(async () => {
    await chain?.close();
    chain = undefined;
  });

  it('restarts a hung worker found by the heartbeat; the call in flight fails with UNAVAILABLE', async () => {
    chain = await startChain({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1_500 }, HOOKABLE_WORKER);
    const before = await populate(chain);
    const restarts: WorkerRestarted[] = [];
    chain.supervisor.onDidRestart((r) => restarts.push(r));

    hook(chain.workers[0], 'hang');
    const inFlight = chain.renderer.api.capturePage(0, 10).catch((e: unknown) => e);
    const restarted = await until(() => restarts[0]);
    expect(restarted).toMatchObject({ reason: 'hung', replay: { topology: true, timeNs: 3_000_000_000, frames: before.total, complete: true } });
    expect(await inFlight).toMatchObject({ code: 'UNAVAILABLE' });
    expect(restarted.lostCalls).toBeGreaterThanOrEqual(1);
    expect((await chain.renderer.api.capturePage(0, 0)).total).toBe(before.total);
  });

});
