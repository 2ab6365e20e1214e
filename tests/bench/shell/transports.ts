/**
 * The two ways a renderer reaches the host, set up against one real host (fabric worker thread,
 * workspace in a temp folder) for `npm run bench:shell`:
 *
 * - **worker port**: the desktop path. The page's MessagePort is handed to main, whose RpcServer
 *   validates each call and forwards it over worker_threads to the fabric worker. Here a
 *   worker_threads MessageChannel stands in for Electron's channel (both are structured-clone
 *   ports; Electron itself cannot start on these machines), so a round trip is
 *   client → port → main's server → worker → fabric and back, with the client in this thread.
 * - **WebSocket**: browser mode. main/web's loopback server with its token and Origin check, the
 *   frame codec on both ends, a `ws` client in this thread.
 *
 * Each client counts the bytes it receives: for the WebSocket the frames off the wire; for the
 * MessagePort (structured clone has no wire) the size of each answer as the frame codec would
 * encode it, measured after the timed part so it does not add to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { messagePortPort } from '../../../main/rpc/worker-port.ts';
import { connectWsPort } from '../../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';

export type TransportName = 'worker port' | 'WebSocket';

export interface Transport {
  readonly name: TransportName;
  readonly client: RpcClient<SimulationApi, SimulationEvents>;
  /** Bytes received off the wire so far, or null when the transport has no wire (structured clone). */
  wireBytes(): number | null;
}

export interface ShellBench {
  readonly host: Host;
  readonly server: WebServer;
  readonly transports: readonly Transport[];
  dispose(): Promise<void>;
}

export async function startShellBench(rendererDir: string): Promise<ShellBench> {
  const dir = mkdtempSync(join(tmpdir(), 'underlay-bench-shell-'));
  const host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'bench', log: () => {}, labSeed: () => 1 });
  const server = await startWebServer({ rendererDir, sink: host, log: () => {} });

  const channel = new MessageChannel();
  const served = host.connect('simulation', messagePortPort(channel.port1));
  const workerPort: Transport = { name: 'worker port', client: new RpcClient(messagePortPort(channel.port2), simulationContract), wireBytes: () => null };

  const { port, socket } = await connectWsPort(`${server.origin.replace('http', 'ws')}/rpc/simulation?token=${server.token}`, { origin: server.origin });
  let received = 0;
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    received += Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
  });
  const webSocket: Transport = { name: 'WebSocket', client: new RpcClient(port, simulationContract), wireBytes: () => received };

  return {
    host,
    server,
    transports: [workerPort, webSocket],
    async dispose() {
      workerPort.client.dispose();
      webSocket.client.dispose();
      served.dispose();
      channel.port1.close();
      await server.close();
      await host.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
