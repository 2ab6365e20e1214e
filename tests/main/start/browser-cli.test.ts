/**
 * `npm start -- --browser` as a user runs it (minus the build step): a real process that starts
 * the host and the server, prints the URL with its token, serves it, and stops cleanly on Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { get } from '../web/support/http.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'underlay-start-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

it('starts browser mode, prints a URL with a token, serves it and stops on SIGINT', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/start/index.ts', '--browser', '--no-build', '--no-open', '--workspace', workspace], {
    cwd: root,
    env: { ...process.env, INIT_CWD: root, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}\n/);
    const url = /Open (\S+)/.exec(out)![1];
    const page = await get(url);
    // 503 when this checkout has no build yet: still the server answering an authorized request.
    expect([200, 503]).toContain(page.status);
    expect((await get(url.replace(/\?token=.*/, ''))).status).toBe(401);
    expect(out).toContain(`workspace ${workspace}`);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('SIGINT: stopping');
  expect(err).not.toMatch(/Error/);
});

it('refuses to serve on a non-loopback address, saying why', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/start/index.ts', '--browser', '--no-build', '--no-open', '--host', '0.0.0.0', '--workspace', workspace], {
    cwd: root,
    env: { ...process.env, INIT_CWD: root },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(1);
  expect(err).toMatch(/refusing to listen on "0\.0\.0\.0": browser mode binds a loopback address only/);
});
