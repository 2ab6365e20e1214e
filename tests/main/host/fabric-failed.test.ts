/**
 * A worker that cannot start at all (a wrong bundled path, a broken build): the supervisor tries
 * `maxAttempts` times, then reports `failed`; calls fail fast with UNAVAILABLE instead of waiting
 * for ever, and a restart asked for later tries again.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { WorkerStatus } from '../../../core/contract/host.ts';
import { FabricSupervisor } from '../../../main/host/fabric-supervisor.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';

const ctx = { signal: new AbortController().signal };

describe('a worker that never starts', () => {
  it('ends in the failed state after its attempts, and says why', async () => {
    let spawned = 0;
    const log: string[] = [];
    const supervisor = new FabricSupervisor({
      spawn: () => {
        spawned++;
        return new Worker('throw new Error("broken build")', { eval: true });
      },
      scheduler: realScheduler,
      timings: { maxAttempts: 2 },
      log: (m) => log.push(m),
    });
    const states: WorkerStatus[] = [];
    supervisor.onDidChangeState((s) => states.push(s));
    const status = await supervisor.start();
    expect(status).toMatchObject({ state: 'failed', restarts: 0 });
    expect(status.lastProblem).toMatch(/broken build/);
    expect(spawned).toBe(2);
    expect(log.filter((l) => /attempt \d to start failed/.test(l))).toHaveLength(2);
    await expect(Promise.resolve(supervisor.implementation.now(ctx))).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    expect((await supervisor.restart('requested', 'try again')).state).toBe('failed');
    expect(spawned).toBe(4);
    expect(states.map((s) => s.state)).toEqual(['failed', 'restarting', 'failed']);
    await supervisor.dispose();
    expect(supervisor.status().state).toBe('stopped');
  });
});
