/**
 * The scenario in virtual time: the lab's actions and the learner's commands, applied at their
 * times to a SimulationService, with a log of what happened. Same-time actions keep their order,
 * the lab's before the learner's. The run ends once every action is applied and every command has
 * exited, or at `until`: the mapping service's constant-work loop means the event queue never
 * drains by itself, so the run advances in slices and looks after each.
 */
import { parseIpv4 } from '../base/addr.ts';
import { formatSeconds, parseDuration } from '../service/duration.ts';
import type { SimulationService } from '../service/simulation-service.ts';
import type { LinkDirectionConfig } from '../sim/link-config.ts';
import type { LabAction } from './schema.ts';

export interface TimedAction {
  readonly at: number;
  readonly action: LabAction;
  /** Where it came from, for messages: `lab action 2`, `--exec 'web: ping db'`. */
  readonly source: string;
}

export interface LogEntry {
  readonly time: number;
  /** `action` (the scenario did something), `output` (a command printed a line), `exit`. */
  readonly kind: 'action' | 'output' | 'exit';
  readonly instance: string | null;
  readonly text: string;
}

export interface TimelineResult {
  readonly log: readonly LogEntry[];
  /** Problems applying actions (unknown instance, host, link): bad input, not a failed check. */
  readonly errors: readonly string[];
  /** Exit codes of the commands, in start order (null: still running at the end). */
  readonly exits: readonly { readonly instance: string; readonly command: string; readonly code: number | null }[];
  readonly endedAt: number;
}

export const DEFAULT_UNTIL_NS = 30e9;
const SLICE_NS = 10e6;

/** `@2s web: ping db` or `web: ping db` → an exec action; null when it is not that shape. */
export function parseExecText(text: string): { at: number; instance: string; command: string } | null {
  const m = /^\s*(?:@(\S+)\s+)?([^:\s]+)\s*:\s*(.+)$/s.exec(text);
  if (!m) return null;
  const at = m[1] === undefined ? 0 : parseDuration(m[1]);
  if (at === null) return null;
  return { at, instance: m[2], command: m[3].trim() };
}

export function timedActions(actions: readonly LabAction[], source: string): TimedAction[] {
  return actions.map((action, i) => ({ at: action.at === undefined ? 0 : (parseDuration(action.at) ?? 0), action, source: `${source} ${i + 1}` }));
}

export function runTimeline(service: SimulationService, actions: readonly TimedAction[], untilNs = DEFAULT_UNTIL_NS): TimelineResult {
  const queue = actions.map((a, i) => ({ a, i })).sort((x, y) => x.a.at - y.a.at || x.i - y.i).map((x) => x.a);
  const log: LogEntry[] = [];
  const errors: string[] = [];
  const exits: { instance: string; command: string; code: number | null }[] = [];
  const byPid = new Map<number, number>();
  // A command can exit inside exec() (bad arguments), before its pid is known to us.
  const starting = { index: -1 };
  const subscription = service.onDidOutput((o) => {
    if (o.line !== null) log.push({ time: o.time, kind: 'output', instance: o.instance, text: o.line });
    else {
      log.push({ time: o.time, kind: 'exit', instance: o.instance, text: `exit ${o.exitCode ?? '?'}` });
      const k = byPid.get(o.pid) ?? (starting.index >= 0 ? starting.index : undefined);
      if (k !== undefined) exits[k].code = o.exitCode;
    }
  });
  let next = 0;
  for (;;) {
    while (next < queue.length && queue[next].at <= service.now()) {
      const problem = apply(service, queue[next], log, exits, byPid, starting);
      if (problem !== null) errors.push(`${queue[next].source}: ${problem}`);
      next++;
    }
    const now = service.now();
    if (now >= untilNs) break;
    if (next >= queue.length && service.running().length === 0) break;
    service.run(Math.min(untilNs, next < queue.length ? queue[next].at : Infinity, now + SLICE_NS));
  }
  subscription.dispose();
  return { log, errors, exits, endedAt: service.now() };
}

/**
 * Applies one action now, outside a scripted timeline: the app's live lab plays the scenario into
 * the learner's own run this way. Returns the problem in words, or null.
 */
