import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * tshark is the oracle: these helpers run it on a file we wrote and parse what it says. `npm test`
 * installs tshark before the suite starts, so a missing tshark is an error here, not a skip.
 */

export function tsharkVersion(): string {
  return execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
}

/** Writes bytes to a fresh temporary file and returns its path. */
export function tempFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'underlay-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export interface TsharkRun {
  stdout: string;
  stderr: string;
  status: number;
}

export function tshark(args: readonly string[]): TsharkRun {
  const r = spawnSync('tshark', [...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
}

/** `-T fields` output: one row per frame, one string per field (occurrences joined by ','). */
export function tsharkFields(file: string, fields: readonly string[], filter?: string, extra: readonly string[] = []): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'separator=\t'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  const r = tshark([...args, ...extra]);
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

/** Frame numbers matching a display filter, or the error tshark gives for a bad filter. */
export function tsharkMatches(file: string, filter: string): number[] {
  return tsharkFields(file, ['frame.number'], filter).map((row) => Number(row[0]));
}

/** One JSON tree per frame (`-T json --no-duplicate-keys`), keyed by field name. */
export function tsharkJson(file: string, extra: readonly string[] = []): TsharkJsonFrame[] {
  const r = tshark(['-r', file, '-T', 'json', '--no-duplicate-keys', ...extra]);
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as TsharkJsonFrame[];
}

export interface TsharkJsonFrame {
  _source: { layers: Record<string, unknown> };
}

/**
 * Every (field, value) in a tshark JSON frame, in document order, flattened: with
 * --no-duplicate-keys repeated fields become arrays, so values come back as lists per field.
 */
export function flattenTsharkJson(frame: TsharkJsonFrame): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === 'string') {
          if (!key.endsWith('_raw')) push(out, key, v);
        } else if (v && typeof v === 'object') {
          if (key.includes('.') && !key.endsWith('_tree')) push(out, key, '');
          visit(v);
        }
      }
    }
  };
  visit(frame._source.layers);
  return out;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
