/**
 * What every part of `npm run bench:ui` shares: the renderer bundle built once, a real host in
 * browser mode (fabric worker thread, workspace in a temp folder), Chromium through playwright-core
 * with the frame-rate cap off (so requestAnimationFrame deltas measure our frame work, not vsync),
 * and a side client of the simulation contract to set the world up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { simulationContract, type SimulationApi, type SimulationEvents } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { connectWsPort } from '../../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../../main/web/server.ts';
import { rendererBundle } from '../../e2e/support/renderer-bundle.ts';

export const root = join(import.meta.dirname, '../../..');

export interface UiBench {
  readonly host: Host;
  readonly server: WebServer;
  readonly browser: Browser;
  readonly simulation: RpcClient<SimulationApi, SimulationEvents>;
  /** A fresh page at the app's URL (the caller waits for what it measures). */
  newPage(): Promise<Page>;
  dispose(): Promise<void>;
}

export async function startUiBench(): Promise<UiBench> {
  const dir = mkdtempSync(join(tmpdir(), 'underlay-bench-ui-'));
  const rendererDir = await rendererBundle();
  const host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'bench', log: () => {} });
  const server = await startWebServer({ rendererDir, sink: host });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-frame-rate-limit', '--disable-gpu-vsync', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  const { port } = await connectWsPort(`${server.origin.replace('http', 'ws')}/rpc/simulation?token=${server.token}`, { origin: server.origin });
  const simulation = new RpcClient(port, simulationContract);
  return {
    host,
    server,
    browser,
    simulation,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
      return page;
    },
    async dispose() {
      simulation.dispose();
      await browser.close();
      await server.close();
      await host.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
