// @vitest-environment happy-dom
/** The connection store over in-memory ports to a real host stack: coming up, dropping, retrying, giving up. */
import { afterEach, describe, expect, it } from 'vitest';
import { useConnectionStore } from '../../renderer/src/stores/connection.ts';
import { ConnectError } from '../../renderer/src/transport/connector.ts';
import { createHarness, type Harness } from './support/harness.ts';
import { connected, testBackoff } from './support/mount.ts';

let harness: Harness | undefined;
afterEach(() => {
  useConnectionStore().stop();
  harness?.dispose();
  harness = undefined;
});

describe('connection store', () => {
  it('connects one port per contract and reports connecting, then connected', async () => {
    harness = createHarness();
    const seen: string[] = [];
    const { pinia } = await connected({ harness, wait: false });
    const connection = useConnectionStore(pinia);
    connection.$subscribe(() => seen.push(connection.phase));
    expect(connection.phase).toBe('connecting');
    await expect.poll(() => connection.phase).toBe('connected');
    expect(connection.generation).toBe(1);
    expect(connection.reason).toBeNull();
    expect(harness.connections).toEqual({ simulation: 1, workspace: 1, host: 1, labs: 1 });
    expect(await connection.clients!.simulation.api.instances()).toEqual([]);
    expect(seen.at(-1)).toBe('connected');
  });

  it('reconnects after the host drops the connection, and says why it is down meanwhile', async () => {
    ({ harness } = await connected());
    const connection = useConnectionStore();
    const first = connection.clients;
    // Every phase and reason it passes through, however briefly (retries here are milliseconds apart).
    const phases: string[] = [];
    const reasons: string[] = [];
    connection.$subscribe(
      () => {
        if (phases.at(-1) !== connection.phase) phases.push(connection.phase);
        if (connection.reason && reasons.at(-1) !== connection.reason) reasons.push(connection.reason);
      },
      { flush: 'sync' },
    );
    harness.refuse(1, 'The test host is restarting.');
    harness.dropAll();
    await expect.poll(() => connection.phase).toBe('connected');
    expect(phases).toEqual(['reconnecting', 'connected']);
    // The first retry is refused: the reason becomes the refusal, and it keeps trying.
    expect(reasons).toEqual(['The connection to the Underlay host was lost.', 'The test host is restarting.']);
    expect(connection.reason).toBeNull();
    expect(connection.generation).toBe(2);
    expect(connection.clients).not.toBe(first);
    expect(harness.connections.simulation).toBe(2);
    expect(await connection.clients!.simulation.api.now()).toBe(0);
  });

  it('gives up after the last attempt of the backoff, then tries again on request', async () => {
    harness = createHarness();
    harness.refuse(testBackoff.maxAttempts, 'Could not reach the Underlay host at 127.0.0.1:9.');
    const { pinia } = await connected({ harness, wait: false });
    const connection = useConnectionStore(pinia);
    await expect.poll(() => connection.phase).toBe('failed');
    expect(connection.failures).toBe(testBackoff.maxAttempts);
    expect(connection.reason).toBe('Could not reach the Underlay host at 127.0.0.1:9.');
    expect(connection.retryInMs).toBeNull();
    connection.retryNow();
    await expect.poll(() => connection.phase).toBe('connected');
    expect(connection.failures).toBe(0);
  });

  it('stops at once when trying again cannot help (no access token)', async () => {
    const { pinia } = await connected({
      wait: false,
      harness: { ...createHarness(), connector: () => Promise.reject(new ConnectError('This page was opened without its access token.', true)) },
    });
    const connection = useConnectionStore(pinia);
    await expect.poll(() => connection.phase).toBe('failed');
    expect(connection.failures).toBe(1);
    expect(connection.reason).toBe('This page was opened without its access token.');
  });

  it('words unexpected failures as a sentence, not a stack', async () => {
    const { pinia } = await connected({ wait: false, harness: { ...createHarness(), connector: () => Promise.reject(new TypeError('socket exploded')) } });
    const connection = useConnectionStore(pinia);
    await expect.poll(() => connection.reason).toBe('Could not connect: socket exploded');
  });
});
