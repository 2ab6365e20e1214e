/**
 * Electron's main process from its sources, with a stand-in Electron (support/fake-electron.ts)
 * and the real host: what it sets up before and after `ready`, that the window is locked down,
 * that a connect request from the page becomes a served contract port (and one from elsewhere is
 * refused), that files from the command line and the menus reach the workspace and the page, that
 * Export pcapng writes a file, and that quitting saves the window and disposes the host.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simulationContract } from '../../../core/contract/simulation.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import { messagePortPort } from '../../../main/rpc/worker-port.ts';
import { fakeBundle } from '../web/support/bundle.ts';
import * as fake from './support/fake-electron.ts';

vi.mock('electron', () => import('./support/fake-electron.ts'));

const dir = mkdtempSync(join(tmpdir(), 'underlay-electron-'));
const argvTopology = join(dir, 'from-argv.yaml');
const readyFile = join(dir, 'ready');
const savedArgv = process.argv;
let window: fake.BrowserWindow;

beforeAll(async () => {
  copyFileSync(join(import.meta.dirname, '..', '..', '..', 'resources', 'topologies', 'minimal.yaml'), argvTopology);
  fake.app.setPath('appData', join(dir, 'appData'));
  fake.app.setPath('home', join(dir, 'home'));
  process.env.UNDERLAY_READY_FILE = readyFile;
  process.argv = [process.execPath, '/app/out/main/main.js', '--workspace', join(dir, 'workspace'), argvTopology, '--enable-logging'];
  await import('../../../main/electron/main.ts');
});

afterAll(() => {
  process.argv = savedArgv;
  delete process.env.UNDERLAY_READY_FILE;
  rmSync(dir, { recursive: true, force: true });
});

/** A Node MessagePort dressed as Electron's MessagePortMain (whose message events carry { data }). */
function asPortMain(port: MessagePort) {
  const wrapped = new Map<unknown, (data: unknown) => void>();
  return {
    postMessage: (m: unknown) => port.postMessage(m),
    start: () => port.start(),
    close: () => port.close(),
    on(event: string, listener: (e?: unknown) => void) {
      if (event === 'message') {
        const w = (data: unknown) => listener({ data });
        wrapped.set(listener, w);
        port.on('message', w);
      } else port.on(event, listener);
    },
    off(event: string, listener: (e?: unknown) => void) {
      port.off(event, (event === 'message' ? wrapped.get(listener) : listener) as never);
    },
  };
}

function connectFromPage(contract: unknown, frame: { url: string; parent: unknown } = window.webContents.mainFrame) {
  const { port1, port2 } = new MessageChannel();
  const contents = window.webContents;
  fake.ipcMain.emit('underlay:connect', { sender: contents, senderFrame: frame, ports: [asPortMain(port1)] }, { contract });
  return port2;
}

