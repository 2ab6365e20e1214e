/**
 * Crash recovery: the supervisor notices a worker that exits, starts a new one, reloads the
 * topology, replays the run, and announces it on the host contract (the hang case is
 * fabric-hang.test.ts, a restart the user asks for fabric-restart.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerRestarted, WorkerStatus } from '../../../core/contract/host.ts';
import { HOOKABLE_WORKER, hook, hostClient, populate, startChain, until, type Chain } from './support/chain.ts';

describe('worker supervision', () => {
  let chain: Chain | undefined;
  afterEach(async () => {
    await chain?.close();
    chain = undefined;
  });

  it('restarts a crashed worker and replays its topology, time and frames', async () => {
    chain = await startChain({ heartbeatIntervalMs: 200 }, HOOKABLE_WORKER);
    const before = await populate(chain);
    const host = hostClient(chain.supervisor);
    const restarts: WorkerRestarted[] = [];
    const states: WorkerStatus[] = [];
    host.events.workerRestarted((r) => restarts.push(r));
    host.events.workerState((s) => states.push(s));
    await host.api.info(); // subscriptions are in place

    hook(chain.workers[0], 'exit');
    const restarted = await until(() => restarts[0]);
    expect(restarted).toMatchObject({ reason: 'crashed', restarts: 1, replay: { topology: true, timeNs: 3_000_000_000, complete: true } });
    expect(restarted.detail).toMatch(/code 3/);
    expect(restarted.replay.frames).toBe(before.total);
    expect(chain.workers).toHaveLength(2);
    expect(states.map((s) => s.state)).toContain('restarting');
    expect(await host.api.workerStatus()).toMatchObject({ state: 'ready', restarts: 1 });

    // The same world: same time, same frames, same bytes.
    const { renderer } = chain;
    expect(await renderer.api.now()).toBe(3_000_000_000);
    const page = await renderer.api.capturePage(0, 50);
    expect(page.total).toBe(before.total);
    expect(page.rows.map((r) => r.info)).toEqual(before.firstRows);
    expect([...(await renderer.api.frameHex(page.total))!]).toEqual(before.lastHex);
    // And it goes on from there: pids continue where the old worker's did.
    expect(await renderer.api.exec('db', 'ping -c 1 web')).toEqual({ ok: true, pid: 2 });
    host.dispose();
  });
});
