/** Pushed events: at most one message per event per window (≤ 30 per second), nothing lost below the bound. */
import { describe, expect, it } from 'vitest';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient, type DroppedEvents } from '../../../core/rpc/client.ts';
import { DEFAULT_EVENT_INTERVAL_MS, EventCoalescer } from '../../../core/rpc/coalescer.ts';
import { createMemoryPortPair } from '../../../core/rpc/memory-port.ts';
import { RpcServer } from '../../../core/rpc/server.ts';
import { fakeSimulation } from './support/fake-simulation.ts';
import { ManualScheduler } from './support/manual-scheduler.ts';
import { rawPeer } from './support/raw-peer.ts';

function record() {
  const sent: { at: number; values: unknown[]; dropped: number }[] = [];
  return { sent, flush: (clock: ManualScheduler) => (values: readonly unknown[], dropped: number) => sent.push({ at: clock.now, values: [...values], dropped }) };
}

describe('EventCoalescer', () => {
  it('sends the first value at once, then one message per window', () => {
    const clock = new ManualScheduler();
    const r = record();
    const c = new EventCoalescer({ coalesce: 'queue', maxQueued: 100 }, clock, 34, r.flush(clock));
    c.push(1);
    expect(r.sent).toEqual([{ at: 0, values: [1], dropped: 0 }]);
    c.push(2);
    c.push(3);
    clock.advance(33);
    expect(r.sent).toHaveLength(1);
    clock.advance(1);
    expect(r.sent[1]).toEqual({ at: 34, values: [2, 3], dropped: 0 });
    // A quiet window closes; the next value is again sent at once.
    clock.advance(100);
    c.push(4);
    expect(r.sent[2]).toEqual({ at: 134, values: [4], dropped: 0 });
    expect(r.sent).toHaveLength(3);
    c.dispose();
  });

  it('keeps only the newest value for `latest` events', () => {
    const clock = new ManualScheduler();
    const r = record();
    const c = new EventCoalescer({ coalesce: 'latest' }, clock, 34, r.flush(clock));
    for (let i = 0; i < 10; i++) c.push(i);
    clock.advance(34);
    expect(r.sent.map((s) => s.values)).toEqual([[0], [9]]);
  });

  it('bounds a window’s queue and counts what it dropped', () => {
    const clock = new ManualScheduler();
    const r = record();
    const c = new EventCoalescer({ coalesce: 'queue', maxQueued: 3 }, clock, 34, r.flush(clock));
    for (let i = 0; i < 10; i++) c.push(i);
    clock.advance(34);
    expect(r.sent[1]).toEqual({ at: 34, values: [1, 2, 3], dropped: 6 });
  });

  it('never sends more than 30 messages in any one second, however fast values come', () => {
    const clock = new ManualScheduler();
    const r = record();
    const c = new EventCoalescer({ coalesce: 'queue', maxQueued: 1_000_000 }, clock, DEFAULT_EVENT_INTERVAL_MS, r.flush(clock));
    let pushed = 0;
    for (let t = 0; t < 3000; t++) {
      c.push(pushed++);
      c.push(pushed++);
      clock.advance(1);
    }
    clock.advance(1000);
    for (const s of r.sent) expect(r.sent.filter((o) => o.at >= s.at && o.at < s.at + 1000).length).toBeLessThanOrEqual(30);
    expect(r.sent.flatMap((s) => s.values)).toEqual(Array.from({ length: pushed }, (_, i) => i));
  });

  it('sends nothing after dispose', () => {
    const clock = new ManualScheduler();
    const r = record();
    const c = new EventCoalescer({ coalesce: 'latest' }, clock, 34, r.flush(clock));
    c.push(1);
    c.push(2);
    c.dispose();
    clock.advance(100);
    c.push(3);
    expect(r.sent).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});

describe('server-side coalescing', () => {
  it('coalesces a burst from the service into windowed event messages', async () => {
    const clock = new ManualScheduler();
    const peer = rawPeer();
    const fake = fakeSimulation();
    const server = new RpcServer(peer.port, simulationContract, fake.implementation, fake.events, { scheduler: clock });
    peer.send({ type: 'listen', event: 'status' });
    await peer.flush();
    for (let t = 0; t < 100; t++) fake.status.fire({ time: t, running: true, frames: t });
    clock.advance(34);
    await peer.flush();
    expect(peer.received).toEqual([
      { type: 'event', event: 'status', values: [{ time: 0, running: true, frames: 0 }], dropped: 0 },
      { type: 'event', event: 'status', values: [{ time: 99, running: true, frames: 99 }], dropped: 0 },
    ]);
    // Unsubscribed events are not sent at all.
    fake.output.fire({ time: 0, instance: 'web', pid: 1, line: 'x', exitCode: null });
    peer.send({ type: 'unlisten', event: 'status' });
    await peer.flush();
    fake.status.fire({ time: 100, running: false, frames: 100 });
    clock.advance(100);
    await peer.flush();
    expect(peer.received).toHaveLength(2);
    expect(fake.status.hasListeners).toBe(false);
    server.dispose();
  });

  it('tells the client when a window dropped values', async () => {
    const clock = new ManualScheduler();
    const [a, b] = createMemoryPortPair();
    const fake = fakeSimulation();
    new RpcServer(a, simulationContract, fake.implementation, fake.events, { scheduler: clock });
    const client = new RpcClient<SimulationApi, SimulationEvents>(b, simulationContract);
    const lines: (string | null)[] = [];
    const drops: DroppedEvents[] = [];
    client.events.output((o) => lines.push(o.line));
    client.onDidDropEvents((d) => drops.push(d));
    await client.api.now();
    await client.api.exec('web', 'burst 6000'); // 6000 lines + the exit: 1 sent at once, 5000 queued, 1000 dropped
    clock.advance(34);
    await client.api.now();
    expect(lines).toHaveLength(5001);
    expect(drops).toEqual([{ event: 'output', count: 1000 }]);
    client.dispose();
  });
});
