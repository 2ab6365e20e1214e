/**
 * `npm start` builds with electron-vite only when it has to: when an output is missing or a source
 * file is newer than the oldest output. Comparing modification times is what make does; it is
 * enough here because every source of the bundle lives in the folders listed below.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What electron-vite writes (electron.vite.config.ts): every one must exist for a launch. */
export const BUILD_OUTPUTS = ['out/main/main.js', 'out/main/fabric-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'] as const;

/** What the bundle is built from. */
export const BUILD_INPUTS = ['main', 'core', 'renderer', 'electron.vite.config.ts', 'package.json'] as const;

export type BuildState = { readonly stale: false } | { readonly stale: true; readonly why: string };

export function buildState(root: string): BuildState {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const time = mtimeOf(join(root, output));
    if (time === undefined) return { stale: true, why: `${output} is missing` };
    oldestOutput = Math.min(oldestOutput, time);
  }
  for (const input of BUILD_INPUTS) {
    const newer = firstNewer(join(root, input), oldestOutput);
    if (newer) return { stale: true, why: `${newer.slice(root.length + 1)} changed since the last build` };
  }
  return { stale: false };
}

/** Runs `electron-vite build` in `root`; resolves with its exit code. */
export function runBuild(root: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first file under `path` (or `path` itself) modified after `time`, or undefined. */
function firstNewer(path: string, time: number): string | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return stat.mtimeMs > time ? path : undefined;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const found = firstNewer(join(path, entry), time);
    if (found) return found;
  }
  return undefined;
}

/**
 * The bundled fabric worker when the build is current, else undefined (run the source through
 * tsx). The bundle starts in a fraction of the time tsx takes to compile the fabric from source
 * (about 0.45 s of every browser-mode start); a stale build (`--no-build` after an edit) would run
 * old code beside new main code.
 */
export function builtWorkerScript(root: string): string | undefined {
  return buildState(root).stale ? undefined : join(root, 'out', 'main', 'fabric-worker.js');
}
