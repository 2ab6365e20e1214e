/**
 * Part of `npm run bench:shell`: browser mode from a cold process to a usable page. Each run starts
 * `npm start`'s own entry (`node --import tsx main/start/index.ts --browser --no-open --no-build`,
 * a fresh workspace folder), reads the URL it prints, opens it in a fresh Chromium context (no
 * cache) and stops the clock when the page says `Connected`: the host is up, the worker answers
 * and every contract's socket is open. Chromium is started once beforehand; it is the user's
 * browser, not part of our start. The build is checked (and made) before timing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';

const root = join(import.meta.dirname, '../../..');

export interface StartRun {
  /** Process spawned → URL printed. */
  readonly serveMs: number;
  /** Process spawned → the page shows Connected. */
  readonly interactiveMs: number;
}

export async function startToInteractive(browser: Browser): Promise<StartRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'underlay-bench-start-'));
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/start/index.ts', '--browser', '--no-open', '--no-build', '--workspace', workspace], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${out}${err}`)));
    });
    const serveMs = performance.now() - t0;
    const page = await context.newPage();
    await page.goto(url);
    await page.getByTestId('connection-label').filter({ hasText: /^Connected$/ }).waitFor({ timeout: 30_000 });
    return { serveMs, interactiveMs: performance.now() - t0 };
  } finally {
    await context.close();
    child.kill('SIGINT');
    if ((await exited) !== 0) console.warn('  (npm start did not exit cleanly on Ctrl+C)');
    rmSync(workspace, { recursive: true, force: true });
  }
}
