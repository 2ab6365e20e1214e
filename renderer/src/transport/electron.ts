/**
 * Electron's transport. The preload exposes one function, `window.underlay.connect(contract)`; main
 * answers by posting a MessagePort to the page (`window.postMessage({ type: 'underlay:port',
 * contract }, '*', [port])`), because a port cannot cross contextBridge as a return value.
 */
import { ConnectError, type Connector, type ContractName } from './connector.ts';
import { messagePortPort } from './message-port.ts';

/** What the preload exposes on `window.underlay`. */
export interface UnderlayBridge {
  connect(contract: ContractName): void;
}

/** How long main has to answer with a port before the attempt counts as failed. */
const PORT_TIMEOUT_MS = 10_000;

interface PortMessage {
  readonly type: 'underlay:port';
  readonly contract: string;
}

function isPortMessage(data: unknown): data is PortMessage {
  return typeof data === 'object' && data !== null && (data as PortMessage).type === 'underlay:port' && typeof (data as PortMessage).contract === 'string';
}

export function electronConnector(bridge: UnderlayBridge, target: Window, timeoutMs = PORT_TIMEOUT_MS): Connector {
  // One request per contract at a time: the reply names only the contract, so two requests for the
  // same one could not tell their ports apart.
  const inFlight = new Map<ContractName, Promise<ReturnType<typeof messagePortPort>>>();
  return (contract) => {
    const running = inFlight.get(contract);
    if (running) return running;
    const attempt = new Promise<ReturnType<typeof messagePortPort>>((resolve, reject) => {
      const onMessage = (event: MessageEvent) => {
        // The preload posts from this very window; anything else (a frame, an extension) is ignored.
        if (event.source !== target || !isPortMessage(event.data) || event.data.contract !== contract) return;
        const port = event.ports[0];
        if (!port) return;
        done();
        resolve(messagePortPort(port));
      };
      const timer = setTimeout(() => {
        done();
        reject(new ConnectError(`The Underlay app did not open the ${contract} channel within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        target.removeEventListener('message', onMessage);
        inFlight.delete(contract);
      };
      target.addEventListener('message', onMessage);
      try {
        bridge.connect(contract);
      } catch (e) {
        done();
        reject(new ConnectError(`The Underlay app refused the ${contract} channel: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
    inFlight.set(contract, attempt);
    return attempt;
  };
}
