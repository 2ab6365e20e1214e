import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSeconds } from '../../core/service/duration.ts';
import { formatDiagnostic } from '../../core/topology/diagnostics.ts';
import { formatLabDiagnostic, formatLogEntry, type LabFiles, type LabInstance, loadLab, runLab } from '../../core/lab/index.ts';
import { describeDrop, dropGroups } from '../../core/lab/explain.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Output } from './output.ts';

export const LAB_USAGE = `usage: underlay lab list [--ids]
       underlay lab show ID
       underlay lab topology ID
       underlay lab run ID
       underlay lab check ID [--solution] [--topology FILE] [--exec 'INSTANCE: COMMAND' …]

Guided labs, graded on what really happened in the fabric.

  list                 the labs: id, level, minutes, title (--ids: one id per line)
  show ID              objectives and steps, with this seed's addresses and names
  topology ID          the starting topology with this seed's values: your copy
                       to edit (underlay lab topology ID > my-topology.yaml)
  run ID               run the lab's scenario on its starting topology and print
                       the commands' output and what the fabric dropped
  check ID             run the scenario with your topology and commands and grade
                       every check (exit 0: all pass, 1: some fail, 2: bad input)
    --topology FILE    your topology document (default: the lab's starting one)
    --exec 'I: CMD'    a command of yours; '@2s I: CMD' starts it at 2 s (repeatable)
    --solution         apply the lab's reference solution instead

  --seed N             your seed: it draws the lab's addresses and names (default 1)
  --labs DIR           the folder of labs (default: the labs/ that ships with Underlay)
`;

const WITH_VALUE = new Set(['--exec', '--topology', '--seed', '--labs']);
const BOOLEANS = new Set(['--ids', '--solution', '-h', '--help']);
const DEFAULT_LABS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'labs');

