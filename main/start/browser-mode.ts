/**
 * Browser mode in plain Node (DESIGN.md §2): the host services of the desktop app, created here
 * instead of in Electron's main process, behind the loopback web server. Files named on the
 * command line are brought into the workspace before the URL is printed, so the page finds them.
 */
import { join } from 'node:path';
import { workspaceContract } from '../../core/contract/workspace.ts';
import { createHost, type Host } from '../host/host.ts';
import { resolveBindAddress } from '../web/loopback.ts';
import { startWebServer, type WebServer } from '../web/server.ts';
import { localClient } from './local-client.ts';
import { openInBrowser } from './open-browser.ts';
import { openIntoWorkspace } from './open-files.ts';
import { hasDisplay } from './shell-choice.ts';

export interface BrowserModeOptions {
  /** The checkout (or install) root: out/renderer/ and main/host/ are found from it. */
  readonly root: string;
  readonly workspaceDir: string;
  readonly port?: number;
  readonly host?: string;
  /** Open the URL in a browser once serving. */
  readonly open: boolean;
  readonly files?: readonly string[];
  readonly version?: string;
  /** The fabric worker's entry (default: main/host/fabric-worker.ts through tsx). */
  readonly workerScript?: string;
  readonly print?: (line: string) => void;
}

export interface BrowserMode {
  readonly server: WebServer;
  readonly host: Host;
  /** Stops serving, then disposes the host (flushes the autosave, stops the worker, closes the store). */
  stop(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const print = options.print ?? ((line: string) => console.log(line));
  // Refuse a non-loopback address before starting a worker and opening the database for nothing.
  resolveBindAddress(options.host);
  const host = await createHost({
    workspaceDir: options.workspaceDir,
    mode: 'browser',
    version: options.version,
    workerScript: options.workerScript,
    // From the root, not from this file's location: bundled, this file lives in out/main/.
    labsDir: join(options.root, 'labs'),
  });
  let server: WebServer;
  try {
    server = await startWebServer({
      rendererDir: join(options.root, 'out', 'renderer'),
      sink: host,
      host: options.host,
      port: options.port,
      log: (m) => print(`[underlay web] ${m}`),
    });
  } catch (error) {
    await host.dispose();
    throw error;
  }
  if (options.files?.length) {
    const workspace = localClient(host, 'workspace', workspaceContract);
    for (const file of options.files) {
      const opened = await openIntoWorkspace(workspace, file);
      print(opened.kind === 'error' ? `underlay: ${opened.message}` : `underlay: added ${file} to the workspace`);
    }
    workspace.dispose();
  }
  print(`Underlay is running in browser mode (workspace ${host.workspaceDir}).`);
  print(`Open ${server.url}`);
  print('Press Ctrl+C to stop.');
  // Without a display xdg-open would start a text-mode browser in this very terminal: print only.
  if (options.open && hasDisplay(process.platform, process.env)) openInBrowser(server.url);

  let stopping: Promise<void> | undefined;
  return {
    server,
    host,
    stop() {
      stopping ??= server.close().then(() => host.dispose());
      return stopping;
    },
  };
}
