/**
 * Fills a fabric worker's capture with at least `frames` frames (and not many more: the targets are
 * for a capture of that size), through the simulation contract as any client would: two-racks.yaml
 * loaded, a UDP bulk flow of small datagrams 1 µs apart from `client`, run until it is done.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationApi } from '../../../core/contract/simulation.ts';
import type { Remote } from '../../../core/rpc/service-types.ts';

const root = join(import.meta.dirname, '../../..');

/** Returns how many frames the capture holds. */
export async function fillCapture(sim: Remote<SimulationApi>, frames: number): Promise<number> {
  const loaded = await sim.load(readFileSync(join(root, 'resources/topologies/two-racks.yaml'), 'utf8'));
  if (!loaded.ok) throw new Error('two-racks did not load');
  // Each datagram is captured ~20 times (ENIs, card uplinks, ToR and spine ports, each link at
  // both ends), so a flow is sized from that and topped up if it fell short.
  let held = 0;
  let until = 0;
  for (let round = 0; round < 5 && held < frames; round++) {
    const packets = Math.max(1000, Math.ceil((frames - held) / 19.5));
    const r = await sim.exec('client', `bulk -u -n ${packets} -s 16 -i 1 10.0.1.20 9000`);
    if (!r.ok) throw new Error(r.error);
    until = Math.max(until, await sim.now()) + packets * 1000 + 20_000_000; // the flow's length and its last hops
    await sim.run(until);
    held = (await sim.captureInfo()).frames;
  }
  return held;
}
