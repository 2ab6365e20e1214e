/**
 * The workspace store's lab_progress table in memory, for the renderer harness: the labs service
 * (and its settings, for the learner seed) runs for real on top of it, so the page's progress round-trips through the same code as on disk.
 */
import type { JsonValue, LabProgress } from '../../../core/contract/workspace.ts';

export function labProgressDouble(clock: () => number = () => 1_700_000_000_000) {
  const rows = new Map<string, LabProgress>();
  const settings = new Map<string, JsonValue>();
  return {
    getSettings: (): Promise<Record<string, JsonValue>> => Promise.resolve(Object.fromEntries(settings)),
    setSetting(key: string, value: JsonValue): Promise<void> {
      settings.set(key, structuredClone(value));
      return Promise.resolve();
    },
    listLabProgress: (labId?: string): Promise<LabProgress[]> =>
      Promise.resolve([...rows.values()].filter((r) => labId === undefined || r.labId === labId).map((r) => structuredClone(r))),
    setLabProgress(labId: string, step: number, completed: boolean, state: JsonValue): Promise<LabProgress> {
      const row = { labId, step, completed, state: structuredClone(state), updatedAt: clock() };
      rows.set(labId, row);
      return Promise.resolve(structuredClone(row));
    },
  };
}
