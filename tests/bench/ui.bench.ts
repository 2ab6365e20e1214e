/**
 * `npm run bench:ui` — the workspace UI in Chromium against browser mode (DESIGN.md §9). Each part
 * in tests/bench/ui/ measures one view on the same host and browser and returns its BENCH lines;
 * the run prints them all at the end. Add a part by adding it to PARTS.
 */
import { captureBench } from './ui/capture.ts';
import { startUiBench, type UiBench } from './ui/setup.ts';
import { topologyCanvasBench } from './ui/topology-canvas.ts';

type Part = (bench: UiBench, log: (line: string) => void) => Promise<string[]>;
const PARTS: readonly [string, Part][] = [['capture view', captureBench], ['topology canvas', async (b, log) => topologyCanvasBench(await b.newPage(), b.server.url, log)]];

const bench = await startUiBench();
const lines: string[] = [];
try {
  for (const [name, part] of PARTS) {
    console.log(`# ${name}`);
    lines.push(...(await part(bench, (l) => console.log(`  ${l}`))));
  }
} finally {
  await bench.dispose();
}
for (const l of lines) console.log(l);
process.exit(0);
