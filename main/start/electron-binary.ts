/**
 * The Electron binary is not fetched by `npm install` (package.json allowScripts: electron false),
 * so the first desktop launch fetches it with Electron's own installer, bounded by a short timeout.
 * A failed fetch is remembered for a day, so an offline machine does not wait on every launch.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How long one fetch may take before we give up and use browser mode. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;
const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** The executable electron's install.js put in place, or null when there is none. */
export function electronExecutable(root: string): string | null {
  const pkg = join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, readPathTxt(pkg) ?? 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  const relative = readPathTxt(pkg);
  if (relative === null) return null;
  const executable = join(pkg, 'dist', relative);
  return existsSync(executable) ? executable : null;
}

/** True when a fetch failed recently enough not to try again yet. */
export function recentlyFailed(root: string, now = Date.now()): boolean {
  try {
    return now - statSync(failureMarker(root)).mtimeMs < RETRY_AFTER_MS;
  } catch {
    return false;
  }
}

/** Runs node_modules/electron/install.js; resolves true when the binary is there afterwards. */
export async function fetchElectron(root: string, timeoutMs = DEFAULT_DOWNLOAD_TIMEOUT_MS): Promise<boolean> {
  const script = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(script)) return false;
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve(false);
    }, timeoutMs);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
  const present = ok && electronExecutable(root) !== null;
  const marker = failureMarker(root);
  if (present) rmSync(marker, { force: true });
  else {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  return present;
}

function readPathTxt(pkg: string): string | null {
  try {
    return readFileSync(join(pkg, 'path.txt'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function failureMarker(root: string): string {
  return join(root, 'node_modules', '.cache', 'underlay', 'electron-download-failed');
}
