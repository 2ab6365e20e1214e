/**
 * The one thing the RPC needs from a transport: post a message (optionally handing over buffers),
 * hear messages, hear the end. A worker_threads MessagePort, an Electron MessagePort, a WebSocket
 * with the frame codec, or an in-memory pair each adapt to this in a few lines.
 *
 * Messages are plain data (objects, arrays, strings, numbers, booleans, null) plus Uint8Array:
 * what both structured clone and the WebSocket frame codec carry.
 */
import type { Disposable } from '../base/event.ts';

export interface PortLike {
  /**
   * Sends `message`. Buffers in `transfer` are moved, not copied, where the transport can (worker
   * ports); elsewhere they are copied and the list is ignored. Posting on a closed port does
   * nothing, as on a MessagePort: closure is reported by `onClose`, not by throwing.
   */
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Every message received, in order. A transport that cannot decode one delivers a `MalformedFrame`. */
  onMessage(listener: (message: unknown) => void): Disposable;
  /** Fires once when the port closes, from either side. */
  onClose(listener: () => void): Disposable;
  close(): void;
}

/** What a transport delivers instead of a message it could not decode, so the RPC can answer it. */
export class MalformedFrame {
  constructor(readonly reason: string) {}
}
