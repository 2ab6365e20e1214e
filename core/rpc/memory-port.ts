/**
 * Two connected in-memory ports, for tests and for running a service in the same thread. Delivery
 * is asynchronous (a microtask) and ordered, like a real port, so re-entrancy bugs show up here too.
 * Messages are passed by reference unless `clone` is given: tests pass structuredClone with the
 * transfer list to get a real port's copying and detaching.
 */
import { toDisposable } from '../base/event.ts';
import type { PortLike } from './port.ts';

export interface MemoryPortOptions {
  readonly clone?: (message: unknown, transfer: readonly ArrayBuffer[]) => unknown;
}

interface End {
  readonly messageListeners: Set<(m: unknown) => void>;
  readonly closeListeners: Set<() => void>;
}

export function createMemoryPortPair(options: MemoryPortOptions = {}): [PortLike, PortLike] {
  const a: End = { messageListeners: new Set(), closeListeners: new Set() };
  const b: End = { messageListeners: new Set(), closeListeners: new Set() };
  let closed = false;
  const later = (fn: () => void) => void Promise.resolve().then(fn);

  const close = () => {
    if (closed) return;
    closed = true;
    // After messages already on their way, like a MessagePort's close event.
    later(() => {
      for (const end of [a, b]) {
        const ls = [...end.closeListeners];
        end.closeListeners.clear();
        end.messageListeners.clear();
        for (const l of ls) l();
      }
    });
  };

  const port = (self: End, peer: End): PortLike => ({
    postMessage(message, transfer = []) {
      if (closed) return;
      const delivered = options.clone ? options.clone(message, transfer) : message;
      later(() => {
        for (const l of [...peer.messageListeners]) l(delivered);
      });
    },
    onMessage(listener) {
      self.messageListeners.add(listener);
      return toDisposable(() => self.messageListeners.delete(listener));
    },
    onClose(listener) {
      self.closeListeners.add(listener);
      return toDisposable(() => self.closeListeners.delete(listener));
    },
    close,
  });

  return [port(a, b), port(b, a)];
}
