/**
 * The launcher's Electron path with a stand-in binary (ELECTRON_OVERRIDE_DIST_PATH, which
 * electron's own index.js honours too): an Electron that dies before showing a window sends the
 * user to browser mode; one that showed its window and quit ends `npm start` with its exit code.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'underlay-fake-electron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `electron` executable running `body` (sh), which records its arguments. */
function fakeElectron(name: string, body: string): string {
  const dist = join(dir, name);
  const bin = join(dist, 'electron');
  mkdirSync(dist, { recursive: true });
  writeFileSync(bin, `#!/bin/sh\necho "$@" > "${dist}/args"\n${body}\n`);
  chmodSync(bin, 0o755);
  return dist;
}

interface Launch {
  /** The exit code when the launcher ended before printing a URL. */
  readonly code: number | null;
  readonly out: () => string;
  readonly url: Promise<string>;
  readonly exited: Promise<number | null>;
  kill(): void;
}

function launch(dist: string): Promise<Launch> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/start/index.ts', '--no-build', '--no-open', '--workspace', join(dir, 'ws'), 'lab.yaml'], {
    cwd: root,
    env: { ...process.env, INIT_CWD: dir, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let gotUrl: (url: string) => void;
  const url = new Promise<string>((resolve) => (gotUrl = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /Open (http\S+)/.exec(out);
    if (m) gotUrl(m[1]);
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const result = { out: () => out, url, exited, kill: () => child.kill('SIGINT') };
  return new Promise((resolve) => {
    void exited.then((code) => resolve({ ...result, code }));
    void url.then(() => resolve({ ...result, code: null }));
  });
}

it('falls back to browser mode when Electron exits before its window shows', async () => {
  const dist = fakeElectron('broken', 'echo "error while loading shared libraries: libgtk-3.so.0" >&2; exit 127');
  const run = await launch(dist);
  const url = await run.url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  expect(run.out()).toContain('underlay: Electron could not start (exit code 127); using browser mode instead');
  run.kill();
  expect(await run.exited).toBe(0);
  // Electron got the built main, the resolved workspace and the file resolved against INIT_CWD.
  expect(readFileSync(join(dist, 'args'), 'utf8').trim()).toBe(`${join(root, 'out/main/main.js')} --workspace ${join(dir, 'ws')} ${join(dir, 'lab.yaml')}`);
});

it('ends with Electron once it has shown its window, without starting browser mode', async () => {
  const dist = fakeElectron('working', 'touch "$UNDERLAY_READY_FILE"; exit 3');
  const run = await launch(dist);
  expect(run.code).toBe(3);
  expect(run.out()).not.toMatch(/browser mode/);
});
