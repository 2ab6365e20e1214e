// Each check kind against real runs of a small lab: client pings web (denied by web's security
// group, which allows only TCP 80) and fetches a page from it (allowed). Every failure must say,
// in the fabric's words, what happened instead.
import { describe, expect, it } from 'vitest';
import { client, grade, net } from './grade.ts';

const PING = `${client}: ping -c 2 -W 1 web`;
const CURL = `${client}: curl -s -m 2 http://web/`;

describe('capture checks', () => {
  const r = grade([
    { id: 'http-in', capture: { at: 'web:eni', filter: 'tcp.dstport == 80' } },
    { id: 'reply', capture: { at: `${client}:eni`, filter: 'icmp.type == 0' } },
    { id: 'too-many', capture: { at: 'web:eni', filter: 'icmp.type == 8', max: 1 } },
    { id: 'none-underlay', capture: { at: '@underlay', filter: 'arp', max: 0 } },
    { id: 'geneve-glob', capture: { at: 'host-*:eth0', filter: 'geneve && tcp', min: 3 } },
    { id: 'bad-filter', capture: { filter: 'icmp.type ==' } },
    { id: 'bad-point', capture: { at: 'nowhere:eni', filter: 'icmp' } },
  ], [PING, CURL]);

  it('count matching frames at a point, a glob or a class of points', () => {
    expect(r['http-in']).toMatchObject({ passed: true, kind: 'capture' });
    expect(r['http-in'].explanation).toMatch(/^\d+ frames at web:eni matched `tcp.dstport == 80` \(expected at least 1\)$/);
    expect(r['none-underlay'].passed).toBe(true);
    expect(r['geneve-glob'].passed).toBe(true);
  });

  it('explain a missing frame with the drop behind it, rule included', () => {
    expect(r.reply.passed).toBe(false);
    expect(r.reply.explanation).toMatch(new RegExp(`^no frame at ${client}:eni matched \`icmp.type == 0\`; `));
    expect(r.reply.explanation).toMatch(/2 packets \(the first: ICMP Echo \(ping\) request .*\) were dropped at the Nitro card of host-b \(ENI of web\) with SG_INGRESS_DENY: .*web-sg/);
    expect(r.reply.hint).toBeNull(); // no hint was given for it
  });

  it('enforce an upper bound (dropped frames are held where they died)', () => {
    expect(r['too-many']).toMatchObject({ passed: false, explanation: '2 frames at web:eni matched `icmp.type == 8` (expected at most 1)' });
  });

  it('report a filter that does not compile and a point that does not exist', () => {
    expect(r['bad-filter']).toMatchObject({ passed: false });
    expect(r['bad-filter'].explanation).toMatch(/^the display filter `icmp.type ==` does not compile: /);
    expect(r['bad-point'].explanation).toMatch(/^no capture point is named nowhere:eni/);
  });
});

