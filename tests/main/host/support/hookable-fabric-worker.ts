/**
 * The real fabric worker with two test hooks on its parentPort: `{ testHook: 'exit' }` ends the
 * thread with code 3 (a crash), `{ testHook: 'hang' }` blocks it without spinning a core (a hang:
 * no message is answered again). The worker's RpcServer also sees these messages and refuses them
 * (they are not RPC messages), which is harmless.
 */
import { parentPort } from 'node:worker_threads';
import '../../../../main/host/fabric-worker.ts';

parentPort!.on('message', (m: { testHook?: string }) => {
  if (m?.testHook === 'exit') process.exit(3);
  if (m?.testHook === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
