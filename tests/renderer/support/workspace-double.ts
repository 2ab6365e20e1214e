/**
 * An in-memory workspace service for the renderer's tests: topologies with revisions and drafts, settings,
 * the part of the workspace contract the shell uses. Every other method answers UNAVAILABLE, so a test that
 * strays off that part fails loudly instead of getting made-up data.
 */
import { Emitter } from '../../../core/base/event.ts';
import {
  workspaceContract, type JsonValue, type TopologyDocument, type TopologyRevisionInfo, type TopologySummary, type WorkspaceApi, type WorkspaceEvents,
} from '../../../core/contract/workspace.ts';
import { RpcError, RpcErrorCode } from '../../../core/rpc/errors.ts';
import type { EventSources, Implementation } from '../../../core/rpc/service-types.ts';

export interface WorkspaceDouble {
  readonly implementation: Implementation<WorkspaceApi>;
  readonly events: EventSources<WorkspaceEvents>;
}

export function workspaceDouble(clock: () => number = () => 1_700_000_000_000): WorkspaceDouble {
  const revisions = new Map<number, { name: string; docs: (TopologyDocument & { message: string | null })[] }>();
  const topologiesChanged = new Emitter<{ readonly id: number }>();
  const drafts = new Map<number | null, { text: string; savedAt: number }>();
  const settings = new Map<string, JsonValue>();
  let nextId = 1;

  const summary = (id: number): TopologySummary => {
    const t = revisions.get(id)!;
    const last = t.docs[t.docs.length - 1];
    return { id, name: t.name, revision: last.revision, updatedAt: last.savedAt, hasDraft: drafts.has(id) };
  };

  const unavailable = Object.fromEntries(
    Object.keys(workspaceContract.methods).map((m) => [m, () => Promise.reject(new RpcError(RpcErrorCode.UNAVAILABLE, `${m} is not in the test double`))]),
  );

  const implementation = {
    ...unavailable,
    listTopologies: () => [...revisions.keys()].map(summary),
    getTopology(id: number, revision?: number) {
      const t = revisions.get(id);
      const doc = t && (revision === undefined ? t.docs[t.docs.length - 1] : t.docs.find((d) => d.revision === revision));
      return doc ? { id: doc.id, name: doc.name, revision: doc.revision, text: doc.text, savedAt: doc.savedAt } : null;
    },
    saveTopology(input: { id?: number; name: string; text: string; message?: string }) {
      const id = input.id ?? nextId++;
      const t = revisions.get(id) ?? { name: input.name, docs: [] };
      t.name = input.name;
      t.docs.push({ id, name: input.name, revision: t.docs.length + 1, text: input.text, savedAt: clock(), message: input.message ?? null });
      revisions.set(id, t);
      drafts.delete(input.id ?? null);
      topologiesChanged.fire({ id });
      return summary(id);
    },
    saveDraft(topologyId: number | null, text: string) {
      drafts.set(topologyId, { text, savedAt: clock() });
    },
    getDraft(topologyId: number | null) {
      const d = drafts.get(topologyId);
      return d ? { topologyId, ...d } : null;
    },
    discardDraft(topologyId: number | null) {
      drafts.delete(topologyId);
    },
    // Copies, as a real port would make: the page cannot change what the host keeps.
    getSettings: () => structuredClone(Object.fromEntries(settings)),
    setSetting(key: string, value: JsonValue) {
      settings.set(key, structuredClone(value));
    },
    topologyHistory(id: number): TopologyRevisionInfo[] {
      const t = revisions.get(id);
      return (t?.docs ?? [])
        .map((d) => ({ topologyId: id, revision: d.revision, savedAt: d.savedAt, message: d.message, chars: d.text.length }))
        .reverse();
    },
  } as unknown as Implementation<WorkspaceApi>;

  const never = () => ({ dispose() {} });
  return {
    implementation,
    events: { topologiesChanged: topologiesChanged.event, draftSaved: never, capturesChanged: never, settingChanged: never },
  };
}
