// @vitest-environment happy-dom
/** The shell mounted whole, driven as a person would, against the real fabric in this thread. */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { useConnectionStore } from '../../renderer/src/stores/connection.ts';
import type { Harness } from './support/harness.ts';
import { connected, settle, testBackoff } from './support/mount.ts';
import { badCidrYaml } from './support/topologies.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  useConnectionStore().stop();
  harness?.dispose();
});

async function mountApp(): Promise<VueWrapper> {
  const c = await connected();
  harness = c.harness;
  wrapper = mount(App, { global: { plugins: [c.pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const button = (w: VueWrapper, text: string) => {
  const found = w.findAll('button').find((b) => b.text() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
};

/** Waits until the DOM shows what the stores hold after the RPC has answered. */
async function until(w: VueWrapper, check: () => boolean): Promise<void> {
  await expect.poll(async () => (await flushPromises(), check())).toBe(true);
}

describe('the app shell', () => {
  it('starts with the connection up and sensible empty states', async () => {
    const w = await mountApp();
    expect(w.get('[data-testid="connection-label"]').text()).toBe('Connected');
    expect(w.get('[data-testid="capture-empty"]').text()).toBe('No capture yet: run traffic from a console (for example ping), then Run.');
    expect(w.text()).toContain('Load a topology to run commands on its instances.');
    expect(w.text()).toContain('Nothing saved yet');
    expect(w.get('[data-testid="virtual-time"]').text()).toBe('0 s');
    // Controls that need a loaded topology are off until there is one.
    expect(button(w, 'Run').attributes('disabled')).toBeDefined();
    expect(w.get('#exec-command').attributes('disabled')).toBeDefined();
    // Every form control has an accessible name.
    for (const control of w.findAll('input, select, textarea')) {
      const id = control.attributes('id');
      const named = control.attributes('aria-label') || (id && w.find(`label[for="${id}"]`).exists()) || control.element.closest('label');
      expect(named, control.html()).toBeTruthy();
    }
  });

  it('shows where a bad document is wrong, in place, and loads nothing', async () => {
    const w = await mountApp();
    await w.get('#topology-text').setValue(badCidrYaml);
    await button(w, 'Load into simulation').trigger('click');
    await until(w, () => w.find('[data-testid="diagnostic"]').exists());
    const d = w.get('[data-testid="diagnostic"]');
    expect(d.text()).toContain('Error at line 5, column 16');
    expect(d.text()).toContain('expected an IPv4 CIDR block such as 10.0.0.0/16, got "10.0.1.0/33"');
    expect(d.get('pre').text()).toBe('5 |   app: { cidr: 10.0.1.0/33 }\n  |                ^^^^^^^^^^^');
    expect(w.text()).toContain('The topology has 1 problem; nothing was loaded.');
    expect(w.text()).not.toMatch(/at \S+\.ts:\d+/); // no stack trace anywhere
    // Choosing the diagnostic selects the offending text in the editor.
    await d.get('button').trigger('click');
    const editor = w.get('#topology-text').element as HTMLTextAreaElement;
    expect(badCidrYaml.slice(editor.selectionStart, editor.selectionEnd)).toBe('10.0.1.0/33');
  });

  it('opens an example, loads it, runs a ping and shows its output, the status and the packet list', async () => {
    const w = await mountApp();
    await w.get('#example-select').setValue('minimal');
    await button(w, 'Open example').trigger('click');
    expect(w.get('[data-testid="document-title"]').text()).toBe('minimal');
    await button(w, 'Load into simulation').trigger('click');
    await until(w, () => w.find('[data-testid="load-state"]').exists());
    expect(w.get('[data-testid="load-state"]').text()).toBe('Loaded minimal: 2 instances.');

    await w.get('#exec-instance').setValue('web');
    await w.get('#exec-command').setValue('ping -c 2 db');
    await w.get('form.exec').trigger('submit');
    await w.get('input[aria-label="Run until, in seconds of virtual time"]').setValue('2');
    await w.get('form.controls').trigger('submit');
    await until(w, () => w.get('[data-testid="virtual-time"]').text() === '2 s');
    await settle();
    await flushPromises();

    const console = w.get('[data-testid="console-output"]').text();
    expect(console).toContain('$ ping -c 2 db');
    expect(console).toContain('64 bytes from db (10.0.1.5): icmp_seq=2 ttl=64');
    expect(console).toContain('2 packets transmitted, 2 received, 0% packet loss');
    const frames = Number(w.get('[data-testid="frame-count"]').text());
    expect(frames).toBeGreaterThan(0);

    // The packet list: Wireshark's columns plus the capture point and trace id, a virtual window of rows.
    const list = w.get('[data-testid="packet-list"]');
    expect(w.findAll('[role="columnheader"]').map((h) => h.text())).toEqual(['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Capture point', 'Trace', 'Info']);
    await until(w, () => Number(list.attributes('aria-rowcount')) === frames);
    await until(w, () => list.findAll('[role="row"]').some((r) => r.attributes('data-frame') === '1'));
    const rows = list.findAll('[role="row"]').map((r) => r.findAll('[role="gridcell"]').map((c) => c.text()));
    expect(rows[0].slice(0, 6)).toEqual(['1', '0.000000000', '02:00:00:00:00:01', 'Broadcast', 'ARP', '42']);
    expect(rows[0][8]).toBe('Who has 10.0.1.1? Tell 10.0.1.4');
    expect(rows.some((r) => r[4] === 'ICMP' && r[2] === '10.0.1.4' && r[3] === '10.0.1.5' && r[8].startsWith('Echo (ping) request'))).toBe(true);

    // Time only moves forward: an earlier target is refused in place, before any call.
    await w.get('input[aria-label="Run until, in seconds of virtual time"]').setValue('1');
    expect(w.get('[data-testid="run-target-problem"]').text()).toBe('Virtual time is already at 2 s: choose a later time.');
    expect(button(w, 'Run').attributes('disabled')).toBeDefined();

    // Step moves time on; reset goes back to zero and empties the list.
    await button(w, 'Step').trigger('click');
    await until(w, () => button(w, 'Reset').attributes('disabled') === undefined);
    await button(w, 'Reset').trigger('click');
    await until(w, () => w.get('[data-testid="virtual-time"]').text() === '0 s');
    await until(w, () => w.find('[data-testid="capture-empty"]').exists());
  });

  it('saves the document to the workspace and lists it with its history', async () => {
    const w = await mountApp();
    await w.get('#example-select').setValue('two-racks');
    await button(w, 'Open example').trigger('click');
    await w.get('form.save').trigger('submit');
    await until(w, () => w.find('[data-testid="history"]').exists());
    expect(w.get('[data-testid="document-title"]').text()).toBe('two-racks (r1)');
    expect(w.get('[aria-label="Recent"]').text()).toContain('two-racks');
    expect(w.get('[data-testid="history"]').text()).toContain('r1');
    expect(button(w, 'Save new revision').exists()).toBe(true);
  });

  it('tells the user when the connection drops, why, and offers to try again once retries ran out', async () => {
    const w = await mountApp();
    harness!.refuse(testBackoff.maxAttempts, 'Could not reach the Underlay host at 127.0.0.1:4000.');
    harness!.dropAll();
    await until(w, () => w.get('[data-testid="connection-label"]').text() === 'Connection failed');
    expect(w.get('[data-testid="connection-reason"]').text()).toBe('Could not reach the Underlay host at 127.0.0.1:4000.');
    await button(w, 'Try again now').trigger('click');
    await until(w, () => w.get('[data-testid="connection-label"]').text() === 'Connected');
    expect(w.find('[data-testid="connection-reason"]').exists()).toBe(false);
  });

  it('shows a banner when the host restarted the worker, and lets it be dismissed', async () => {
    const w = await mountApp();
    harness!.restart({
      reason: 'crashed',
      detail: 'exit code 1',
      restarts: 1,
      lostCalls: 1,
      replay: { topology: true, timeNs: 1_500_000_000, frames: 12, calls: 3, complete: true },
    });
    await until(w, () => w.find('[data-testid="notice"]').exists());
    expect(w.get('[data-testid="notice"]').attributes('role')).toBe('alert');
    expect(w.get('[data-testid="notice"]').text()).toContain(
      'The simulation was restarted. Its worker stopped unexpectedly (exit code 1). The topology was reloaded and the run replayed to 1.5 s (12 frames). 1 action was interrupted; try again.',
    );
    await w.get('[aria-label="Dismiss: The simulation was restarted"]').trigger('click');
    expect(w.find('[data-testid="notice"]').exists()).toBe(false);
  });
});
