/**
 * PortLike over a DOM MessagePort: the page's end of the channel Electron's main process opens per
 * contract. Structured clone carries the RPC's plain data and Uint8Arrays; ArrayBuffers in the
 * transfer list move rather than copy.
 *
 * A DOM MessagePort only reports closure through a 'close' event where the browser has one (recent
 * Chromium, hence Electron); elsewhere a dead peer goes unnoticed until calls time out, so close()
 * on this side still tells our own listeners.
 */
import { toDisposable } from '../../../core/base/event.ts';
import type { PortLike } from '../../../core/rpc/port.ts';

/** The part of MessagePort used here; Node's MessagePort (in tests) has it too. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  start(): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'close', listener: () => void): void;
}

export function messagePortPort(port: MessagePortLike): PortLike {
  const closeListeners = new Set<() => void>();
  let closed = false;
  const markClosed = () => {
    if (closed) return;
    closed = true;
    const ls = [...closeListeners];
    closeListeners.clear();
    for (const l of ls) l();
  };
  port.addEventListener('close', markClosed);
  // Messages queue until start(): listeners are attached synchronously after this returns, so
  // starting here loses nothing (delivery is a later task).
  port.start();
  return {
    postMessage(message, transfer = []) {
      if (closed) return;
      port.postMessage(message, [...transfer]);
    },
    onMessage(listener) {
      const l = (event: MessageEvent) => listener(event.data);
      port.addEventListener('message', l);
      return toDisposable(() => port.removeEventListener('message', l));
    },
    onClose(listener) {
      if (closed) {
        let live = true;
        void Promise.resolve().then(() => live && listener());
        return toDisposable(() => (live = false));
      }
      closeListeners.add(listener);
      return toDisposable(() => closeListeners.delete(listener));
    },
    close() {
      port.close();
      // Our own close fires no event on this end in every browser: report it ourselves, after the
      // caller has returned, like a port's close event.
      void Promise.resolve().then(markClosed);
    },
  };
}
