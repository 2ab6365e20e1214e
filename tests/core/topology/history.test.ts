// Every kind of typed edit undoes to the exact text it started from, and redoes to the exact edit.
import { describe, expect, it } from 'vitest';
import { applyChange, loadTopology, type TopologyChange } from '../../../core/topology/index.ts';
import { EditHistory, applyTracked, invertChange } from '../../../core/topology/history.ts';

// Already in the printer's normal form, so toString() of the untouched tree is this text.
const TEXT = `# my lab
version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 } # main VPC
  # the second VPC
  other:
    cidr: 10.1.0.0/16
subnets:
  app: { cidr: 10.0.1.0/24, vpc: lab }
securityGroups:
  web:
    vpc: lab
    inbound:
      # http first
      - { protocol: tcp, ports: 80, cidr: 0.0.0.0/0 } # http
      - { protocol: icmp, cidr: 10.0.0.0/16 }
instances:
  # the web tier
  web1:
  web2: {}
`;

const tree = () => loadTopology(TEXT).tree!;

const cases: Array<[string, TopologyChange[]]> = [
  ['set a new key', [{ op: 'set', path: ['instances', 'web2', 'ip'], value: '10.0.1.50' }]],
  ['set into an empty entry', [{ op: 'set', path: ['instances', 'web1', 'subnet'], value: 'app' }]],
  ['replace a scalar', [{ op: 'set', path: ['vpcs', 'other', 'cidr'], value: '10.2.0.0/16' }]],
  ['replace a commented object', [{ op: 'set', path: ['vpcs', 'lab'], value: { cidr: '10.9.0.0/16' } }]],
  ['create a collection', [{ op: 'set', path: ['peerings', 'p'], value: { vpcs: ['lab', 'other'] } }]],
  ['delete a commented entry', [{ op: 'delete', path: ['vpcs', 'other'] }]],
  ['delete a commented list item', [{ op: 'delete', path: ['securityGroups', 'web', 'inbound', 0] }]],
  ['delete a whole collection', [{ op: 'delete', path: ['instances'] }]],
  ['insert into a list', [{ op: 'insert', path: ['securityGroups', 'web', 'inbound'], index: 1, value: { protocol: 'udp', cidr: '10.0.0.0/8' } }]],
  ['rename a commented key', [{ op: 'rename', path: ['instances', 'web1'], to: 'front' }]],
  ['several at once', [
    { op: 'rename', path: ['vpcs', 'other'], to: 'second' },
    { op: 'set', path: ['subnets', 'db'], value: { cidr: '10.1.1.0/24', vpc: 'second' } },
    { op: 'delete', path: ['instances', 'web2'] },
  ]],
];

describe('undo and redo', () => {
  it('starts from text the printer keeps as it is', () => {
    expect(tree().toString()).toBe(TEXT);
  });

  it.each(cases)('%s: applies, undoes to identical text, redoes to identical text', (_, changes) => {
    const t = tree();
    const h = new EditHistory();
    const r = h.apply(t, 'edit', changes);
    expect(r.ok).toBe(true);
    const edited = t.toString();
    expect(edited).not.toBe(TEXT);
    expect(loadTopology(edited).diagnostics.filter((d) => d.code === 'yaml-syntax')).toEqual([]);
    expect(h.undo(t)).not.toBeNull();
    expect(t.toString()).toBe(TEXT);
    expect(h.redo(t)).not.toBeNull();
    expect(t.toString()).toBe(edited);
    // And again: the recomputed inverses still fit after a round trip.
    h.undo(t);
    expect(t.toString()).toBe(TEXT);
  });

  it('keeps comments elsewhere through an edit', () => {
    const t = tree();
    new EditHistory().apply(t, 'edit', [{ op: 'set', path: ['vpcs', 'other', 'cidr'], value: '10.2.0.0/16' }]);
    for (const c of ['# my lab', '# main VPC', '# the second VPC', '# http first', '# http', '# the web tier']) expect(t.toString()).toContain(c);
  });

  it('is all or nothing: a failing change rolls back the ones before it', () => {
    const t = tree();
    const r = applyTracked(t, [
      { op: 'set', path: ['instances', 'web3'], value: {} },
      { op: 'rename', path: ['instances', 'web1'], to: 'web2' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.index).toBe(1);
    expect(t.toString()).toBe(TEXT);
  });

  it('a new edit clears redo; labels name the edits', () => {
    const t = tree();
    const h = new EditHistory();
    h.apply(t, 'Add web3', [{ op: 'set', path: ['instances', 'web3'], value: {} }]);
    h.apply(t, 'Add web4', [{ op: 'set', path: ['instances', 'web4'], value: {} }]);
    expect(h.undoLabel).toBe('Add web4');
    h.undo(t);
    expect(h.redoLabel).toBe('Add web4');
    h.apply(t, 'Add web5', [{ op: 'set', path: ['instances', 'web5'], value: {} }]);
    expect(h.canRedo).toBe(false);
    expect(h.depth).toEqual({ undo: 2, redo: 0 });
  });

  it('inverts each kind as documented', () => {
    const t = tree();
    expect(invertChange(t, { op: 'insert', path: ['x'], index: 2, value: 1 })).toEqual({ ok: true, value: { op: 'delete', path: ['x', 2] } });
    expect(invertChange(t, { op: 'rename', path: ['vpcs', 'lab'], to: 'main' })).toEqual({ ok: true, value: { op: 'rename', path: ['vpcs', 'main'], to: 'lab' } });
    expect(invertChange(t, { op: 'set', path: ['zones', 'az1'], value: null })).toEqual({ ok: true, value: { op: 'delete', path: ['zones'] } });
    expect(invertChange(t, { op: 'delete', path: ['nothing'] }).ok).toBe(false);
  });

  it('a set through a non-empty scalar is refused, not thrown', () => {
    const t = tree();
    expect(applyChange(t, { op: 'set', path: ['vpcs', 'other', 'cidr', 'x'], value: 1 }).ok).toBe(false);
  });
});

describe('a collection emptied and filled again', () => {
  it('reads one object per line, and undoes to `{}`', () => {
    const t = loadTopology('version: 1\nvpcs: {}\n').tree!;
    const h = new EditHistory();
    h.apply(t, 'add', [{ op: 'set', path: ['vpcs', 'a'], value: { cidr: '10.0.0.0/16' } }]);
    expect(t.toString()).toBe('version: 1\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n');
    h.undo(t);
    expect(t.toString()).toBe('version: 1\nvpcs: {}\n');
  });
});
