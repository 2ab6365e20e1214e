/**
 * `npm start -- --browser` runs the bundled browser mode (out/main/browser-mode.js) and worker
 * when the build is current. Bundled, the code no longer sits beside main/host/, so everything it
 * finds by path must come from the root it is given: the labs, the renderer, the worker. This
 * runs the real bundle (built here when out/ is stale; `npm test` builds before vitest) and asks
 * each of those.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labsContract } from '../../../core/contract/labs.ts';
import { simulationContract } from '../../../core/contract/simulation.ts';
import type * as BrowserModeModule from '../../../main/start/browser-mode.ts';
import { builtEntries, runBuild } from '../../../main/start/build.ts';
import { localClient } from '../../../main/start/local-client.ts';
import { get } from '../web/support/http.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'underlay-bundled-'));
let mode: BrowserModeModule.BrowserMode;

beforeAll(async () => {
  if (!builtEntries(root)) expect(await runBuild(root)).toBe(0);
  const built = builtEntries(root)!;
  const { startBrowserMode } = (await import(pathToFileURL(built.browserMode).href)) as typeof BrowserModeModule;
  mode = await startBrowserMode({ root, workspaceDir: workspace, open: false, workerScript: built.workerScript, print: () => {} });
}, 240_000);

afterAll(async () => {
  await mode?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

it('serves the built renderer', async () => {
  const page = await get(mode.server.url);
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="app">');
});

it('finds the labs from the root, not from where the bundle lies', async () => {
  const labs = localClient(mode.host, 'labs', labsContract);
  try {
    const list = await labs.call('list', []);
    expect(list.length).toBeGreaterThan(0);
  } finally {
    labs.dispose();
  }
});

it('runs the fabric in the bundled worker', async () => {
  const simulation = localClient(mode.host, 'simulation', simulationContract);
  try {
    expect(await simulation.call('now', [])).toBe(0);
  } finally {
    simulation.dispose();
  }
});
