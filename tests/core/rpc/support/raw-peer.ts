/** A server or client whose other end is the test itself: it posts raw messages and reads replies. */
import { createMemoryPortPair } from '../../../../core/rpc/memory-port.ts';
import type { PortLike } from '../../../../core/rpc/port.ts';

export interface RawPeer {
  /** The port to give the RPC end under test. */
  readonly port: PortLike;
  /** Posts a raw message to the RPC end. */
  send(message: unknown): void;
  /** Everything the RPC end has posted so far. */
  readonly received: unknown[];
  /** Lets queued deliveries run (memory ports deliver in microtasks). */
  flush(): Promise<void>;
  close(): void;
}

export function rawPeer(): RawPeer {
  const [port, test] = createMemoryPortPair();
  const received: unknown[] = [];
  test.onMessage((m) => received.push(m));
  return {
    port,
    send: (m) => test.postMessage(m),
    received,
    flush: async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
    close: () => test.close(),
  };
}
