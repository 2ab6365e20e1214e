// @vitest-environment happy-dom
/** The lab region mounted in the page: catalogue, open a lab, start, check, results shown, steps marked. */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import LabRegion from '../../../renderer/src/labs/LabRegion.vue';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import type { Harness } from '../support/harness.ts';
import { connected } from '../support/mount.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  useConnectionStore().stop();
  harness?.dispose();
});

async function until(check: () => boolean): Promise<void> {
  await expect.poll(async () => (await flushPromises(), check())).toBe(true);
}

const button = (w: VueWrapper, text: string) => {
  const found = w.findAll('button').find((b) => b.text() === text);
  if (!found) throw new Error(`no button "${text}" (${w.findAll('button').map((b) => b.text()).join(', ')})`);
  return found;
};

describe('the lab region', () => {
  it('opens a lab from the catalogue, starts it, checks it and shows why checks fail', async () => {
    const c = await connected();
    harness = c.harness;
    const w = (wrapper = mount(LabRegion, { global: { plugins: [c.pinia] }, attachTo: document.body }));
    await button(w, 'Guided labs').trigger('click');
    await until(() => w.findAll('[data-testid="lab-entry"]').length === 7);
    expect(w.findAll('h3').map((h) => h.text())).toEqual(['Encapsulation', 'Isolation', 'Routing', 'Filtering', 'Mapping service']);
    expect(w.find('[data-testid="lab-progress"]').text()).toBe('Not started');

    await w.find('button[aria-label^="Open lab: Two instances"]').trigger('click');
    await until(() => w.find('[data-testid="lab-panel"]').exists());
    const steps = w.findAll('[data-testid="lab-step"]');
    expect(steps).toHaveLength(3);
    // The step's Markdown is rendered: a code block, not the fence.
    expect(steps[1].find('pre code').text()).toContain('underlay lab check 01-two-hosts-geneve');

    await button(w, 'Start lab').trigger('click');
    await until(() => w.find('[data-testid="lab-panel-progress"]').text() === '0/3 steps · 0/7 checks');
    await button(w, 'Check').trigger('click');
    await until(() => w.find('[data-testid="lab-check-total"]').exists());
    expect(w.find('[data-testid="lab-check-total"]').text()).toMatch(/^\d of 7 checks pass/);
    const failed = w.findAll('[data-testid="lab-check"][data-passed="false"]');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].text()).toContain('FAIL');
    expect(failed[0].find('.why').text().length).toBeGreaterThan(10);

    await steps[0].find('input[type="checkbox"]').setValue(true);
    await until(() => w.find('[data-testid="lab-panel-progress"]').text().startsWith('1/3 steps'));
    await button(w, 'Show a hint (0 of 2 shown)').trigger('click');
    await until(() => w.findAll('[data-testid="lab-hint"]').length === 1);

    await button(w, '← All labs').trigger('click');
    await until(() => w.find('[data-testid="lab-catalogue"]').exists());
    expect(w.find('[data-testid="lab-progress"]').text()).toMatch(/^1\/3 steps · \d\/7 checks$/);
  }, 30_000);
});
