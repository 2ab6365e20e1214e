/**
 * PortLike over Electron's MessagePortMain (the main process's end of the channel the preload hands
 * to the page). Described structurally so this file needs no `electron` import and can be tested
 * with a stand-in. MessagePortMain's transfer list takes ports only, not ArrayBuffers, so buffers
 * are copied by structured clone on this hop; the renderer's end is a DOM MessagePort.
 */
import { toDisposable } from '../../core/base/event.ts';
import type { PortLike } from '../../core/rpc/port.ts';

export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export function electronPort(port: MessagePortMainLike): PortLike {
  let started = false;
  let closed = false;
  port.on('close', () => (closed = true));
  return {
    postMessage(message) {
      if (!closed) port.postMessage(message);
    },
    onMessage(listener) {
      const l = (event: { data: unknown }) => listener(event.data);
      port.on('message', l);
      // MessagePortMain queues messages until started; start once someone listens.
      if (!started) {
        started = true;
        port.start();
      }
      return toDisposable(() => port.off('message', l));
    },
    onClose(listener) {
      port.on('close', listener);
      return toDisposable(() => port.off('close', listener));
    },
    close() {
      port.close();
    },
  };
}
