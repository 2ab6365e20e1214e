// @vitest-environment happy-dom
/**
 * Applying a filter to a capture larger than one filter step (core/service/capture-list.ts
 * FILTER_STEP_FRAMES): the list shows the first matches from the top while the worker still tests
 * the rest, the count says so and grows, and ends at the whole filter's count with the same rows.
 */
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { watch } from 'vue';
import twoRacks from '../../../resources/topologies/two-racks.yaml?raw';
import CaptureView from '../../../renderer/src/capture/CaptureView.vue';
import { useCaptureStore } from '../../../renderer/src/capture/store.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useSimulationStore } from '../../../renderer/src/stores/simulation.ts';
import type { Harness } from '../support/harness.ts';
import { connected } from '../support/mount.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  useConnectionStore().stop();
  harness?.dispose();
});

const FILTER = 'ip.src == 10.0.1.10 && !geneve';
const frameOf = (r: { attributes(name: string): string | undefined }) => Number(r.attributes('data-frame'));

async function bulkView() {
  const c = await connected();
  harness = c.harness;
  const simulation = useSimulationStore();
  expect(await simulation.load(twoRacks, 'two-racks')).toBe(true);
  await simulation.exec('client', 'bulk -u -n 4000 -s 16 -i 1 10.0.1.20 9000');
  await simulation.run(100_000_000);
  wrapper = mount(CaptureView, { global: { plugins: [c.pinia] }, attachTo: document.body });
  const capture = useCaptureStore();
  await expect.poll(() => capture.total, { timeout: 10_000 }).toBe(simulation.status.frames);
  expect(capture.total).toBeGreaterThan(70_000);
  return { w: wrapper, capture };
}

describe('capture view: a filter over a large capture', () => {
  it('says it is still filtering while no match is found yet, not that none matches', async () => {
    const { w, capture } = await bulkView();
    const late = `frame.number > ${capture.total - 100} && ip.src == 10.0.1.10`;
    const empties: string[] = [];
    const stop = watch(() => [capture.total, capture.filtering], () => {
      const p = w.find('.empty');
      if (p.exists()) empties.push(p.text());
    }, { flush: 'post' });
    const input = w.find('[data-testid="filter-input"]');
    await input.setValue(late);
    await expect.poll(() => input.classes()).toContain('valid');
    await input.trigger('keydown', { key: 'Enter' });
    // the last 100 frames hold the matches: well past the first filter step
    await expect.poll(() => capture.appliedFilter === late && !capture.filtering && capture.total > 0 && capture.total <= 100, { timeout: 20_000 }).toBe(true);
    stop();
    expect(empties).toContain('Filtering… no frame matches so far.');
    expect(empties).not.toContain('No frames match.');
  });

  it('draws the first matches from the top while it filters, then shows the whole count', async () => {
    const { capture } = await bulkView();
    // Scrolled far down the unfiltered list first: the filtered list must still start at its top.
    const grid = wrapper!.find('[role="grid"]');
    (grid.element as HTMLElement).scrollTop = 500_000;
    await grid.trigger('scroll');

    const totals: number[] = [];
    const countTexts: string[] = [];
    const stop = watch(() => capture.total, (t) => {
      totals.push(t);
      countTexts.push(wrapper!.find('[data-testid="capture-count"]').text());
    }, { flush: 'post' });
    const input = wrapper!.find('[data-testid="filter-input"]');
    await input.setValue(FILTER);
    await expect.poll(() => input.classes()).toContain('valid');
    await input.trigger('keydown', { key: 'Enter' });

    await expect.poll(() => capture.filtering === false && totals.length > 1, { timeout: 20_000 }).toBe(true);
    stop();
    // The whole filter's list, asked only now (the worker shares one scan per filter text).
    const whole = await useConnectionStore().clients!.simulation.api.captureList({ offset: 0, count: 30, filter: FILTER });
    expect(capture.total).toBe(whole.total);
    // The first total the list showed was the matches found so far, said so, and then it grew.
    expect(totals[0]).toBeLessThan(whole.total);
    expect(countTexts[0]).toContain('filtering');
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
    expect(wrapper!.find('[data-testid="capture-count"]').text()).toBe(`${whole.total.toLocaleString('en-US')} displayed`);
    // The rows drawn are the top of the whole filter's list, in order.
    await expect.poll(() => wrapper!.findAll('[role="grid"] [role="row"][data-frame]').map(frameOf).slice(0, 10), { timeout: 10_000 }).toEqual(
      whole.rows.slice(0, 10).map((r) => r.number),
    );
  });
});
