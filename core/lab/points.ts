/**
 * Points of the fabric as lab authors name them and as learners read them. Authors name ports
 * (`web:eni`, `host-a:eth0`, `rack-a-tor:host-b`) or globs of them (`*-tor:*`), or a class of
 * capture point (`@eni`, `@underlay`, `@all`); explanations turn port names back into the
 * fabric's words ("the Nitro card of host-b, at the ENI of web").
 */
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import type { Fabric } from '../fabric/world.ts';

export function pointMatcher(pattern: string | undefined): (name: string, kind?: CapturePointKind) => boolean {
  const p = (pattern ?? '@all').trim();
  if (p === '@all') return () => true;
  if (p === '@eni') return (_n, kind) => kind === 'eni';
  if (p === '@underlay') return (_n, kind) => kind !== undefined && kind !== 'eni';
  const re = new RegExp(`^${p.split('*').map(escape).join('.*')}$`);
  // A bare device name (`host-b`, `web`) means any of its ports.
  const device = p.includes(':') ? null : new RegExp(`^${p.split('*').map(escape).join('.*')}:`);
  return (name) => re.test(name) || (device !== null && device.test(name));
}

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Port name → words: `web:eni` → "the Nitro card of host-b (ENI of web)". */
export function describePoint(fabric: Fabric, point: string): string {
  const [device, port] = splitPort(point);
  const instance = fabric.instances.get(device);
  if (instance) {
    if (port === 'eni') return `the Nitro card of ${instance.host} (ENI of ${device})`;
    return `${device}'s own network interface`;
  }
  if (fabric.cards.has(device)) return `the Nitro card of ${device} (its underlay port)`;
  const sw = [...fabric.substrate.tors, ...fabric.substrate.spines].find((s) => s.name === device);
  if (sw) return `${sw.kind === 'tor' ? 'the ToR switch' : 'the spine switch'} ${device} (port to ${port})`;
  return point;
}

export function splitPort(point: string): [string, string] {
  const i = point.lastIndexOf(':');
  return i < 0 ? [point, ''] : [point.slice(0, i), point.slice(i + 1)];
}
