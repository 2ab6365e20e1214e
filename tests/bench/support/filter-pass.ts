/**
 * One read+filter pass over a capture file, in its own process so its peak memory is its own.
 * Usage: node --import tsx filter-pass.ts FILE FILTER
 * Prints one JSON line: matched count, a hash of the matching frame numbers, seconds, peak RSS.
 */
import { readFileSync } from 'node:fs';
import { createDefaultEngine } from '../../../core/dissect/protocols/index.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/index.ts';
import { readCaptureFileSync } from '../../../main/capture-file.ts';

const [file, text] = process.argv.slice(2);
const engine = createDefaultEngine();
const compiled = compileFilter(text, engine.fields);
if (!compiled.ok) {
  console.error(compiled.error.message);
  process.exit(2);
}
const runner = new FilterRunner(compiled.filter);
// A session for this pass only: it may skip protocols that can never add a field the filter needs.
const session = runner.newSession(engine);
let matched = 0;
let frames = 0;
let hash = 0;
const start = process.hrtime.bigint();
// The pass keeps no frame, so the read buffers are reused (a record's bytes live for its callback).
const summary = readCaptureFileSync(
  file,
  (rec) => {
    frames++;
    if (runner.run(session, rec)) {
      matched++;
      hash = (Math.imul(hash, 31) + rec.number) | 0;
    }
  },
  { reuseBuffers: true },
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
if (summary.error) {
  console.error(summary.error.message);
  process.exit(2);
}
console.log(JSON.stringify({ frames, matched, hash, seconds, maxRssBytes: peakRssBytes() }));

/**
 * This process's peak resident set. On Linux getrusage's maxRSS survives fork and exec, so a
 * child spawned by a big parent (the benchmark holds a million frames) would report the parent's
 * size; /proc/self/status VmHWM is the peak of this process image alone.
 */
function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024;
}
