/**
 * The traffic a rule matches, normalised: every rule gets a port range and an ICMP type/code,
 * so the Nitro pipeline compares numbers without asking which fields were written. Fields that do
 * not apply to the protocol are an error rather than silently ignored: a rule "icmp, ports 22"
 * means the author misunderstood something, and the lab is there to say so.
 */
import type { DocPath } from '../diagnostics.ts';
import type { Protocol, TrafficMatch } from '../resolved.ts';
import type { ResolveContext } from './context.ts';

export interface TrafficFields {
  readonly protocol: Protocol;
  readonly ports?: number | string;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

export function resolveTraffic(ctx: ResolveContext, rule: TrafficFields, path: DocPath): TrafficMatch | null {
  const { protocol } = rule;
  let ok = true;
  const misplaced = (field: keyof TrafficFields, applies: string): void => {
    ctx.report.error('rule-fields', [...path, field], `${field} applies only to ${applies}, not to protocol ${protocol}`);
    ok = false;
  };
  let fromPort = 0;
  let toPort = 65535;
  if (protocol === 'tcp' || protocol === 'udp') {
    if (rule.icmpType !== undefined) misplaced('icmpType', 'protocol icmp');
    if (rule.icmpCode !== undefined) misplaced('icmpCode', 'protocol icmp');
    if (rule.ports !== undefined) {
      const range = parsePorts(rule.ports);
      if (!range) {
        ctx.report.error('port-range', [...path, 'ports'], `"${rule.ports}" is not a port range: ports are 0-65535 and from ≤ to`);
        ok = false;
      } else {
        [fromPort, toPort] = range;
      }
    }
  } else {
    if (rule.ports !== undefined) misplaced('ports', 'tcp and udp');
    if (protocol === 'all') {
      if (rule.icmpType !== undefined) misplaced('icmpType', 'protocol icmp');
      if (rule.icmpCode !== undefined) misplaced('icmpCode', 'protocol icmp');
    } else if ((rule.icmpType ?? -1) === -1 && (rule.icmpCode ?? -1) !== -1) {
      ctx.report.error('rule-fields', [...path, 'icmpCode'], 'an ICMP code needs an ICMP type');
      ok = false;
    }
  }
  if (!ok) return null;
  return { protocol, fromPort, toPort, icmpType: rule.icmpType ?? -1, icmpCode: rule.icmpCode ?? -1 };
}

function parsePorts(ports: number | string): [number, number] | null {
  if (typeof ports === 'number') return [ports, ports];
  const m = /^(\d+)-(\d+)$/.exec(ports);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from <= to && to <= 65535 ? [from, to] : null;
}