describe('path checks', () => {
  const r = grade([
    { id: 'http-path', path: { from: client, filter: 'tcp.dstport == 80', through: [`${client}:eni`, 'encapsulate@host-a:eth0', 'rack-a-tor:*', 'spine-*', 'decapsulate@host-b:eth0', 'deliver@web:eni'] } },
    { id: 'ping-path', path: { from: client, filter: 'icmp.type == 8', through: ['encapsulate@host-a:eth0', 'deliver@web:eni'] } },
    { id: 'out-of-order', path: { from: client, filter: 'tcp.dstport == 80', through: ['host-b:eth0', 'host-a:eth0'] } },
    { id: 'sg-drop', path: { from: client, filter: 'icmp.type == 8', dropped: { at: 'web:eni', reason: 'SG_INGRESS_DENY', rule: 'web-sg' }, traces: 'all' } },
    { id: 'wrong-reason', path: { from: client, filter: 'icmp.type == 8', dropped: { reason: 'NACL_INGRESS_DENY' } } },
    { id: 'delivered', path: { from: client, filter: 'tcp.flags.syn == 1', delivered: 'web', traces: 'all' } },
    { id: 'not-delivered', path: { from: client, filter: 'icmp', delivered: 'web' } },
    { id: 'no-such', path: { from: 'ghost', delivered: 'web' } },
  ], [PING, CURL]);

  it('pass when the packets went through the points in order', () => {
    expect(r['http-path'].passed).toBe(true);
    expect(r['http-path'].explanation).toMatch(new RegExp(`^${client} sent \\d+ packets matching \`tcp.dstport == 80\`; of these, \\d+ passed ${client}:eni → encapsulate@host-a:eth0`));
    expect(r['out-of-order'].passed).toBe(false);
  });

  it('say how far a packet got and what stopped it', () => {
    expect(r['ping-path'].passed).toBe(false);
    expect(r['ping-path'].explanation).toMatch(/it got as far as encapsulate@host-a:eth0 but not to deliver@web:eni; it was dropped at the Nitro card of host-b \(ENI of web\) with SG_INGRESS_DENY/);
  });

  it('match drops by point, reason and rule', () => {
    expect(r['sg-drop'].passed).toBe(true);
    expect(r['sg-drop'].explanation).toMatch(/of these, 2 died at web:eni with SG_INGRESS_DENY by a rule naming "web-sg"$/);
    expect(r['wrong-reason'].passed).toBe(false);
    expect(r['wrong-reason'].explanation).toMatch(/0 died with NACL_INGRESS_DENY \(expected at least 1\); 2 packets .* were dropped at the Nitro card of host-b \(ENI of web\) with SG_INGRESS_DENY/);
  });

  it('check delivery, for every packet when asked', () => {
    expect(r.delivered.passed).toBe(true);
    expect(r['not-delivered'].passed).toBe(false);
    expect(r['not-delivered'].explanation).toMatch(/0 reached web .*SG_INGRESS_DENY/);
    expect(r['no-such'].explanation).toMatch(/^there is no instance named "ghost"/);
  });
});

