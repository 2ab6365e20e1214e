// @vitest-environment happy-dom
/** Instance consoles against the real fabric, with a fake terminal behind the adapter. */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import ConsolePanel from '../../../renderer/src/console/ConsolePanel.vue';
import { useConsolesStore } from '../../../renderer/src/console/console-store.ts';
import { useTerminalFactory } from '../../../renderer/src/console/terminal.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useSimulationStore } from '../../../renderer/src/stores/simulation.ts';
import type { Harness } from '../support/harness.ts';
import { connected, settle } from '../support/mount.ts';
import { minimalYaml } from '../support/topologies.ts';
import { type FakeTerminal, fakeTerminal } from './fake-terminal.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  useTerminalFactory(null);
  useConnectionStore().stop();
  harness?.dispose();
});

async function mounted() {
  const terminals = new Map<string, FakeTerminal>();
  useTerminalFactory(async (el) => {
    const t = fakeTerminal();
    terminals.set(el.dataset.instance!, t);
    return t;
  });
  const c = await connected();
  harness = c.harness;
  const simulation = useSimulationStore();
  expect(await simulation.load(minimalYaml, 'minimal')).toBe(true);
  wrapper = mount(ConsolePanel, { global: { plugins: [c.pinia] }, attachTo: document.body });
  await expect.poll(async () => (await flushPromises(), terminals.has('web'))).toBe(true);
  return { simulation, consoles: useConsolesStore(), terminals, w: wrapper };
}

describe('instance consoles', () => {
  it('opens a tab per instance with a prompt, runs a typed command and streams its output', async () => {
    const { simulation, terminals, w } = await mounted();
    expect(w.findAll('[role=tab]').map((t) => t.text())).toEqual(['web', 'db']);
    const web = terminals.get('web')!;
    expect(web.screen).toContain('web:~$ ');
    web.type('ping -c 2 db\r');
    await settle();
    await simulation.run(3_000_000_000);
    await expect.poll(() => web.screen).toContain('2 packets transmitted, 2 received, 0% packet loss');
    expect(web.screen).toContain('64 bytes from db');
    // Back at the prompt once it exited.
    await expect.poll(() => web.screen.trimEnd().endsWith('web:~$')).toBe(true);
  });

  it('keeps history per console and recalls it with the arrow keys', async () => {
    const { consoles, terminals } = await mounted();
    const web = terminals.get('web')!;
    web.type('ip addr\r');
    await expect.poll(() => consoles.running.get('web')).toBe(false);
    web.type('ip route\r');
    await expect.poll(() => web.screen).toContain('default via');
    await expect.poll(() => consoles.running.get('web')).toBe(false);
    web.type('\x1b[A\x1b[A');
    expect(consoles.session('web').editor.line).toBe('ip addr');
    expect(consoles.session('web').editor.entries).toEqual(['ip addr', 'ip route']);
    expect(web.screen).toContain('inet 10.0.1.4/24');
  });

  it('Ctrl+C kills the running ping, which prints its statistics; Ctrl+L clears', async () => {
    const { simulation, consoles, terminals } = await mounted();
    const web = terminals.get('web')!;
    web.type('ping db\r');
    await expect.poll(() => consoles.session('web').pid).not.toBeNull();
    await simulation.run(2_500_000_000);
    await expect.poll(() => web.screen).toContain('icmp_seq=3');
    web.type('\x03');
    await expect.poll(() => web.screen).toContain('--- db ping statistics ---');
    await expect.poll(() => consoles.session('web').pid).toBeNull();
    expect(web.screen).toMatch(/3 packets transmitted, 3 received/);
    expect(web.screen.trimEnd().endsWith('web:~$')).toBe(true);
    web.type('\x0c');
    expect(web.clears).toBe(1);
    expect(web.screen.trim()).toBe('web:~$');
  });

  it('runs a line from the command form in the chosen console, and says what the guest lacks', async () => {
    const { consoles, terminals, w } = await mounted();
    await w.find('select').setValue('db');
    await expect.poll(async () => (await flushPromises(), terminals.has('db'))).toBe(true);
    await w.find('input').setValue('arp -n');
    await w.find('form').trigger('submit');
    const db = terminals.get('db')!;
    await expect.poll(() => consoles.running.get('db')).toBe(false);
    expect(db.screen).toContain('db:~$ arp -n');
    expect(db.screen).toContain('running "ip neigh"');
    db.type('nosuchcommand\r');
    await expect.poll(() => db.screen).toContain('[exit 127]');
  });
});
