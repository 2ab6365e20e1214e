/**
 * `npm run bench:fabric` — the fabric against ns-3 on the leaf-spine scenario of
 * ../shared/bench/ns3/leafspine.cc (see support/leafspine.ts): 8 UDP flows × 20,000 packets of
 * 1000 bytes through the full fabric path (SG connection tracking, mapping lookup, Geneve
 * encapsulation, ECMP, decapsulation, delivery to the guest), with capture off and with capture on
 * at every port. Each run is a separate process (support/fabric-run.ts) so peak memory is per run.
 *
 * Figures: packet-hops per wall second (physical link traversals, counted as ns-3 counts them:
 * one per frame that finished crossing a link) and delivered packets per wall second. The peer's
 * figure comes from `run.sh udp-noqdisc` in the same run (no queue discipline, like our links).
 * Medians of RUNS rounds; ratios of medians. Each round runs ours (capture off, on) and then ns-3,
 * so a load that comes and goes on a shared machine falls on both sides alike. Ends with DESIGN.md §9's BENCH lines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchLine, median } from './support/bench-line.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = process.argv.includes('--quick') ? 1 : 5;
const NS3_RUN = join(here, '../../../shared/bench/ns3/run.sh');
const MEMORY_LIMIT_MB = 300;

interface RunResult {
  capture: boolean;
  hops: number;
  delivered: number;
  wallMs: number;
  events: number;
  frames: number;
  captureMb: number;
  rssPeakMb: number;
}

function ours(mode: 'off' | 'on'): RunResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'support/fabric-run.ts'), mode], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as RunResult;
}

interface PeerResult {
  hops: number;
  delivered: number;
  wallS: number;
}

function ns3(): PeerResult | null {
  if (!existsSync('/usr/include/ns3.36') && !existsSync('/usr/include/ns3') && !hasNs3Headers()) return null;
  try {
    const out = execFileSync('bash', [NS3_RUN, 'udp-noqdisc'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = out.split('\n').find((l) => l.startsWith('RESULT'));
    if (!line) return null;
    const field = (name: string) => Number(new RegExp(`${name}=([0-9.]+)`).exec(line)?.[1]);
    return { hops: field('linkRx'), delivered: field('delivered'), wallS: field('runWall') };
  } catch (e) {
    console.log(`ns-3 peer failed: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

function hasNs3Headers(): boolean {
  try {
    return execFileSync('bash', ['-c', 'ls -d /usr/include/ns3* 2>/dev/null | head -1'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

const k = (n: number) => `${(n / 1000).toFixed(1)}k`;

const results: Record<'off' | 'on', RunResult[]> = { off: [], on: [] };
const peers: PeerResult[] = [];
let peerMissing = false;
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['off', 'on'] as const) {
    const r = ours(mode);
    results[mode].push(r);
    console.log(`ours capture ${mode.padEnd(3)} run ${i + 1}: ${r.hops} hops, ${r.delivered} delivered, ${r.events} events, ${r.wallMs.toFixed(0)} ms wall → ${k(r.hops / (r.wallMs / 1000))} hops/s, ${k(r.delivered / (r.wallMs / 1000))} delivered/s, ${r.frames} frames captured (${r.captureMb.toFixed(0)} MB), peak RSS ${r.rssPeakMb.toFixed(0)} MB`);
  }
  const p = peerMissing ? null : ns3();
  if (!p) {
    peerMissing = true;
    continue;
  }
  peers.push(p);
  console.log(`ns-3 udp-noqdisc run ${i + 1}: ${p.hops} hops, ${p.delivered} delivered, ${p.wallS.toFixed(2)} s wall → ${k(p.hops / p.wallS)} hops/s`);
}
if (peers.length === 0) console.log('ns-3 is not installed (apt-get install -y libns3-dev g++): no peer figures');

const rate = (rs: RunResult[], f: (r: RunResult) => number) => median(rs.map((r) => f(r) / (r.wallMs / 1000)));
const oursOff = rate(results.off, (r) => r.hops);
const oursOn = rate(results.on, (r) => r.hops);
const peerHops = peers.length ? median(peers.map((p) => p.hops / p.wallS)) : null;
const peerDelivered = peers.length ? median(peers.map((p) => p.delivered / p.wallS)) : null;
const peakMb = Math.max(...results.off.map((r) => r.rssPeakMb), ...results.on.map((r) => r.rssPeakMb));

console.log('');
console.log(`delivered packets/s: ours capture off ${k(rate(results.off, (r) => r.delivered))}, on ${k(rate(results.on, (r) => r.delivered))}; ns-3 ${peerDelivered === null ? '-' : k(peerDelivered)}`);
console.log(`check: ours delivered ${results.off[0].delivered} packets over ${results.off[0].hops} hops; ns-3 ${peers[0]?.delivered ?? '-'} over ${peers[0]?.hops ?? '-'}`);
const ratioOff = peerHops ? oursOff / peerHops : null;
const ratioOn = peerHops ? oursOn / peerHops : null;
console.log(benchLine('fabric-hops-capture-off', `${k(oursOff)}hops/s`, peerHops ? `${k(peerHops)}hops/s` : null, ratioOff, 'ratio>=5', ratioOff !== null && ratioOff >= 5));
console.log(benchLine('fabric-hops-capture-on', `${k(oursOn)}hops/s`, peerHops ? `${k(peerHops)}hops/s` : null, ratioOn, 'ratio>=3', ratioOn !== null && ratioOn >= 3));
console.log(benchLine('fabric-peak-memory', `${peakMb.toFixed(0)}MB`, null, null, `<=${MEMORY_LIMIT_MB}MB`, peakMb <= MEMORY_LIMIT_MB));