export function applyAction(service: SimulationService, t: TimedAction, log: LogEntry[] = []): string | null {
  return apply(service, t, log, [], new Map(), { index: -1 });
}

function apply(
  service: SimulationService, t: TimedAction, log: LogEntry[],
  exits: { instance: string; command: string; code: number | null }[], byPid: Map<number, number>, starting: { index: number },
): string | null {
  const a = t.action;
  const note = (instance: string | null, text: string) => log.push({ time: service.now(), kind: 'action', instance, text });
  const fabric = service.fabric;
  if (a.exec !== undefined) {
    const e = typeof a.exec === 'string' ? parseExecText(a.exec) : { at: 0, ...a.exec };
    if (e === null) return `"${String(a.exec)}" is not 'INSTANCE: COMMAND'`;
    note(e.instance, `${e.instance}$ ${e.command}`);
    exits.push({ instance: e.instance, command: e.command, code: null });
    starting.index = exits.length - 1;
    const started = service.exec(e.instance, e.command);
    starting.index = -1;
    if (!started.ok) {
      exits.pop();
      return started.error;
    }
    byPid.set(started.pid, exits.length - 1);
    return null;
  }
  if (a.move !== undefined) {
    if (!fabric.instances.has(a.move.instance)) return `no instance named "${a.move.instance}"`;
    if (!fabric.cards.has(a.move.host)) return `no host named "${a.move.host}" (hosts: ${[...fabric.cards.keys()].join(', ')})`;
    note(a.move.instance, `move ${a.move.instance} from ${fabric.instances.get(a.move.instance)!.host} to ${a.move.host}`);
    fabric.moveInstance(a.move.instance, a.move.host);
    return null;
  }
  if (a.link !== undefined) {
    const change = a.link.change;
    let patch: Partial<LinkDirectionConfig>;
    if (change === 'down' || change === 'up') patch = { up: change === 'up' };
    else if (change.startsWith('loss=')) patch = { lossRate: Number(change.slice(5)) };
    else patch = { latencyNs: parseDuration(change.slice(8)) ?? 0 };
    note(null, `link ${a.link.name} ${change}`);
    try {
      service.configureLink(a.link.name, patch);
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  }
  if (a.compromise !== undefined) {
    const card = fabric.cards.get(a.compromise.host);
    if (!card) return `no host named "${a.compromise.host}"`;
    const forged = a.compromise.forgeOuterSource === undefined ? null : parseIpv4(a.compromise.forgeOuterSource);
    card.faults.forgeOuterSource = forged;
    card.faults.forgeVni = a.compromise.forgeVni ?? null;
    const what = [forged !== null ? `outer source ${a.compromise.forgeOuterSource}` : '', a.compromise.forgeVni !== undefined ? `VNI ${a.compromise.forgeVni}` : ''].filter(Boolean).join(' and ');
    note(null, `host ${a.compromise.host} is compromised: its Nitro card forges ${what || 'nothing'}`);
    return null;
  }
  if (a.peering !== undefined) {
    const want = a.peering;
    const p = fabric.topology.peerings.find((x) => want.name !== undefined ? x.name === want.name
      : want.vpcs !== undefined && [x.requester, x.accepter].sort().join() === [...want.vpcs].sort().join());
    if (!p) {
      if (want.name !== undefined) return `no peering named "${want.name}"`;
      // The learner may not have created it (yet): the scenario goes on without it.
      note(null, `no peering joins ${want.vpcs?.join(' and ') ?? '?'}: nothing to ${want.active ? 'activate' : 'deactivate'}`);
      return null;
    }
    const number = (vpc: string) => fabric.vpcs.get(vpc)!.number;
    fabric.mapping.setPeering(p.name, number(p.requester), number(p.accepter), want.active);
    note(null, `peering ${p.name} ${want.active ? 'activated' : 'deactivated'} in the mapping service (host caches learn it at the next push)`);
    return null;
  }
  return 'an action needs exec, move, link, compromise or peering';
}

export function formatLogEntry(e: LogEntry): string {
  if (e.kind === 'output') return `${e.instance}| ${e.text}`;
  if (e.kind === 'exit') return `[${formatSeconds(e.time)}] ${e.instance} ${e.text}`;
  return `[${formatSeconds(e.time)}] ${e.text}`;
}
