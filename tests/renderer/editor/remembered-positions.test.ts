// @vitest-environment happy-dom
/**
 * Canvas positions go with the saved topology: moved boxes are written to the workspace's settings
 * and come back when the topology is opened again, on another page of the same host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POSITIONS_SAVE_DELAY_MS, positionsKey, readPositions } from '../../../renderer/src/editor/remembered-positions.ts';
import { useEditorStore } from '../../../renderer/src/editor/store.ts';
import { useConnectionStore } from '../../../renderer/src/stores/connection.ts';
import { useWorkspaceStore } from '../../../renderer/src/stores/workspace.ts';
import type { Harness } from '../support/harness.ts';
import { connected, settle } from '../support/mount.ts';

let harness: Harness | undefined;
afterEach(() => {
  useConnectionStore().stop();
  harness?.dispose();
});

const afterSave = () => settle(POSITIONS_SAVE_DELAY_MS + 100);

describe('remembered canvas positions', () => {
  it('are kept with the saved topology and restored when it is opened on another page', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    const editor = useEditorStore();
    workspace.openExample('minimal');
    await settle(); // the editor takes the new document up (and starts it with no positions)
    // Placed before the first save: written under the id the save gives.
    editor.moveNode('instances/web', { x: 410, y: 220 });
    expect(await workspace.save('placed')).toBe(true);
    await afterSave();
    editor.view = 'physical';
    editor.moveNode('instances/web', { x: 30, y: 40 });
    await afterSave();

    const second = await connected({ harness });
    const workspace2 = useWorkspaceStore(second.pinia);
    const editor2 = useEditorStore(second.pinia);
    expect(editor2.positions).toEqual({});
    expect(await workspace2.openSaved(workspace.document.id!)).toBe(true);
    await expect.poll(() => editor2.positions).toEqual({ 'logical:instances/web': { x: 410, y: 220 }, 'physical:instances/web': { x: 30, y: 40 } });
    // And the canvas draws the box there.
    expect(editor2.graph.nodes.find((n) => n.id === 'instances/web')?.position).toEqual({ x: 410, y: 220 });
    useConnectionStore(second.pinia).stop();
  });

  it('are not written for a document never saved, and another topology starts from its own', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    const editor = useEditorStore();
    const api = useConnectionStore().clients!.workspace.api;
    workspace.openExample('minimal');
    await settle();
    editor.moveNode('instances/db', { x: 5, y: 6 });
    await afterSave();
    expect(Object.keys(await api.getSettings())).toEqual([]);
    expect(await workspace.save('one')).toBe(true);
    await afterSave();
    workspace.openExample('peering');
    expect(await workspace.save('two')).toBe(true);
    await afterSave();
    expect(await workspace.openSaved(1)).toBe(true);
    await expect.poll(() => editor.positions).toEqual({ 'logical:instances/db': { x: 5, y: 6 } });
    expect(await workspace.openSaved(2)).toBe(true);
    await settle();
    expect(editor.positions).toEqual({});
    expect((await api.getSettings())[positionsKey(2)]).toBeUndefined();
  });

  it('keeps a move made just before another topology is opened', async () => {
    ({ harness } = await connected());
    const workspace = useWorkspaceStore();
    const editor = useEditorStore();
    workspace.openExample('minimal');
    expect(await workspace.save('one')).toBe(true);
    workspace.openExample('peering');
    expect(await workspace.save('two')).toBe(true);
    await workspace.openSaved(1);
    await settle();
    editor.moveNode('instances/web', { x: 7, y: 8 });
    // Well inside the write's quiet time.
    await workspace.openSaved(2);
    await afterSave();
    await workspace.openSaved(1);
    await expect.poll(() => editor.positions).toEqual({ 'logical:instances/web': { x: 7, y: 8 } });
  });

  it('ignores stored entries that are not points', () => {
    expect(readPositions({ 'logical:a': { x: 1, y: 2 }, 'logical:b': { x: 'no', y: 2 }, 'logical:c': [1, 2], 'logical:d': null, 'logical:e': { x: 1 } })).toEqual({ 'logical:a': { x: 1, y: 2 } });
    expect(readPositions('text')).toBeNull();
    expect(readPositions(undefined)).toBeNull();
    expect(readPositions([1])).toBeNull();
  });
});
