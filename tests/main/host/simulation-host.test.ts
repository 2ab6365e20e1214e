/**
 * The simulation contract's implementation in the worker, in process: slicing does not change the
 * world, pause reaches a run in progress, results' bytes are handed over (transferred) across a
 * real MessagePort, and the calls have sensible answers before any topology is loaded.
 */
import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents, type SimulationStatus } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import type { CallContext } from '../../../core/rpc/service-types.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';
import { createSimulationHost } from '../../../main/host/simulation-host.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { messagePortPort } from '../../../main/rpc/worker-port.ts';

const MINIMAL = readFileSync(new URL('../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');
const ctx = { signal: new AbortController().signal };
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

describe('simulation host', () => {
  it('runs in slices without changing the world', async () => {
    const host = createSimulationHost({ yieldNow, sliceEvents: 3 });
    const statuses: SimulationStatus[] = [];
    host.events.status((s) => statuses.push(s));
    const impl = host.implementation;
    expect(impl.load(MINIMAL, 9, ctx)).toMatchObject({ ok: true });
    impl.exec('web', 'ping -c 3 db', ctx);
    expect(await impl.run(4_000_000_000, ctx)).toBe('until');
    expect(statuses.length).toBeGreaterThan(5); // one per slice; the RPC server coalesces them
    expect(statuses.at(-1)).toMatchObject({ time: 4_000_000_000, running: false });
    await expect(Promise.resolve().then(() => impl.run(1, ctx))).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });

    const direct = SimulationService.load(MINIMAL, { seed: 9 });
    if (!direct.ok) throw new Error('does not load');
    direct.service.exec('web', 'ping -c 3 db');
    direct.service.run(4_000_000_000);
    expect(await impl.exportPcapng(ctx)).toEqual(direct.service.pcapngBytes());
    host.dispose();
  });

  it('pauses a run in progress', async () => {
    const host = createSimulationHost({ yieldNow, sliceEvents: 10 });
    const impl = host.implementation;
    impl.load(MINIMAL, 1, ctx);
    impl.exec('web', 'ping -c 100000 -i 0.001 db', ctx);
    const running = impl.run(undefined, ctx);
    await yieldNow();
    impl.pause(ctx);
    expect(await running).toBe('paused');
    expect(await impl.now(ctx)).toBeGreaterThan(0);
    host.dispose();
  });

  it('stops a paused run at a whole nanosecond, so a run to that time reaches the same world', async () => {
    // One event per slice: a pause can fall between any two events, also two of one nanosecond.
    for (let pauseAfter = 1; pauseAfter <= 12; pauseAfter++) {
      let turns = 0;
      let paused: ReturnType<typeof createSimulationHost> | null = null;
      const host = createSimulationHost({
        sliceEvents: 1,
        yieldNow: () => {
          if (++turns === pauseAfter) paused!.implementation.pause(ctx);
          return Promise.resolve();
        },
      });
      paused = host;
      const impl = host.implementation;
      impl.load(MINIMAL, 4, ctx);
      // Both at time 0: their packets' events fall on the same nanoseconds.
      impl.exec('web', 'ping -c 2 db', ctx);
      impl.exec('db', 'ping -c 2 web', ctx);
      expect(await impl.run(undefined, ctx)).toBe('paused');
      const reached = await impl.now(ctx);

      const replay = createSimulationHost({ yieldNow });
      replay.implementation.load(MINIMAL, 4, ctx);
      replay.implementation.exec('web', 'ping -c 2 db', ctx);
      replay.implementation.exec('db', 'ping -c 2 web', ctx);
      await replay.implementation.run(reached, ctx);
      expect({ pauseAfter, pcapng: await replay.implementation.exportPcapng(ctx) }).toEqual({ pauseAfter, pcapng: await impl.exportPcapng(ctx) });
      host.dispose();
      replay.dispose();
    }
  });

  it('keeps the old world when a document does not build', async () => {
    const host = createSimulationHost({ yieldNow });
    const impl = host.implementation;
    impl.load(MINIMAL, 1, ctx);
    const bad = await impl.load('version: 1\ninstances: { a: { subnet: nowhere } }', 1, ctx);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    expect((await impl.instances(ctx)).sort()).toEqual(['db', 'web']);
    host.dispose();
  });

  it('answers before any topology is loaded', async () => {
    const host = createSimulationHost({ yieldNow });
    const impl = host.implementation;
    expect(await impl.now(ctx)).toBe(0);
    expect(await impl.instances(ctx)).toEqual([]);
    expect(await impl.exec('web', 'ping db', ctx)).toEqual({ ok: false, error: 'no topology is loaded' });
    expect((await impl.capturePage(0, 10, undefined, ctx)).total).toBe(0);
    expect(await impl.filterCheck('tcp.port == 80', ctx)).toEqual({ ok: true });
    expect(await impl.filterCheck('tcp.port ==', ctx)).toMatchObject({ ok: false });
    expect((await impl.exportPcapng(ctx)).byteLength).toBeGreaterThan(0);
    host.dispose();
  });

  it('goes on with a partial filtered list while idle, so the next ask finds it whole', async () => {
    const TWO_RACKS = readFileSync(new URL('../../../resources/topologies/two-racks.yaml', import.meta.url), 'utf8');
    const host = createSimulationHost({ yieldNow });
    const impl = host.implementation;
    expect(impl.load(TWO_RACKS, 1, ctx)).toMatchObject({ ok: true });
    impl.exec('client', 'bulk -u -n 4000 -s 16 -i 1 10.0.1.20 9000', ctx);
    await impl.run(4000 * 1000 + 20_000_000, ctx);
    const filter = 'ip.src == 10.0.1.10 && !geneve';
    const direct = SimulationService.load(TWO_RACKS, { seed: 1 });
    if (!direct.ok) throw new Error('does not load');
    direct.service.exec('client', 'bulk -u -n 4000 -s 16 -i 1 10.0.1.20 9000');
    direct.service.run(4000 * 1000 + 20_000_000);
    const whole = direct.service.query.filter(filter);
    if (!whole.ok) throw new Error(whole.error.message);

    const first = await impl.captureFrames({ offset: 0, count: 100, filter }, ctx);
    expect(first.partial).toBe(true);
    // ~80k frames: an ask tests at most FILTER_STEP_FRAMES more, so one more ask alone would still
    // be partial; idle turns of the event loop finish the filter first.
    for (let i = 0; i < 10; i++) await yieldNow();
    const next = await impl.captureFrames({ offset: first.total, count: 0, filter }, ctx);
    expect(next.partial).toBe(false);
    expect(next.total).toBe(whole.frames.length);
    host.dispose();
  });

  it('hands frame bytes over a MessagePort: the worker’s copy is detached', async () => {
    const host = createSimulationHost({ yieldNow });
    const handed: Uint8Array[] = [];
    const impl = {
      ...host.implementation,
      frameHex: async (n: number, c: CallContext) => {
        const bytes = await host.implementation.frameHex(n, c);
        if (bytes) handed.push(bytes);
        return bytes;
      },
      exportPcapng: async (c: CallContext) => {
        const bytes = await host.implementation.exportPcapng(c);
        handed.push(bytes);
        return bytes;
      },
    };
    const { port1, port2 } = new MessageChannel();
    const server = new RpcServer(messagePortPort(port1), simulationContract, impl, host.events, { scheduler: realScheduler });
    const client = new RpcClient<SimulationApi, SimulationEvents>(messagePortPort(port2), simulationContract);
    await client.api.load(MINIMAL, 2);
    await client.api.exec('web', 'ping -c 1 db');
    await client.api.run(2_000_000_000);
    const page = await client.api.capturePage(0, 3);
    const hex = await client.api.frameHex(page.rows[0].number);
    const file = await client.api.exportPcapng();
    expect(hex!.byteLength).toBe(page.rows[0].length);
    expect(file.byteLength).toBeGreaterThan(100);
    expect(handed.map((b) => b.byteLength)).toEqual([0, 0]); // transferred, not copied
    client.dispose();
    server.dispose();
    host.dispose();
  });
});
