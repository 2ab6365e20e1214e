/**
 * A PortLike over a WebSocket with the DOM's event API (the browser's WebSocket, which the renderer
 * uses in browser mode; the `ws` package's WebSocket has the same API). Core's library has no DOM
 * types, so the socket is described structurally by the little this adapter touches.
 *
 * Transfer lists are ignored: a socket always copies. Bytes travel as binary frames (frame-codec.ts).
 */
import { toDisposable, type Disposable } from '../base/event.ts';
import { decodeFrame, encodeFrame } from './frame-codec.ts';
import { MalformedFrame, type PortLike } from './port.ts';

export interface WebSocketLike {
  /** Set to 'arraybuffer' by the adapter, so binary frames arrive as ArrayBuffer. */
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  removeEventListener(type: 'close', listener: () => void): void;
}

/** WebSocket.OPEN in both the DOM and `ws`. */
const OPEN = 1;
/** WebSocket.CLOSED. */
const CLOSED = 3;

/** The socket must be open (or opening: sends before it opens are dropped, so wait for 'open'). */
export function webSocketPort(socket: WebSocketLike): PortLike {
  socket.binaryType = 'arraybuffer';
  const toMessage = (data: unknown): unknown => {
    if (typeof data === 'string') return decodeFrame(data);
    if (data instanceof ArrayBuffer) return decodeFrame(new Uint8Array(data));
    if (data instanceof Uint8Array) return decodeFrame(data);
    return new MalformedFrame('unsupported WebSocket data type');
  };
  return {
    postMessage(message) {
      if (socket.readyState !== OPEN) return;
      socket.send(encodeFrame(message));
    },
    onMessage(listener): Disposable {
      const l = (event: { readonly data: unknown }) => listener(toMessage(event.data));
      socket.addEventListener('message', l);
      return toDisposable(() => socket.removeEventListener('message', l));
    },
    onClose(listener): Disposable {
      if (socket.readyState === CLOSED) {
        // Closed before anyone listened: report it anyway, once, after the caller has returned.
        let live = true;
        void Promise.resolve().then(() => live && listener());
        return toDisposable(() => (live = false));
      }
      socket.addEventListener('close', listener);
      return toDisposable(() => socket.removeEventListener('close', listener));
    },
    close() {
      socket.close(1000, 'closed');
    },
  };
}
