import { readFileSync, writeFileSync } from 'node:fs';
import { createDefaultEngine } from '../../core/dissect/protocols/index.ts';
import { summarize } from '../../core/dissect/summary.ts';
import type { PathEvent } from '../../core/service/path-recorder.ts';
import { formatSeconds, parseDuration } from '../../core/service/duration.ts';
import { type CommandOutput, SimulationService } from '../../core/service/simulation-service.ts';
import { formatDiagnostic } from '../../core/topology/diagnostics.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Output } from './output.ts';

export const RUN_USAGE = `usage: underlay run TOPOLOGY [options]

Builds the fabric of a topology document, runs commands on its instances in
virtual time, and prints their output and every packet's hop-by-hop path with
the fabric's verdicts.

  --exec 'INSTANCE: COMMAND'   run COMMAND on INSTANCE at time 0 (repeatable);
                               '@2s INSTANCE: COMMAND' starts it at 2 s
  --move '@T INSTANCE HOST'    live-migrate INSTANCE to HOST at time T
  --link '@T LINK down|up|loss=P|latency=D'
                               change a link at time T (fault injection)
  --until DURATION             stop there (default: when every command has
                               finished, at most 60s); e.g. 5s, 250ms
  --seed N                     seed of every random stream (default 1)
  --pcap FILE                  write every captured frame as pcapng
  -q, --quiet                  print command output only, no packet paths
`;

const WITH_VALUE = new Set(['--exec', '--move', '--link', '--until', '--seed', '--pcap']);
const BOOLEANS = new Set(['-q', '--quiet', '-h', '--help']);
const DEFAULT_LIMIT_NS = 60e9;
const SLICE_NS = 10e6;

type Action =
  | { readonly at: number; readonly kind: 'exec'; readonly instance: string; readonly command: string; readonly source: string }
  | { readonly at: number; readonly kind: 'move'; readonly instance: string; readonly host: string; readonly source: string }
  | { readonly at: number; readonly kind: 'link'; readonly link: string; readonly change: string; readonly source: string };

