/** Picks the transport for this page: Electron's preload bridge when present, else browser mode. */
import type { Connector } from './connector.ts';
import { electronConnector, type UnderlayBridge } from './electron.ts';
import { webSocketConnector } from './websocket.ts';

declare global {
  interface Window {
    /** Set by main/preload in the Electron app; absent in browser mode. */
    readonly underlay?: UnderlayBridge;
  }
}

export function connectorFor(page: Window): Connector {
  return page.underlay ? electronConnector(page.underlay, page) : webSocketConnector(page.location);
}
