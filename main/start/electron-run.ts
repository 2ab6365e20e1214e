/**
 * Runs the built Electron app as a child of `npm start` and reports how it ended, so the launcher
 * can tell "the user quit" from "it never got a window" (shell-choice.ts fallBackAfterExit). The
 * app writes the file named in UNDERLAY_READY_FILE once its window has been shown.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronExit } from './shell-choice.ts';

export const READY_FILE_ENV = 'UNDERLAY_READY_FILE';

export interface ElectronRunResult extends ElectronExit {
  /** Set when the process could not be spawned at all. */
  readonly spawnError?: string;
}

export function runElectron(executable: string, mainScript: string, args: readonly string[]): Promise<ElectronRunResult> {
  const readyFile = join(tmpdir(), `underlay-ready-${process.pid}-${randomBytes(6).toString('hex')}`);
  // Ctrl+C reaches Electron too (same process group); it quits, and we report its exit.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  return new Promise<ElectronRunResult>((resolve) => {
    const settle = (result: Omit<ElectronRunResult, 'reachedWindow'>) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      const reachedWindow = existsSync(readyFile);
      rmSync(readyFile, { force: true });
      resolve({ ...result, reachedWindow });
    };
    const child = spawn(executable, [mainScript, ...args], {
      stdio: 'inherit',
      env: { ...process.env, [READY_FILE_ENV]: readyFile, ELECTRON_RUN_AS_NODE: undefined },
    });
    child.once('error', (error) => settle({ code: null, signal: null, spawnError: error.message }));
    child.once('exit', (code, signal) => settle({ code, signal }));
  });
}
