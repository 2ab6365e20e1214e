import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, formatCidr, parseCidr, type Cidr } from '../../../../core/base/addr.ts';
import { RouteTableLookup } from '../../../../core/fabric/policy/index.ts';
import type { ResolvedRoute, ResolvedRouteTable } from '../../../../core/topology/resolved.ts';
import { ip, resolvedTopology } from './helpers.ts';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (c === null) throw new Error(`bad cidr ${text}`);
  return c;
}

function table(routes: [string, string | null][]): ResolvedRouteTable {
  return {
    name: 'rt', vpc: 'prod', main: true, subnets: [], origin: ['routeTables', 'rt'],
    routes: routes.map(([dest, peering], i): ResolvedRoute => ({
      destination: cidr(dest),
      target: peering === null ? { kind: 'local' } : { kind: 'peering', peering },
      origin: i === 0 ? null : ['routeTables', 'rt', 'routes', i - 1],
    })),
  };
}

describe('RouteTableLookup', () => {
  // Document order deliberately differs from prefix order.
  const rt = new RouteTableLookup(table([
    ['10.0.0.0/16', null],
    ['0.0.0.0/0', 'to-default'],
    ['10.20.0.0/16', 'wide'],
    ['10.20.5.0/24', 'narrow'],
    ['10.20.5.7/32', 'host'],
    ['10.0.0.0/8', 'corp'],
  ]));

  it('picks the longest matching prefix, whatever the document order', () => {
    const cases: [string, number][] = [
      ['10.20.5.7', 4], // /32 beats /24, /16, /8 and /0
      ['10.20.5.8', 3], // /24
      ['10.20.6.1', 2], // /16
      ['10.99.0.1', 5], // only 10/8 and the default
      ['10.0.3.4', 0], // the local /16 beats 10/8
      ['192.0.2.1', 1], // the default route
    ];
    expect(cases.map(([dst]) => rt.lookup(ip(dst)))).toEqual(cases.map(([, i]) => i));
  });

  it('returns -1 when nothing matches and explains with noRoute', () => {
    const local = new RouteTableLookup(table([['10.0.0.0/16', null], ['10.30.0.0/16', 'cross-region']]));
    expect(local.lookup(ip('10.31.0.1'))).toBe(-1);
    expect(local.lookup(ip('0.0.0.0'))).toBe(-1);
    expect(local.noRoute).toEqual({ kind: 'route-table', name: 'rt', index: -1, text: 'no route matches the destination', origin: ['routeTables', 'rt'] });
  });

  it('matches the edges of a prefix and not one address past them', () => {
    expect([ip('10.20.5.0'), ip('10.20.5.255'), ip('10.20.4.255'), ip('10.20.6.0')].map((a) => rt.lookup(a))).toEqual([3, 3, 2, 2]);
    expect([ip('255.255.255.255'), ip('0.0.0.0'), ip('11.0.0.0'), ip('9.255.255.255')].map((a) => rt.lookup(a))).toEqual([1, 1, 1, 1]);
  });

  it('gives each route a precomputed explanation that points back to the document', () => {
    expect(rt.size).toBe(6);
    expect(rt.route(3).target).toEqual({ kind: 'peering', peering: 'narrow' });
    expect(rt.ruleRef(3)).toEqual({ kind: 'route-table', name: 'rt', index: 3, text: '10.20.5.0/24 → peering narrow', origin: ['routeTables', 'rt', 'routes', 2] });
    expect(rt.ruleRef(0).text).toBe('10.0.0.0/16 → local');
    // The same object every time: nothing is built per lookup.
    expect(rt.ruleRef(rt.lookup(ip('10.20.5.9')))).toBe(rt.ruleRef(3));
  });

  it('agrees with a brute-force longest-prefix match on random tables (property)', () => {
    const prefixArb = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
      .map(([base, len]) => formatCidr(cidr(`${(base >>> 24) & 255}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${len}`)));
    fc.assert(fc.property(
      fc.uniqueArray(prefixArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
      (prefixes, addresses) => {
        const t = table(prefixes.map((p, i) => [p, `p${i}`]));
        const lookup = new RouteTableLookup(t);
        for (const raw of addresses) {
          // Also probe each route's own base, so matches are frequent.
          for (const a of [raw >>> 0, ...t.routes.map((r) => r.destination.base)]) {
            let best = -1;
            t.routes.forEach((r, i) => {
              if (cidrContains(r.destination, a) && (best < 0 || r.destination.prefix > t.routes[best].destination.prefix)) best = i;
            });
            expect(lookup.lookup(a)).toBe(best);
          }
        }
      },
    ), { numRuns: 200, seed: 20_260_103 });
  });

  it('works on a resolved topology: the local route and a peering route', () => {
    const t = resolvedTopology(`
version: 1
name: peered
vpcs:
  app:    { cidr: 10.1.0.0/16 }
  shared: { cidr: 10.2.0.0/16 }
subnets:
  app-1:    { vpc: app,    cidr: 10.1.1.0/24 }
  shared-1: { vpc: shared, cidr: 10.2.1.0/24 }
peerings:
  app-shared: { vpcs: [app, shared] }
routeTables:
  app-rt:
    vpc: app
    main: true
    routes:
      - { destination: 10.2.0.0/16, target: peering, peering: app-shared }
`);
    const rt = new RouteTableLookup(t.routeTables.find((r) => r.name === 'app-rt')!);
    expect(rt.name).toBe('app-rt');
    expect(rt.lookup(ip('10.1.1.9'))).toBe(0);
    expect(rt.lookup(ip('10.2.1.9'))).toBe(1);
    expect(rt.lookup(ip('10.3.0.1'))).toBe(-1);
    expect(rt.ruleRef(1)).toEqual({ kind: 'route-table', name: 'app-rt', index: 1, text: '10.2.0.0/16 → peering app-shared', origin: ['routeTables', 'app-rt', 'routes', 0] });
    expect(rt.ruleRef(0)).toMatchObject({ text: '10.1.0.0/16 → local', origin: null });
  });
});
