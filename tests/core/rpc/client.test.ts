/** Client-side behaviour that needs a controlled far end: time limits, listen bookkeeping, disposal. */
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { ManualScheduler } from './support/manual-scheduler.ts';
import { rawPeer } from './support/raw-peer.ts';

function client(options: { timeoutMs?: number; scheduler?: ManualScheduler } = {}) {
  const peer = rawPeer();
  return { peer, client: new RpcClient<SimulationApi, SimulationEvents>(peer.port, simulationContract, options) };
}

describe('RpcClient', () => {
  it('times out with TIMEOUT and cancels at the server', async () => {
    const clock = new ManualScheduler();
    const { peer, client: c } = client({ scheduler: clock, timeoutMs: 1000 });
    const slow = c.api.run().catch((e: unknown) => e);
    const quick = c.withOptions({ timeoutMs: 10 }).now().catch((e: unknown) => e);
    await peer.flush();
    clock.advance(10);
    expect(await quick).toMatchObject({ code: 'TIMEOUT', message: 'now timed out after 10 ms' });
    clock.advance(990);
    expect(await slow).toMatchObject({ code: 'TIMEOUT' });
    await peer.flush();
    expect(peer.received).toEqual([
      { type: 'call', id: 1, method: 'run', args: [] },
      { type: 'call', id: 2, method: 'now', args: [] },
      { type: 'cancel', id: 2 },
      { type: 'cancel', id: 1 },
    ]);
    // A late answer is ignored; no timer is left behind.
    peer.send({ type: 'result', id: 1, value: 'idle' });
    await peer.flush();
    expect(clock.pending).toBe(0);
  });

  it('refuses a time limit without a scheduler', async () => {
    const { client: c } = client();
    await expect(c.withOptions({ timeoutMs: 5 }).now()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('sends trailing undefined arguments as absent (JSON would make them null)', async () => {
    const { peer, client: c } = client();
    void c.api.capturePage(0, 10, undefined);
    void c.api.load('x', undefined);
    await peer.flush();
    expect(peer.received).toMatchObject([{ args: [0, 10] }, { args: ['x'] }]);
  });

  it('asks for an event once, however many listeners, and stops when the last one leaves', async () => {
    const { peer, client: c } = client();
    const a = c.events.output(() => {});
    const b = c.events.output(() => {});
    a.dispose();
    b.dispose();
    const s = c.events.status(() => {});
    await peer.flush();
    expect(peer.received).toEqual([
      { type: 'listen', event: 'output' },
      { type: 'unlisten', event: 'output' },
      { type: 'listen', event: 'status' },
    ]);
    s.dispose();
  });

  it('keeps delivering events when a listener throws', async () => {
    const problems: string[] = [];
    const peer = rawPeer();
    const c = new RpcClient<SimulationApi, SimulationEvents>(peer.port, simulationContract, { onProblem: (p) => problems.push(p) });
    const got: number[] = [];
    c.events.status(() => {
      throw new Error('boom');
    });
    c.events.status((s) => got.push(s.time));
    peer.send({ type: 'event', event: 'status', values: [{ time: 1 }, { time: 2 }], dropped: 0 });
    await peer.flush();
    expect(got).toEqual([1, 2]);
    expect(problems).toHaveLength(2);
  });

  it('fails calls with DISCONNECTED on dispose, and closes the port', async () => {
    const { client: c } = client();
    const pending = c.api.now().catch((e: unknown) => e);
    c.dispose();
    expect(await pending).toMatchObject({ code: 'DISCONNECTED' });
    await expect(c.api.now()).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(c.isConnected).toBe(false);
  });

  it('rejects arguments the transport cannot carry without sending anything', async () => {
    const peer = rawPeer();
    const port = { ...peer.port, postMessage: (m: unknown) => structuredClone(m) };
    const c = new RpcClient<SimulationApi, SimulationEvents>(port, simulationContract);
    await expect((c.call.bind(c) as (m: string, a: unknown[]) => Promise<unknown>)('filterCheck', [() => 1])).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });
});
