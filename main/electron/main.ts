/**
 * The desktop app's main process (DESIGN.md §1, §2, §7): one host (the fabric worker, the workspace
 * store) serving one window's page over MessagePorts, native menus and dialogs, files from the
 * command line and the OS, remembered window state, and the security settings of policy.ts applied
 * to every web contents. Built by electron-vite into out/main/main.js, beside the fabric worker.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, Menu, screen, session, shell } from 'electron';
import { simulationContract } from '../../core/contract/simulation.ts';
import { workspaceContract, type RecentFile } from '../../core/contract/workspace.ts';
import { createHost, type Host } from '../host/host.ts';
import { parseStartArgs } from '../start/args.ts';
import { defaultWorkspaceDir } from '../start/data-dir.ts';
import { localClient } from '../start/local-client.ts';
import { openableFiles } from '../start/open-files.ts';
import { contentSecurityPolicy } from '../web/csp.ts';
import { registerAppScheme, serveApp } from './app-protocol.ts';
import { FileActions } from './file-actions.ts';
import { menuTemplate } from './menu.ts';
import { PageLink } from './page-link.ts';
import { allowNavigation, allowPermission, APP_ORIGIN, APP_URL, pageOrigin, secureWebPreferences, windowOpenDecision } from './policy.ts';
import { signalReady } from './ready-signal.ts';
import { asarUnpackedPath } from './unpacked-path.ts';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState, stateToSave } from './window-state.ts';

const log = (message: string) => console.warn(`[underlay] ${message}`);
const here = import.meta.dirname;
const devServer = process.env.ELECTRON_RENDERER_URL;
const origin = pageOrigin(devServer, app.isPackaged);

// Before `ready`: the app:// scheme's privileges, the app's name and data folder, one instance.
registerAppScheme();
app.setName('Underlay');
app.setPath('userData', join(app.getPath('appData'), 'Underlay'));
app.enableSandbox();

// argv: [electron, main.js, …] from a checkout, [Underlay, …] when packaged.
const argv = process.argv.slice(app.isPackaged ? 1 : 2);
const options = (() => {
  try {
    return parseStartArgs(argv);
  } catch (error) {
    log(String(error));
    return parseStartArgs([]);
  }
})();
const workspaceDir = options.workspace ? resolve(options.workspace) : defaultWorkspaceDir({ platform: process.platform, env: process.env, home: app.getPath('home') });
/** Files to open once the host is up: the command line's, then the OS's open-file events (macOS). */
const toOpen: string[] = openableFiles(options.files).map((f) => resolve(f));
let actions: FileActions | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another window would open a second host on the same workspace: hand our files to the first one.
  app.quit();
} else {
  app.on('second-instance', (_event, otherArgv, workingDirectory) => {
    // Its argv starts with the executable (and main.js from a checkout, which is not openable).
    for (const file of openableFiles(otherArgv.slice(1))) open(resolve(workingDirectory, file));
    const window = BrowserWindow.getAllWindows()[0];
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    open(path);
  });
  hardenAllContents();
  app.whenReady().then(start, (error: unknown) => fail(error));
}

function open(path: string): void {
  if (actions) void actions.open(path);
  else toOpen.push(path);
}

/** Applied to every web contents, present and future: no navigation, no new windows, no webviews. */
function hardenAllContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => windowOpenDecision());
  });
}

let host: Host | undefined;

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
  // No remote content: the page loads from app:// (or the local dev server in development) only.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    callback({ cancel: !(devServer && origin !== APP_ORIGIN && details.url.startsWith(origin)) });
  });
  if (devServer && origin !== APP_ORIGIN) {
    // The dev server's responses carry no CSP of ours; add it (plus its hot-reload socket).
    const csp = contentSecurityPolicy({ connect: [origin.replace(/^http/, 'ws')] });
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }));
  }
  serveApp(ses, join(here, '..', 'renderer'));

  host = await createHost({
    workspaceDir,
    workerScript: bundledWorker(),
    mode: 'desktop',
    version: app.getVersion(),
    log,
    // Labs ship beside the asar archive (electron-builder.yml extraResources); in development
    // they are the checkout's labs/.
    labsDir: join(app.isPackaged ? process.resourcesPath : app.getAppPath(), 'labs'),
  });
  const workspace = localClient(host, 'workspace', workspaceContract);
  const simulation = localClient(host, 'simulation', simulationContract);

  const window = createWindow();
  const page = new PageLink(window.webContents, host, origin, log);
  const setMenu = (recent: readonly RecentFile[]) =>
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(menuActions, { platform: process.platform, packaged: app.isPackaged, recent })));
  actions = new FileActions({ window: () => BrowserWindow.getAllWindows()[0] ?? null, workspace, simulation, send: (c) => page.send(c), recentChanged: setMenu });
  const fileActions = actions;
  const menuActions = {
    openTopology: () => void fileActions.openTopology(),
    openCapture: () => void fileActions.openCapture(),
    save: () => page.send({ command: 'save' }),
    saveAs: () => page.send({ command: 'saveAs' }),
    exportPcapng: () => void fileActions.exportPcapng(),
    openRecent: (file: { path: string }) => void fileActions.open(file.path),
    clearRecent: () => void fileActions.clearRecent(),
    showWorkspaceFolder: () => void shell.openPath(workspaceDir),
    about: () =>
      void dialog.showMessageBox(window, { type: 'info', title: 'About Underlay', message: `Underlay ${app.getVersion()}`, detail: `Electron ${process.versions.electron}\nWorkspace: ${workspaceDir}` }),
  };
  setMenu([]);
  await fileActions.refreshRecent();
  for (const file of toOpen.splice(0)) await fileActions.open(file);
}

/**
 * The fabric worker electron-vite built beside this file; when main runs from its sources (tests
 * with a stand-in Electron) there is none, and the host's default, the TypeScript worker, is used.
 */
function bundledWorker(): string | undefined {
  const bundled = join(here, 'fabric-worker.js');
  return existsSync(bundled) ? asarUnpackedPath(bundled) : undefined;
}

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    ...state,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Underlay',
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(join(here, '..', 'preload', 'index.cjs'), app.isPackaged),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => {
    window.show();
    signalReady();
  });
  window.on('close', () => saveWindowState(stateFile, stateToSave(window.getNormalBounds(), window.isMaximized())));
  void window.loadURL(origin === APP_ORIGIN ? APP_URL : devServer!);
  return window;
}

// Quit on the last window everywhere: the lab has no use without its window (and macOS's
// stay-in-the-dock convention would keep a fabric worker running for nothing).
app.on('window-all-closed', () => app.quit());

// The host must flush the autosave, stop the worker and close the database before the process ends.
let disposed = false;
app.on('will-quit', (event) => {
  if (disposed || !host) return;
  event.preventDefault();
  const closing = host;
  host = undefined;
  void closing
    .dispose()
    .catch((error: unknown) => log(`shutdown: ${String(error)}`))
    .finally(() => {
      disposed = true;
      app.quit();
    });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

function fail(error: unknown): void {
  dialog.showErrorBox('Underlay could not start', error instanceof Error ? (error.stack ?? error.message) : String(error));
  app.exit(1);
}
