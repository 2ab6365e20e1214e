// @vitest-environment happy-dom
/** The workspace store: examples, files, saved topologies with history, over the workspace contract. */
import { afterEach, describe, expect, it } from 'vitest';
import { useConnectionStore } from '../../renderer/src/stores/connection.ts';
import { DRAFT_DELAY_MS, useWorkspaceStore } from '../../renderer/src/stores/workspace.ts';
import type { Harness } from './support/harness.ts';
import { connected, settle } from './support/mount.ts';
import { minimalYaml } from './support/topologies.ts';

let harness: Harness | undefined;
afterEach(() => {
  useConnectionStore().stop();
  harness?.dispose();
});

describe('workspace store', () => {
  it('bundles every example topology with its summary', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    expect(workspace.examples.map((e) => e.name)).toEqual(['minimal', 'mtu-path', 'multi-az', 'peering', 'same-host', 'security', 'two-racks']);
    expect(workspace.examples[0].summary).toBe('One VPC, one subnet, two instances: everything else is defaulted.');
    expect(workspace.openExample('minimal')).toBe(true);
    expect(workspace.text).toBe(minimalYaml);
    expect(workspace.document).toMatchObject({ id: null, name: 'minimal', origin: 'example' });
    expect(workspace.dirty).toBe(false);
  });

  it('opens a picked file by its name', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    await workspace.openFile(new File(['version: 1\n'], 'mine.yaml'));
    expect(workspace.document).toMatchObject({ name: 'mine', origin: 'file' });
    expect(workspace.text).toBe('version: 1\n');
  });

  it('saves new revisions with history, lists them as recent, and opens an older one', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    workspace.openExample('minimal');
    expect(await workspace.save('lab one')).toBe(true);
    expect(workspace.document).toMatchObject({ id: 1, name: 'lab one', revision: 1, origin: 'workspace' });
    workspace.text = `${minimalYaml}# edited\n`;
    expect(workspace.dirty).toBe(true);
    expect(await workspace.save('lab one', 'a comment')).toBe(true);
    expect(workspace.dirty).toBe(false);
    expect(workspace.history.map((r) => [r.revision, r.message])).toEqual([[2, 'a comment'], [1, null]]);
    expect(workspace.recent.map((t) => [t.name, t.revision])).toEqual([['lab one', 2]]);
    expect(await workspace.openSaved(1, 1)).toBe(true);
    expect(workspace.text).toBe(minimalYaml);
    expect(workspace.document.revision).toBe(1);
  });

  it('lists what is already saved once connected', async () => {
    ({ harness } = await connected());
    await useWorkspaceStore().save('first');
    // A second page (a second Pinia) on the same host sees it on connecting.
    const second = await connected({ harness });
    const workspace = useWorkspaceStore(second.pinia);
    await expect.poll(() => workspace.sorted.map((t) => t.name)).toEqual(['first']);
    useConnectionStore(second.pinia).stop();
  });

  it('autosaves unsaved edits as a draft and offers them back to the next page', async () => {
    ({ harness } = await connected());
    const first = useWorkspaceStore();
    first.text = 'version: 1\n# typed, never saved\n';
    await settle(DRAFT_DELAY_MS + 100);
    useConnectionStore().stop();
    // The window was closed; a new one opens on the same host.
    const second = await connected({ harness });
    const workspace = useWorkspaceStore(second.pinia);
    await expect.poll(() => workspace.draftOffer?.text).toBe('version: 1\n# typed, never saved\n');
    workspace.restoreDraft();
    expect(workspace.text).toBe('version: 1\n# typed, never saved\n');
    expect(workspace.draftOffer).toBeNull();
  });

  it('offers a saved topology its newer draft, and discarding it drops it at the host', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    workspace.text = minimalYaml;
    await workspace.save('kept');
    workspace.text = `${minimalYaml}# draft\n`;
    await settle(DRAFT_DELAY_MS + 100);
    expect(workspace.sorted[0].hasDraft).toBe(false); // the list was fetched before the draft
    await workspace.refresh();
    expect(workspace.sorted[0].hasDraft).toBe(true);
    workspace.newDocument();
    await workspace.openSaved(1);
    expect(workspace.text).toBe(minimalYaml);
    expect(workspace.draftOffer?.text).toBe(`${minimalYaml}# draft\n`);
    await workspace.discardDraft();
    await workspace.refresh();
    expect(workspace.sorted[0].hasDraft).toBe(false);
    // Saving drops the draft too, and no late autosave brings it back.
    workspace.text = `${minimalYaml}# again\n`;
    await workspace.save('kept');
    await settle(DRAFT_DELAY_MS + 100);
    await workspace.refresh();
    expect(workspace.sorted[0]).toMatchObject({ revision: 2, hasDraft: false });
  });
});
