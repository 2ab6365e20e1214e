/** The guest TCP: `TcpStack` over an IPv4 layer (`TcpEnv`), sockets and handlers. See README.md. */
export { TcpStack } from './stack.ts';
export { DEFAULT_MSS, MIN_MSS, MIN_PMTU } from './connection.ts';
export {
  TCP_DEFAULTS,
  type TcpCloseReason,
  type TcpConfig,
  type TcpEnv,
  type TcpHandler,
  type TcpSocket,
  type TcpState,
  type TcpStats,
} from './types.ts';
