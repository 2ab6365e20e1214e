/**
 * End to end in browser mode (DESIGN.md §2, §9): the renderer bundle built with Vite, served by
 * main/web's loopback server in front of a real host (fabric worker thread, SQLite workspace in a
 * temp folder), driven in Debian's Chromium through playwright-core. The whole chain runs: page →
 * WebSocket per contract → validating RPC servers → worker → fabric, and back.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostContract } from '../../core/contract/host.ts';
import type { Contract } from '../../core/contract/spec.ts';
import { workspaceContract } from '../../core/contract/workspace.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { createHost, type Host } from '../../main/host/host.ts';
import { connectWsPort } from '../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { rendererBundle } from './support/renderer-bundle.ts';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'tests/.artifacts');

let dir: string;
let rendererDir: string;
let host: Host;
let server: WebServer;
let browser: Browser;
let page: Page;
/** Everything the page complained about: errors, CSP violations, failed requests. */
const complaints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-e2e-'));
  rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {} });
  server = await startWebServer({ rendererDir, sink: host });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => complaints.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) complaints.push(`HTTP ${r.status()}: ${new URL(r.url()).pathname}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => page.getByTestId(testId).innerText();

/** The topology text as Monaco shows it (its lines use no-break spaces). */
const editorText = async () => (await page.getByTestId('monaco').locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

/** Replaces the whole document in Monaco with a paste, as a person would (typing would auto-indent). */
async function replaceDocument(text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  // Typed structurally: this file is checked without the DOM library.
  type WithClipboard = { navigator: { clipboard: { writeText(t: string): Promise<void> } } };
  await page.evaluate((t) => (globalThis as unknown as WithClipboard).navigator.clipboard.writeText(t), text);
  await page.getByTestId('monaco').locator('.view-lines').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+v');
}

/** A client of the same server beside the page (same token and Origin), to check or poke the host. */
async function sideClient<Api, Events>(contract: Contract<Api, Events>): Promise<RpcClient<Api, Events>> {
  const { port } = await connectWsPort(`${server.origin.replace('http', 'ws')}/rpc/${contract.name}?token=${server.token}`, { origin: server.origin });
  return new RpcClient(port, contract);
}

describe('the shell in Chromium, browser mode', () => {
  it('connects with the token from its URL', async () => {
    await page.goto(server.url);
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    expect(await page.title()).toBe('Underlay');
  });

  it('shows a bad line in place', async () => {
    await page.getByTestId('monaco').locator('.view-lines').waitFor({ timeout: 30_000 });
    await replaceDocument('version: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/16 }\nsubnets:\n  app: { cidr: 10.0.1.0/33 }\n');
    await page.getByRole('button', { name: 'Load into simulation' }).click();
    const diagnostic = page.getByTestId('diagnostic').first();
    await diagnostic.waitFor();
    expect(await diagnostic.innerText()).toContain('Error at line 5, column 16');
  });

  it('loads an example, pings across it, runs, and lists the frames', async () => {
    await page.getByLabel('Example topology').selectOption('minimal');
    await page.getByRole('button', { name: 'Open example' }).click();
    await page.getByRole('button', { name: 'Load into simulation' }).click();
    await expect.poll(() => text('load-state')).toBe('Loaded minimal: 2 instances.');

    await page.getByLabel('Instance', { exact: true }).selectOption('web');
    await page.getByLabel('Command', { exact: true }).fill('ping -c 3 db');
    await page.getByRole('button', { name: 'Exec' }).click();
    await page.getByLabel('Run until, in seconds of virtual time').fill('3');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => text('virtual-time'), { timeout: 30_000 }).toBe('3 s');
    await expect.poll(() => text('console-output')).toContain('3 packets transmitted, 3 received, 0% packet loss');

    const frames = Number(await text('frame-count'));
    expect(frames).toBeGreaterThan(0);
    // The packet list is a virtual window over the capture: it says how many rows it has, and
    // draws the first ones once it has pulled their page.
    const list = page.getByTestId('packet-list');
    await expect.poll(async () => Number(await list.getAttribute('aria-rowcount'))).toBe(frames);
    const rows = list.locator('[role="row"][data-frame]');
    await rows.first().waitFor();
    // Typed structurally: this file is checked without the DOM library.
    type Row = { querySelectorAll(s: string): ArrayLike<{ readonly textContent: string | null }> };
    const cells = await rows.evaluateAll((trs: Row[]) => trs.map((tr) => Array.from(tr.querySelectorAll('[role="gridcell"]'), (td) => td.textContent?.trim() ?? '')));
    expect(cells[0].slice(0, 5)).toEqual(['1', '0.000000000', '02:00:00:00:00:01', 'Broadcast', 'ARP']);
    // Columns: No., Time, Source, Destination, Protocol, Length, Capture point, Trace, Info.
    const pings = cells.filter((c) => c[4] === 'ICMP' && c[2] === '10.0.1.4' && c[3] === '10.0.1.5' && c[8].startsWith('Echo (ping) request'));
    expect(pings.length).toBeGreaterThanOrEqual(3);
  });

  it('reconnects by itself when the server comes back, and finds the run where it was', async () => {
    const { port, token } = server;
    await server.close();
    await expect.poll(() => text('connection-label')).toBe('Reconnecting…');
    expect(await text('connection-reason')).toContain('The connection to the Underlay host was lost.');
    // The same address and token, as after a blip; the host (worker, workspace) never went away.
    server = await startWebServer({ rendererDir, sink: host, port, token });
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    expect(await text('virtual-time')).toBe('3 s');
    // While it was down, Chromium logged the refused attempts: expected here, not complaints.
    const refused = /^console: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/rpc\/[^']+' failed/;
    for (let i = complaints.length - 1; i >= 0; i--) if (refused.test(complaints[i])) complaints.splice(i, 1);
  });

  it('tells the user when the worker was restarted, and what came back', async () => {
    // Another client of the same host asks for the restart (as the page's button does once the
    // worker has failed); the page hears workerRestarted after the replay.
    const admin = await sideClient(hostContract);
    await admin.api.restartWorker();
    admin.dispose();
    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 30_000 });
    const frames = await text('frame-count');
    expect(await notice.innerText()).toContain(`It was restarted on request (restart asked for by the user). The topology was reloaded and the run replayed to 3 s (${frames} frames).`);
    await page.getByRole('button', { name: 'Dismiss: The simulation was restarted' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(await text('virtual-time')).toBe('3 s');
  });

  it('saves the topology into the workspace with its history', async () => {
    await page.getByRole('button', { name: 'Save to workspace' }).click();
    await page.getByTestId('history').waitFor();
    expect(await text('document-title')).toBe('minimal (r1)');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'shell.png'), fullPage: true });
    // The dark theme comes from the same variables under prefers-color-scheme.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(artifacts, 'shell-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps unsaved edits through a reload, as a draft offered when the topology is opened', async () => {
    await page.getByTestId('monaco').locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('# edited, not saved\n');
    // The page autosaves after a quiet moment; ask the workspace, as a second client would.
    const workspace = await sideClient(workspaceContract);
    await expect.poll(async () => (await workspace.api.getDraft(1))?.text.endsWith('# edited, not saved\n'), { timeout: 10_000 }).toBe(true);
    workspace.dispose();
    await page.reload();
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    await page.getByRole('button', { name: 'Open minimal' }).first().click();
    await page.getByTestId('draft-offer').waitFor();
    await page.getByRole('button', { name: 'Restore them' }).click();
    await expect.poll(editorText).toContain('# edited, not saved');
    expect(await text('document-title')).toBe('minimal (r1) — edited');
  });

  it('ran without a page error, CSP violation or failed request', () => {
    expect(complaints).toEqual([]);
  });
});
