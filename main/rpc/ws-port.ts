/**
 * PortLike over the `ws` package's WebSocket (browser mode's server side, and Node clients in tests
 * and benchmarks). Messages go through the frame codec: JSON text frames, or binary frames when the
 * message carries bytes. A frame that does not decode reaches the RPC as a MalformedFrame and is
 * answered with INVALID_MESSAGE; the socket stays up.
 *
 * No copy of a large part on either side: a binary message goes out as WebSocket fragments (the
 * header and JSON, then each large part as it is: a page of frame bytes is written to the socket
 * from the array the worker transferred), and comes in as the fragments `ws` read (binaryType
 * 'fragments': not joined into one buffer first), decoded in place. A peer reassembles fragments
 * into one message itself (RFC 6455 §5.4); the browser's WebSocket does.
 */
import WebSocket from 'ws';
import { toDisposable } from '../../core/base/event.ts';
import { decodeFrame, encodeFrameChunks } from '../../core/rpc/frame-codec.ts';
import type { PortLike } from '../../core/rpc/port.ts';

export function wsPort(socket: WebSocket): PortLike {
  socket.binaryType = 'fragments';
  return {
    postMessage(message) {
      if (socket.readyState !== WebSocket.OPEN) return;
      const frame = encodeFrameChunks(message);
      if (typeof frame === 'string') return socket.send(frame, { binary: false });
      // One message in fragments, sent together (nothing can come between them).
      const last = frame.length - 1;
      for (let i = 0; i <= last; i++) socket.send(frame[i], { binary: true, fin: i === last });
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
  const chunks: Buffer[] = Array.isArray(data) ? data : [Buffer.isBuffer(data) ? data : Buffer.from(data)];
  if (!isBinary) return decodeFrame(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  // Plain Uint8Array views: parts are views or copies made with Uint8Array's own methods.
  return decodeFrame(chunks.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
}
