/**
 * Main's end of the window's page: the ports it asks for (handed to the host after the checks in
 * connect-request.ts, ended when the page goes away or reloads) and the menu commands main sends
 * it, held back until the page has connected so a file opened from the command line at launch is
 * not announced to a page still loading.
 */
import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import type { Disposable } from '../../core/base/event.ts';
import { electronPort } from '../rpc/electron-port.ts';
import type { PortSink } from '../web/contracts.ts';
import { CONNECT_CHANNEL, decideConnect } from './connect-request.ts';
import { COMMAND_CHANNEL, type PageCommand } from './page-commands.ts';

export class PageLink implements Disposable {
  private readonly connections = new Set<Disposable>();
  private readonly pending: PageCommand[] = [];
  private ready = false;
  private readonly onConnect = (event: IpcMainEvent, message: unknown) => this.connect(event, message);

  constructor(
    private readonly contents: WebContents,
    private readonly sink: PortSink,
    private readonly origin: string,
    private readonly log: (message: string) => void,
  ) {
    ipcMain.on(CONNECT_CHANNEL, this.onConnect);
    // A reload or a crashed renderer: its ports are gone, and the next page must connect afresh.
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.reset();
    });
    contents.on('render-process-gone', () => this.reset());
    contents.once('destroyed', () => this.dispose());
  }

  send(command: PageCommand): void {
    if (this.ready && !this.contents.isDestroyed()) this.contents.send(COMMAND_CHANNEL, command);
    else this.pending.push(command);
  }

  dispose(): void {
    ipcMain.off(CONNECT_CHANNEL, this.onConnect);
    this.reset();
  }

  private connect(event: IpcMainEvent, message: unknown): void {
    if (event.sender !== this.contents) return;
    const frame = event.senderFrame;
    const decision = decideConnect({
      message,
      ports: event.ports.length,
      frameUrl: frame?.url,
      // The top frame is the one without a parent (an iframe's request comes from its own frame).
      topFrame: frame !== null && frame.parent === null,
      origin: this.origin,
    });
    if (!decision.ok) {
      this.log(`refused a connect request: ${decision.reason}`);
      for (const port of event.ports) port.close();
      return;
    }
    try {
      this.connections.add(this.sink.connect(decision.contract, electronPort(event.ports[0])));
    } catch (error) {
      this.log(`connect ${decision.contract} failed: ${String(error)}`);
      event.ports[0].close();
      return;
    }
    if (!this.ready) {
      this.ready = true;
      for (const command of this.pending.splice(0)) this.contents.send(COMMAND_CHANNEL, command);
    }
  }

  private reset(): void {
    this.ready = false;
    for (const c of [...this.connections]) c.dispose();
    this.connections.clear();
  }
}
