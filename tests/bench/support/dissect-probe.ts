/**
 * Read+filter throughput probe (not a test):
 *
 *   npx tsx tests/bench/support/dissect-probe.ts FILE.pcapng ['filter' …]
 *
 * For each filter: reads the file with readCaptureFileSync, dissects every frame into the
 * FilterRunner's sink in a fresh session and evaluates the predicate. Prints frames/s (median of
 * 3 runs) and the number of matching frames. Without a file argument, generates 1M frames first.
 */
import { existsSync } from 'node:fs';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/filter.ts';
import { readCaptureFileSync } from '../../../main/capture-file.ts';
import { writeFabricCapture } from './fabric-traffic.ts';

export const PROBE_FILTERS = ['ip.addr == 10.1.0.5', 'tcp.flags.syn == 1 && geneve.vni == 5', 'udp.port == 53', 'frame.len > 150', 'geneve && icmp'];

export interface ProbeResult {
  readonly filter: string;
  readonly frames: number;
  readonly matches: number;
  /** Median frames per second over the runs. */
  readonly rate: number;
  readonly rates: readonly number[];
}

export function probeFilter(path: string, text: string, runs = 3, prune = true): ProbeResult {
  const engine = createDefaultEngine();
  const compiled = compileFilter(text, engine.fields);
  if (!compiled.ok) throw new Error(`${text}: ${compiled.error.message}`);
  const rates: number[] = [];
  let frames = 0;
  let matches = 0;
  for (let r = 0; r < runs; r++) {
    const runner = new FilterRunner(compiled.filter);
    const session = prune ? runner.newSession(engine) : engine.newSession();
    frames = 0;
    matches = 0;
    const t0 = performance.now();
    const summary = readCaptureFileSync(
      path,
      (record) => {
        frames++;
        if (runner.run(session, record)) matches++;
      },
      { reuseBuffers: true },
    );
    const s = (performance.now() - t0) / 1000;
    if (summary.error) throw summary.error;
    rates.push(frames / s);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { filter: text, frames, matches, rate: sorted[Math.floor(sorted.length / 2)], rates };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? '/tmp/fabric-1m.pcapng';
  if (!existsSync(path)) writeFabricCapture(path, 1_000_000, 7);
  const prune = process.env.PRUNE !== '0';
  const filters = process.argv.length > 3 ? process.argv.slice(3) : PROBE_FILTERS;
  for (const f of filters) {
    const r = probeFilter(path, f, 3, prune);
    console.log(
      `${f.padEnd(40)} ${Math.round(r.rate).toString().padStart(9)} frames/s  (${r.rates.map((x) => Math.round(x / 1000)).join('/')}k)  ${r.matches}/${r.frames} match`,
    );
  }
}
