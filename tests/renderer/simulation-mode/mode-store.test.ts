// @vitest-environment happy-dom
/** Simulation mode's store against the real fabric behind an in-memory RPC server. */
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../../core/service/event-log.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';
import { useSimulationModeStore, useModeClock } from '../../../renderer/src/simulation/mode-store.ts';
import { useAnimationStore } from '../../../renderer/src/stores/animation.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useSelectionStore } from '../../../renderer/src/stores/selection.ts';
import { useSimulationStore } from '../../../renderer/src/stores/simulation.ts';
import type { Harness } from '../support/harness.ts';
import { connected, settle } from '../support/mount.ts';
import { minimalYaml } from '../support/topologies.ts';

let harness: Harness | undefined;
afterEach(() => {
  useModeClock(null);
  useConnectionStore().stop();
  harness?.dispose();
});

/** The same world in this thread, to know what one kernel event does. */
function reference() {
  const r = SimulationService.load(minimalYaml);
  if (!r.ok) throw new Error('minimal does not load');
  const log = new EventLog(r.service.fabric, r.service.captures);
  r.service.exec('web', 'ping -c 1 db');
  return { service: r.service, log };
}

async function loaded() {
  ({ harness } = await connected());
  const simulation = useSimulationStore();
  const mode = useSimulationModeStore();
  expect(await simulation.load(minimalYaml, 'minimal')).toBe(true);
  await simulation.exec('web', 'ping -c 1 db');
  await settle();
  return { simulation, mode };
}

describe('simulation mode', () => {
  it('steps exactly one kernel event per Step event', async () => {
    const { simulation, mode } = await loaded();
    const ref = reference();
    for (let i = 0; i < 8; i++) {
      await mode.stepEvent();
      expect(ref.service.step(1)).toBe(1);
      expect(simulation.status.time).toBe(ref.service.now());
      expect(mode.total).toBe(ref.log.total);
    }
    expect(mode.rows.map((r) => r.seq)).toEqual(ref.log.page(0, 1000).rows.map((r) => r.seq));
  });

  it('steps to the next packet event and stops there', async () => {
    const { simulation, mode } = await loaded();
    const ref = reference();
    for (let i = 0; i < 6; i++) {
      const before = ref.log.packets;
      while (ref.log.packets === before) expect(ref.service.step(1)).toBe(1);
      await mode.stepToPacket();
      expect(simulation.status.time).toBe(ref.service.now());
      expect(mode.total).toBe(ref.log.total);
      // One kernel event may log several (a switch receives and transmits in the same event).
      expect(mode.packets).toBe(ref.log.packets);
      expect(mode.packets).toBeGreaterThan(before);
      const newest = mode.rows.at(-1)!;
      expect(newest.kind).not.toBe('decide');
      // The packet just stepped to is selected.
      expect(mode.selected?.kind).not.toBe('decide');
    }
  });

  it('paces virtual time to an injected wall clock, and runs as fast as possible in growing slices', async () => {
    let wall = 0;
    const timers: (() => void)[] = [];
    useModeClock({ clock: () => wall, schedule: (fn) => (timers.push(fn), () => timers.splice(timers.indexOf(fn), 1)) });
    const { simulation, mode } = await loaded();
    const tick = async (ms: number) => {
      wall += ms;
      timers.shift()!();
      await expect.poll(() => timers.length).toBe(1);
    };
    mode.setSpeed(0.01);
    mode.play();
    await tick(0);
    expect(simulation.status.time).toBe(0);
    await tick(100);
    expect(simulation.status.time).toBe(1_000_000); // 100 ms of wall time at 0.01× is 1 ms
    await tick(50);
    expect(simulation.status.time).toBe(1_500_000);
    mode.setSpeed(1);
    await tick(10);
    expect(simulation.status.time).toBe(11_500_000);
    mode.setSpeed('max');
    await tick(0);
    expect(simulation.status.time).toBe(21_500_000); // the first slice is 10 ms
    await tick(0);
    expect(simulation.status.time).toBe(41_500_000); // a quick one doubles
    await mode.pause();
    expect(mode.playing).toBe(false);
    expect(timers).toHaveLength(0);
    expect(mode.total).toBeGreaterThan(0);
  });

  it('selecting an event selects its frame and trace and fetches its path', async () => {
    const { simulation, mode } = await loaded();
    await simulation.run(1_000_000_000);
    await mode.refresh();
    const request = mode.rows.find((r) => r.label.endsWith('echo request') && r.frame !== null && r.kind === 'receive')!;
    expect(request).toBeDefined();
    await mode.select(request);
    const selection = useSelectionStore();
    expect(selection.frame).toBe(request.frame);
    expect(selection.traceId).toBe(request.traceId);
    expect(mode.path?.traceId).toBe(request.traceId);
    expect(mode.path?.hops[0]).toMatchObject({ stage: 'send', node: 'web' });
    const animation = useAnimationStore();
    expect(animation.highlightedTrace).toBe(request.traceId);
    expect(animation.highlightedPath[0]).toBe('web');
    expect(animation.highlightedPath.at(-1)).toBe('db');
    expect(animation.taps.length).toBeGreaterThan(0);
    expect(animation.taps.reduce((n, t) => n + t.frames, 0)).toBe(simulation.status.frames);
    await mode.select(null);
    expect(selection.frame).toBeNull();
    expect(animation.highlightedTrace).toBeNull();
  });

  it('publishes packets in flight while stepping, and resets to the start', async () => {
    const { simulation, mode } = await loaded();
    const animation = useAnimationStore();
    let seen = 0;
    // A few steps into the ping, well before it ends (after it, only idle timers remain).
    for (let i = 0; i < 12; i++) {
      await mode.stepToPacket();
      for (const p of animation.packets) {
        seen++;
        expect(p.progress).toBeGreaterThanOrEqual(0);
        expect(p.progress).toBeLessThanOrEqual(1);
        expect(p.from).not.toBe('');
        expect(p.to).not.toBe(p.from);
      }
    }
    expect(seen).toBeGreaterThan(0);
    await mode.reset();
    await expect.poll(() => mode.total).toBe(0);
    expect(simulation.status.time).toBe(0);
    expect(mode.selected).toBeNull();
  });
});