describe('state checks', () => {
  const r = grade([
    { id: 'tracked', state: { conntrack: { instance: 'web', protocol: 'tcp', remote: client, direction: 'inbound', state: 'ESTABLISHED|FIN_WAIT|TIME_WAIT|CLOSED' } } },
    { id: 'no-icmp', state: { conntrack: { instance: 'web', protocol: 'icmp' } } },
    { id: 'quiet', state: { alarm: { max: 0 } } },
    { id: 'alarm', state: { alarm: { reason: 'MAPPING_SPOOFED_SOURCE' } } },
    { id: 'cache', state: { cache: { host: 'host-a', instance: 'web', on: 'host-b', current: true } } },
    { id: 'cache-wrong', state: { cache: { host: 'host-a', instance: 'web', on: 'host-a' } } },
    { id: 'pushes', state: { pushes: { min: 2, constantWork: true } } },
  ], [PING, CURL]);

  it('find connection-tracking entries, and list what is there when they are missing', () => {
    expect(r.tracked.passed).toBe(true);
    expect(r['no-icmp'].passed).toBe(false);
    expect(r['no-icmp'].explanation).toMatch(/^the security groups of web's ENI track 0 connections \(icmp\); expected at least 1; it holds: tcp inbound with 10\.\d+\.1\.4 80 ↔ \d+ /);
  });

  it('count mapping-service alarms', () => {
    expect(r.quiet.passed).toBe(true);
    expect(r.alarm).toMatchObject({ passed: false, explanation: 'the mapping service holds 0 alarms (MAPPING_SPOOFED_SOURCE); expected at least 1; no receiver check failed in this run' });
  });

  it('read a host cache', () => {
    expect(r.cache.passed).toBe(true);
    expect(r['cache-wrong'].passed).toBe(false);
    expect(r['cache-wrong'].explanation).toMatch(new RegExp(`the cache of host-a maps web \\(10\\.${net}\\.1\\.5\\) to host-b; expected host-a$`));
  });

  it('see that every push copied the whole table', () => {
    expect(r.pushes.passed).toBe(true);
    expect(r.pushes.explanation).toMatch(/every round copied all \d+ slots \(capacity \d+ × 2 hosts\)/);
  });
});

describe('topology checks', () => {
  const learner = (extra: string) => `version: 1
racks: { rack-a: {}, rack-b: {} }
hosts:
  host-a: { rack: rack-a }
  host-b: { rack: rack-b }
vpcs:
  lab: { cidr: 10.${net}.0.0/16 }
subnets:
  app: { cidr: 10.${net}.1.0/24 }
securityGroups:
  web-sg:
    inbound:
      - { protocol: tcp, ports: 80, cidr: 10.${net}.0.0/16 }
${extra}instances:
  ${client}: { host: host-a }
  web: { host: host-b, securityGroups: [web-sg], sourceDestCheck: false }
`;
  const checks = [
    { id: 'equals', topology: { document: 'instances.web.sourceDestCheck', equals: false } },
    { id: 'exists-not', topology: { document: `instances.${client}.sourceDestCheck`, exists: false } },
    { id: 'contains', topology: { document: 'securityGroups.web-sg.inbound', contains: { protocol: 'tcp', ports: 80 } } },
    { id: 'contains-not', topology: { document: 'securityGroups.web-sg.inbound', contains: { protocol: 'icmp' } } },
    { id: 'count', topology: { document: 'securityGroups.web-sg.inbound', count: { min: 1, max: 1 } } },
    { id: 'resolved', topology: { resolved: 'instances[name=web].securityGroups', equals: ['web-sg'] } },
    { id: 'resolved-default', topology: { resolved: `instances[name=${client}].securityGroups`, equals: ['lab/default'] } },
    { id: 'bad-path', topology: { document: 'instances..web' } },
  ];

  it('test the learner\'s document and the resolved topology', () => {
    const r = grade(checks.map((c) => (c.id === 'bad-path' ? { ...c, topology: { ...c.topology, exists: true } } : c)), [], learner(''));
    expect(Object.values(r).filter((x) => !x.passed).map((x) => x.id)).toEqual(['contains-not', 'bad-path']);
    expect(r['contains-not'].explanation).toMatch(/^securityGroups.web-sg.inbound in your topology document has no item with \{"protocol":"icmp"\}/);
    expect(r['bad-path'].explanation).toMatch(/^bad path expression: /);
  });

  it('explain a property that differs or is missing', () => {
    const r = grade([{ id: 'equals', topology: { document: `instances.${client}.sourceDestCheck`, equals: false } }, { id: 'count', topology: { document: 'networkAcls', count: { min: 1 } } }], []);
    expect(r.equals).toMatchObject({ passed: false, explanation: `instances.${client}.sourceDestCheck is not set in your topology document` });
    expect(r.count.explanation).toBe('networkAcls is not set in your topology document');
  });
});

describe('timing checks', () => {
  const r = grade([
    { id: 'early', timing: { capture: { at: 'web:eni', filter: 'tcp.flags.syn == 1' }, after: '1s', before: '2s' } },
    { id: 'late', timing: { capture: { at: 'web:eni', filter: 'tcp.flags.syn == 1' }, before: '1s' } },
    { id: 'drop', timing: { drop: { reason: 'SG_INGRESS_DENY', at: 'web:eni' }, which: 'last', after: '0.5s' } },
    { id: 'never', timing: { alarm: {}, after: '0s' } },
  ], [PING, `@1.5s ${CURL}`]);

  it('time the first or last occurrence against bounds', () => {
    expect(r.early.passed).toBe(true);
    expect(r.early.explanation).toMatch(/^the first frame matching `tcp.flags.syn == 1` at web:eni came at 1\.5\d+ s \(\d+ in all\); expected after 1s and before 2s$/);
    expect(r.late).toMatchObject({ passed: false });
    expect(r.late.explanation).toMatch(/came at 1\.5\d+ s .*expected before 1s$/);
    expect(r.drop.passed).toBe(true); // the second echo request, 1 s after the first
  });

  it('say when nothing happened', () => {
    expect(r.never.explanation).toMatch(/^there was no alarm in this run \(it ended at \d+\.\d+ s\)$/);
  });
});

describe('grading', () => {
  it('is deterministic: the same lab, seed and commands give the same results, word for word', () => {
    const checks = [
      { id: 'reply', capture: { at: `${client}:eni`, filter: 'icmp.type == 0' } },
      { id: 'sg', path: { from: client, filter: 'icmp.type == 8', dropped: { reason: 'SG_INGRESS_DENY' } } },
      { id: 'syn', timing: { capture: { at: 'web:eni', filter: 'tcp.flags.syn == 1' }, after: '0s' } },
    ];
    expect(grade(checks, [PING, CURL])).toEqual(grade(checks, [PING, CURL]));
  });

  it('a check that throws is a failed check, not a crashed grading', () => {
    // A path expression into a value that is not an object must not escape as an exception.
    const r = grade([{ id: 'odd', topology: { document: 'version.deeper', exists: false } }], []);
    expect(r.odd.passed).toBe(true);
  });
});
