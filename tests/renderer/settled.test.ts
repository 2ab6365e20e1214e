/** startUpSettled: waits for the connection and for every start-up answer, then a quiet spell; never forever. */
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../core/contract/simulation.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { pendingOf, startUpSettled, type SettleSource } from '../../renderer/src/rpc/settled.ts';
import { rawPeer } from '../core/rpc/support/raw-peer.ts';

/** A virtual clock: sleeping moves time and lets the test change the source at given times. */
function clock(script: (t: number) => void) {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      script(t);
    },
    nextFrame: async () => {},
    get t() {
      return t;
    },
  };
}

describe('startUpSettled', () => {
  it('resolves only after the connection is up and nothing has been pending for the quiet spell', async () => {
    const clients = { a: { pendingCalls: 0 }, b: { pendingCalls: 0 } };
    const source: { phase: string; clients: object | null } = { phase: 'connecting', clients: null };
    const c = clock((t) => {
      if (t === 100) {
        source.phase = 'connected';
        source.clients = clients;
        clients.a.pendingCalls = 2; // the start-up calls go out
      }
      if (t === 150) clients.a.pendingCalls = 0;
      if (t === 175) clients.b.pendingCalls = 1; // a store asks on a timer after connecting
      if (t === 300) clients.b.pendingCalls = 0;
    });
    await startUpSettled(source, { pollMs: 25, quietMs: 100, maxWaitMs: 10_000, ...c });
    // Quiet from 150 to 175 is too short; from 300, the spell ends at 400.
    expect(c.t).toBe(400);
  });

  it('gives up waiting after maxWaitMs, and at once when the connection failed', async () => {
    const busy: SettleSource = { phase: 'connected', clients: { a: { pendingCalls: 1 } } };
    const c = clock(() => {});
    await startUpSettled(busy, { pollMs: 25, quietMs: 100, maxWaitMs: 500, ...c });
    expect(c.t).toBe(500);
    const failed = clock(() => {});
    await startUpSettled({ phase: 'failed', clients: null }, { ...failed, maxWaitMs: 500 });
    expect(failed.t).toBe(0);
  });

  it('counts the calls an RpcClient has in flight', async () => {
    const peer = rawPeer();
    const client = new RpcClient<SimulationApi, SimulationEvents>(peer.port, simulationContract);
    const both = Promise.all([client.api.now(), client.api.instances()]);
    expect(client.pendingCalls).toBe(2);
    expect(pendingOf({ phase: 'connected', clients: { simulation: client, other: {} } })).toBe(2);
    await peer.flush();
    peer.send({ type: 'result', id: 1, value: 5 });
    await peer.flush();
    expect(client.pendingCalls).toBe(1);
    peer.send({ type: 'result', id: 2, value: [] });
    expect(await both).toEqual([5, []]);
    expect(client.pendingCalls).toBe(0);
    client.dispose();
  });
});
