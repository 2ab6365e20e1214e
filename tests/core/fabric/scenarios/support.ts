import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { SimulationService, type SimulationOptions } from '../../../../core/service/simulation-service.ts';
import { ourFields } from '../../../support/our-fields.ts';
import { tempFile, tshark, tsharkFields } from '../../../support/tshark.ts';

export const MS = 1_000_000;
export const S = 1_000_000_000;

export type ScenarioAction =
  | { readonly at: number; readonly instance: string; readonly command: string }
  | { readonly at: number; readonly run: (service: SimulationService) => void };

export interface Scenario {
  readonly topology: string;
  readonly actions: readonly ScenarioAction[];
  readonly until: number;
  readonly seed?: number;
  readonly options?: SimulationOptions;
  /** Called once the fabric is built, before time starts (fault hooks, subscriptions). */
  readonly setup?: (service: SimulationService) => void;
}

export interface ScenarioResult {
  readonly service: SimulationService;
  /** Output lines of every command run on `instance`, in order. */
  output(instance: string): string[];
  exitCodes(instance: string): number[];
  readonly pcapng: Uint8Array;
  /** Every dropped frame captured: where, why and by which rule. */
  drops(): { point: string; reason: string | null; rule: string | null; traceId: number }[];
}

export function topologyText(file: string): string {
  return readFileSync(new URL(`../../../../resources/topologies/${file}`, import.meta.url), 'utf8');
}

export function runScenario(s: Scenario): ScenarioResult {
  const loaded = SimulationService.load(s.topology.includes('\n') ? s.topology : topologyText(s.topology), { seed: s.seed ?? 1, ...s.options });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const service = loaded.service;
  const lines = new Map<string, string[]>();
  const codes = new Map<string, number[]>();
  service.onDidOutput((o) => {
    if (o.line !== null) lines.set(o.instance, [...(lines.get(o.instance) ?? []), o.line]);
    else codes.set(o.instance, [...(codes.get(o.instance) ?? []), o.exitCode ?? -1]);
  });
  s.setup?.(service);
  for (const a of s.actions) {
    service.fabric.sim.call(a.at, () => {
      if ('run' in a) a.run(service);
      else {
        const r = service.exec(a.instance, a.command);
        if (!r.ok) throw new Error(r.error);
      }
    });
  }
  service.run(s.until);
  const pcapng = service.pcapngBytes();
  return {
    service,
    output: (i) => lines.get(i) ?? [],
    exitCodes: (i) => codes.get(i) ?? [],
    pcapng,
    drops() {
      const out = [];
      for (let n = service.captures.firstAvailable; n <= service.captures.count; n++) {
        const f = service.captures.frame(n)!;
        if (f.verdict !== 'drop') continue;
        out.push({ point: service.captures.point(f.pointId).name, reason: f.reason, rule: f.rule?.text ?? null, traceId: f.traceId });
      }
      return out;
    },
  };
}

/**
 * Lets the test worker's event loop run between long synchronous steps (simulations, tshark runs),
 * so Vitest's own messages to the worker are answered before its RPC timer gives up.
 */
export function breather(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Fields compared with tshark on every frame of a scenario's capture (inner and outer layers). */
export const ORACLE_FIELDS = [
  'frame.number', 'frame.len', 'frame.interface_name', 'frame.comment', 'eth.src', 'eth.dst', 'eth.type', 'arp.opcode',
  'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'ip.len', 'ip.id', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.checksum',
  'udp.srcport', 'udp.dstport', 'udp.length', 'geneve.vni', 'geneve.proto_type', 'geneve.option.class', 'geneve.option.type',
  'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'icmp.mtu',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.flags', 'tcp.options.mss_val', 'tcp.window_size_value',
  // HTTP requests fit one segment; responses span many, and we do not reassemble TCP (tshark with
  // reassembly off shows the head in the first segment, ours, like tshark with it on, shows none).
  'dns.qry.name', 'dns.a', 'http.request.method', 'http.request.uri',
];

/**
 * tshark is the oracle. Two readings of a scenario's capture:
 *  - each capture point's frames alone, exported as their own pcapng, with tshark's defaults:
 *    no malformed frame and no error-level expert item;
 *  - the whole multi-point file with TCP reassembly off, field by field against ours. (With it on,
 *    tshark would reassemble one stream from every copy of each segment — the same segment seen at
 *    ten ports — and call the later copies overlapping data. Ours does not reassemble TCP.)
 * Returns the number of frames.
 */
export async function expectTsharkAgrees(pcapng: Uint8Array, service?: SimulationService): Promise<number> {
  const bad = (file: string, extra: string[] = []) =>
    tshark(['-r', file, ...extra, '-Y', '_ws.malformed || _ws.expert.severity >= 0x00800000', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.interface_name']);
  if (service) {
    // The ENI and host ports: every frame's bytes, decapsulated and encapsulated (switch ports
    // carry the same bytes as the host ports with other MACs and TTLs).
    for (const point of service.captures.points.filter((p) => p.kind === 'eni' || p.kind === 'host')) {
      await breather();
      const one = service.pcapngBytes({ points: [point.id] });
      const r = bad(tempFile('point.pcapng', one));
      expect(r.status).toBe(0);
      expect(`${point.name}: ${r.stdout.trim()}`).toBe(`${point.name}: `);
    }
  }
  await breather();
  const file = tempFile('scenario.pcapng', pcapng);
  const noReassembly = ['-o', 'tcp.desegment_tcp_streams:FALSE'];
  const whole = bad(file, noReassembly);
  expect(whole.status).toBe(0);
  expect(whole.stdout.trim()).toBe('');
  const theirs = tsharkFields(file, ORACLE_FIELDS, undefined, noReassembly);
  const ours = ourFields(pcapng, ORACLE_FIELDS);
  expect(ours.length).toBe(theirs.length);
  const diffs: string[] = [];
  theirs.forEach((row, i) => {
    ORACLE_FIELDS.forEach((name, j) => {
      const t = row[j] ?? '';
      const o = ours[i][j] ?? '';
      if (t !== o) diffs.push(`frame ${i + 1} ${name}: ours ${JSON.stringify(o)} tshark ${JSON.stringify(t)}`);
    });
  });
  expect(diffs.slice(0, 20)).toEqual([]);
  return theirs.length;
}
