/**
 * A validating relay (DESIGN.md §7): main serves the renderer with an RpcServer whose
 * implementation forwards every call to the worker's RpcClient. The server in front checks the
 * allowlist and the arguments, so only valid calls reach the worker; cancellation travels on
 * (the caller's cancel aborts the forwarded call), and the worker's events are re-served, coalesced
 * again at the relay.
 */
import type { Contract } from '../contract/spec.ts';
import type { RpcClient } from './client.ts';
import type { CallContext, EventSources, Implementation } from './service-types.ts';

export interface Relay<Api, Events> {
  readonly implementation: Implementation<Api>;
  readonly events: EventSources<Events>;
}

export function relayTo<Api, Events>(contract: Contract<Api, Events>, upstream: RpcClient<Api, Events>): Relay<Api, Events> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(contract.methods)) {
    methods[name] = (...args) => {
      const context = args.pop() as CallContext;
      const call = upstream.call as (this: RpcClient<Api, Events>, m: string, a: unknown[], o: object) => Promise<unknown>;
      return call.call(upstream, name, args, { signal: context.signal });
    };
  }
  return { implementation: methods as unknown as Implementation<Api>, events: upstream.events };
}
