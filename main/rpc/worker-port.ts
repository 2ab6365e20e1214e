/**
 * PortLike over worker_threads: a MessagePort (including a worker's `parentPort`) or the Worker
 * object itself, seen from the parent. Both structured-clone messages and honour the transfer list,
 * so a capture page's buffers move to the other thread without a copy.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { toDisposable } from '../../core/base/event.ts';
import type { PortLike } from '../../core/rpc/port.ts';

/** A MessagePort: closes when either end calls close() (or its thread ends). */
export function messagePortPort(port: MessagePort): PortLike {
  return {
    postMessage(message, transfer = []) {
      port.postMessage(message, [...transfer]);
    },
    onMessage(listener) {
      port.on('message', listener);
      return toDisposable(() => port.off('message', listener));
    },
    onClose(listener) {
      port.once('close', listener);
      return toDisposable(() => port.off('close', listener));
    },
    close() {
      port.close();
    },
  };
}

/** The Worker object from the parent's side: it "closes" when the thread exits; close() terminates it. */
export function workerPort(worker: Worker): PortLike {
  let exited = false;
  worker.once('exit', () => (exited = true));
  return {
    postMessage(message, transfer = []) {
      if (!exited) worker.postMessage(message, [...transfer]);
    },
    onMessage(listener) {
      worker.on('message', listener);
      return toDisposable(() => worker.off('message', listener));
    },
    onClose(listener) {
      const l = () => listener();
      worker.once('exit', l);
      return toDisposable(() => worker.off('exit', l));
    },
    close() {
      void worker.terminate();
    },
  };
}
