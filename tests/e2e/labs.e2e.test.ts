/**
 * A guided lab end to end in browser mode (DESIGN.md §2, §8, §9): the renderer bundle served by
 * main/web in front of a real host (fabric worker, SQLite workspace in a temp folder), driven in
 * Chromium. The learner opens lab 1 from the catalogue, starts it, follows its steps from the
 * console (the ping the step asks for, then a run), checks — graded by the worker on that live run
 * — sees it pass, exports the capture, reloads the page and finds the progress kept.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../main/host/host.ts';
import { LabCatalogue } from '../../main/host/lab-catalogue.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';
import { rendererBundle } from './support/renderer-bundle.ts';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'tests/.artifacts');
const LAB = '01-two-hosts-geneve';
// The seed-1 names of the lab's instances, as its steps print them.
const vars = new LabCatalogue().instance(LAB, 1).variables;
const [client, server] = [vars.get('client')!, vars.get('server')!];

let dir: string;
let host: Host;
let web: WebServer;
let browser: Browser;
let page: Page;
const complaints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-e2e-labs-'));
  const rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {}, labSeed: () => 1 });
  web = await startWebServer({ rendererDir, sink: host });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1300 }, acceptDownloads: true });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => complaints.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => page.getByTestId(testId).innerText();

describe('a guided lab in Chromium, browser mode', () => {
  it('lists the labs by topic and opens lab 1 with its steps', async () => {
    await page.goto(web.url);
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    await page.getByRole('button', { name: 'Guided labs' }).click();
    await expect.poll(() => page.getByTestId('lab-entry').count(), { timeout: 10_000 }).toBe(7);
    expect(await page.getByTestId('lab-progress').first().innerText()).toBe('Not started');
    await page.getByRole('button', { name: /^Open lab: Two instances, two hosts/ }).click();
    await page.getByTestId('lab-panel').waitFor();
    expect(await page.getByTestId('lab-step').count()).toBe(3);
    // The step's Markdown, rendered: the command it asks for is in a code block.
    expect(await page.getByTestId('lab-step').nth(1).locator('pre code').innerText()).toContain(`--exec '${client}: ping -c 3 ${server}'`);
  });

  it('starts the lab, follows its steps from the console, checks and passes', async () => {
    await page.getByRole('button', { name: 'Start lab' }).click();
    await expect.poll(() => text('lab-panel-progress')).toBe('0/3 steps · 0/7 checks');
    await expect.poll(() => text('load-state')).toContain(LAB);

    // Untouched: the traffic checks fail, each saying what happened instead.
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('lab-check-total').waitFor();
    expect(await text('lab-check-total')).toMatch(/^[0-6] of 7 checks pass/);
    expect(await page.locator('[data-testid="lab-check"][data-passed="false"]').first().innerText()).toContain('FAIL');

    // Step 2: the ping, from the console, then run virtual time.
    await page.getByLabel('Instance', { exact: true }).selectOption(client);
    await page.getByLabel('Command', { exact: true }).fill(`ping -c 3 ${server}`);
    await page.getByRole('button', { name: 'Exec' }).click();
    await page.getByLabel('Run until, in seconds of virtual time').fill('5');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => text('virtual-time'), { timeout: 30_000 }).toBe('5 s');
    await expect.poll(() => text('console-output')).toContain('3 packets transmitted, 3 received, 0% packet loss');

    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => text('lab-check-total'), { timeout: 20_000 }).toMatch(/^7 of 7 checks pass: lab complete/);
    expect(await page.locator('[data-testid="lab-check"][data-passed="true"]').count()).toBe(7);
    for (let i = 0; i < 3; i++) await page.getByLabel(`Step ${i + 1} done`).check();
    await expect.poll(() => text('lab-panel-progress')).toBe('Completed · 3/3 steps');
    await page.getByRole('button', { name: /^Show a hint/ }).click();
    await page.getByTestId('lab-hint').waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'labs-passed.png'), fullPage: true });
  }, 60_000);

  it('exports the lab\'s capture as pcapng', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export capture' }).click()]);
    expect(download.suggestedFilename()).toBe(`${LAB}-seed1.pcapng`);
    const bytes = readFileSync((await download.path())!);
    // A pcapng file starts with a Section Header Block.
    expect(bytes.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('keeps the progress through a reload and reopens the lab', async () => {
    await page.reload();
    await expect.poll(() => text('connection-label'), { timeout: 20_000 }).toBe('Connected');
    await page.getByTestId('lab-panel').waitFor({ timeout: 10_000 });
    await expect.poll(() => text('lab-panel-progress')).toBe('Completed · 3/3 steps');
    expect(await page.getByLabel('Step 2 done').isChecked()).toBe(true);
    expect(await page.getByTestId('lab-hint').count()).toBe(1);
    await page.getByRole('button', { name: '← All labs' }).click();
    expect(await page.getByTestId('lab-progress').first().innerText()).toBe('Completed · 3/3 steps');
    await page.screenshot({ path: join(artifacts, 'labs-after-reload.png'), fullPage: true });
  });

  it('ran without a page error or failed request', () => {
    // The editor region's Monaco YAML worker is not this test's subject (and is being replaced):
    // its language-service requests without a handler are left to the editor's own tests.
    const ours = complaints.filter((c) => !/Missing requestHandler or method/.test(c));
    expect(ours).toEqual([]);
  });
});
