/**
 * The topology editor end to end in Chromium, browser mode (as shell.e2e.test.ts): build two VPCs
 * on the canvas from the palette, see the YAML follow, break a CIDR in Monaco and see the badge
 * on the canvas, fix it, peer the VPCs by connecting them, and undo. The document's text is read
 * back through the workspace contract (the page autosaves it as a draft), so the check is the
 * real text, not what Monaco happens to render.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceContract, type WorkspaceApi, type WorkspaceEvents } from '../../core/contract/workspace.ts';
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
let workspace: RpcClient<WorkspaceApi, WorkspaceEvents>;
const complaints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-editor-e2e-'));
  const rendererDir = await rendererBundle();
  host = await createHost({ workspaceDir: join(dir, 'workspace'), mode: 'browser', version: 'e2e', log: () => {} });
  server = await startWebServer({ rendererDir, sink: host });
  const { port } = await connectWsPort(`${server.origin.replace('http', 'ws')}/rpc/workspace?token=${server.token}`, { origin: server.origin });
  workspace = new RpcClient<WorkspaceApi, WorkspaceEvents>(port, workspaceContract);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') complaints.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => complaints.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
}, 240_000);

afterAll(async () => {
  workspace?.dispose();
  await browser?.close();
  await server?.close();
  await host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The document text as the page last autosaved it (the new document's draft slot). */
async function savedText(): Promise<string> {
  return (await workspace.api.getDraft(null))?.text ?? '';
}

const node = (id: string) => page.locator(`.vue-flow__node[data-id="${id}"]`);

async function dropInto(kind: string, target: string | null): Promise<void> {
  const palette = page.getByTestId(`palette-${kind}`);
  if (target === null) {
    await palette.dragTo(page.locator('.vue-flow__pane'), { targetPosition: { x: 160 + Math.random() * 0, y: 120 } });
  } else {
    const box = await node(target).boundingBox();
    await palette.dragTo(node(target), { targetPosition: { x: 30, y: Math.max(45, (box?.height ?? 90) - 35) } });
  }
}

/** Monaco's own find/replace (Ctrl+H), as a person would: typing multi-line text auto-indents. */
async function replaceInMonaco(find: string, replace: string): Promise<void> {
  await page.keyboard.press('Control+h');
  const widget = page.locator('.find-widget');
  await widget.locator('.find-part textarea').fill(find);
  await widget.locator('.replace-part textarea').fill(replace);
  await widget.locator('.replace-part textarea').press('Control+Alt+Enter');
  await page.keyboard.press('Escape');
}

describe('the topology editor in Chromium', () => {
  it('starts empty and builds two VPCs with subnets and instances on the canvas', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('connection-label').innerText(), { timeout: 20_000 }).toBe('Connected');
    await page.getByTestId('monaco').locator('.view-lines').waitFor({ timeout: 30_000 });
    // The new document's objects, all selected and deleted on the canvas.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await node('vpcs/lab').waitFor();
    await page.getByTestId('topology-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.vue-flow__node').count()).toBe(0);

    await dropInto('vpc', null);
    await node('vpcs/vpc1').waitFor();
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await dropInto('vpc', null);
    await node('vpcs/vpc2').waitFor();
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await page.waitForTimeout(300);
    await dropInto('subnet', 'vpcs/vpc1');
    await node('subnets/subnet1').waitFor();
    await dropInto('subnet', 'vpcs/vpc2');
    await node('subnets/subnet2').waitFor();
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await page.waitForTimeout(300);
    await dropInto('instance', 'subnets/subnet1');
    await dropInto('instance', 'subnets/subnet2');
    await node('instances/i2').waitFor();
    await page.getByRole('button', { name: 'Auto layout' }).click();

    await expect.poll(savedText, { timeout: 10_000 }).toContain('i2:');
    const text = await savedText();
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'editor-two-vpcs.yaml'), text);
    expect(text).toContain('# A new topology');
    expect(text).toMatch(/vpc1:\n\s+cidr: 10\.0\.0\.0\/16/);
    expect(text).toMatch(/vpc2:\n\s+cidr: 10\.1\.0\.0\/16/);
    expect(text).toMatch(/subnet1:\n\s+vpc: vpc1\n\s+cidr: 10\.0\.1\.0\/24/);
    expect(text).toMatch(/subnet2:\n\s+vpc: vpc2\n\s+cidr: 10\.1\.1\.0\/24/);
    expect(text).toMatch(/i1:\n\s+subnet: subnet1/);
    expect(text).toMatch(/i2:\n\s+subnet: subnet2/);
    expect(await page.getByTestId('document-state').innerText()).toBe('valid');
    // The canvas nests them: the subnet's box is inside the VPC's.
    expect(await node('subnets/subnet2').getAttribute('class')).toContain('parent');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'editor-two-vpcs.png'), fullPage: true });
  });

  it('a CIDR broken in the YAML shows as an error badge on the canvas, and clears when fixed', async () => {
    const good = await savedText();
    const monaco = page.getByTestId('monaco');
    await monaco.locator('.view-lines').click();
    await replaceInMonaco('10.1.1.0/24', '10.1.1.0/33');
    const badge = node('subnets/subnet2').getByTestId('node-badge').first();
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.getAttribute('title')).toMatch(/Error \(line \d+\)/);
    expect(await page.getByTestId('document-state').innerText()).toBe('1 problem');
    await expect.poll(() => monaco.locator('.squiggly-error').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'editor-broken-cidr.png'), fullPage: true });
    await replaceInMonaco('10.1.1.0/33', '10.1.1.0/24');
    await node('subnets/subnet2').getByTestId('node-badge').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(savedText, { timeout: 10_000 }).toBe(good);
  });

  it('peers the VPCs by connecting them, and undoes it to the exact text', async () => {
    const before = await savedText();
    const from = node('vpcs/vpc1').locator('.vue-flow__handle.source').first();
    const to = node('vpcs/vpc2').locator('.vue-flow__handle.target').first();
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(savedText, { timeout: 10_000 }).toContain('peerings:');
    expect(await savedText()).toMatch(/peerings:\n\s+vpc1-vpc2:\n\s+vpcs:\n\s+- vpc1\n\s+- vpc2/);
    await page.locator('.vue-flow__edge.peering').first().waitFor();
    // Unrouted peering: a warning, not an error.
    expect(await page.getByTestId('document-state').innerText()).toBe('valid');
    await page.screenshot({ path: join(artifacts, 'editor-peered.png'), fullPage: true });

    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(savedText, { timeout: 10_000 }).toBe(before);
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(savedText, { timeout: 10_000 }).toContain('vpc1-vpc2');
  });

  it('shows the physical view of the same topology', async () => {
    await page.getByTestId('view-physical').click();
    await page.getByTestId('palette-zone').click();
    await node('zones/az1').waitFor();
    await page.getByTestId('palette-rack').click();
    await node('racks/rack1').waitFor();
    await page.getByTestId('palette-host').click();
    await node('hosts/host1').waitFor();
    await expect.poll(savedText, { timeout: 10_000 }).toMatch(/host1:\n\s+rack: rack1/);
    // The instances (not placed on a host) are there too, beside the zone.
    expect(await node('instances/i1').count()).toBe(1);
    await page.screenshot({ path: join(artifacts, 'editor-physical.png'), fullPage: true });
    await page.getByTestId('view-logical').click();
    await node('vpcs/vpc1').waitFor();
  });

  it('ran without a page error, CSP violation or failed request', () => {
    expect(complaints).toEqual([]);
  });
});
