/**
 * Whole-filter probe (not a test): fills a capture like bench:ui (two-racks, UDP bulk flow, ~1M
 * frames) in-process, then times a display filter over every frame in a fresh CaptureQuery, RUNS
 * times; prints each run and the median.
 *
 *   node --import tsx tests/bench/support/filter-probe.ts [FRAMES] [FILTER]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureFrameRecord } from '../../../core/fabric/capture/capture-frame-record.ts';
import { CaptureQuery } from '../../../core/service/capture-query.ts';
import { SimulationService } from '../../../core/service/simulation-service.ts';

const frames = Number(process.argv[2] ?? 1_000_000);
const filter = process.argv[3] ?? 'ip.src == 10.0.1.10 && !geneve';
const runs = Number(process.env.RUNS ?? 5);
const root = process.env.UNDERLAY_ROOT ?? join(import.meta.dirname, '../../..');
const loaded = SimulationService.load(readFileSync(join(root, 'resources/topologies/two-racks.yaml'), 'utf8'));
if (!loaded.ok) throw new Error('two-racks did not load');
const sim = loaded.service;
const g0 = performance.now();
let held = 0;
let until = 0;
for (let round = 0; round < 5 && held < frames; round++) {
  const packets = Math.max(1000, Math.ceil((frames - held) / 19.5));
  const r = sim.exec('client', `bulk -u -n ${packets} -s 16 -i 1 10.0.1.20 9000`);
  if (!r.ok) throw new Error(r.error);
  until = Math.max(until, sim.now()) + packets * 1000 + 20_000_000;
  sim.run(until);
  held = sim.captures.count;
}
console.log(`${held} frames generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
// As the worker would have: the list's first rows and one frame's tree (other sinks, so the
// dissectors' call sites see what they see there), then the filter in fresh queries.
sim.query.page(0, 200);
sim.query.detail(5);
const times: number[] = [];
const cpuTimes: number[] = [];
let matches = -1;
for (let r = 0; r < runs; r++) {
  const q = new CaptureQuery(sim.captures);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = q.filter(filter);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
  if (!res.ok) throw new Error(res.error.message);
  if (matches >= 0 && matches !== res.frames.length) throw new Error('match count changed');
  matches = res.frames.length;
  let hash = 0;
  for (const n of res.frames) hash = (Math.imul(hash, 31) + n) | 0;
  times.push(ms);
  console.log(`run ${r + 1}: ${ms.toFixed(0)} ms (cpu ${cpuTimes[r].toFixed(0)} ms), ${matches} matches, hash ${hash}`);
}
// What reading the frames alone costs (the store's part of the pass, no dissection).
const loads: number[] = [];
const record = new CaptureFrameRecord(sim.captures);
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  let bytes = 0;
  for (let n = sim.captures.firstAvailable; n <= sim.captures.count; n++) if (record.load(n)) bytes += record.bytes.length;
  loads.push(performance.now() - t0);
  if (bytes === 0) throw new Error('no bytes');
}
loads.sort((a, b) => a - b);
console.log(`loading the frames alone: median ${loads[loads.length >> 1].toFixed(0)} ms`);
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
console.log(`median ${times[times.length >> 1].toFixed(0)} ms (cpu ${cpuTimes[cpuTimes.length >> 1].toFixed(0)} ms) over ${held} frames (${filter})`);
