/**
 * The labs shipped with Underlay, read from their folder (DESIGN.md §8): `labs/` in the repository,
 * under `process.resourcesPath` in a packaged app (the caller says which). Each lab folder is read
 * through core/lab's LabFiles, confined to the folder; an instance (lab + seed) is loaded once and
 * kept, since the checks and topology of a seed never change while the app runs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabSummary } from '../../core/contract/labs.ts';
import { formatLabDiagnostic, type LabFiles, type LabInstance, loadLab } from '../../core/lab/index.ts';

/** The repository's labs/ (plain Node, tests, browser mode from a checkout). */
export const DEFAULT_LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'labs');

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Instances kept per catalogue (lab × seed); a learner uses one or two seeds per lab. */
const MAX_INSTANCES = 64;

export class LabNotFoundError extends Error {}

export class LabCatalogue {
  private readonly instances = new Map<string, LabInstance>();

  constructor(readonly dir: string = DEFAULT_LABS_DIR) {}

  /** Lab ids: folders holding a lab.yaml, sorted (the numbering gives the order). */
  ids(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((d) => ID.test(d) && statSync(join(this.dir, d)).isDirectory() && existsSync(join(this.dir, d, 'lab.yaml'))).sort();
  }

  /** Every lab that loads; a broken one is left out and reported through `problems`. */
  list(problems: (message: string) => void = () => {}): LabSummary[] {
    const out: LabSummary[] = [];
    for (const id of this.ids()) {
      try {
        out.push(summaryOf(this.instance(id, 1)));
      } catch (e) {
        problems((e as Error).message);
      }
    }
    return out;
  }

  /** One learner's instance; throws LabNotFoundError for an unknown id, Error for a broken lab. */
  instance(id: string, seed: number): LabInstance {
    const key = `${id}\u0000${seed}`;
    const kept = this.instances.get(key);
    if (kept) return kept;
    if (!ID.test(id) || !this.ids().includes(id)) throw new LabNotFoundError(`no lab "${id}" (labs: ${this.ids().join(', ') || 'none'})`);
    const folder = join(this.dir, id);
    const loaded = loadLab(folderFiles(folder), { seed });
    if (!loaded.ok) throw new Error(`lab ${id} does not load:\n${loaded.diagnostics.map((d) => formatLabDiagnostic(d, folder)).join('\n')}`);
    if (this.instances.size >= MAX_INSTANCES) this.instances.delete(this.instances.keys().next().value!);
    this.instances.set(key, loaded.instance);
    return loaded.instance;
  }
}

export function summaryOf(instance: LabInstance): LabSummary {
  const l = instance.lab;
  return {
    id: l.id, title: l.title, level: l.level, minutes: l.minutes, topic: l.topic ?? 'Other',
    summary: (l.summary ?? '').trim(), objectives: l.objectives, steps: instance.steps.length, checks: l.checks.length,
  };
}

/** A lab folder through LabFiles: reads stay inside the folder. */
function folderFiles(folder: string): LabFiles {
  const root = normalize(folder) + sep;
  return {
    read(path) {
      const full = normalize(join(folder, path));
      if (!full.startsWith(root)) return null;
      try {
        return readFileSync(full, 'utf8');
      } catch {
        return null;
      }
    },
  };
}
