/**
 * The capture view end to end in browser mode: the real host (fabric worker, SQLite workspace),
 * the bundle built with Vite, Chromium through playwright-core. A side client of the same server
 * loads two-racks and pings across it (the console and editor have their own end-to-end tests); the
 * page's capture view then filters `geneve && icmp`, opens the lens on a frame, jumps to its
 * decapsulated twin at the ENI, and exports pcapng, which tshark reads back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationContract } from '../../core/contract/simulation.ts';
import { RpcClient } from '../../core/rpc/client.ts';
import { createHost, type Host } from '../../main/host/host.ts';
import { connectWsPort } from '../../main/rpc/ws-port.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { rendererBundle } from './support/renderer-bundle.ts';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'tests/.artifacts');

let dir: string;
let host: Host;
let server: WebServer;
let browser: Browser;
let page: Page;
const complaints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-capture-e2e-'));
  const rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {} });
  server = await startWebServer({ rendererDir, sink: host });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, acceptDownloads: true });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
}, 420_000); // the bundle is built first: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Row = { readonly getAttribute: (n: string) => string | null; readonly children: ArrayLike<{ readonly textContent: string | null }> };
const gridRows = () =>
  page
    .getByTestId('packet-list')
    .locator('[role="row"][data-frame]')
    .evaluateAll((rs: Row[]) => rs.map((r) => ({ frame: Number(r.getAttribute('data-frame')), cells: Array.from(r.children, (c) => c.textContent?.trim() ?? '') })));

describe('the capture view in Chromium, browser mode', () => {
  it('shows the empty state, then the frames of a ping across two racks', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('connection-label').innerText(), { timeout: 20_000 }).toBe('Connected');
    await expect.poll(() => page.getByTestId('capture-empty').isVisible()).toBe(true);
    const { port } = await connectWsPort(`${server.origin.replace('http', 'ws')}/rpc/simulation?token=${server.token}`, { origin: server.origin });
    const sim = new RpcClient(port, simulationContract);
    const loaded = await sim.api.load(readFileSync(join(root, 'resources/topologies/two-racks.yaml'), 'utf8'));
    expect(loaded.ok).toBe(true);
    expect(await sim.api.exec('client', 'ping -c 3 server')).toMatchObject({ ok: true });
    await sim.api.run(4_000_000_000);
    sim.dispose();
    await expect.poll(async () => Number((await page.getByTestId('capture-count').innerText()).replace(/\D/g, '')), { timeout: 20_000 }).toBeGreaterThan(20);
    await expect.poll(async () => (await gridRows()).length).toBeGreaterThan(10);
  });

  it('filters geneve && icmp with Enter; the bar is green', async () => {
    const input = page.getByTestId('filter-input');
    await page.keyboard.press('Control+/');
    // A string, evaluated in the page: this file is checked without the DOM library.
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")')).toBe('filter-input');
    await input.fill('geneve && icmp');
    await expect.poll(() => input.getAttribute('class')).toContain('valid');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('capture-count').innerText()).toContain('displayed');
    // The count says "displayed" at once; the rows follow when the filtered page arrives.
    await expect.poll(async () => (await gridRows()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(6); // 3 requests + 3 replies, on several underlay ports
    const rows = await gridRows();
    for (const r of rows) expect(r.cells[4]).toBe('ICMP');
    await input.fill('ip.src == ');
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('filter-status').innerText()).toMatch(/Column \d+:/);
    // After "==" the completions offer fields (a field may be compared with a field): the first
    // Esc closes them, the second goes back to the applied filter.
    const completions = page.getByRole('listbox');
    await completions.waitFor();
    await input.press('Escape');
    await completions.waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe('ip.src == ');
    await input.press('Escape');
    await expect.poll(() => input.inputValue()).toBe('geneve && icmp');
  });

  it('opens the lens on an encapsulated frame and jumps to its decapsulated twin at the ENI', async () => {
    const first = (await gridRows())[0];
    await page.locator(`[role="row"][data-frame="${first.frame}"]`).click();
    const lens = page.getByTestId('trace-lens');
    await expect.poll(() => lens.locator('button[data-frame]').count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('detail-tree').waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'capture-lens.png'), fullPage: true });
    const twin = lens.locator('button[data-frame]', { hasText: 'decapsulated' }).first();
    const n = Number(await twin.getAttribute('data-frame'));
    await twin.click();
    await expect.poll(() => page.locator('[role="row"][aria-selected="true"]').getAttribute('data-frame')).toBe(String(n));
    const selected = await page.locator('[role="row"][aria-selected="true"]').innerText();
    expect(selected).toContain('ICMP');
    expect(selected).toMatch(/eni/i);
    // Tree ↔ bytes: clicking a byte selects a node of the tree.
    await page.getByTestId('hex-pane').locator('.b[data-offset="23"]').click();
    await expect.poll(async () => (await page.locator('[role="treeitem"][aria-selected="true"]').innerText()).trim()).toMatch(/^Protocol: ICMP \(1\)/);
    await page.screenshot({ path: join(artifacts, 'capture-twin.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(artifacts, 'capture-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('exports pcapng that tshark reads back with the same frames', async () => {
    await page.getByLabel('Frames to export').selectOption('all');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export pcapng' }).click()]);
    const file = join(dir, 'exported.pcapng');
    await download.saveAs(file);
    const total = Number((await page.getByTestId('export-status').innerText()).replace(/\D/g, ''));
    const count = (filter?: string) => execFileSync('tshark', ['-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    expect(count()).toBe(total);
    expect(count('geneve && icmp')).toBeGreaterThanOrEqual(6);
    expect(count('_ws.malformed')).toBe(0);
    expect(complaints).toEqual([]);
  });
});
