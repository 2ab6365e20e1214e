/**
 * The path recorder's bound: beyond maxEvents it forgets the oldest traces, whole, in the order
 * they began, and keeps every event of the newer ones. A bounded and an unbounded recorder watch
 * the same run; the bounded one must hold exactly the newest traces of the other, within the bound.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PathRecorder } from '../../../core/service/path-recorder.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const TWO_RACKS = readFileSync(new URL('../../../resources/topologies/two-racks.yaml', import.meta.url), 'utf8');

describe('PathRecorder', () => {
  it('forgets the oldest traces whole, in order, and keeps the newest ones complete within maxEvents', () => {
    const r = SimulationService.load(TWO_RACKS, { seed: 3, paths: false });
    if (!r.ok) throw new Error('two-racks does not load');
    const maxEvents = 5000;
    const bounded = new PathRecorder(r.service.fabric, { maxEvents });
    const all = new PathRecorder(r.service.fabric, { maxEvents: 1e9 });
    // Many traces, each tens of events long: the bound is passed many times over.
    const e = r.service.exec('client', 'bulk -u -n 3000 -s 16 -i 1000 10.0.1.20 9000');
    if (!e.ok) throw new Error(e.error);
    r.service.run(r.service.now() + 3000 * 1_000_000 + 20_000_000);

    const every = all.traces();
    const kept = bounded.traces();
    expect(every.length).toBeGreaterThan(2000);
    expect(bounded.forgottenTraces).toBeGreaterThan(1000);
    expect(bounded.forgottenTraces + kept.length).toBe(every.length);
    // the newest traces, in the order they began
    expect(kept).toEqual(every.slice(every.length - kept.length));
    let events = 0;
    for (const t of kept) {
      expect(bounded.events(t)).toEqual(all.events(t));
      events += bounded.events(t).length;
    }
    expect(events).toBeLessThanOrEqual(maxEvents);
    expect(events).toBeGreaterThan(maxEvents * 0.9);
    bounded.dispose();
    all.dispose();
  });
});
