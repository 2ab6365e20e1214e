// Runs the fixture lab with given checks and commands and returns the results by check id.
import { type CheckResult, type LabCheck, loadLab, runLab } from '../../../core/lab/index.ts';
import { files } from './fixture.ts';
import { memory } from './support.ts';

const loaded = loadLab(memory(files()), { seed: 5 });
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
export const instance = loaded.instance;
/** The fixture's client instance name and network octet at seed 5. */
export const client = instance.variables.get('client')!;
export const net = instance.variables.get('net')!;

export function grade(checks: readonly Omit<LabCheck, 'title'>[], execs: readonly string[], topologyText?: string): Record<string, CheckResult> {
  const lab = { ...instance.lab, checks: checks.map((c) => ({ title: c.id, ...c })) };
  const r = runLab({ ...instance, lab }, { execs, topologyText });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return Object.fromEntries(r.results.map((x) => [x.id, x]));
}