const commands = () => window.webContents.sent.filter((s) => s.channel === 'underlay:command').map((s) => s.args[0]);
const lastMenu = () => (fake.recorded.menus.at(-1) as { template: MenuItemConstructorOptions[] }).template;
const fileMenuItem = (label: string) => (lastMenu().find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[]).find((i) => i.label === label)!;
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('before ready', () => {
  it('registers app:// as a privileged scheme, names the app, sandboxes every renderer', () => {
    expect(fake.recorded.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(fake.app.getName()).toBe('Underlay');
    expect(fake.app.getPath('userData')).toBe(join(dir, 'appData', 'Underlay'));
    expect(fake.app.sandboxed).toBe(true);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.recorded.menus.length).toBeGreaterThanOrEqual(2), { timeout: 30_000 });
    window = fake.BrowserWindow.all[0];
    // The command-line file is opened once the host is up.
    await vi.waitFor(() => expect(fake.recorded.recentDocuments).toContain(argvTopology), { timeout: 10_000 });
  }, 60_000);

  it('opens one locked-down window on app://underlay and shows it when ready', () => {
    expect(fake.BrowserWindow.all).toHaveLength(1);
    expect(window.loadedUrl).toBe('app://underlay/index.html');
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(window.options).toMatchObject({ width: 1280, height: 800, show: false });
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
    expect(existsSync(readyFile)).toBe(true);
  });

  it('blocks navigation, new windows, webviews, permissions and remote requests', () => {
    const navigate = fake.preventable();
    window.webContents.emit('will-navigate', navigate, 'https://example.com/');
    expect(navigate.defaultPrevented).toBe(true);
    const redirect = fake.preventable();
    window.webContents.emit('will-redirect', redirect, 'file:///etc/passwd');
    expect(redirect.defaultPrevented).toBe(true);
    const webview = fake.preventable();
    window.webContents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
    expect(window.webContents.windowOpenHandler?.()).toEqual({ action: 'deny' });

    const ses = fake.session.defaultSession;
    const granted: boolean[] = [];
    ses.permissionRequestHandler!(window.webContents, 'media', (g) => granted.push(g));
    expect(granted).toEqual([false]);
    expect(ses.permissionCheckHandler!(window.webContents, 'clipboard-read')).toBe(false);
    const cancelled: boolean[] = [];
    ses.beforeRequest!.listener({ url: 'https://example.com/tracker.js' }, (r) => cancelled.push(r.cancel));
    expect(cancelled).toEqual([true]);
    expect(ses.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
  });

  it('holds commands until the page connects, then serves the contract on the port', async () => {
    expect(commands()).toEqual([]);
    const port = connectFromPage('simulation');
    const sim = new RpcClient(messagePortPort(port), simulationContract);
    expect(await sim.api.now()).toBe(0);
    expect(commands()).toEqual([{ command: 'openTopology', topologyId: expect.any(Number), name: 'from-argv', path: argvTopology }]);
    expect((await sim.api.load(readFileSync(argvTopology, 'utf8'), 2)).ok).toBe(true);
    await sim.api.exec('web', 'ping -c 1 db');
    await sim.api.run(2_000_000_000);
    expect((await sim.api.capturePage(0, 0)).total).toBeGreaterThan(0);
  });

  it('refuses connect requests from a subframe, another origin or for an unknown contract, closing the port', async () => {
    const closed = (port: MessagePort) => new Promise<void>((resolve) => port.once('close', () => resolve()));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await closed(connectFromPage('simulation', { url: 'app://underlay/index.html', parent: window.webContents.mainFrame }));
    await closed(connectFromPage('shell'));
    const mainFrame = window.webContents.mainFrame;
    mainFrame.url = 'https://example.com/';
    try {
      await closed(connectFromPage('simulation'));
    } finally {
      mainFrame.url = 'app://underlay/index.html';
    }
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      '[underlay] refused a connect request: asked from a subframe',
      '[underlay] refused a connect request: no contract named "shell"',
      '[underlay] refused a connect request: asked from https://example.com/',
    ]);
    warn.mockRestore();
  });

  it('exports the capture to a file chosen in the save dialog', async () => {
    const target = join(dir, 'export.pcapng');
    fake.dialogAnswers.save.push({ canceled: false, filePath: target });
    click(fileMenuItem('Export pcapng…'));
    await vi.waitFor(() => expect(existsSync(target) && [...readFileSync(target).subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]));
  });

  it('opens a capture from the dialog into the catalogue, tells the page and lists it as recent', async () => {
    const capture = join(dir, 'export.pcapng');
    const before = commands().length;
    fake.dialogAnswers.open.push({ canceled: false, filePaths: [capture] });
    click(fileMenuItem('Open Capture…'));
    await vi.waitFor(() => expect(commands().slice(before)).toEqual([{ command: 'openCapture', captureId: expect.any(Number), name: expect.any(String), path: capture }]));
    await vi.waitFor(() => {
      const recent = (fileMenuItem('Open Recent').submenu as MenuItemConstructorOptions[]).map((i) => i.label);
      expect(recent.slice(0, 2)).toEqual([capture, argvTopology]);
    });
  });

  it('shows an error for a file it cannot open', async () => {
    fake.dialogAnswers.open.push({ canceled: false, filePaths: [join(dir, 'missing.yaml')] });
    click(fileMenuItem('Open Topology…'));
    await vi.waitFor(() => expect(fake.recorded.messageBoxes).toEqual([expect.objectContaining({ type: 'error', title: 'Could not open missing.yaml' })]));
  });

  it('passes Save and Save As to the page', () => {
    const before = commands().length;
    click(fileMenuItem('Save'));
    click(fileMenuItem('Save As…'));
    expect(commands().slice(before)).toEqual([{ command: 'save' }, { command: 'saveAs' }]);
  });

  it('saves the window state on close and disposes the host before quitting', async () => {
    window.maximized = true;
    const quit = new Promise<void>((resolve) => fake.app.once('quit', () => resolve()));
    window.close();
    const state = JSON.parse(readFileSync(join(dir, 'appData', 'Underlay', 'window-state.json'), 'utf8'));
    expect(state).toEqual({ x: 0, y: 0, width: 1280, height: 800, maximized: true });
    await quit;
    // The first quit was held back for host.dispose(), the second went through.
    expect(fake.app.quitRequested).toBe(2);
  });
});

describe('the app:// protocol', () => {
  it('serves the bundle with the CSP and nothing outside it', async () => {
    const { serveApp } = await import('../../../main/electron/app-protocol.ts');
    const handlers = new Map<string, (r: Request) => Promise<Response>>();
    serveApp({ protocol: { handle: (s: string, h: (r: Request) => Promise<Response>) => handlers.set(s, h) } } as never, fakeBundle());
    const get = (url: string) => handlers.get('app')!(new Request(url));
    const page = await get('app://underlay/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(await (await get('app://underlay/assets/app.js')).text()).toBe('console.log("underlay")');
    for (const url of ['app://underlay/../../etc/passwd', 'app://underlay/%2e%2e/%2e%2e/etc/passwd', 'app://underlay/.secret', 'app://other/index.html', 'app://underlay/none.js']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });
});
