/**
 * The host's own state: the fabric worker's health, and the notice DESIGN.md §7 asks for when a
 * crashed worker was restarted and its run replayed.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Disposable } from '../../../core/base/event.ts';
import type { HostInfo, WorkerRestarted, WorkerStatus } from '../../../core/contract/host.ts';
import { formatSeconds } from '../format/time.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useConnectionStore } from './connection.ts';
import { useNoticesStore } from './notices.ts';

export const useHostStore = defineStore('host', () => {
  const connection = useConnectionStore();
  const notices = useNoticesStore();
  const info = ref<HostInfo | null>(null);
  const worker = ref<WorkerStatus | null>(null);
  let subscriptions: Disposable[] = [];

  watch(
    () => connection.generation,
    async () => {
      for (const s of subscriptions) s.dispose();
      const client = connection.clients?.host;
      if (!client) return;
      subscriptions = [client.events.workerState((s) => (worker.value = s)), client.events.workerRestarted(onRestarted)];
      try {
        [info.value, worker.value] = await Promise.all([client.api.info(), client.api.workerStatus()]);
      } catch {
        // The indicator already says when the connection is gone; nothing more to tell here.
      }
    },
    // Immediately too: a store created after the connection came up must not miss it.
    { immediate: true },
  );

  /** Restarts the fabric worker (after it `failed`); its run is replayed by the host. */
  async function restartWorker(): Promise<void> {
    const client = connection.clients?.host;
    if (!client) return;
    try {
      worker.value = await client.api.restartWorker();
    } catch (e) {
      notices.push({ kind: 'warning', title: 'The simulation could not be restarted', text: describeCallError('Restarting', e) });
    }
  }

  function onRestarted(r: WorkerRestarted): void {
    notices.push({ kind: r.replay.complete ? 'info' : 'warning', title: 'The simulation was restarted', text: restartText(r) });
  }

  return { info, worker, restartWorker };
});

/** What happened and what was put back, in plain words. */
export function restartText(r: WorkerRestarted): string {
  const why = r.reason === 'crashed' ? 'Its worker stopped unexpectedly' : r.reason === 'hung' ? 'Its worker stopped answering' : 'It was restarted on request';
  const detail = r.detail ? ` (${r.detail})` : '';
  const restored = !r.replay.topology
    ? 'No topology had been loaded.'
    : r.replay.complete
      ? `The topology was reloaded and the run replayed to ${formatSeconds(r.replay.timeNs)} (${r.replay.frames} frames).`
      : `Only part of the run could be restored: it is back at ${formatSeconds(r.replay.timeNs)} with ${r.replay.frames} frames.`;
  const lost = r.lostCalls > 0 ? ` ${r.lostCalls} action${r.lostCalls === 1 ? ' was' : 's were'} interrupted; try again.` : '';
  return `${why}${detail}. ${restored}${lost}`;
}
