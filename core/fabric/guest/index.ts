/**
 * The guest (instance) network stack and its applications. See README.md in this folder.
 */
export { ARP_MAX_ENTRIES, ArpCache, type NeighInfo, type NeighState } from './arp-cache.ts';
export * as GuestDefaults from './constants.ts';
export { DnsClient, type ResolveError, type ResolveResult, resolveErrorText } from './dns-client.ts';
export {
  Guest, type GuestConfig, type GuestCounters, type GuestDropCause, GuestDropReason, type IcmpEchoHandler, type IcmpEchoSocket, type IcmpErrorInfo,
  type IpSendOptions, type PmtuMode, type SendStatus, type UdpBinding, type UdpHandler,
} from './guest.ts';
export { HTTP_SERVER_NAME, httpBytesPattern, httpIndexPage, HttpServer } from './http-server.ts';
export { PathMtuCache, type PmtuInfo } from './path-mtu.ts';
export { Reassembler } from './reassembly.ts';
export { type GuestProcess, type ProcessIo, tokenize } from './shell.ts';
export { TcpStack, type TcpHandler, type TcpSocket } from './tcp/index.ts';
