/**
 * The connection to the host: one RPC client per contract over whichever transport the page has,
 * its state for the indicator, and reconnection with backoff when the connection drops. Other
 * stores read `clients` and watch `generation`, which counts successful connections, to subscribe
 * to events again and refresh what they show.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Contract } from '../../../core/contract/spec.ts';
import { RpcClient } from '../../../core/rpc/client.ts';
import type { PortLike } from '../../../core/rpc/port.ts';
import { defaultBackoff, retryDelay, type BackoffPolicy } from '../rpc/backoff.ts';
import { contracts, type Clients } from '../rpc/contracts.ts';
import { pageScheduler } from '../rpc/scheduler.ts';
import { ConnectError, reasonOf, type Connector, type ContractName } from '../transport/connector.ts';

export type ConnectionPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface StartOptions {
  readonly backoff?: BackoffPolicy;
}

const LOST = 'The connection to the Underlay host was lost.';

export const useConnectionStore = defineStore('connection', () => {
  const phase = ref<ConnectionPhase>('idle');
  /** Why the connection is not up, in plain words; null while connected. */
  const reason = ref<string | null>(null);
  /** Failed attempts in a row. */
  const failures = ref(0);
  /** Delay before the next automatic attempt, while one is scheduled. */
  const retryInMs = ref<number | null>(null);
  /** Successful connections so far; a change means fresh clients. */
  const generation = ref(0);
  /** Clients are not made reactive (markRaw): Vue proxies would break their private state. */
  const clients = shallowRef<Clients | null>(null);

  let connector: Connector | null = null;
  let policy = defaultBackoff;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Bumped by every start/stop/attempt, so an attempt that finishes late knows it is stale.
  let session = 0;

  function start(c: Connector, options: StartOptions = {}): void {
    stop();
    connector = c;
    policy = options.backoff ?? defaultBackoff;
    void attempt();
  }

  function stop(): void {
    session++;
    clearTimer();
    dropClients();
    connector = null;
    phase.value = 'idle';
    reason.value = null;
    failures.value = 0;
  }

  /** Try again now (the indicator's button after "failed", or impatience while waiting). */
  function retryNow(): void {
    if (!connector || phase.value === 'connected') return;
    clearTimer();
    if (phase.value === 'failed') failures.value = 0;
    void attempt();
  }

  async function attempt(): Promise<void> {
    const mine = ++session;
    const c = connector!;
    phase.value = generation.value === 0 ? 'connecting' : 'reconnecting';
    const names = Object.keys(contracts) as ContractName[];
    const results = await Promise.allSettled(names.map((name) => c(name)));
    const ports = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (mine !== session) return closeAll(ports);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      closeAll(ports);
      return attemptFailed(failed.reason);
    }
    const opened = markRaw(makeClients(names, ports, mine));
    clients.value = opened;
    failures.value = 0;
    reason.value = null;
    retryInMs.value = null;
    phase.value = 'connected';
    generation.value++;
  }

  function makeClients(names: readonly ContractName[], ports: readonly PortLike[], mine: number): Clients {
    const made: Record<string, RpcClient<unknown, unknown>> = {};
    names.forEach((name, i) => {
      // The contracts differ in type; each client is typed again by `Clients` below.
      const contract = contracts[name] as Contract<unknown, unknown>;
      const client = new RpcClient(ports[i], contract, {
        scheduler: pageScheduler,
        onProblem: (message) => console.warn(`[${name}] ${message}`),
      });
      client.onDidDisconnect(() => lost(mine));
      made[name] = client;
    });
    return made as unknown as Clients;
  }

  function attemptFailed(error: unknown): void {
    failures.value++;
    reason.value = reasonOf(error);
    const fatal = error instanceof ConnectError && error.fatal;
    if (fatal || failures.value >= policy.maxAttempts) {
      phase.value = 'failed';
      retryInMs.value = null;
      return;
    }
    schedule(retryDelay(policy, failures.value));
  }

  /** One port closed: drop them all (the services are used together) and reconnect. */
  function lost(mine: number): void {
    if (mine !== session || phase.value !== 'connected') return;
    // State first: disposing the other clients fires their disconnects, which must find it changed.
    phase.value = 'reconnecting';
    reason.value = LOST;
    dropClients();
    schedule(policy.initialMs);
  }

  function schedule(delayMs: number): void {
    clearTimer();
    retryInMs.value = delayMs;
    timer = setTimeout(() => {
      timer = null;
      retryInMs.value = null;
      void attempt();
    }, delayMs);
  }

  function clearTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    retryInMs.value = null;
  }

  function dropClients(): void {
    const old = clients.value;
    clients.value = null;
    if (old) for (const client of Object.values(old) as RpcClient<unknown, unknown>[]) client.dispose();
  }

  return { phase, reason, failures, retryInMs, generation, clients, start, stop, retryNow };
});

function closeAll(ports: readonly PortLike[]): void {
  for (const p of ports) p.close();
}
