// @vitest-environment happy-dom
/**
 * The editor store: canvas gestures become typed changes on the YAML tree and come back as text
 * (comments kept), text edits come back as nodes, and every edit undoes to the exact text.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { useEditorStore } from '../../../renderer/src/editor/store.ts';
import { addObject, connect, deleteObjects, nest, pasteObjects, rename, setField } from '../../../renderer/src/editor/model/gestures.ts';
import { useWorkspaceStore } from '../../../renderer/src/stores/workspace.ts';

const TEXT = `# two tiers
version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 }   # the lab VPC
subnets:
  # front end
  app: { cidr: 10.0.1.0/24 }
instances:
  web: {}
  db: {}
`;

let editor: ReturnType<typeof useEditorStore>;
let workspace: ReturnType<typeof useWorkspaceStore>;

beforeEach(async () => {
  setActivePinia(createPinia());
  workspace = useWorkspaceStore();
  editor = useEditorStore();
  workspace.openFile(new File([TEXT], 'two.yaml'));
  await new Promise((r) => setTimeout(r, 0));
  await nextTick();
});

const ids = () => editor.graph.nodes.map((n) => n.id);

describe('editor store', () => {
  it('follows the workspace document', () => {
    expect(editor.text).toBe(TEXT);
    expect(ids()).toEqual(['vpcs/lab', 'subnets/app', 'instances/web', 'instances/db']);
    const app = editor.graph.nodes.find((n) => n.id === 'subnets/app')!;
    expect(app.parentNode).toBe('vpcs/lab');
    expect(editor.graph.nodes.find((n) => n.id === 'instances/web')!.parentNode).toBe('subnets/app');
  });

  it('text edit → nodes', async () => {
    editor.setText(`${TEXT}  cache: {}\n`);
    expect(workspace.text).toContain('cache: {}');
    expect(ids()).toContain('instances/cache');
  });

  it('node edit → text, keeping comments and order elsewhere', () => {
    expect(editor.run(setField(editor.value, 'instances/db', 'ip', '10.0.1.20'))).toBe(true);
    expect(workspace.text).toContain('db: { ip: 10.0.1.20 }');
    for (const c of ['# two tiers', '# the lab VPC', '# front end']) expect(workspace.text).toContain(c);
    expect(workspace.text.indexOf('web:')).toBeLessThan(workspace.text.indexOf('db:'));
    expect(editor.result.ok).toBe(true);
  });

  it('undo gives back the exact text, redo the edit, for every gesture', () => {
    const gestures = [
      () => addObject(editor.value, 'subnet', 'logical', 'vpcs/lab'),
      () => addObject(editor.value, 'vpc', 'logical', null),
      () => rename(editor.value, 'subnets/app', 'front'),
      () => setField(editor.value, 'vpcs/lab', 'cidr', '10.9.0.0/16'),
      () => deleteObjects(editor.value, 'logical', ['instances/web']),
      () => nest(editor.value, 'instances/db', 'logical', 'subnets/app')!,
    ];
    for (const g of gestures) {
      const before = editor.text;
      expect(editor.run(g())).toBe(true);
      const after = editor.text;
      expect(after).not.toBe(before);
      expect(editor.undo()).toBe(true);
      expect(editor.text).toBe(before);
      expect(workspace.text).toBe(before);
      expect(editor.redo()).toBe(true);
      expect(editor.text).toBe(after);
      expect(editor.undo()).toBe(true);
    }
    expect(editor.text).toBe(TEXT);
  });

  it('a chain of edits undoes step by step to the original', () => {
    editor.run(addObject(editor.value, 'vpc', 'logical', null));
    editor.run(addObject(editor.value, 'subnet', 'logical', 'vpcs/vpc1'));
    editor.run(connect(editor.value, 'vpcs/lab', 'vpcs/vpc1'));
    expect(editor.undoLabel).toBe('Peer lab with vpc1');
    while (editor.canUndo) editor.undo();
    expect(editor.text).toBe(TEXT);
    while (editor.canRedo) editor.redo();
    expect(editor.value.peerings?.['lab-vpc1']).toEqual({ vpcs: ['lab', 'vpc1'] });
  });

  it('multi-select copy/paste and delete', () => {
    editor.select(['instances/web', 'instances/db']);
    expect(editor.copy()).toBe(2);
    expect(editor.run(pasteObjects(editor.value, editor.clipboard))).toBe(true);
    expect(Object.keys(editor.value.instances!)).toEqual(['web', 'db', 'web-copy', 'db-copy']);
    expect(editor.selection).toEqual(['instances/web-copy', 'instances/db-copy']);
    expect(editor.result.ok).toBe(true);
    expect(editor.run(deleteObjects(editor.value, 'logical', editor.selection))).toBe(true);
    expect(Object.keys(editor.value.instances!)).toEqual(['web', 'db']);
    expect(editor.text).toBe(TEXT.replace('}   # the', '} # the'));
    editor.undo();
    editor.undo();
    expect(editor.text).toBe(TEXT);
  });

  it('pastes a VPC with its subnet as a new pair with fresh addresses', () => {
    editor.select(['vpcs/lab', 'subnets/app']);
    editor.copy();
    editor.run(pasteObjects(editor.value, editor.clipboard));
    expect(editor.value.vpcs!['lab-copy']).toEqual({ cidr: '10.1.0.0/16' });
    expect(editor.value.subnets!['app-copy']).toEqual({ cidr: '10.1.1.0/24', vpc: 'lab-copy' });
    expect(editor.graph.nodes.find((n) => n.id === 'subnets/app-copy')!.parentNode).toBe('vpcs/lab-copy');
  });

  it('shows a validation badge for a broken CIDR, and clears it when fixed', () => {
    editor.setText(TEXT.replace('10.0.1.0/24', '10.0.1.0/33'));
    const app = editor.graph.nodes.find((n) => n.id === 'subnets/app')!;
    expect(app.data.badge?.errors).toBe(1);
    expect(app.data.badge?.messages[0]).toMatch(/^Error \(line 7\)/);
    expect(editor.graph.nodes.find((n) => n.id === 'vpcs/lab')!.data.badge).toBeNull();
    editor.setText(TEXT);
    expect(editor.graph.nodes.find((n) => n.id === 'subnets/app')!.data.badge).toBeNull();
  });

  it('a syntax error keeps the last drawing and refuses canvas edits until fixed', () => {
    editor.setText(`${TEXT}  bad: [\n`);
    expect(editor.readable).toBe(false);
    expect(ids()).toHaveLength(4);
    expect(editor.run(addObject(editor.value, 'vpc', 'logical', null))).toBe(false);
    expect(editor.message).toMatch(/syntax error/);
  });

  it('palette add nests into the box it is dropped on', () => {
    editor.run(addObject(editor.value, 'instance', 'logical', 'subnets/app'));
    expect(editor.value.instances!.i1).toEqual({ subnet: 'app' });
    expect(editor.graph.nodes.find((n) => n.id === 'instances/i1')!.parentNode).toBe('subnets/app');
    editor.view = 'physical';
    editor.run(addObject(editor.value, 'zone', 'physical', null));
    editor.run(addObject(editor.value, 'rack', 'physical', 'zones/az1'));
    editor.run(addObject(editor.value, 'host', 'physical', 'racks/rack1'));
    editor.run(connect(editor.value, 'instances/web', 'hosts/host1'));
    const parent = (id: string) => editor.graph.nodes.find((n) => n.id === id)!.parentNode;
    expect([parent('racks/rack1'), parent('hosts/host1'), parent('instances/web'), parent('instances/db')]).toEqual(['zones/az1', 'racks/rack1', 'hosts/host1', undefined]);
    expect(editor.result.ok).toBe(true);
  });

  it('opening another document starts a fresh history', async () => {
    editor.run(addObject(editor.value, 'vpc', 'logical', null));
    workspace.newDocument();
    await nextTick();
    expect(editor.canUndo).toBe(false);
    expect(editor.text).toBe(workspace.text);
  });

  it('auto layout gives every node of the view a position', async () => {
    await editor.autoLayout();
    for (const id of ids()) expect(editor.positions[`logical:${id}`]).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
    const lab = editor.graph.nodes.find((n) => n.id === 'vpcs/lab')!;
    const app = editor.graph.nodes.find((n) => n.id === 'subnets/app')!;
    // The box holds its child.
    expect(lab.size.width).toBeGreaterThanOrEqual(app.position.x + app.size.width);
  });
});
