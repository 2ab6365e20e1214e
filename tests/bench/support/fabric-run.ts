/**
 * One run of the leaf-spine scenario through the full fabric path, in its own process so its
 * peak memory is its own: `node --import tsx tests/bench/support/fabric-run.ts off|on`.
 * Prints one JSON line: packet-hops (physical link traversals, as ns-3 counts PhyRxEnd),
 * delivered packets (UDP payloads received by the sink applications), wall ms of the run,
 * events executed, frames captured, and peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { SimulationService } from '../../../core/service/simulation-service.ts';
import { loadTopology } from '../../../core/topology/index.ts';
import { Fabric } from '../../../core/fabric/world.ts';
import { LEAFSPINE_FLOWS, LEAFSPINE_INTERVAL_US, LEAFSPINE_LINK, LEAFSPINE_PACKETS, LEAFSPINE_PAYLOAD, LEAFSPINE_PORT, leafspineTopology } from './leafspine.ts';

const capture = process.argv[2] === 'on';
const loaded = loadTopology(leafspineTopology());
if (!loaded.topology) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
const fabric = new Fabric(loaded.topology, {
  seed: 1,
  substrate: { spinesPerZone: 1, hostLink: LEAFSPINE_LINK, fabricLink: LEAFSPINE_LINK, interZoneLink: LEAFSPINE_LINK },
});
const service = new SimulationService(fabric, { capture: capture ? 'all' : 'none', paths: false, captureStore: { maxBytes: 128 * 1024 * 1024 } });

// ARP already resolved, as in the peer (ns-3's global routing pre-populates nothing, but its
// point-to-point links need no ARP at all).
const names = [...fabric.instances.keys()];
for (const [from, to] of LEAFSPINE_FLOWS) {
  const src = fabric.instances.get(names[from])!;
  const dst = fabric.instances.get(names[to])!;
  src.guest.arp.set(dst.eni.ip, dst.eni.mac);
}
let delivered = 0;
const outputs: string[] = [];
service.onDidOutput((o) => {
  if (o.line !== null) outputs.push(`${o.instance}| ${o.line}`);
});
for (const [, to] of LEAFSPINE_FLOWS) {
  const r = service.exec(names[to], `sink -u ${LEAFSPINE_PORT}`);
  if (!r.ok) throw new Error(r.error);
}
for (const [from, to] of LEAFSPINE_FLOWS) {
  const dst = fabric.instances.get(names[to])!;
  const ip = dst.eni.ip;
  const dotted = `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
  const r = service.exec(names[from], `bulk -u -n ${LEAFSPINE_PACKETS} -s ${LEAFSPINE_PAYLOAD} -i ${LEAFSPINE_INTERVAL_US} ${dotted} ${LEAFSPINE_PORT}`);
  if (!r.ok) throw new Error(r.error);
}
const hopsBefore = fabric.packetHops();
const eventsBefore = fabric.sim.executedEvents;
const t0 = performance.now();
// The flows last 200 ms of virtual time; 250 ms leaves the last packets time to land.
fabric.sim.run(250_000_000);
const wallMs = performance.now() - t0;
for (const inst of fabric.instances.values()) delivered += inst.guest.counters.udpDelivered;
const result = {
  capture,
  hops: fabric.packetHops() - hopsBefore,
  delivered,
  wallMs,
  events: fabric.sim.executedEvents - eventsBefore,
  frames: service.captures.count,
  captureMb: service.captures.memoryBytes / 1048576,
  rssPeakMb: process.resourceUsage().maxRSS / 1024,
};
console.log(JSON.stringify(result));
if (process.argv.includes('--verbose')) console.error(outputs.join('\n'));
