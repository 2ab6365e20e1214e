// Worker entry that registers tsx, then runs the TypeScript module named in workerData (see worker-spawn.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsModule);
