/** npm start's build check: missing outputs and sources newer than the oldest output mean a build. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { BUILD_INPUTS, BUILD_OUTPUTS, buildState, builtEntries } from '../../../main/start/build.ts';

function touch(root: string, path: string, seconds: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, seconds, seconds);
}

it('is stale until every output exists, then when a source changes', () => {
  const root = mkdtempSync(join(tmpdir(), 'underlay-build-'));
  touch(root, 'main/electron/main.ts', 1000);
  touch(root, 'core/base/event.ts', 1000);
  touch(root, 'renderer/src/main.ts', 1000);
  touch(root, 'package.json', 1000);
  expect(buildState(root)).toEqual({ stale: true, why: 'out/main/main.js is missing' });
  for (const output of BUILD_OUTPUTS.slice(0, -1)) touch(root, output, 2000);
  expect(buildState(root)).toEqual({ stale: true, why: 'out/renderer/index.html is missing' });
  touch(root, 'out/renderer/index.html', 2000);
  expect(buildState(root)).toEqual({ stale: false });
  touch(root, 'renderer/src/components/New.vue', 3000);
  expect(buildState(root)).toEqual({ stale: true, why: 'renderer/src/components/New.vue changed since the last build' });
  touch(root, 'out/main/main.js', 4000);
  // The oldest output decides: the renderer's is still older than the change.
  expect(buildState(root).stale).toBe(true);
  for (const output of BUILD_OUTPUTS) touch(root, output, 4000);
  expect(buildState(root)).toEqual({ stale: false });
  // node_modules and dotfiles inside the source folders are not sources.
  touch(root, 'core/node_modules/x/index.js', 5000);
  touch(root, 'main/.cache', 5000);
  expect(buildState(root)).toEqual({ stale: false });
  expect(BUILD_INPUTS).toContain('electron.vite.config.ts');
});

it('names the bundled browser mode and worker only while the build is current', () => {
  const root = mkdtempSync(join(tmpdir(), 'underlay-build-'));
  touch(root, 'core/base/event.ts', 1000);
  expect(builtEntries(root)).toBeUndefined();
  for (const output of BUILD_OUTPUTS) touch(root, output, 2000);
  expect(builtEntries(root)).toEqual({ browserMode: join(root, 'out', 'main', 'browser-mode.js'), workerScript: join(root, 'out', 'main', 'fabric-worker.js') });
  // An edit after the build: the sources run, not the old bundles.
  touch(root, 'core/base/event.ts', 3000);
  expect(builtEntries(root)).toBeUndefined();
});
