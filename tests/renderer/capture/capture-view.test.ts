// @vitest-environment happy-dom
/**
 * The capture view against the real fabric in this thread (two-racks: every packet at the ENIs and,
 * Geneve-encapsulated, on the underlay): the store and the components mounted as the page mounts
 * them.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import twoRacks from '../../../resources/topologies/two-racks.yaml?raw';
import CaptureView from '../../../renderer/src/capture/CaptureView.vue';
import { useCaptureStore } from '../../../renderer/src/capture/store.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useSimulationStore } from '../../../renderer/src/stores/simulation.ts';
import type { Harness } from '../support/harness.ts';
import { connected, settle } from '../support/mount.ts';

let harness: Harness | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  useConnectionStore().stop();
  harness?.dispose();
});

async function view(commands: readonly [string, string][], untilNs = 3_000_000_000) {
  const c = await connected();
  harness = c.harness;
  const simulation = useSimulationStore();
  expect(await simulation.load(twoRacks, 'two-racks')).toBe(true);
  for (const [instance, command] of commands) await simulation.exec(instance, command);
  await simulation.run(untilNs);
  wrapper = mount(CaptureView, { global: { plugins: [c.pinia] }, attachTo: document.body });
  const capture = useCaptureStore();
  await expect.poll(() => capture.total, { timeout: 10_000 }).toBe(simulation.status.frames);
  await expect.poll(() => wrapper!.findAll('[role="row"][data-frame]').length).toBeGreaterThan(0);
  return { w: wrapper, capture, simulation };
}

const rows = (w: VueWrapper) => w.findAll('[role="grid"] [role="row"]');
const frameOf = (r: { attributes(name: string): string | undefined }) => Number(r.attributes('data-frame'));

describe('capture view', () => {
  it('says there is no capture yet before any traffic', async () => {
    const c = await connected();
    harness = c.harness;
    await useSimulationStore().load(twoRacks, 'two-racks');
    wrapper = mount(CaptureView, { global: { plugins: [c.pinia] }, attachTo: document.body });
    await settle(300);
    expect(wrapper.find('[data-testid="capture-empty"]').text()).toContain('No capture yet: run traffic from a console');
  });

  it('renders only the visible rows of a large list and fetches pages on demand', async () => {
    const { w, capture } = await view([['client', 'bulk -u -n 3000 -s 100 -i 100 10.0.1.20 9000']], 1_000_000_000);
    expect(capture.total).toBeGreaterThan(5000);
    const shown = rows(w).length;
    expect(shown).toBeLessThanOrEqual(40); // a viewport's worth plus overscan, not thousands
    const grid = w.find('[role="grid"]');
    expect(grid.attributes('aria-rowcount')).toBe(String(capture.total));
    // Scroll to the end: the last rows are fetched and drawn, still only a window of them.
    const el = grid.element as HTMLElement;
    el.scrollTop = 1e9;
    await grid.trigger('scroll');
    await expect.poll(() => rows(w).some((r) => frameOf(r) === capture.total), { timeout: 10_000 }).toBe(true);
    expect(rows(w).length).toBeLessThanOrEqual(40);
    // End / Home keys move the selection to the ends.
    await grid.trigger('keydown', { key: 'Home' });
    await expect.poll(() => capture.selectedRow?.number).toBe(1);
    await grid.trigger('keydown', { key: 'ArrowDown' });
    await expect.poll(() => capture.selectedRow?.number).toBe(2);
  });

  it('filter bar: green when valid, red with the error position when not, neutral when empty; Enter applies, Esc reverts then clears', async () => {
    const { w, capture } = await view([['client', 'ping -c 2 server']]);
    const input = w.find('[data-testid="filter-input"]');
    await input.setValue('icmp');
    await expect.poll(() => input.classes()).toContain('valid');
    await input.setValue('ip.src == ');
    await expect.poll(() => input.classes()).toContain('invalid');
    expect(input.attributes('aria-invalid')).toBe('true');
    const status = w.find('[data-testid="filter-status"]');
    expect(status.text()).toMatch(/Column \d+: /);
    expect(status.find('.caret span').text()).toMatch(/^\^+$/);
    await input.setValue('');
    await expect.poll(() => capture.filterState).toBe('empty');

    await input.setValue('geneve && icmp');
    await input.trigger('keydown', { key: 'Enter' });
    await expect.poll(() => capture.appliedFilter).toBe('geneve && icmp');
    await expect.poll(() => rows(w).length).toBeGreaterThan(0);
    await expect.poll(() => rows(w).every((r) => r.text().includes('ICMP'))).toBe(true);
    expect(capture.history[0]).toBe('geneve && icmp');
    await input.setValue('arp');
    await input.trigger('keydown', { key: 'Escape' });
    expect(capture.filterText).toBe('geneve && icmp'); // reverted to what is applied
    await input.trigger('keydown', { key: 'Escape' });
    await expect.poll(() => capture.appliedFilter).toBe(''); // then cleared
  });

  it('filter bar: Enter on a text the live check found valid applies it without checking again; a text still being checked is checked first', async () => {
    const { w, capture } = await view([['client', 'ping -c 1 server']]);
    const checked = () => harness!.simulationCalls.get('filterCheck')?.map(([text]) => text) ?? [];
    const input = w.find('[data-testid="filter-input"]');
    await input.setValue('icmp && !geneve');
    await expect.poll(() => capture.filterState).toBe('valid');
    const live = checked().length;
    expect(checked()).toContain('icmp && !geneve');
    await input.trigger('keydown', { key: 'Enter' });
    await expect.poll(() => capture.appliedFilter).toBe('icmp && !geneve');
    expect(checked().length).toBe(live);
    await expect.poll(() => rows(w).length).toBeGreaterThan(0);
    // Enter before the live check answered: applyFilter checks, and a broken text is not applied
    await input.setValue('icmp.type ==');
    await input.trigger('keydown', { key: 'Enter' });
    await expect.poll(() => capture.filterState).toBe('invalid');
    expect(capture.appliedFilter).toBe('icmp && !geneve');
    expect(checked()).toContain('icmp.type ==');
  });

  it('completes field names from the registry; Tab accepts', async () => {
    const { w, capture } = await view([['client', 'ping -c 1 server']]);
    const input = w.find('[data-testid="filter-input"]');
    await input.setValue('genev');
    await expect.poll(() => w.findAll('[role="option"]').map((o) => o.find('.label').text())).toContain('geneve');
    const i = w.findAll('[role="option"]').findIndex((o) => o.find('.label').text() === 'geneve');
    for (let k = 0; k < i; k++) await input.trigger('keydown', { key: 'ArrowDown' });
    await input.trigger('keydown', { key: 'Tab' });
    await expect.poll(() => capture.filterText).toBe('geneve');
    await input.setValue('geneve.');
    await expect.poll(() => w.findAll('[role="option"]').map((o) => o.find('.label').text())).toContain('geneve.vni');
  });

  it('links the detail tree and the hex pane both ways', async () => {
    const { w, capture } = await view([['client', 'ping -c 1 server']]);
    await capture.applyFilter('icmp && !geneve');
    await capture.select(0);
    await expect.poll(() => w.findAll('[role="treeitem"]').length).toBeGreaterThan(0);
    // The top-level IPv4 node: its 20 header bytes... and everything under it light up.
    const ip = w.findAll('[role="treeitem"]').find((t) => t.text().startsWith('▸ Internet Protocol Version 4'))!;
    await ip.trigger('click');
    const node = capture.detail!.tree[Number(capture.selectedNode)];
    const lit = () => w.findAll('[data-testid="hex-pane"] .bytes .lit');
    await expect.poll(() => lit().length).toBe(node.length);
    expect(Number(lit()[0].attributes('data-offset'))).toBe(node.offset);
    // A click on byte 23 (the IPv4 protocol field at offset 14 + 9) selects that innermost field.
    await w.find('[data-testid="hex-pane"] .b[data-offset="23"]').trigger('click');
    await expect.poll(() => w.find('[role="treeitem"][aria-selected="true"]').text()).toMatch(/^Protocol: ICMP/);
    expect(capture.detail!.tree[Number(capture.selectedNode!.split('.')[0])].label).toMatch(/^Internet Protocol Version 4/);
    // Keyboard: Left goes to the parent, Left again collapses it.
    const tree = w.find('[role="tree"]');
    await tree.trigger('keydown', { key: 'ArrowLeft' });
    expect(capture.selectedNode).not.toContain('.');
    await tree.trigger('keydown', { key: 'ArrowLeft' });
    expect(capture.expanded.has(capture.selectedNode!)).toBe(false);
  });

  it('the lens lists the twin frames at every capture point and a click jumps to one', async () => {
    const { w, capture } = await view([['client', 'ping -c 1 server']]);
    await capture.applyFilter('geneve && icmp');
    await capture.select(0);
    const lens = () => w.find('[data-testid="trace-lens"]');
    await expect.poll(() => lens().findAll('button[data-frame]').length).toBeGreaterThanOrEqual(4);
    expect(lens().text()).toContain('decapsulated');
    expect(lens().text()).toContain('encapsulated');
    const twin = lens().findAll('button[data-frame]').find((b) => b.text().includes('decapsulated'))!;
    const n = Number(twin.attributes('data-frame'));
    await twin.trigger('click');
    await expect.poll(() => capture.selectedRow?.number).toBe(n);
    expect(capture.appliedFilter).toBe(''); // the geneve filter hid it, so it was lifted
    expect(capture.selectedRow?.point).toMatch(/eni/i);
  });

  it('follows a TCP stream: the HTTP request and response as text, client and server apart', async () => {
    const { w, capture } = await view([['client', 'curl -s http://10.0.1.20/']]);
    await capture.applyFilter('tcp.len > 0 && !geneve');
    await capture.select(0);
    await w.findAll('button').find((b) => b.text() === 'Follow TCP stream')!.trigger('click');
    await expect.poll(() => w.find('[data-testid="follow-text"]').exists()).toBe(true);
    const client = w.findAll('[data-testid="follow-text"] .client').map((s) => s.text()).join('');
    const server = w.findAll('[data-testid="follow-text"] .server').map((s) => s.text()).join('');
    expect(client).toMatch(/^GET \/ HTTP\/1\.1/);
    expect(server).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('sorts by a column header: ascending, descending, then frame order', async () => {
    const { w, capture } = await view([['client', 'ping -c 2 server']]);
    const header = () => w.findAll('[role="columnheader"]').find((h) => h.text().startsWith('Length'))!;
    await header().trigger('click');
    await expect.poll(() => header().attributes('aria-sort')).toBe('ascending');
    await expect.poll(() => capture.rowAt(0)?.length).toBeDefined();
    const lengths = () => Array.from({ length: Math.min(capture.total, 30) }, (_, i) => capture.rowAt(i)?.length ?? -1);
    await expect.poll(() => lengths().every((l, i, a) => l >= 0 && (i === 0 || a[i - 1] <= l))).toBe(true);
    await header().trigger('click');
    await expect.poll(() => header().attributes('aria-sort')).toBe('descending');
    await expect.poll(() => lengths().every((l, i, a) => l >= 0 && (i === 0 || a[i - 1] >= l))).toBe(true);
    await header().trigger('click');
    await expect.poll(() => capture.sort).toBeNull();
    await flushPromises();
  });

  it('opening on a capture loads the list once, though the status reports its frames only later', async () => {
    const c = await connected();
    harness = c.harness;
    const simulation = useSimulationStore();
    expect(await simulation.load(twoRacks, 'two-racks')).toBe(true);
    await simulation.exec('client', 'ping -c 2 server');
    await simulation.run(3_000_000_000);
    const frames = simulation.status.frames;
    expect(frames).toBeGreaterThan(0);
    // As at start-up: the list asks while the status still says 0, and the count arrives after.
    simulation.status = { ...simulation.status, frames: 0 };
    performance.clearMarks('underlay:capture-list-requested');
    wrapper = mount(CaptureView, { global: { plugins: [c.pinia] }, attachTo: document.body });
    const capture = useCaptureStore();
    await expect.poll(() => capture.total, { timeout: 10_000 }).toBe(frames);
    simulation.status = { ...simulation.status, frames };
    await settle(600); // past the store's refresh interval
    expect(performance.getEntriesByName('underlay:capture-list-requested')).toHaveLength(1);
    expect(wrapper.findAll('[role="row"][data-frame]').length).toBeGreaterThan(0);
  });

  it('shows the expert summary by severity', async () => {
    const { w } = await view([['client', 'curl -s http://10.0.1.20/']]);
    await w.findAll('button').find((b) => b.text() === 'Expert information')!.trigger('click');
    await expect.poll(() => w.find('[data-testid="expert-summary"]').exists()).toBe(true);
    expect(w.find('[data-testid="expert-summary"]').text()).toMatch(/Chat: [1-9]/);
  });

  it('draws rows built in the page from binary pages (UDP) and the worker\'s rows (ICMP echo), coloured by their rule', async () => {
    const { w, capture } = await view([
      ['client', 'ping -c 2 server'],
      ['client', 'bulk -u -n 20 -s 32 -i 1000 10.0.1.20 9000'],
    ]);
    // Every drawn row is the worker's row for that entry, whichever side built it.
    const api = useConnectionStore().clients!.simulation.api;
    const worker = await api.captureList({ offset: 0, count: 40 });
    await expect.poll(() => rows(w).filter((r) => r.attributes('data-frame')).length).toBeGreaterThan(10);
    const drawn = rows(w).filter((r) => r.attributes('data-frame'));
    for (const r of drawn) {
      const mine = worker.rows.find((x) => x.number === frameOf(r))!;
      expect(r.findAll('[role="gridcell"]').map((c) => c.text())).toEqual([
        String(mine.number), mine.time, mine.source, mine.destination, mine.protocol, String(mine.length), mine.point, mine.traceId === 0 ? '' : String(mine.traceId), mine.info,
      ]);
      if (mine.coloring >= 0) expect(r.classes()).toContain(`pl-color-${mine.coloring}`);
    }
    expect(drawn.some((r) => r.text().includes('ICMP'))).toBe(true);
    expect(drawn.some((r) => r.text().includes('UDP'))).toBe(true);
    const icmp = capture.info!.coloring.findIndex((c) => c.name === 'ICMP');
    const css = document.querySelector('.packet-list style')?.textContent ?? '';
    expect(css).toContain(`.pl-color-${icmp}:not(.selected) { background: ${capture.info!.coloring[icmp].bg}`);
  });
});
