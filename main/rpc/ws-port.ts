/**
 * PortLike over the `ws` package's WebSocket (browser mode's server side, and Node clients in tests
 * and benchmarks). Messages go through the frame codec: JSON text frames, or binary frames when the
 * message carries bytes. A frame that does not decode reaches the RPC as a MalformedFrame and is
 * answered with INVALID_MESSAGE; the socket stays up.
 */
import WebSocket from 'ws';
import { toDisposable } from '../../core/base/event.ts';
import { decodeFrame, encodeFrame } from '../../core/rpc/frame-codec.ts';
import { MalformedFrame, type PortLike } from '../../core/rpc/port.ts';

export function wsPort(socket: WebSocket): PortLike {
  return {
    postMessage(message) {
      if (socket.readyState !== WebSocket.OPEN) return;
      const frame = encodeFrame(message);
      socket.send(frame, { binary: typeof frame !== 'string' });
    },
    onMessage(listener) {
      const l = (data: WebSocket.RawData, isBinary: boolean) => listener(decode(data, isBinary));
      socket.on('message', l);
      return toDisposable(() => socket.off('message', l));
    },
    onClose(listener) {
      if (socket.readyState === WebSocket.CLOSED) {
        const timer = setImmediate(listener);
        return toDisposable(() => clearImmediate(timer));
      }
      const l = () => listener();
      socket.once('close', l);
      return toDisposable(() => socket.off('close', l));
    },
    close() {
      socket.close(1000, 'closed');
    },
  };
}

/** Opens a client socket to `url` and resolves once it can carry messages. */
export function connectWsPort(url: string, options: WebSocket.ClientOptions = {}): Promise<{ port: PortLike; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => {
      socket.off('error', reject);
      resolve({ port: wsPort(socket), socket });
    });
    socket.once('error', reject);
  });
}

function decode(data: WebSocket.RawData, isBinary: boolean): unknown {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  if (!isBinary) return decodeFrame(new TextDecoder().decode(bytes));
  // A plain Uint8Array view: the codec copies each part out with Uint8Array's slice.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.length > 0 ? decodeFrame(view) : new MalformedFrame('empty binary frame');
}
