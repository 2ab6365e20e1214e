import { spawn, spawnSync } from 'node:child_process';

/**
 * Batch access to Wireshark's filter engine for the oracle tables. One `sharkd` process answers
 * every valid filter of a table (tshark pays ~0.2 s of start-up per filter); invalid filters go to
 * tshark itself, whose stderr carries the caret line that gives the error's position.
 */

export type SharkdAnswer = { frames: number[] } | { error: string };

/** Matching frame numbers (or the error message) for each filter, from one sharkd run. */
export function sharkdMatches(file: string, filters: readonly string[]): SharkdAnswer[] {
  // Request ids must be positive: 1 loads, 2i+2 checks filter i, 2i+3 lists its frames.
  const lines = [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'load', params: { file } })];
  filters.forEach((filter, i) => {
    lines.push(JSON.stringify({ jsonrpc: '2.0', id: 2 * i + 2, method: 'check', params: { filter } }));
    lines.push(JSON.stringify({ jsonrpc: '2.0', id: 2 * i + 3, method: 'frames', params: { filter } }));
  });
  const r = spawnSync('sharkd', ['-'], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && !r.stdout) throw new Error(`sharkd failed: ${r.stderr}`);
  const byId = new Map<number, { result?: unknown; error?: { message: string } }>();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line) as { id: number; result?: unknown; error?: { message: string } };
    byId.set(msg.id, msg);
  }
  const load = byId.get(1);
  if (!load || load.error) throw new Error(`sharkd could not load ${file}: ${JSON.stringify(load)}`);
  return filters.map((_, i) => {
    const check = byId.get(2 * i + 2);
    if (!check) throw new Error(`sharkd gave no answer for filter ${i}`);
    if (check.error) return { error: check.error.message.replace(/^Filter invalid - /, '') };
    const frames = byId.get(2 * i + 3);
    if (!frames || frames.error) throw new Error(`sharkd frames failed for filter ${i}: ${JSON.stringify(frames)}`);
    return { frames: (frames.result as { num: number }[]).map((row) => row.num) };
  });
}

export interface TsharkError {
  readonly message: string;
  /** Column range of tshark's `^~~~` underline, or null when it prints none. */
  readonly start: number | null;
  readonly end: number | null;
  readonly status: number;
}

/** Runs tshark with an invalid filter and reads its message and underline. */
export function tsharkError(file: string, filter: string): Promise<TsharkError> {
  return new Promise((resolve, reject) => {
    const p = spawn('tshark', ['-r', file, '-Y', filter, '-c', '1']);
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (status) => {
      const lines = err.split('\n').filter((l) => l.length > 0 && !l.startsWith('Running as user'));
      const message = (lines[0] ?? '').replace(/^tshark: /, '');
      let start: number | null = null;
      let end: number | null = null;
      // tshark echoes the filter indented by four spaces, then the caret line under it.
      if (lines.length >= 3 && /^\s*\^~*\s*$/.test(lines[2])) {
        start = lines[2].indexOf('^') - 4;
        end = start + lines[2].trim().length;
      }
      resolve({ message, start, end, status: status ?? -1 });
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
