/**
 * One renderer build shared by every end-to-end test file. Vitest runs each file in its own
 * process, and a Vite build of the renderer (Monaco, Vue Flow, xterm.js) takes tens of seconds on
 * a loaded machine, so building it once per file would cost minutes per run. The bundle goes to a
 * folder named after a hash of everything that goes into it (renderer/, core/, resources/, the
 * lockfile); the first process to need it builds while holding a lock directory (mkdir is atomic),
 * the others wait for the lock to go and then use the same folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'vite';

const root = join(import.meta.dirname, '../../..');
const cacheRoot = join(root, 'node_modules/.cache/underlay-e2e-renderer');
/** A lock older than this belongs to a process that died mid-build. */
const STALE_LOCK_MS = 10 * 60_000;

function hashInputs(): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else {
        hash.update(relative(root, path));
        hash.update(readFileSync(path));
      }
    }
  };
  for (const dir of ['renderer', 'core', 'resources']) visit(join(root, dir));
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/** The folder holding a renderer bundle built from the current sources (built on first use). */
export async function rendererBundle(): Promise<string> {
  const dir = join(cacheRoot, hashInputs());
  const lock = `${dir}.lock`;
  mkdirSync(cacheRoot, { recursive: true });
  for (;;) {
    if (existsSync(join(dir, 'index.html'))) return dir;
    try {
      mkdirSync(lock);
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(join(dir, 'index.html'))) return dir;
      // Build beside the final folder and rename, so a reader never sees half a bundle.
      const partial = `${dir}.partial`;
      rmSync(partial, { recursive: true, force: true });
      await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'error', build: { outDir: partial, emptyOutDir: true } });
      renameSync(partial, dir);
      // Bundles of older sources are never used again.
      for (const old of readdirSync(cacheRoot)) if (!old.startsWith(basename(dir))) rmSync(join(cacheRoot, old), { recursive: true, force: true });
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
