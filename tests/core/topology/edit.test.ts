// Typed edits keep the rest of the text as the user wrote it: comments, order, flow style.
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../../core/base/addr.ts';
import { applyChange, applyChanges, loadTopology } from '../../../core/topology/index.ts';

const TEXT = `# my lab
version: 1
vpcs:
  lab: { cidr: 10.0.0.0/16 }   # main VPC
subnets:
  app: { cidr: 10.0.1.0/24 }
securityGroups:
  web:
    inbound:
      - { protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }  # http
instances:
  # the web tier
  web1: {}
  web2: {}
`;

const tree = () => loadTopology(TEXT).tree!;
// The YAML printer keeps comments and order but normalises spacing (one space before a trailing
// comment); after that first normalisation, an edit changes only what it edits.
const PRINTED = TEXT.replace('}   # main VPC', '} # main VPC').replace('}  # http', '} # http');

it('the printer only normalises spacing of the untouched text', () => {
  expect(tree().toString()).toBe(PRINTED);
});

describe('applyChange', () => {
  it('sets a value, keeping comments and order elsewhere', () => {
    const t = tree();
    expect(applyChange(t, { op: 'set', path: ['instances', 'web2', 'ip'], value: '10.0.1.50' })).toEqual({ ok: true, value: undefined });
    expect(t.toString()).toBe(PRINTED.replace('web2: {}', 'web2: { ip: 10.0.1.50 }'));
    const r = loadTopology(t.toString());
    expect(r.topology!.instances.map((i) => formatIpv4(i.ip))).toEqual(['10.0.1.4', '10.0.1.50']);
  });

  it('adds an object to a collection', () => {
    const t = tree();
    applyChange(t, { op: 'set', path: ['instances', 'db'], value: { subnet: 'app', securityGroups: ['default'] } });
    expect(t.toString()).toBe(`${PRINTED}  db:\n    subnet: app\n    securityGroups:\n      - default\n`);
  });

  it('inserts a rule into a list and deletes another', () => {
    const t = tree();
    expect(applyChanges(t, [
      { op: 'insert', path: ['securityGroups', 'web', 'inbound'], index: 0, value: { protocol: 'icmp', cidr: '10.0.0.0/16' } },
      { op: 'delete', path: ['securityGroups', 'web', 'inbound', 1] },
    ]).ok).toBe(true);
    const r = loadTopology(t.toString());
    expect(r.ok).toBe(true);
    expect(r.document!.securityGroups!.web.inbound).toEqual([{ protocol: 'icmp', cidr: '10.0.0.0/16' }]);
    expect(t.toString()).toContain('# main VPC');
  });

  it('renames an object in place', () => {
    const t = tree();
    expect(applyChange(t, { op: 'rename', path: ['instances', 'web1'], to: 'frontend' }).ok).toBe(true);
    expect(t.toString()).toBe(PRINTED.replace('web1: {}', 'frontend: {}'));
  });

  it('refuses edits that do not fit the document', () => {
    const t = tree();
    expect(applyChange(t, { op: 'rename', path: ['instances', 'web1'], to: 'web2' })).toEqual({ ok: false, error: '"web2" already exists next to instances.web1' });
    expect(applyChange(t, { op: 'delete', path: ['instances', 'nope'] })).toEqual({ ok: false, error: 'nothing at instances.nope' });
    expect(applyChange(t, { op: 'insert', path: ['vpcs'], index: 0, value: 1 })).toEqual({ ok: false, error: 'vpcs is not a list' });
    expect(applyChanges(t, [{ op: 'delete', path: ['instances', 'web1'] }, { op: 'set', path: [], value: {} }]))
      .toEqual({ ok: false, error: { index: 1, message: 'cannot replace the whole document' } });
  });
});
