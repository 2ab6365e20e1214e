/** A real capture to save, view, export and import: two pings between the instances of minimal.yaml. */
import { readFileSync } from 'node:fs';
import { SimulationService } from '../../../../core/service/simulation-service.ts';

export function samplePcapng(): { bytes: Uint8Array; frames: number } {
  const text = readFileSync(new URL('../../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');
  const loaded = SimulationService.load(text, { seed: 3 });
  if (!loaded.ok) throw new Error('minimal.yaml does not load');
  const s = loaded.service;
  s.exec('web', 'ping -c 2 db');
  s.run(3_000_000_000);
  return { bytes: s.pcapngBytes(), frames: s.captures.count };
}
