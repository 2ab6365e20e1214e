/**
 * The RPC behaviour every transport must show, written once and run over in-memory ports, a real
 * worker thread and a real WebSocket. The far end serves fakeSimulation() (fake-simulation.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulationApi, SimulationEvents } from '../../../../core/contract/simulation.ts';
import type { RpcClient } from '../../../../core/rpc/client.ts';
import { RpcError, RpcErrorCode } from '../../../../core/rpc/errors.ts';

type Client = RpcClient<SimulationApi, SimulationEvents>;

export interface Connection {
  readonly client: Client;
  /** Ends the connection and the far end. */
  close(): Promise<void>;
}

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
}

function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

export function rpcSuite(name: string, connect: () => Promise<Connection>): void {
  describe(`RPC suite over ${name}`, () => {
    let open: Connection[] = [];
    const conn = async () => {
      const c = await connect();
      open.push(c);
      return c.client;
    };
    afterEach(async () => {
      for (const c of open) await c.close();
      open = [];
    });

    it('answers calls with the implementation’s results', async () => {
      const api = (await conn()).api;
      expect(await api.load('vpcs: {}')).toEqual({ ok: true, diagnostics: [] });
      const bad = await api.load('invalid', 7);
      expect(bad.ok).toBe(false);
      expect(bad.diagnostics[0].message).toBe('bad document (seed 7)');
      expect(await api.instances()).toEqual(['web', 'db']);
      expect(await api.step(5)).toBe(5);
      expect(await api.pause()).toBeUndefined();
      expect(await api.exec('web', 'echo hi')).toEqual({ ok: true, pid: 1 });
      expect(await api.kill(1)).toBe(true);
      expect(await api.run(1000)).toBe('until');
      expect(await api.filterCheck('ip.src ==')).toEqual({ ok: false, error: { message: 'Unexpected end of filter expression.', start: 9, end: 9 } });
    });

    it('passes optional arguments given or left out', async () => {
      const api = (await conn()).api;
      const plain = await api.capturePage(10, 2);
      expect(plain.rows.map((r) => [r.number, r.protocol])).toEqual([[11, 'ICMP'], [12, 'ICMP']]);
      const filtered = await api.capturePage(0, 1, 'tcp');
      expect(filtered.rows[0].protocol).toBe('TCP');
      expect((await api.capturePage(0, 1, undefined)).rows[0].protocol).toBe('ICMP');
    });

    it('carries bytes intact', async () => {
      const api = (await conn()).api;
      const hex = await api.frameHex(300);
      expect(hex).toBeInstanceOf(Uint8Array);
      expect([...hex!]).toEqual(Array.from({ length: 300 }, (_, i) => i & 0xff));
      expect(await api.frameHex(200_000)).toBeNull();
      const pcap = await api.exportPcapng();
      expect(pcap.length).toBe(64);
      expect(pcap.every((b) => b === 0x0a)).toBe(true);
      const detail = await api.frameDetail(1);
      expect([...detail!.sources[0].bytes]).toEqual([1, 2, 3]);
      expect(detail!.tree[0].label).toBe('Frame');
    });

    it('rejects unknown methods and malformed arguments with error codes', async () => {
      const client = await conn();
      const call = client.call.bind(client) as (m: string, a: unknown[]) => Promise<unknown>;
      expect((await rejection(call('shutdown', []))).code).toBe(RpcErrorCode.UNKNOWN_METHOD);
      expect((await rejection(call('toString', []))).code).toBe(RpcErrorCode.UNKNOWN_METHOD);
      expect((await rejection(call('__proto__', []))).code).toBe(RpcErrorCode.UNKNOWN_METHOD);
      const badStep = await rejection(call('step', ['x']));
      expect(badStep.code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      expect(badStep.message).toMatch(/^step: argument 1/);
      expect((await rejection(call('step', [0]))).code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      expect((await rejection(call('step', [1.5]))).code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      expect((await rejection(call('now', [1]))).code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      expect((await rejection(call('capturePage', [0, 1_000_000]))).code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      expect((await rejection(call('exec', ['web']))).code).toBe(RpcErrorCode.INVALID_ARGUMENTS);
      // The connection is still good after all that.
      expect(await client.api.step(2)).toBe(2);
    });

    it('reports implementation failures as INTERNAL, or with the code the implementation chose', async () => {
      const api = (await conn()).api;
      const crash = await rejection(api.exec('crash', 'ls'));
      expect(crash.code).toBe(RpcErrorCode.INTERNAL);
      expect(crash.message).toContain('the fake crashed');
      expect((await rejection(api.exec('busy', 'ls'))).code).toBe(RpcErrorCode.UNAVAILABLE);
    });

    it('cancels a call at both ends', async () => {
      const client = await conn();
      const controller = new AbortController();
      const running = client.withOptions({ signal: controller.signal }).run();
      controller.abort();
      expect((await rejection(running)).code).toBe(RpcErrorCode.CANCELLED);
      // The cancel reached the implementation (the fake counts cancellations in now()).
      let seen = 0;
      for (let i = 0; i < 100 && seen === 0; i++) seen = await client.api.now();
      expect(seen).toBe(1);
      // An already-aborted signal fails without sending.
      expect((await rejection(client.call('now', [], { signal: controller.signal }))).code).toBe(RpcErrorCode.CANCELLED);
    });

    it('pushes events to listeners, in order, only while subscribed', async () => {
      const client = await conn();
      const lines: (string | null)[] = [];
      const sub = client.events.output((o) => lines.push(o.line));
      // A round trip after subscribing makes sure the listen message has arrived first.
      await client.api.now();
      await client.api.exec('web', 'echo a b c');
      await until(() => lines.length === 4);
      expect(lines).toEqual(['a', 'b', 'c', null]);
      sub.dispose();
      await client.api.now();
      await client.api.exec('web', 'echo d');
      await client.api.now();
      expect(lines).toHaveLength(4);
    });

    it('delivers a burst of events in few messages without losing any', async () => {
      const client = await conn();
      const lines: (string | null)[] = [];
      client.events.output((o) => lines.push(o.line));
      await client.api.now();
      await client.api.exec('web', 'burst 500');
      await until(() => lines.length === 501);
      expect(lines[0]).toBe('line 0');
      expect(lines[499]).toBe('line 499');
    });

    it('fails calls in flight and later calls with DISCONNECTED when the connection ends', async () => {
      const c = await connect();
      const running = rejection(c.client.api.run());
      await c.client.api.now(); // the run call is at the far end
      let disconnected = false;
      c.client.onDidDisconnect(() => (disconnected = true));
      await c.close();
      expect((await running).code).toBe(RpcErrorCode.DISCONNECTED);
      expect(disconnected).toBe(true);
      expect((await rejection(c.client.api.now())).code).toBe(RpcErrorCode.DISCONNECTED);
    });
  });
}