/** `underlay lab …`: 0 success / all checks pass, 1 some check fails, 2 bad input. */
export function labCommand(argv: readonly string[], out: Output, err: Output): number {
  let args;
  try {
    args = parseArgs(argv, WITH_VALUE, BOOLEANS);
  } catch (e) {
    err.line(`underlay lab: ${(e as Error).message}\n\n${LAB_USAGE}`);
    return 2;
  }
  if (args.flags.has('-h') || args.flags.has('--help')) {
    out.line(LAB_USAGE);
    return 0;
  }
  const [sub, id, ...extra] = args.positional;
  const labs = args.options.get('--labs')?.at(-1) ?? DEFAULT_LABS;
  const seedText = args.options.get('--seed')?.at(-1) ?? '1';
  const seed = Number(seedText);
  try {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed: "${seedText}" is not a non-negative integer`);
    if (sub === 'list') {
      if (id !== undefined) throw new UsageError('lab list takes no argument');
      return list(labs, args.flags.has('--ids'), out, err);
    }
    if (!['run', 'check', 'show', 'topology'].includes(sub ?? '')) throw new UsageError(sub === undefined ? 'give a subcommand: list, show, topology, run or check' : `unknown subcommand "${sub}"`);
    if (id === undefined || extra.length > 0) throw new UsageError(`lab ${sub} takes exactly one lab id`);
    const instance = load(labs, id, seed, err);
    if (instance === null) return 2;
    if (sub === 'show') return show(instance, out);
    if (sub === 'topology') {
      out.line(instance.topologyText.replace(/\n$/, ''));
      return 0;
    }
    if (sub === 'run') {
      if (args.flags.has('--solution') || args.options.has('--topology') || args.options.has('--exec')) throw new UsageError('lab run plays the scenario only; use lab check for --solution, --topology and --exec');
      return run(instance, out, err);
    }
    return check(instance, args.flags.has('--solution'), args.options.get('--topology')?.at(-1), args.options.get('--exec') ?? [], out, err);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.line(`underlay lab: ${e.message}\n\n${LAB_USAGE}`);
    return 2;
  }
}

/** A lab folder through LabFiles: reads stay inside the folder. */
function folderFiles(folder: string): LabFiles {
  return {
    read(path) {
      const full = normalize(join(folder, path));
      if (!full.startsWith(normalize(folder) + sep)) return null;
      try {
        return readFileSync(full, 'utf8');
      } catch {
        return null;
      }
    },
  };
}

function labFolders(labs: string): string[] {
  if (!existsSync(labs)) return [];
  return readdirSync(labs).filter((d) => statSync(join(labs, d)).isDirectory() && existsSync(join(labs, d, 'lab.yaml'))).sort();
}

function load(labs: string, id: string, seed: number, err: Output): LabInstance | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id) || !labFolders(labs).includes(id)) {
    err.line(`underlay lab: no lab "${id}" (labs: ${labFolders(labs).join(', ') || 'none'})`);
    return null;
  }
  const loaded = loadLab(folderFiles(join(labs, id)), { seed });
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) err.line(formatLabDiagnostic(d, join(labs, id)));
    return null;
  }
  return loaded.instance;
}

function list(labs: string, ids: boolean, out: Output, err: Output): number {
  let status = 0;
  for (const id of labFolders(labs)) {
    if (ids) {
      out.line(id);
      continue;
    }
    const loaded = loadLab(folderFiles(join(labs, id)));
    if (!loaded.ok) {
      err.line(`${id}: ${loaded.diagnostics.length} problem(s); run 'underlay lab show ${id}' to see them`);
      status = 2;
      continue;
    }
    const l = loaded.instance.lab;
    out.line(`${id.padEnd(28)} ${l.level.padEnd(12)} ${`${l.minutes} min`.padEnd(7)} ${l.title}`);
  }
  return status;
}

function show(instance: LabInstance, out: Output): number {
  const l = instance.lab;
  out.line(`${l.title}  (${l.level}, ${l.minutes} min)`);
  if (l.summary) out.line(`\n${l.summary.trim()}`);
  out.line('\nYou will be able to:');
  for (const o of l.objectives) out.line(`  - ${o}`);
  instance.steps.forEach((s, i) => out.line(`\n## Step ${i + 1}: ${s.title}\n\n${s.markdown.trim()}`));
  out.line('\nChecks:');
  for (const c of l.checks) out.line(`  [${c.id}] ${c.title}`);
  return 0;
}

function run(instance: LabInstance, out: Output, err: Output): number {
  const result = runLab(instance);
  if (!result.ok) return badRun(instance.topologyFile, result, err);
  for (const e of result.timeline.log) out.line(formatLogEntry(e));
  out.line(`\nrun ended at ${formatSeconds(result.timeline.endedAt)} s`);
  const drops = dropGroups(result.evidence);
  if (drops.length === 0) out.line('no packet was dropped in this run');
  for (const g of drops) out.line(`- ${describeDrop(result.evidence, g)}`);
  const alarms = result.evidence.fabric.mapping.alarms();
  if (alarms.length > 0) out.line(`mapping-service alarms: ${alarms.length} (${[...new Set(alarms.map((a) => `${a.reason} on ${a.host}`))].join(', ')})`);
  return 0;
}

function check(instance: LabInstance, solution: boolean, topology: string | undefined, execs: readonly string[], out: Output, err: Output): number {
  let topologyText: string | undefined;
  if (topology !== undefined) {
    try {
      topologyText = readFileSync(topology, 'utf8');
    } catch (e) {
      err.line(`underlay lab: cannot read ${topology}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
  }
  const result = runLab(instance, { solution, topologyText, execs });
  if (!result.ok) return badRun(topology ?? instance.topologyFile, result, err);
  for (const e of result.timeline.log) if (e.kind === 'output') out.line(formatLogEntry(e));
  out.line('');
  for (const r of result.results) {
    out.line(`${r.passed ? 'PASS' : 'FAIL'}  ${r.id}: ${r.title}`);
    out.line(`      ${r.explanation}`);
    if (r.hint) out.line(`      hint: ${r.hint}`);
  }
  const passed = result.results.filter((r) => r.passed).length;
  out.line(`\n${passed} of ${result.results.length} checks pass${passed === result.results.length ? ': lab complete' : ''}`);
  return passed === result.results.length ? 0 : 1;
}

function badRun(file: string, result: { topologyDiagnostics: readonly Parameters<typeof formatDiagnostic>[0][]; errors: readonly string[] }, err: Output): number {
  for (const d of result.topologyDiagnostics) err.line(formatDiagnostic(d, file));
  for (const e of result.errors) err.line(`underlay lab: ${e}`);
  return 2;
}
