/**
 * The shared RPC suite across a real worker thread, and proof that bytes are transferred (the
 * sender's buffer is detached) rather than copied.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { messagePortPort, workerPort } from '../../../main/rpc/worker-port.ts';
import { fakeSimulation } from '../../core/rpc/support/fake-simulation.ts';
import { rpcSuite } from '../../core/rpc/support/rpc-suite.ts';
import { startTsWorker } from './support/ts-worker.ts';

function startWorker(): Worker {
  return startTsWorker(new URL('./support/simulation-worker.ts', import.meta.url));
}

rpcSuite('a worker thread', async () => {
  const worker = startWorker();
  const client = new RpcClient<SimulationApi, SimulationEvents>(workerPort(worker), simulationContract);
  return {
    client,
    async close() {
      await worker.terminate();
      await new Promise((r) => setImmediate(r));
    },
  };
});

describe('worker ports transfer bytes', () => {
  it('detaches a transferred buffer at the sender', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = messagePortPort(port1);
    const b = messagePortPort(port2);
    const received = new Promise<unknown>((resolve) => b.onMessage(resolve));
    const bytes = new Uint8Array(1024).fill(7);
    a.postMessage({ bytes }, [bytes.buffer]);
    expect(bytes.byteLength).toBe(0);
    const got = (await received) as { bytes: Uint8Array };
    expect(got.bytes.byteLength).toBe(1024);
    expect(got.bytes[1023]).toBe(7);
    a.close();
  });

  it('hands results over: the implementation’s buffers are detached after the answer', async () => {
    const { port1, port2 } = new MessageChannel();
    const fake = fakeSimulation();
    const server = new RpcServer(messagePortPort(port1), simulationContract, fake.implementation, fake.events, { scheduler: realScheduler });
    const client = new RpcClient<SimulationApi, SimulationEvents>(messagePortPort(port2), simulationContract);
    const hex = await client.api.frameHex(4096);
    const pcap = await client.api.exportPcapng();
    const detail = await client.api.frameDetail(2);
    expect(hex!.byteLength).toBe(4096);
    expect(pcap.byteLength).toBe(64);
    expect([...detail!.sources[0].bytes]).toEqual([1, 2, 3]);
    expect(fake.handedOut.map((b) => b.byteLength)).toEqual([0, 0, 0]);
    server.dispose();
  });

  it('copies (never detaches) a view into a larger buffer', async () => {
    const { port1, port2 } = new MessageChannel();
    const arena = new Uint8Array(256).fill(9);
    const fake = fakeSimulation();
    const server = new RpcServer(messagePortPort(port1), simulationContract, { ...fake.implementation, frameHex: () => arena.subarray(16, 32) }, fake.events, {
      scheduler: realScheduler,
    });
    const client = new RpcClient<SimulationApi, SimulationEvents>(messagePortPort(port2), simulationContract);
    const hex = await client.api.frameHex(1);
    expect(hex!.byteLength).toBe(16);
    expect(arena.byteLength).toBe(256);
    server.dispose();
  });

  it('sees the worker’s exit as a disconnect', async () => {
    const worker = startWorker();
    const client = new RpcClient<SimulationApi, SimulationEvents>(workerPort(worker), simulationContract);
    expect(await client.api.instances()).toEqual(['web', 'db']);
    const running = client.api.run().catch((e: unknown) => e);
    await client.api.now();
    await worker.terminate();
    expect(await running).toMatchObject({ code: 'DISCONNECTED' });
  });
});
