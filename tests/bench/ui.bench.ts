/**
 * `npm run bench:ui` — the workspace UI in Chromium against browser mode (DESIGN.md §9). Each part
 * in tests/bench/ui/ measures one view on the same host and browser and returns its BENCH lines;
 * the run prints them all at the end. Add a part by adding it to PARTS. `UI_BENCH_PARTS=capture`
 * (a comma-separated list of part keys) runs only those parts; unset runs them all.
 */
import { captureBench } from './ui/capture.ts';
import { startUiBench, type UiBench } from './ui/setup.ts';
import { topologyCanvasBench } from './ui/topology-canvas.ts';

type Part = (bench: UiBench, log: (line: string) => void) => Promise<string[]>;
const PARTS: readonly [key: string, name: string, Part][] = [
  ['capture', 'capture view', captureBench],
  ['canvas', 'topology canvas', async (b, log) => topologyCanvasBench(await b.newPage(), b.server.url, log)],
];
const only = process.env.UI_BENCH_PARTS?.split(',').map((k) => k.trim()).filter((k) => k !== '');
const chosen = only ? PARTS.filter(([key]) => only.includes(key)) : PARTS;
if (chosen.length === 0) throw new Error(`UI_BENCH_PARTS: none of ${only?.join(', ')}; the parts are ${PARTS.map(([key]) => key).join(', ')}`);

const bench = await startUiBench();
const lines: string[] = [];
try {
  for (const [, name, part] of chosen) {
    console.log(`# ${name}`);
    lines.push(...(await part(bench, (l) => console.log(`  ${l}`))));
  }
} finally {
  await bench.dispose();
}
for (const l of lines) console.log(l);
process.exit(0);
