/**
 * Browser mode's transport: one WebSocket per contract back to the page's own origin,
 * `ws://<host>/rpc/<contract>?token=<token>`, the token being the one in the page's own URL (the
 * host prints that URL at launch). Frames follow core/rpc's frame codec via webSocketPort.
 */
import type { PortLike } from '../../../core/rpc/port.ts';
import { webSocketPort } from '../../../core/rpc/websocket-port.ts';
import { ConnectError, type Connector } from './connector.ts';

/** Where the page came from: the parts of `Location` used here. */
export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
  readonly search: string;
}

export type WebSocketFactory = (url: string) => WebSocket;

/** How long an opening socket may take before the attempt counts as failed. */
const OPEN_TIMEOUT_MS = 10_000;

export function rpcUrl(location: PageLocation, contract: string, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/rpc/${encodeURIComponent(contract)}?token=${encodeURIComponent(token)}`;
}

export function webSocketConnector(location: PageLocation, open: WebSocketFactory = (url) => new WebSocket(url)): Connector {
  const token = new URLSearchParams(location.search).get('token');
  return (contract) => {
    if (!token) {
      return Promise.reject(new ConnectError('This page was opened without its access token. Open the address Underlay printed when it started.', true));
    }
    return openSocket(open(rpcUrl(location, contract, token)), location.host);
  };
}

function openSocket(socket: WebSocket, host: string): Promise<PortLike> {
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    const onOpen = () => {
      done();
      resolve(webSocketPort(socket));
    };
    // A refused token and a stopped host look the same from here (the browser hides the HTTP
    // status of a failed upgrade), so the message names both.
    const onClose = (event: CloseEvent) => {
      done();
      const said = event.reason ? ` It said: ${event.reason}.` : '';
      reject(new ConnectError(`Could not reach the Underlay host at ${host}. Is it still running, and is this the address it printed?${said}`));
    };
    const timer = setTimeout(() => {
      done();
      socket.close();
      reject(new ConnectError(`The Underlay host at ${host} did not answer within ${OPEN_TIMEOUT_MS / 1000} s.`));
    }, OPEN_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onClose);
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onClose);
  });
}
