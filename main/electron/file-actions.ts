/**
 * What the File menu does in main: the open and save dialogs, bringing chosen files into the
 * workspace (main/start/open-files.ts), the recent-file lists (the OS's and the workspace's), and
 * Export pcapng, which needs no page at all: main asks the simulation for the file and writes it.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { SimulationApi, SimulationEvents } from '../../core/contract/simulation.ts';
import type { RecentFile, WorkspaceApi, WorkspaceEvents } from '../../core/contract/workspace.ts';
import type { RpcClient } from '../../core/rpc/client.ts';
import { openIntoWorkspace } from '../start/open-files.ts';
import type { PageCommand } from './page-commands.ts';

export const TOPOLOGY_FILTERS = [
  { name: 'Topologies', extensions: ['yaml', 'yml', 'json'] },
  { name: 'All Files', extensions: ['*'] },
];
export const CAPTURE_FILTERS = [
  { name: 'Captures', extensions: ['pcapng', 'pcap', 'cap'] },
  { name: 'All Files', extensions: ['*'] },
];
export const PCAPNG_FILTERS = [{ name: 'pcapng', extensions: ['pcapng'] }];

export interface FileActionsDeps {
  readonly window: () => BrowserWindow | null;
  readonly workspace: RpcClient<WorkspaceApi, WorkspaceEvents>;
  readonly simulation: RpcClient<SimulationApi, SimulationEvents>;
  /** Delivers a command to the page (queued until the page is connected). */
  readonly send: (command: PageCommand) => void;
  /** Called after the recent list changed, to rebuild the menu. */
  readonly recentChanged: (recent: RecentFile[]) => void;
}

export class FileActions {
  constructor(private readonly deps: FileActionsDeps) {}

  async openTopology(): Promise<void> {
    const path = await this.pick('Open Topology', TOPOLOGY_FILTERS);
    if (path) await this.open(path);
  }

  async openCapture(): Promise<void> {
    const path = await this.pick('Open Capture', CAPTURE_FILTERS);
    if (path) await this.open(path);
  }

  /** Opens any file: from a dialog, the command line, a recent entry or the OS. */
  async open(path: string): Promise<void> {
    const opened = await openIntoWorkspace(this.deps.workspace, path);
    if (opened.kind === 'error') {
      this.error(`Could not open ${basename(path)}`, opened.message);
      return;
    }
    app.addRecentDocument(path);
    if (opened.kind === 'topology') {
      this.deps.send({ command: 'openTopology', topologyId: opened.topology.id, name: opened.topology.name, path });
    } else {
      this.deps.send({ command: 'openCapture', captureId: opened.capture.id, name: opened.capture.name, path });
    }
    await this.refreshRecent();
  }

  async clearRecent(): Promise<void> {
    app.clearRecentDocuments();
    await this.deps.workspace.call('clearRecentFiles', []);
    await this.refreshRecent();
  }

  async refreshRecent(): Promise<void> {
    this.deps.recentChanged(await this.deps.workspace.call('recentFiles', []));
  }

  async exportPcapng(): Promise<void> {
    const window = this.deps.window();
    const options = { title: 'Export pcapng', defaultPath: 'underlay-capture.pcapng', filters: PCAPNG_FILTERS };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return;
    try {
      const bytes = await this.deps.simulation.call('exportPcapng', []);
      await writeFile(result.filePath, bytes);
    } catch (error) {
      this.error('Export failed', error instanceof Error ? error.message : String(error));
    }
  }

  private async pick(title: string, filters: typeof TOPOLOGY_FILTERS): Promise<string | undefined> {
    const window = this.deps.window();
    const options = { title, filters, properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? undefined : result.filePaths[0];
  }

  private error(title: string, message: string): void {
    const window = this.deps.window();
    const options = { type: 'error' as const, title, message: title, detail: message };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  }
}
