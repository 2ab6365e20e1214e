/**
 * Simulation mode and instance consoles end to end in browser mode (same setup as shell.e2e):
 * the real xterm.js terminal typed into with the keyboard, stepping packet by packet through a
 * ping with the event list's verdicts and the path strip, playing at a speed, Ctrl+C on a ping
 * without a count. Screenshots in tests/.artifacts/.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../main/host/host.ts';
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
  dir = mkdtempSync(join(tmpdir(), 'underlay-e2e-sim-'));
  const rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {} });
  server = await startWebServer({ rendererDir, sink: host });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => complaints.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => page.getByTestId(testId).innerText();
/** What the active console's xterm shows on screen (its DOM renderer's rows). */
const screen = () => page.locator('.terminal:visible .xterm-rows').innerText();

async function typeInConsole(line: string): Promise<void> {
  await page.locator('.terminal:visible .xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

describe('simulation mode and consoles in Chromium', () => {
  it('loads a topology and opens a console per instance', async () => {
    await page.goto(server.url);
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    await page.getByLabel('Example topology').selectOption('two-racks');
    await page.getByRole('button', { name: 'Open example' }).click();
    await page.getByRole('button', { name: 'Load into simulation' }).click();
    await expect.poll(() => text('load-state')).toMatch(/^Loaded two-racks: 3 instances\.$/);
    expect(await page.getByRole('tablist', { name: 'Instance consoles' }).getByRole('tab').allInnerTexts()).toEqual(['client', 'server', 'neighbour']);
    await expect.poll(screen, { timeout: 10_000 }).toContain('client:~$');
  });

  it('types a ping into the terminal and steps through it packet by packet, with verdicts', async () => {
    await typeInConsole('ping -c 2 server');
    await expect.poll(screen).toContain('client:~$ ping -c 2 server');
    const stepPacket = page.getByRole('button', { name: 'Step to next packet' });
    for (let i = 0; i < 20; i++) {
      await stepPacket.click();
      await expect.poll(() => stepPacket.isEnabled()).toBe(true);
    }
    const verdicts = await page.getByTestId('event-verdict').allInnerTexts();
    expect(verdicts.length).toBeGreaterThan(12);
    expect(verdicts).toContain('forward');
    const rows = await page.getByTestId('event-row').allInnerTexts();
    expect(rows.some((r) => r.includes('sg-egress'))).toBe(true);
    expect(rows.some((r) => r.includes('Geneve vni'))).toBe(true);
    // The packet stepped to is selected, with its path in the strip.
    await expect.poll(() => page.getByTestId('path-node').count()).toBeGreaterThan(1);
    // Clicking the echo request selects it: its path crosses the underlay to the server.
    const row = page.getByTestId('event-row').filter({ hasText: 'echo request' }).first();
    await row.click();
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('path-node').count()).toBeGreaterThan(3);
    const nodes = await page.getByTestId('path-node').allInnerTexts();
    expect(nodes[0]).toBe('client');
    expect(nodes.at(-1)).toBe('server');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'simulation-stepping.png'), fullPage: true });
  });

  it('plays the rest as fast as possible', async () => {
    await page.getByLabel('Speed').selectOption({ label: 'As fast as possible' });
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(screen, { timeout: 30_000 }).toContain('2 packets transmitted, 2 received, 0% packet loss');
    await page.getByRole('button', { name: 'Pause playback' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1);
    const verdicts = await page.getByTestId('event-verdict').allInnerTexts();
    expect(verdicts).toContain('deliver');
    expect(await text('console-output')).toContain('64 bytes from server');
  });

  it('Ctrl+C stops a ping without a count, which prints its statistics', async () => {
    await typeInConsole('ping server');
    await page.getByLabel('Speed').selectOption({ label: '1×' });
    await page.getByRole('button', { name: 'Play' }).click();
    // The second reply of this ping (the screen still shows the first ping's too).
    await expect.poll(async () => (await screen()).split('client:~$ ping server').at(-1), { timeout: 30_000 }).toContain('icmp_seq=2');
    await page.locator('.terminal:visible .xterm').click();
    await page.keyboard.press('Control+C');
    await expect.poll(screen, { timeout: 20_000 }).toContain('--- server ping statistics ---');
    const lines = async () => (await screen()).split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
    await expect.poll(async () => (await lines()).at(-1), { timeout: 20_000 }).toBe('client:~$');
    await page.getByRole('button', { name: 'Pause playback' }).click();
    expect(await lines()).toContain('^C');
    expect((await lines()).some((l) => /^\d+ packets transmitted, \d+ received/.test(l))).toBe(true);
    // History: the up arrow brings the last command back.
    await page.locator('.terminal:visible .xterm').click();
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await screen()).trimEnd().endsWith('client:~$ ping server')).toBe(true);
    await page.keyboard.press('Control+C');
    await page.screenshot({ path: join(artifacts, 'simulation-console.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(artifacts, 'simulation-console-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('resets to the start: time zero, an empty event list', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => text('virtual-time')).toBe('0 s');
    await expect.poll(() => text('event-count')).toBe('0');
    // The text editor's Monaco worker (another region's) logs requests it has no handler for.
    expect(complaints.filter((c) => !c.includes('Missing requestHandler or method'))).toEqual([]);
  });
});
