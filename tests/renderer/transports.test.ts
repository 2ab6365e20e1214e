// @vitest-environment happy-dom
/** The two transports: Electron's MessagePort hand-over and browser mode's WebSocket per contract. */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../core/contract/simulation.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { RpcServer } from '../../core/rpc/server.ts';
import { messagePortPort as nodeMessagePortPort } from '../../main/rpc/worker-port.ts';
import { realScheduler } from '../../main/rpc/real-scheduler.ts';
import { ConnectError } from '../../renderer/src/transport/connector.ts';
import { electronConnector } from '../../renderer/src/transport/electron.ts';
import { messagePortPort, type MessagePortLike } from '../../renderer/src/transport/message-port.ts';
import { rpcUrl, webSocketConnector } from '../../renderer/src/transport/websocket.ts';
import { createSimulationHost } from '../../main/host/simulation-host.ts';

describe('MessagePort transport', () => {
  it('carries calls and events over a real MessagePort pair, and reports closure from the far end', async () => {
    const { port1, port2 } = new MessageChannel();
    const sim = createSimulationHost({ yieldNow: () => new Promise<void>((r) => setTimeout(r, 0)) });
    const server = new RpcServer(nodeMessagePortPort(port2), simulationContract, sim.implementation, sim.events, { scheduler: realScheduler });
    // Node's MessagePort has the DOM's addEventListener/start/close: the same code path as the page's.
    const client = new RpcClient<SimulationApi, SimulationEvents>(messagePortPort(port1 as unknown as MessagePortLike), simulationContract);
    expect(await client.api.instances()).toEqual([]);
    expect((await client.api.load('version: 1\n')).ok).toBe(true);
    const closed = new Promise<void>((resolve) => client.onDidDisconnect(resolve));
    server.dispose();
    await closed;
    sim.dispose();
  });
});

/** A window stand-in: its own message events, and a bridge whose connect() posts a port back. */
function fakeElectronWindow(answer: 'port' | 'nothing' | 'throw') {
  const target = new EventTarget() as unknown as Window;
  const requested: string[] = [];
  const bridge = {
    connect(contract: 'simulation' | 'workspace' | 'host') {
      requested.push(contract);
      if (answer === 'throw') throw new Error('no such contract');
      if (answer === 'nothing') return;
      const { port1 } = new MessageChannel();
      // What main does through the preload: window.postMessage(message, '*', [port]).
      setTimeout(() => {
        // Another contract's port first, and one from another source: both must be ignored.
        target.dispatchEvent(Object.assign(new Event('message'), { data: { type: 'underlay:port', contract: 'other' }, source: target, ports: [port1] }));
        target.dispatchEvent(Object.assign(new Event('message'), { data: { type: 'underlay:port', contract }, source: null, ports: [port1] }));
        target.dispatchEvent(Object.assign(new Event('message'), { data: { type: 'underlay:port', contract }, source: target, ports: [port1] }));
      }, 0);
    },
  };
  return { target, bridge, requested };
}

describe('Electron transport', () => {
  it('asks the preload for a contract and takes the port main posts back for it', async () => {
    const w = fakeElectronWindow('port');
    const port = await electronConnector(w.bridge, w.target)('simulation');
    expect(w.requested).toEqual(['simulation']);
    expect(typeof port.postMessage).toBe('function');
    port.close();
  });

  it('fails in words when no port comes, or the preload refuses', async () => {
    await expect(electronConnector(fakeElectronWindow('nothing').bridge, fakeElectronWindow('nothing').target, 20)('host')).rejects.toThrow(
      'The Underlay app did not open the host channel within 0.02 s.',
    );
    const w = fakeElectronWindow('throw');
    await expect(electronConnector(w.bridge, w.target)('workspace')).rejects.toThrow('The Underlay app refused the workspace channel: no such contract');
  });
});

/** Enough of a WebSocket to drive the connector: it opens or closes when told. */
class FakeSocket extends EventTarget {
  binaryType = 'blob';
  readyState = 0;
  constructor(readonly url: string) {
    super();
  }
  send(): void {}
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  refuse(reason = ''): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason }));
  }
}

describe('WebSocket transport', () => {
  const page = { protocol: 'http:', host: '127.0.0.1:5173', search: '?token=s3cr%2Bt' };

  it('opens ws://<host>/rpc/<contract>?token=<the page’s token> in binary mode', async () => {
    const sockets: FakeSocket[] = [];
    const connect = webSocketConnector(page, (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      setTimeout(() => s.open(), 0);
      return s as unknown as WebSocket;
    });
    const port = await connect('simulation');
    expect(sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:5173/rpc/simulation?token=s3cr%2Bt']);
    expect(sockets[0].binaryType).toBe('arraybuffer');
    expect(typeof port.onMessage).toBe('function');
    expect(rpcUrl({ ...page, protocol: 'https:' }, 'host', 'a b')).toBe('wss://127.0.0.1:5173/rpc/host?token=a%20b');
  });

  it('says a refused or missing host in words, and that a page without its token cannot connect at all', async () => {
    const refused = webSocketConnector(page, (url) => {
      const s = new FakeSocket(url);
      setTimeout(() => s.refuse('wrong token'), 0);
      return s as unknown as WebSocket;
    });
    await expect(refused('workspace')).rejects.toThrow('Could not reach the Underlay host at 127.0.0.1:5173. Is it still running, and is this the address it printed? It said: wrong token.');
    const noToken = webSocketConnector({ ...page, search: '' }, () => {
      throw new Error('must not open a socket');
    });
    const error = await noToken('simulation').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ fatal: true, message: 'This page was opened without its access token. Open the address Underlay printed when it started.' });
  });
});
