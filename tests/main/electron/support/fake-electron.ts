/**
 * A stand-in for the parts of Electron's main-process API that main/electron uses, recording what
 * it is asked, so main.ts runs in Node under Vitest (vi.mock('electron')). Events follow Electron's
 * shapes where main.ts reads them; dialogs answer from a queue the test fills.
 */
import { EventEmitter } from 'node:events';

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function preventable(): PreventableEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export const recorded = {
  schemes: [] as unknown[],
  menus: [] as unknown[],
  recentDocuments: [] as string[],
  messageBoxes: [] as unknown[],
  errorBoxes: [] as unknown[],
  openedPaths: [] as string[],
};

export const dialogAnswers = {
  open: [] as { canceled: boolean; filePaths: string[] }[],
  save: [] as { canceled: boolean; filePath?: string }[],
};

class FakeApp extends EventEmitter {
  isPackaged = false;
  sandboxed = false;
  quitRequested = 0;
  exitCode: number | undefined;
  readonly paths = new Map<string, string>();
  private ready!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
  name = 'Electron';

  setName(name: string) {
    this.name = name;
  }
  getName() {
    return this.name;
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  getPath(name: string) {
    const value = this.paths.get(name);
    if (value === undefined) throw new Error(`fake app has no path ${name}`);
    return value;
  }
  getVersion() {
    return '0.1.0-test';
  }
  /** Unpackaged, Electron's app path is the folder of the package.json it was started with: the checkout. */
  getAppPath() {
    return new URL('../../../..', import.meta.url).pathname.replace(/\/$/, '');
  }
  enableSandbox() {
    this.sandboxed = true;
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return this.readyPromise;
  }
  /** The test says when Electron is ready. */
  becomeReady() {
    this.ready();
  }
  addRecentDocument(path: string) {
    recorded.recentDocuments.push(path);
  }
  clearRecentDocuments() {
    recorded.recentDocuments.length = 0;
  }
  /** Like Electron: 'will-quit' may be prevented; quit() may be called again later. */
  quit() {
    this.quitRequested++;
    const event = preventable();
    this.emit('will-quit', event);
    if (!event.defaultPrevented) this.emit('quit');
  }
  exit(code: number) {
    this.exitCode = code;
  }
}

export const app = new FakeApp();

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly mainFrame = { url: 'app://underlay/index.html', parent: null };
  windowOpenHandler: (() => unknown) | undefined;
  destroyed = false;
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: () => unknown) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  static getAllWindows() {
    return BrowserWindow.all.filter((w) => !w.closed);
  }
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  maximized = false;
  shown = false;
  closed = false;
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: Record<string, unknown>) {
    super();
    this.bounds = { x: Number(options.x ?? 0), y: Number(options.y ?? 0), width: Number(options.width), height: Number(options.height) };
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  getNormalBounds() {
    return this.bounds;
  }
  show() {
    this.shown = true;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  /** What Electron does when the user closes the window. */
  close() {
    this.emit('close', preventable());
    this.closed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

type Handler = (request: Request) => Promise<Response>;

export const session = {
  defaultSession: {
    permissionRequestHandler: undefined as undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    permissionCheckHandler: undefined as undefined | ((contents: unknown, permission: string) => boolean),
    beforeRequest: undefined as undefined | { filter: { urls: string[] }; listener: (details: { url: string }, callback: (r: { cancel: boolean }) => void) => void },
    headersReceived: undefined as unknown,
    protocolHandlers: new Map<string, Handler>(),
    setPermissionRequestHandler(handler: typeof this.permissionRequestHandler) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: typeof this.permissionCheckHandler) {
      this.permissionCheckHandler = handler;
    },
    webRequest: {
      onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (r: { cancel: boolean }) => void) => void) {
        session.defaultSession.beforeRequest = { filter, listener };
      },
      onHeadersReceived(listener: unknown) {
        session.defaultSession.headersReceived = listener;
      },
    },
    protocol: {
      handle(scheme: string, handler: Handler) {
        session.defaultSession.protocolHandlers.set(scheme, handler);
      },
    },
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    recorded.schemes.push(...schemes);
  },
};

export const Menu = {
  buildFromTemplate(template: unknown) {
    return { template };
  },
  setApplicationMenu(menu: unknown) {
    recorded.menus.push(menu);
  },
};

export const ipcMain = new EventEmitter();

export const dialog = {
  async showOpenDialog(..._args: unknown[]) {
    return dialogAnswers.open.shift() ?? { canceled: true, filePaths: [] };
  },
  async showSaveDialog(..._args: unknown[]) {
    return dialogAnswers.save.shift() ?? { canceled: true };
  },
  async showMessageBox(...args: unknown[]) {
    recorded.messageBoxes.push(args.at(-1));
    return { response: 0 };
  },
  showErrorBox(title: string, content: string) {
    recorded.errorBoxes.push({ title, content });
  },
};

export const screen = {
  getAllDisplays() {
    return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  },
};

export const shell = {
  async openPath(path: string) {
    recorded.openedPaths.push(path);
    return '';
  },
};
