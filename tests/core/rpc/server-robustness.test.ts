/**
 * The server as a gate: unknown methods, malformed arguments and garbage are answered with error
 * codes and reported, never passed on, never thrown. Fuzzed with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { MalformedFrame } from '../../../core/rpc/port.ts';
import { parseServerMessage } from '../../../core/rpc/protocol.ts';
import { RpcServer, type RpcProblem } from '../../../core/rpc/server.ts';
import { fakeSimulation } from './support/fake-simulation.ts';
import { ManualScheduler } from './support/manual-scheduler.ts';
import { rawPeer } from './support/raw-peer.ts';

function serve(options: { maxPendingCalls?: number } = {}) {
  const peer = rawPeer();
  const fake = fakeSimulation();
  const calls: string[] = [];
  // Count what reaches the implementation: nothing refused may get there.
  const counted = Object.fromEntries(
    Object.entries(fake.implementation).map(([name, fn]) => [name, (...args: unknown[]) => (calls.push(name), (fn as (...a: unknown[]) => unknown)(...args))]),
  ) as typeof fake.implementation;
  const problems: RpcProblem[] = [];
  const server = new RpcServer(peer.port, simulationContract, counted, fake.events, { scheduler: new ManualScheduler(), onProblem: (p) => problems.push(p), ...options });
  return { peer, fake, calls, problems, server };
}

describe('RpcServer refuses what the contract does not allow', () => {
  it('answers unknown methods and bad arguments with codes, without calling the implementation', async () => {
    const { peer, calls, problems } = serve();
    peer.send({ type: 'call', id: 1, method: 'configureLink', args: ['a', {}] });
    peer.send({ type: 'call', id: 2, method: 'constructor', args: [] });
    peer.send({ type: 'call', id: 3, method: 'hasOwnProperty', args: ['x'] });
    peer.send({ type: 'call', id: 4, method: 'step', args: [] });
    peer.send({ type: 'call', id: 5, method: 'exec', args: ['web', 'x'.repeat(5000)] });
    peer.send({ type: 'call', id: 6, method: 'load', args: ['ok', 1, 'extra'] });
    await peer.flush();
    expect(peer.received.map((m) => [(m as { id: number }).id, (m as { code: string }).code])).toEqual([
      [1, 'UNKNOWN_METHOD'],
      [2, 'UNKNOWN_METHOD'],
      [3, 'UNKNOWN_METHOD'],
      [4, 'INVALID_ARGUMENTS'],
      [5, 'INVALID_ARGUMENTS'],
      [6, 'INVALID_ARGUMENTS'],
    ]);
    expect(calls).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['UNKNOWN_METHOD', 'UNKNOWN_METHOD', 'UNKNOWN_METHOD', 'INVALID_ARGUMENTS', 'INVALID_ARGUMENTS', 'INVALID_ARGUMENTS']);
  });

  it('answers malformed messages with INVALID_MESSAGE, echoing a usable id', async () => {
    const { peer } = serve();
    const garbage = [
      null,
      42,
      'call',
      [],
      {},
      { type: 'call' },
      { type: 'call', id: -1, method: 'now', args: [] },
      { type: 'call', id: 2 ** 60, method: 'now', args: [] },
      { type: 'call', id: 1.5, method: 'now', args: [] },
      { type: 'call', id: '1', method: 'now', args: [] },
      { type: 'call', id: 9, method: 'now', args: 'nope' },
      { type: 'call', id: 10, method: 'x'.repeat(10_000), args: [] },
      { type: 'cancel' },
      { type: 'listen' },
      { type: 'explode', id: 11 },
      new MalformedFrame('bad bytes'),
    ];
    for (const g of garbage) peer.send(g);
    await peer.flush();
    expect(peer.received).toHaveLength(garbage.length);
    for (const m of peer.received) expect(m).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    const ids = peer.received.map((m) => (m as { id: unknown }).id);
    expect(ids).toEqual([null, null, null, null, null, null, null, null, null, null, 9, 10, null, null, 11, null]);
  });

  it('refuses a listen to an event the contract does not have', async () => {
    const { peer } = serve();
    peer.send({ type: 'listen', event: 'secrets' });
    peer.send({ type: 'listen', event: '__proto__' });
    await peer.flush();
    expect(peer.received).toMatchObject([{ code: 'UNKNOWN_EVENT', id: null }, { code: 'UNKNOWN_EVENT', id: null }]);
  });

  it('does not inherit contract entries from prototypes', async () => {
    const { peer, calls } = serve();
    peer.send(JSON.parse('{"type":"call","id":1,"method":"now","args":[],"__proto__":{"type":"cancel"}}'));
    peer.send(Object.assign(Object.create({ type: 'call', id: 2, method: 'now', args: [] }), {}));
    await peer.flush();
    expect(peer.received).toEqual([{ type: 'result', id: 1, value: 0 }, expect.objectContaining({ code: 'INVALID_MESSAGE' })]);
    expect(calls).toEqual(['now']);
  });

  it('refuses more calls in flight than allowed, and a duplicate id', async () => {
    const { peer, server } = serve({ maxPendingCalls: 2 });
    peer.send({ type: 'call', id: 1, method: 'run', args: [] });
    peer.send({ type: 'call', id: 1, method: 'run', args: [] });
    peer.send({ type: 'call', id: 2, method: 'run', args: [] });
    peer.send({ type: 'call', id: 3, method: 'run', args: [] });
    await peer.flush();
    expect(peer.received).toMatchObject([{ id: 1, code: 'INVALID_MESSAGE' }, { id: 3, code: 'OVERLOADED' }]);
    expect(server.pendingCalls).toBe(2);
    peer.send({ type: 'cancel', id: 1 });
    peer.send({ type: 'cancel', id: 1 }); // a second cancel is ignored
    await peer.flush();
    expect(peer.received[2]).toEqual({ type: 'error', id: 1, code: 'CANCELLED', message: 'cancelled by the caller' });
    expect(peer.received).toHaveLength(3);
    expect(server.pendingCalls).toBe(1);
  });

  it('aborts calls in flight when the port closes, and answers nothing after', async () => {
    const { peer, server, fake } = serve();
    peer.send({ type: 'call', id: 1, method: 'run', args: [] });
    await peer.flush();
    peer.close();
    await peer.flush();
    expect(server.pendingCalls).toBe(0);
    expect(await fake.implementation.now({ signal: { aborted: false, addEventListener() {}, removeEventListener() {} } })).toBe(1);
  });

  it('never throws and answers each message at most once, whatever arrives', async () => {
    const callLike = fc.record(
      {
        type: fc.constantFrom('call', 'cancel', 'listen', 'unlisten', 'result', 'nope'),
        id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(2 ** 53), fc.constant(null)),
        method: fc.oneof(fc.constantFrom(...Object.keys(simulationContract.methods), 'toString', '__proto__', 'constructor'), fc.string()),
        event: fc.oneof(fc.constantFrom('output', 'status', '__proto__'), fc.string()),
        args: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const anything = fc.oneof(fc.anything(), callLike);
    await fc.assert(
      fc.asyncProperty(fc.array(anything, { maxLength: 20 }), async (messages) => {
        const { peer, server } = serve();
        for (const m of messages) peer.send(m);
        await peer.flush();
        // Every reply is a well-formed server message; no call id is answered twice.
        const ids = new Set<number>();
        for (const r of peer.received) {
          expect(parseServerMessage(r).ok).toBe(true);
          const id = (r as { id?: unknown }).id;
          if (typeof id === 'number' && (r as { code?: string }).code !== 'INVALID_MESSAGE') {
            expect(ids.has(id)).toBe(false);
            ids.add(id);
          }
        }
        expect(peer.received.length).toBeLessThanOrEqual(messages.length);
        server.dispose();
      }),
      { numRuns: 300 },
    );
  });
});

describe('RpcClient shrugs off garbage from the server', () => {
  it('ignores malformed messages and unknown ids, and reports them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom('result', 'error', 'event'), id: fc.anything(), code: fc.string(), event: fc.string(), values: fc.anything() }, { requiredKeys: [] })), { maxLength: 20 }), async (messages) => {
        const peer = rawPeer();
        const problems: string[] = [];
        const client = new RpcClient<SimulationApi, SimulationEvents>(peer.port, simulationContract, { onProblem: (p) => problems.push(p) });
        client.events.output(() => {});
        for (const m of messages) peer.send(m);
        await peer.flush();
        expect(client.isConnected).toBe(true);
        client.dispose();
      }),
      { numRuns: 200 },
    );
  });
});
