/**
 * Starts the fabric worker thread. A bundled `.js` entry (Electron) is started as it is; a `.ts`
 * entry (plain Node, tests) goes through a small JavaScript bootstrap that registers tsx first:
 * Node 20 does not apply `--import tsx` from a worker's execArgv to the worker's entry module.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** main/host/fabric-worker.ts beside this file (only meaningful when running from source). */
export const DEFAULT_WORKER_SCRIPT = fileURLToPath(new URL('./fabric-worker.ts', import.meta.url));

const TSX_BOOTSTRAP = new URL('./tsx-worker-bootstrap.mjs', import.meta.url);

export function spawnFabricWorker(script: string = DEFAULT_WORKER_SCRIPT): Worker {
  if (script.endsWith('.ts')) {
    return new Worker(TSX_BOOTSTRAP, { workerData: { tsModule: pathToFileURL(script).href }, stderr: false });
  }
  return new Worker(script);
}
