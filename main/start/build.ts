/**
 * `npm start` builds with electron-vite only when it has to: when an output is missing or a source
 * file is newer than the oldest output. Comparing modification times is what make does; it is
 * enough here because every source of the bundle lives in the folders listed below.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What electron-vite writes (electron.vite.config.ts): every one must exist for a launch. */
export const BUILD_OUTPUTS = ['out/main/main.js', 'out/main/fabric-worker.js', 'out/main/browser-mode.js', 'out/preload/index.cjs', 'out/renderer/index.html'] as const;

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

/** Browser mode's code as bundled by the build: its host and web server, and the fabric worker. */
export interface BuiltEntries {
  /** out/main/browser-mode.js: exports startBrowserMode, as main/start/browser-mode.ts does. */
  readonly browserMode: string;
  /** out/main/fabric-worker.js: the worker the host starts. */
  readonly workerScript: string;
}

/**
 * The bundled entries when the build is current, else undefined (run the sources through tsx).
 * Bundles start in a fraction of the time tsx takes to compile main and the fabric from source
 * (about 0.5 s for main and 0.45 s for the worker at every browser-mode start); a stale build
 * (`--no-build` after an edit) would run old code beside new code, so it is never used.
 */
export function builtEntries(root: string): BuiltEntries | undefined {
  if (buildState(root).stale) return undefined;
  return { browserMode: join(root, 'out', 'main', 'browser-mode.js'), workerScript: join(root, 'out', 'main', 'fabric-worker.js') };
}
