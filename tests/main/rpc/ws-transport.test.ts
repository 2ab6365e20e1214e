/**
 * The shared RPC suite over a real WebSocket on 127.0.0.1: once with the `ws` adapter at both ends,
 * once with the DOM-style adapter of core (driven by `ws`'s WebSocket, which has the DOM event API)
 * at the client end. Plus frames that do not decode: answered with INVALID_MESSAGE, socket kept.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { RpcServer, type RpcProblem } from '../../../core/rpc/server.ts';
import { webSocketPort } from '../../../core/rpc/websocket-port.ts';
import { realScheduler } from '../../../main/rpc/real-scheduler.ts';
import { encodeFrame } from '../../../core/rpc/frame-codec.ts';
import { connectWsPort, wsPort } from '../../../main/rpc/ws-port.ts';
import { fakeSimulation } from '../../core/rpc/support/fake-simulation.ts';
import { rpcSuite, type Connection } from '../../core/rpc/support/rpc-suite.ts';

let wss: WebSocketServer;
let url: string;
const problems: RpcProblem[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (socket) => {
    const fake = fakeSimulation();
    new RpcServer(wsPort(socket), simulationContract, fake.implementation, fake.events, { scheduler: realScheduler, onProblem: (p) => problems.push(p) });
  });
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

async function viaWsAdapter(): Promise<Connection> {
  const { port, socket } = await connectWsPort(url);
  const client = new RpcClient<SimulationApi, SimulationEvents>(port, simulationContract);
  return { client, close: () => closeSocket(socket) };
}

async function viaDomStyleAdapter(): Promise<Connection> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const client = new RpcClient<SimulationApi, SimulationEvents>(webSocketPort(socket), simulationContract);
  return { client, close: () => closeSocket(socket) };
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

rpcSuite('a ws WebSocket', viaWsAdapter);
rpcSuite('a DOM-style WebSocket', viaDomStyleAdapter);

describe('WebSocket frames that do not decode', () => {
  async function rawSocket(): Promise<{ socket: WebSocket; next: () => Promise<unknown> }> {
    const socket = new WebSocket(url);
    const queue: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const m = isBinary ? data : JSON.parse(data.toString('utf8'));
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const next = () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
    return { socket, next };
  }

  it('answers garbage with INVALID_MESSAGE and keeps serving', async () => {
    const { socket, next } = await rawSocket();
    socket.send('{ not json');
    expect(await next()).toMatchObject({ type: 'error', id: null, code: 'INVALID_MESSAGE', message: 'malformed frame: text frame is not JSON' });
    socket.send(Uint8Array.from([1, 255, 255, 255, 255, 0, 0, 0, 0]), { binary: true });
    expect(await next()).toMatchObject({ type: 'error', id: null, code: 'INVALID_MESSAGE' });
    socket.send(Uint8Array.from([9, 0, 0, 0, 0, 2, 0, 0, 0, 123, 125]), { binary: true });
    expect(await next()).toMatchObject({ code: 'INVALID_MESSAGE', message: 'malformed frame: unknown binary frame version 9' });
    socket.send(JSON.stringify({ type: 'call', id: 1e300, method: 'now', args: [] }));
    expect(await next()).toMatchObject({ code: 'INVALID_MESSAGE', id: null });
    socket.send(JSON.stringify({ type: 'call', id: 7, method: 'now', args: [] }));
    expect(await next()).toEqual({ type: 'result', id: 7, value: 0 });
    expect(problems.some((p) => p.code === 'INVALID_MESSAGE')).toBe(true);
    await closeSocket(socket);
  });

  it('does not turn marker-shaped data in a text frame into bytes', async () => {
    const { socket, next } = await rawSocket();
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'filterCheck', args: [{ $bin: 0 }] }));
    expect(await next()).toMatchObject({ id: 1, code: 'INVALID_ARGUMENTS' });
    await closeSocket(socket);
  });

  it('sends a large byte array in a fragment of its own, which a peer receives as one message', async () => {
    // A raw client that keeps the fragments `ws` read, to see how the server sent the message.
    const socket = new WebSocket(url);
    socket.binaryType = 'fragments';
    const got = new Promise<Buffer[]>((resolve) => socket.once('message', (data: Buffer[]) => resolve(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'call', id: 3, method: 'frameHex', args: [100_000] }));
    const fragments = await got;
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments.some((f) => f.length === 100_000)).toBe(true);
    await closeSocket(socket);
    // Both adapters put the message back together (the DOM-style one as the browser does: one buffer).
    for (const connect of [viaWsAdapter, viaDomStyleAdapter]) {
      const c = await connect();
      const hex = await c.client.api.frameHex(100_000);
      expect(hex!.length).toBe(100_000);
      expect(hex!.every((b, i) => b === (i & 0xff))).toBe(true);
      c.client.dispose();
      await c.close();
    }
  });

  it('decodes a binary message a peer cut into fragments its own way', async () => {
    const { socket, next } = await rawSocket();
    // A call sent as a binary frame (bytes it does not need ride along), in three odd fragments.
    const frame = encodeFrame({ type: 'call', id: 9, method: 'now', args: [], pad: new Uint8Array(40_000).fill(1) }) as Uint8Array;
    const cuts = [3, 20_011, frame.length];
    let from = 0;
    for (const to of cuts) {
      socket.send(frame.subarray(from, to), { binary: true, fin: to === frame.length });
      from = to;
    }
    expect(await next()).toEqual({ type: 'result', id: 9, value: 0 });
    await closeSocket(socket);
  });
});
