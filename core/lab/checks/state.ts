/**
 * State checks: what components hold at the end of the run — a security group's connection
 * tracking entry on an ENI, the mapping service's alarms, a host's mapping cache (which host it
 * believes an instance is on, which table version it holds), and the push rounds of the
 * constant-work loop (did every round copy the whole table, whatever changed).
 */
import { formatIpv4, parseIpv4 } from '../../base/addr.ts';
import type { ConnectionEntry } from '../../fabric/policy/conntrack.ts';
import type { Evidence } from '../evidence.ts';
import type { StateCheck } from '../schema.ts';
import { type CheckOutcome, describeBounds, plural, withinBounds } from './result.ts';

const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17 };
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

export function evaluateStateCheck(check: StateCheck, evidence: Evidence): CheckOutcome {
  if (check.conntrack) return conntrack(check.conntrack, evidence);
  if (check.alarm) return alarms(check.alarm, evidence);
  if (check.cache) return cache(check.cache, evidence);
  return pushes(check.pushes!, evidence);
}

function conntrack(c: NonNullable<StateCheck['conntrack']>, evidence: Evidence): CheckOutcome {
  const handle = evidence.fabric.instances.get(c.instance);
  if (!handle) return { passed: false, explanation: `there is no instance named "${c.instance}"` };
  let remote: number | null = null;
  if (c.remote !== undefined) {
    remote = evidence.fabric.instances.get(c.remote)?.eni.ip ?? parseIpv4(c.remote);
    if (remote === null) return { passed: false, explanation: `"${c.remote}" is neither an instance nor an IPv4 address` };
  }
  const entries = handle.eni.firewall.connections.entries(evidence.service.now());
  // `ESTABLISHED|FIN_WAIT|TIME_WAIT`: any of these (a finished connection has moved on).
  const states = c.state === undefined ? null : c.state.split('|').map((x) => x.trim());
  const matching = entries.filter((e) => (c.protocol === undefined || e.protocol === PROTOCOLS[c.protocol]) && (remote === null || e.remote === remote)
    && (states === null || states.includes(e.state)) && (c.direction === undefined || e.direction === c.direction));
  const want = [c.protocol, c.direction, c.state, c.remote ? `with ${c.remote}` : ''].filter(Boolean).join(' ');
  const passed = withinBounds(matching.length, c);
  const counted = `the security groups of ${c.instance}'s ENI track ${plural(matching.length, 'connection')}${want ? ` (${want})` : ''}; expected ${describeBounds(c)}`;
  if (passed || entries.length === 0) return { passed, explanation: passed ? counted : `${counted}; its connection-tracking table is empty` };
  return { passed, explanation: `${counted}; it holds: ${entries.slice(0, 4).map(describeEntry).join('; ')}` };
}

function describeEntry(e: ConnectionEntry): string {
  const proto = PROTOCOL_NAMES[e.protocol] ?? `protocol ${e.protocol}`;
  const ports = e.protocol === 6 || e.protocol === 17 ? ` ${e.localPort} ↔ ${e.remotePort}` : '';
  return `${proto} ${e.direction} with ${formatIpv4(e.remote)}${ports} ${e.state}`;
}

function alarms(a: NonNullable<StateCheck['alarm']>, evidence: Evidence): CheckOutcome {
  const all = evidence.fabric.mapping.alarms();
  const matching = all.filter((x) => (a.reason === undefined || x.reason === a.reason) && (a.host === undefined || x.host === a.host));
  const want = [a.reason, a.host ? `on ${a.host}` : ''].filter(Boolean).join(' ');
  const passed = withinBounds(matching.length, a);
  const counted = `the mapping service holds ${plural(matching.length, 'alarm')}${want ? ` (${want})` : ''}; expected ${describeBounds(a)}`;
  if (passed || all.length === 0) return { passed, explanation: passed ? counted : `${counted}; no receiver check failed in this run` };
  const other = [...new Set(all.map((x) => `${x.reason} on ${x.host}`))].slice(0, 3).join(', ');
  return { passed, explanation: `${counted}; alarms raised: ${other}` };
}

function cache(c: NonNullable<StateCheck['cache']>, evidence: Evidence): CheckOutcome {
  const fabric = evidence.fabric;
  const card = fabric.cards.get(c.host);
  if (!card) return { passed: false, explanation: `there is no host named "${c.host}" (hosts: ${[...fabric.cards.keys()].join(', ')})` };
  const cacheOf = card.cache;
  const problems: string[] = [];
  const facts: string[] = [];
  if (c.version) {
    facts.push(`the cache of ${c.host} holds mapping version ${cacheOf.version} (the service is at ${fabric.mapping.version})`);
    if (!withinBounds(cacheOf.version, c.version)) problems.push(`expected a version ${describeBounds(c.version)}`);
  }
  if (c.current !== undefined) {
    const current = cacheOf.version === fabric.mapping.version;
    if (!c.version) facts.push(`the cache of ${c.host} holds mapping version ${cacheOf.version} (the service is at ${fabric.mapping.version})`);
    if (current !== c.current) problems.push(c.current ? 'it has not received the latest push yet' : 'it is up to date');
  }
  if (c.instance !== undefined) {
    const inst = fabric.instances.get(c.instance);
    if (!inst) return { passed: false, explanation: `there is no instance named "${c.instance}"` };
    const slot = cacheOf.lookup(inst.eni.vpc.number, inst.eni.ip);
    if (slot < 0) {
      facts.push(`the cache of ${c.host} has no mapping for ${c.instance} (${formatIpv4(inst.eni.ip)})`);
      problems.push('a miss: packets to it would be dropped with MAPPING_NOT_FOUND');
    } else {
      const hostIp = cacheOf.hostIp(slot);
      const hostName = [...fabric.cards.values()].find((k) => k.hostIp === hostIp)?.host ?? formatIpv4(hostIp);
      facts.push(`the cache of ${c.host} maps ${c.instance} (${formatIpv4(inst.eni.ip)}) to ${hostName}`);
      if (c.on !== undefined && c.on !== hostName) problems.push(`expected ${c.on}${inst.host !== hostName ? ` (${c.instance} really is on ${inst.host}: the cache is stale)` : ''}`);
    }
  }
  return { passed: problems.length === 0, explanation: [...facts, ...problems].join('; ') };
}

function pushes(p: NonNullable<StateCheck['pushes']>, evidence: Evidence): CheckOutcome {
  const rounds = evidence.pushes;
  const facts = [`the mapping service ran ${plural(rounds.length, 'push round')} (expected ${describeBounds(p)})`];
  let passed = withinBounds(rounds.length, p);
  if (p.constantWork) {
    const partial = rounds.filter((r) => r.slots !== r.fullCopy);
    const versions = new Set(rounds.map((r) => r.version)).size;
    if (partial.length > 0) {
      passed = false;
      facts.push(`${plural(partial.length, 'round')} copied less than the whole table (e.g. ${partial[0].slots} of ${partial[0].fullCopy} slots at ${partial[0].time} ns)`);
    } else if (rounds.length > 0) {
      facts.push(`every round copied all ${rounds[0].fullCopy} slots (capacity ${evidence.fabric.mapping.capacity} × ${rounds[0].hosts} hosts) across ${plural(versions, 'table version')}`);
    }
  }
  return { passed, explanation: facts.join('; ') };
}