/** `underlay run`: 0 when every command exited 0, 1 when one failed, 2 for bad input. */
export function runCommand(argv: readonly string[], out: Output, err: Output): number {
  let args;
  try {
    args = parseArgs(argv, WITH_VALUE, BOOLEANS);
  } catch (e) {
    err.line(`underlay run: ${(e as Error).message}\n\n${RUN_USAGE}`);
    return 2;
  }
  if (args.flags.has('-h') || args.flags.has('--help')) {
    out.line(RUN_USAGE);
    return 0;
  }
  if (args.positional.length !== 1) {
    err.line(`underlay run: give exactly one topology file\n\n${RUN_USAGE}`);
    return 2;
  }
  const file = args.positional[0];
  let actions: Action[];
  let limit: number;
  let seed: number;
  try {
    actions = [
      ...(args.options.get('--exec') ?? []).map(parseExec),
      ...(args.options.get('--move') ?? []).map(parseMove),
      ...(args.options.get('--link') ?? []).map(parseLink),
    ];
    // Stable by time: same-time actions keep their command-line order (execs first).
    actions.sort((a, b) => a.at - b.at);
    const until = args.options.get('--until')?.at(-1);
    limit = until === undefined ? DEFAULT_LIMIT_NS : durationOption('--until', until);
    const seedText = args.options.get('--seed')?.at(-1) ?? '1';
    seed = Number(seedText);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed: "${seedText}" is not a non-negative integer`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.line(`underlay run: ${e.message}`);
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err.line(`underlay run: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const loaded = SimulationService.load(text, { seed });
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) err.line(formatDiagnostic(d, file));
    return 2;
  }
  const service = loaded.service;
  const quiet = args.flags.has('-q') || args.flags.has('--quiet');

  let failed = false;
  let running = 0;
  service.onDidOutput((o: CommandOutput) => {
    if (o.line !== null) out.line(`${o.instance}| ${o.line}`);
    else {
      running--;
      if (o.exitCode !== 0) failed = true;
    }
  });

  // Virtual time advances in slices so the run can end as soon as the work is done: the mapping
  // service's constant-work loop means the event queue never drains by itself.
  let next = 0;
  const explicitUntil = args.options.has('--until');
  for (;;) {
    while (next < actions.length && actions[next].at <= service.now()) {
      const problem = apply(service, actions[next], out);
      if (problem !== null) {
        err.line(`underlay run: ${actions[next].source}: ${problem}`);
        return 2;
      }
      if (actions[next].kind === 'exec') running = service.running().length;
      next++;
    }
    const now = service.now();
    if (now >= limit) break;
    if (!explicitUntil && running === 0 && next >= actions.length) break;
    const target = Math.min(limit, next < actions.length ? actions[next].at : Infinity, now + SLICE_NS);
    service.run(target);
  }
  if (!explicitUntil && running > 0) {
    err.line(`underlay run: stopped at ${formatSeconds(service.now())} s with commands still running (use --until)`);
    failed = true;
  }

  if (!quiet && service.paths) printPaths(service, out);

  const pcap = args.options.get('--pcap')?.at(-1);
  if (pcap !== undefined) {
    try {
      writeFileSync(pcap, service.pcapngBytes());
    } catch (e) {
      err.line(`underlay run: cannot write ${pcap}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
    out.line(`wrote ${service.captures.available} frames from ${service.captures.points.length} capture points to ${pcap}`);
  }
  return failed ? 1 : 0;
}

function apply(service: SimulationService, a: Action, out: Output): string | null {
  const at = formatSeconds(service.now());
  switch (a.kind) {
    case 'exec': {
      out.line(`[${at}] ${a.instance}$ ${a.command}`);
      const started = service.exec(a.instance, a.command);
      return started.ok ? null : started.error;
    }
    case 'move': {
      if (!service.fabric.instances.has(a.instance)) return `no instance named "${a.instance}"`;
      if (!service.fabric.cards.has(a.host)) return `no host named "${a.host}"`;
      out.line(`[${at}] move ${a.instance} to ${a.host}`);
      service.fabric.moveInstance(a.instance, a.host);
      return null;
    }
    case 'link': {
      const change = a.change;
      let patch;
      if (change === 'down' || change === 'up') patch = { up: change === 'up' };
      else if (change.startsWith('loss=')) patch = { lossRate: Number(change.slice(5)) };
      else if (change.startsWith('latency=')) {
        const ns = parseDuration(change.slice(8));
        if (ns === null) return `bad latency "${change.slice(8)}"`;
        patch = { latencyNs: ns };
      } else return `unknown link change "${change}" (down, up, loss=P, latency=D)`;
      out.line(`[${at}] link ${a.link} ${change}`);
      try {
        service.configureLink(a.link, patch);
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    }
  }
}

/** Splits an optional leading `@TIME` from an action's text. */
function timed(option: string, text: string): { at: number; rest: string } {
  const m = /^\s*@(\S+)\s+(.*)$/s.exec(text);
  if (!m) return { at: 0, rest: text.trim() };
  return { at: durationOption(option, m[1]), rest: m[2].trim() };
}

function durationOption(option: string, text: string): number {
  const ns = parseDuration(text);
  if (ns === null) throw new UsageError(`${option}: "${text}" is not a duration (e.g. 5s, 250ms, 20us)`);
  return ns;
}

function parseExec(text: string): Action {
  const { at, rest } = timed('--exec', text);
  const colon = rest.indexOf(':');
  const instance = colon > 0 ? rest.slice(0, colon).trim() : '';
  const command = colon > 0 ? rest.slice(colon + 1).trim() : '';
  if (instance === '' || command === '') throw new UsageError(`--exec: "${text}" is not 'INSTANCE: COMMAND'`);
  return { at, kind: 'exec', instance, command, source: `--exec '${text}'` };
}

function parseMove(text: string): Action {
  const { at, rest } = timed('--move', text);
  const parts = rest.split(/\s+/);
  if (parts.length !== 2) throw new UsageError(`--move: "${text}" is not '@TIME INSTANCE HOST'`);
  return { at, kind: 'move', instance: parts[0], host: parts[1], source: `--move '${text}'` };
}

function parseLink(text: string): Action {
  const { at, rest } = timed('--link', text);
  const parts = rest.split(/\s+/);
  if (parts.length !== 2) throw new UsageError(`--link: "${text}" is not '@TIME LINK CHANGE'`);
  return { at, kind: 'link', link: parts[0], change: parts[1], source: `--link '${text}'` };
}

/** Each trace: a summary of the tenant packet, then one line per event, then its fate. */
function printPaths(service: SimulationService, out: Output): void {
  const engine = createDefaultEngine();
  const session = engine.newSession();
  const paths = service.paths!;
  let number = 0;
  for (const id of paths.traces()) {
    const events = paths.events(id);
    const first = events[0];
    if (!first.firstFrame) continue;
    const summary = summarize(session, {
      number: ++number, bytes: first.firstFrame, originalLength: first.firstFrame.length, tsSec: Math.floor(first.time / 1e9), tsNsec: first.time % 1e9,
      interfaceId: 0, linkType: 1,
    });
    out.line('');
    out.line(`trace ${id}  ${formatSeconds(first.time)}  ${summary.source} → ${summary.destination}  ${summary.protocol}  ${summary.info}`);
    for (const e of events) out.line(eventLine(e, first.time));
    out.line(`  ⇒ ${fate(events)}`);
  }
  if (paths.forgottenTraces > 0) out.line(`\n(${paths.forgottenTraces} older traces were not kept)`);
}

function eventLine(e: PathEvent, start: number): string {
  const where = e.to !== null ? `${e.point} → ${e.to}` : e.point;
  const what = e.stage;
  const why = [e.reason, e.rule, e.detail].filter((x) => x !== null && x !== '').join(' · ');
  return `  +${formatSeconds(e.time - start)}  ${what.padEnd(12)} ${e.verdict.padEnd(8)} ${where}${why ? '  ' + why : ''}`;
}

function fate(events: readonly PathEvent[]): string {
  const drop = events.find((e) => e.verdict === 'drop' && e.reason !== null);
  if (drop) return `dropped at ${drop.point}: ${drop.reason}${drop.rule ? ` (${drop.rule})` : ''}`;
  const answered = events.find((e) => e.verdict === 'rewrite' && (e.stage === 'proxy-arp' || e.stage === 'dns'));
  if (answered) return `answered by the Nitro card (${answered.stage === 'dns' ? 'VPC DNS resolver' : 'proxy ARP'})`;
  const delivered = events.filter((e) => e.stage === 'deliver');
  if (delivered.length > 0) return `delivered to ${delivered.map((e) => e.to!.split(':')[0]).join(', ')} after ${events.filter((e) => e.stage === 'link').length} physical links`;
  return 'in flight when the run ended';
}
