/**
 * Starts a worker thread running a TypeScript module. Node 20 does not apply `--import tsx` from a
 * worker's execArgv to the worker's entry module, so a small JavaScript entry registers tsx first
 * and then imports the module.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL): Worker {
  return new Worker(new URL('./tsx-bootstrap.mjs', import.meta.url), { workerData: { tsModule: module.href } });
}
