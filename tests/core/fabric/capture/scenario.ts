/**
 * A small capture as the fabric would make it: two traces crossing ENI, host, ToR and spine
 * capture points (inner frames at the ENIs, Geneve-encapsulated ones on the underlay), with a
 * forward, a deliver and drops with reasons and rules, at nanosecond-distinct times.
 */
import { CaptureStore, type CaptureStoreOptions } from '../../../../core/fabric/capture/capture-store.ts';
import { DropReason, ruleRef } from '../../../../core/fabric/verdict.ts';
import { LinkDropReason } from '../../../../core/sim/drop.ts';
import { geneveFrame, pingFrame, resetFrameIds, udpFrame } from './frames.ts';

export const SG_RULE = ruleRef('security-group', 'sg-db', -1, 'no inbound rule allows icmp from "web" 10.0.1.10');
export const NO_ROUTE_RULE = ruleRef('substrate', 'spine-1', -1, 'no underlay route to 192.168.9.9');

export function scenarioStore(options: CaptureStoreOptions = {}) {
  resetFrameIds();
  const store = new CaptureStore(options);
  const webEni = store.addPoint({ name: 'web-1/eni', description: 'ENI of web-1 (decapsulated)', kind: 'eni' });
  const webHost = store.addPoint({ name: 'host-a1/uplink', description: 'Nitro card of host-a1, underlay side', kind: 'host' });
  const idle = store.addPoint({ name: 'edge-1/p0', description: 'never sees a frame', kind: 'edge' });
  const tor = store.addPoint({ name: 'tor-a/p1', description: 'ToR a, port to host-a1', kind: 'tor' });
  const spine = store.addPoint({ name: 'spine-1/p3', kind: 'spine' });
  const dbEni = store.addPoint({ name: 'db-1/eni', description: 'ENI of db-1 (decapsulated)', kind: 'eni' });

  const dns = udpFrame('10.0.1.10', '10.0.2.20', 40000, 48001, 40);
  const dnsEncap = geneveFrame(dns, '192.168.0.11', '192.168.0.12', 7);
  const ping = pingFrame('10.0.1.10', '10.0.2.20', 1);
  const pingEncap = geneveFrame(ping, '192.168.0.11', '192.168.0.12', 7);
  const lost = geneveFrame(udpFrame('10.0.1.10', '10.0.9.9', 40001, 80, 10), '192.168.0.11', '192.168.9.9', 7);

  // trace 1: web-1 → db-1 UDP, delivered
  store.record(webEni, 1_000_000_123, dns, 1, 0, 'forward', null, 'in', null);
  store.record(webHost, 1_000_004_000, dnsEncap, 1, 1, 'forward', null, 'out', null);
  store.record(tor, 1_000_005_456, dnsEncap, 1, 1, 'forward', null, 'in', null);
  store.record(tor, 1_000_005_999, dnsEncap, 1, 1, 'forward', null, 'out', null);
  store.record(dbEni, 1_000_020_001, dns, 1, 3, 'deliver', null, 'out', null);
  // trace 2: a ping the security group of db-1 drops
  store.record(webEni, 2_000_000_000, ping, 2, 0, 'forward', null, 'in', null);
  store.record(webHost, 2_000_003_500, pingEncap, 2, 1, 'forward', null, 'out', null);
  store.record(dbEni, 2_000_019_999, ping, 2, 3, 'drop', DropReason.SgIngressDeny, 'in', SG_RULE);
  // trace 3: the spine has no route; trace 4: a full queue on the ToR
  store.record(spine, 3_000_000_007, lost, 3, 2, 'drop', DropReason.UnderlayNoRoute, 'in', NO_ROUTE_RULE);
  store.record(tor, 3_500_000_000, dnsEncap, 4, 1, 'drop', LinkDropReason.QueueFull, 'out', null);
  return { store, points: { webEni, webHost, idle, tor, spine, dbEni } };
}
