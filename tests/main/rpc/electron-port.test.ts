/**
 * The Electron MessagePortMain adapter against a stand-in (the real binary cannot run here): two
 * linked fake ports that structured-clone like Electron's, with the RPC suite's basics over them.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import { electronPort, type MessagePortMainLike } from '../../../main/rpc/electron-port.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { fakeSimulation } from '../../core/rpc/support/fake-simulation.ts';

class FakePortMain extends EventEmitter implements MessagePortMainLike {
  peer!: FakePortMain;
  started = false;
  private queued: unknown[] = [];
  private closed = false;

  postMessage(message: unknown): void {
    if (this.closed) return;
    const data = structuredClone(message);
    setImmediate(() => this.peer.deliver(data));
  }
  start(): void {
    this.started = true;
    for (const m of this.queued.splice(0)) this.emit('message', { data: m, ports: [] });
  }
  close(): void {
    if (this.closed) return;
    this.closed = this.peer.closed = true;
    setImmediate(() => {
      this.emit('close');
      this.peer.emit('close');
    });
  }
  private deliver(data: unknown): void {
    if (this.started) this.emit('message', { data, ports: [] });
    else this.queued.push(data);
  }
}

function pair(): [FakePortMain, FakePortMain] {
  const a = new FakePortMain();
  const b = new FakePortMain();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('electronPort', () => {
  it('starts the port when listened to, and carries calls, bytes and refusals', async () => {
    const [mainEnd, pageEnd] = pair();
    const fake = fakeSimulation();
    new RpcServer(electronPort(mainEnd), simulationContract, fake.implementation, fake.events, { scheduler: realScheduler });
    expect(mainEnd.started).toBe(true);
    const client = new RpcClient<SimulationApi, SimulationEvents>(electronPort(pageEnd), simulationContract);
    expect(await client.api.instances()).toEqual(['web', 'db']);
    expect([...(await client.api.frameHex(3))!]).toEqual([0, 1, 2]);
    await expect(client.api.step(0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    const running = client.api.run().catch((e: unknown) => e);
    mainEnd.close();
    expect(await running).toMatchObject({ code: 'DISCONNECTED' });
  });
});
