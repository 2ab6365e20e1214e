/**
 * The validating relay of DESIGN.md §7, all in memory: renderer client → relay server (in main) →
 * worker client → worker server (the fake). Refused calls stop at the relay; cancellation and
 * events travel through.
 */
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { RpcError } from '../../../core/rpc/errors.ts';
import { createMemoryPortPair } from '../../../core/rpc/memory-port.ts';
import { relayTo } from '../../../core/rpc/relay.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import { fakeSimulation } from './support/fake-simulation.ts';
import { ManualScheduler } from './support/manual-scheduler.ts';

function chain() {
  const clock = new ManualScheduler();
  const fake = fakeSimulation();
  const seen: string[] = [];
  const [workerSide, mainToWorker] = createMemoryPortPair();
  const workerServer = new RpcServer(workerSide, simulationContract, fake.implementation, fake.events, { scheduler: clock });
  // What arrives at the worker, to prove refused calls never got there.
  mainToWorker.onMessage(() => {});
  const upstream = new RpcClient<SimulationApi, SimulationEvents>(
    {
      ...mainToWorker,
      postMessage: (m, t) => {
        seen.push((m as { type: string; method?: string }).method ?? (m as { type: string }).type);
        mainToWorker.postMessage(m, t);
      },
    },
    simulationContract,
  );
  const relay = relayTo(simulationContract, upstream);
  const [mainSide, rendererSide] = createMemoryPortPair();
  const relayServer = new RpcServer(mainSide, simulationContract, relay.implementation, relay.events, { scheduler: clock });
  const renderer = new RpcClient<SimulationApi, SimulationEvents>(rendererSide, simulationContract);
  return { clock, fake, seen, renderer, workerServer, relayServer };
}

describe('validating relay', () => {
  it('forwards valid calls and their results, bytes included', async () => {
    const { renderer } = chain();
    expect(await renderer.api.instances()).toEqual(['web', 'db']);
    expect(await renderer.api.load('invalid', 3)).toMatchObject({ ok: false });
    expect([...(await renderer.api.frameHex(4))!]).toEqual([0, 1, 2, 3]);
    expect((await renderer.api.capturePage(0, 2)).rows).toHaveLength(2);
  });

  it('stops unknown methods and malformed arguments at the relay', async () => {
    const { renderer, seen } = chain();
    const call = renderer.call.bind(renderer) as (m: string, a: unknown[]) => Promise<unknown>;
    await expect(call('configureLink', [])).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(call('step', [-1])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(seen).toEqual([]);
    await expect(renderer.api.exec('busy', 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(seen).toEqual(['exec']);
  });

  it('passes a cancel on to the worker', async () => {
    const { renderer, seen, fake } = chain();
    const controller = new AbortController();
    const running = renderer.withOptions({ signal: controller.signal }).run();
    await renderer.api.instances(); // the run call has reached the worker
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(RpcError);
    await renderer.api.instances();
    expect(seen).toContain('cancel');
    expect(await fake.implementation.now({ signal: new AbortController().signal })).toBe(1);
  });

  it('re-serves the worker’s events, coalesced again', async () => {
    const { renderer, fake, clock } = chain();
    const times: number[] = [];
    renderer.events.status((s) => times.push(s.time));
    await renderer.api.now();
    await renderer.api.now();
    for (let t = 1; t <= 50; t++) fake.status.fire({ time: t, running: true, frames: 0 });
    await renderer.api.now();
    clock.advance(34);
    await renderer.api.now();
    clock.advance(34);
    await renderer.api.now();
    expect(times[0]).toBe(1);
    expect(times.at(-1)).toBe(50);
    expect(times.length).toBeLessThanOrEqual(3);
  });
});
