/**
 * A full-duplex point-to-point link: two ports (`a`, `b`) and two independent directions
 * (`aToB`, `bToA`), each with its own rate, latency, MTU, queue, impairments and up/down state —
 * so one-way failures and asymmetric links are just per-direction settings.
 *
 *     const link = new Link(sim, { name: 'tor0-spine0', config: { rateBps: 100e9 } });
 *     link.a.attach(tor0); link.b.attach(spine0);
 *     link.aToB.setUp(false); // one-way failure: tor0 → spine0 only
 *
 * Random streams: `link:<name>:a>b:loss`, `link:<name>:a>b:corrupt` and the same for `b>a`, so a
 * link's impairment draws depend only on the seed and the link's name — name links uniquely.
 */
import type { Disposable } from '../base/event.ts';
import { DEFAULT_LINK_DIRECTION, type LinkDirectionConfig, resolveLinkConfig } from './link-config.ts';
import { LinkDirection } from './link-direction.ts';
import { Port } from './port.ts';
import type { Simulator } from './simulator.ts';
import type { TraceRegistry } from './trace-registry.ts';

export interface LinkOptions {
  /** Unique in the world: it names the link's random streams and default port names. */
  readonly name: string;
  /** Port names; default `<name>/a` and `<name>/b`. */
  readonly portNames?: readonly [string, string];
  /** Settings for both directions (over the defaults of `DEFAULT_LINK_DIRECTION`). */
  readonly config?: Partial<LinkDirectionConfig>;
  /** Overrides for the a → b direction only. */
  readonly aToB?: Partial<LinkDirectionConfig>;
  /** Overrides for the b → a direction only. */
  readonly bToA?: Partial<LinkDirectionConfig>;
}

export class Link {
  readonly name: string;
  readonly a: Port;
  readonly b: Port;
  readonly aToB: LinkDirection;
  readonly bToA: LinkDirection;

  constructor(sim: Simulator, options: LinkOptions) {
    this.name = options.name;
    const [aName, bName] = options.portNames ?? [`${options.name}/a`, `${options.name}/b`];
    this.a = new Port(aName);
    this.b = new Port(bName);
    const both = resolveLinkConfig(DEFAULT_LINK_DIRECTION, options.config);
    const stream = (dir: string, what: string) => sim.rng(`link:${options.name}:${dir}:${what}`);
    this.aToB = new LinkDirection(sim, this.a, this.b, resolveLinkConfig(both, options.aToB), stream('a>b', 'loss'), stream('a>b', 'corrupt'));
    this.bToA = new LinkDirection(sim, this.b, this.a, resolveLinkConfig(both, options.bToA), stream('b>a', 'loss'), stream('b>a', 'corrupt'));
    this.a.egress = this.aToB;
    this.a.ingress = this.bToA;
    this.b.egress = this.bToA;
    this.b.ingress = this.aToB;
  }

  /** The direction `from` transmits into. */
  directionFrom(from: Port): LinkDirection {
    if (from === this.a) return this.aToB;
    if (from === this.b) return this.bToA;
    throw new Error(`Link ${this.name}: port ${from.name} is not on this link`);
  }

  /** Applies the same settings change to both directions. */
  configure(patch: Partial<LinkDirectionConfig>): void {
    this.aToB.configure(patch);
    this.bToA.configure(patch);
  }

  /** Fails (false) or repairs (true) both directions. */
  setUp(up: boolean): void {
    this.configure({ up });
  }

  /** Registers both ports' trace sources under their names; disposing unregisters them. */
  registerTraces(registry: TraceRegistry): Disposable {
    const da = registry.add(this.a.name, this.a);
    const db = registry.add(this.b.name, this.b);
    return {
      dispose() {
        da.dispose();
        db.dispose();
      },
    };
  }
}
