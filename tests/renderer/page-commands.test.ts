// @vitest-environment happy-dom
/** Electron's menu commands reaching the page, and the worker's health in the header. */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { listenForPageCommands, parsePageCommand, type PageCommand } from '../../renderer/src/commands/page-commands.ts';
import { runPageCommand } from '../../renderer/src/commands/run-command.ts';
import { useConnectionStore } from '../../renderer/src/stores/connection.ts';
import { useNoticesStore } from '../../renderer/src/stores/notices.ts';
import { useWorkspaceStore } from '../../renderer/src/stores/workspace.ts';
import type { Harness } from './support/harness.ts';
import { connected } from './support/mount.ts';
import { minimalYaml } from './support/topologies.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  if (!harness) return; // a test without a connection
  useConnectionStore().stop();
  harness.dispose();
  harness = undefined;
});

describe('page commands', () => {
  it('accepts only well-formed commands', () => {
    expect(parsePageCommand({ type: 'underlay:command', command: 'openTopology', topologyId: 3, name: 'a', path: '/x.yaml' })).toEqual({ command: 'openTopology', topologyId: 3, name: 'a' });
    expect(parsePageCommand({ type: 'underlay:command', command: 'save' })).toEqual({ command: 'save' });
    expect(parsePageCommand({ type: 'underlay:command', command: 'openTopology', topologyId: -1 })).toBeNull();
    expect(parsePageCommand({ type: 'underlay:command', command: 'eval', code: '1' })).toBeNull();
    expect(parsePageCommand({ type: 'underlay:port', contract: 'host' })).toBeNull();
    expect(parsePageCommand('save')).toBeNull();
  });

  it('hears commands the window posts to itself, and no one else’s', () => {
    const heard: PageCommand[] = [];
    const listening = listenForPageCommands(window, (c) => heard.push(c));
    const post = (source: unknown) => window.dispatchEvent(Object.assign(new Event('message'), { data: { type: 'underlay:command', command: 'saveAs' }, source }));
    post(window);
    post(null);
    listening.dispose();
    post(window);
    expect(heard).toEqual([{ command: 'saveAs' }]);
  });

  it('opens a topology main put in the workspace, and saves from the menu', async () => {
    const c = await connected();
    harness = c.harness;
    const workspace = useWorkspaceStore();
    workspace.text = minimalYaml;
    await workspace.save('from disk');
    workspace.newDocument();
    await runPageCommand(c.pinia, { command: 'openTopology', topologyId: 1, name: 'from disk' });
    expect(workspace.document).toMatchObject({ id: 1, name: 'from disk', revision: 1 });
    expect(workspace.text).toBe(minimalYaml);
    workspace.text += '# more\n';
    await runPageCommand(c.pinia, { command: 'save' });
    expect(workspace.document.revision).toBe(2);
    await runPageCommand(c.pinia, { command: 'openCapture', captureId: 4, name: 'trace.pcapng' });
    expect(useNoticesStore().notices.at(-1)).toMatchObject({ title: 'Capture imported', text: "trace.pcapng is in the workspace's capture catalogue." });
  });

  it('Save As focuses the name, and saves a new topology beside the old one', async () => {
    const c = await connected();
    harness = c.harness;
    wrapper = mount(App, { global: { plugins: [c.pinia] }, attachTo: document.body });
    const workspace = useWorkspaceStore();
    await workspace.save('original');
    await runPageCommand(c.pinia, { command: 'saveAs' });
    await flushPromises();
    const name = wrapper.get('form.save input').element as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    await wrapper.get('form.save input').setValue('copy');
    await wrapper.findAll('button').find((b) => b.text() === 'Save as new topology')!.trigger('click');
    await expect.poll(() => workspace.sorted.map((t) => [t.id, t.name])).toEqual([[2, 'copy'], [1, 'original']]);
    expect(workspace.document.id).toBe(2);
  });
});

describe('worker state', () => {
  it('says when the simulation failed and offers a restart', async () => {
    const c = await connected();
    harness = c.harness;
    wrapper = mount(App, { global: { plugins: [c.pinia] } });
    await flushPromises();
    expect(wrapper.find('[data-testid="worker-state"]').exists()).toBe(false);
    harness.setWorker({ state: 'failed', restarts: 3, lastProblem: 'the worker exited with code 1' });
    await expect.poll(async () => (await flushPromises(), wrapper!.find('[data-testid="worker-state"]').exists())).toBe(true);
    expect(wrapper.get('[data-testid="worker-state"]').text()).toContain('The simulation stopped and could not be restarted: the worker exited with code 1.');
    await wrapper.get('[data-testid="worker-state"] button').trigger('click');
    await expect.poll(() => harness!.restartRequests).toBe(1);
    await expect.poll(async () => (await flushPromises(), wrapper!.find('[data-testid="worker-state"]').exists())).toBe(false);
  });
});
