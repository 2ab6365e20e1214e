/**
 * Tells `npm start` (main/start/electron-run.ts) that the window was shown, by creating the file it
 * named in UNDERLAY_READY_FILE: after that, an exit is the user's, not a failed start to fall back from.
 */
import { writeFileSync } from 'node:fs';

export function signalReady(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.UNDERLAY_READY_FILE;
  if (!file) return;
  try {
    writeFileSync(file, `${process.pid}\n`);
  } catch {
    // The launcher then treats a later failure exit as a failed start; nothing worse.
  }
}
