/**
 * The ns-3 peer's leaf-spine scenario (../shared/bench/ns3/leafspine.cc) as an Underlay topology:
 * 8 hosts, 2 ToRs (racks), 1 spine, every physical link 10 Gb/s with 1 µs latency; one instance
 * per host in one VPC; 8 UDP flows of 20,000 × 1000-byte payloads, one every 10 µs:
 * 0→4 1→5 4→0 5→1 across the spine, 2→3 3→2 6→7 7→6 within a rack.
 */
export const LEAFSPINE_FLOWS: readonly (readonly [number, number])[] = [
  [0, 4], [1, 5], [4, 0], [5, 1], [2, 3], [3, 2], [6, 7], [7, 6],
];

export const LEAFSPINE_PACKETS = 20_000;
export const LEAFSPINE_PAYLOAD = 1000;
export const LEAFSPINE_INTERVAL_US = 10;
export const LEAFSPINE_PORT = 9000;

export function leafspineTopology(): string {
  const lines = [
    'version: 1',
    'name: leaf-spine benchmark',
    'racks:',
    '  r0: {}',
    '  r1: {}',
    'hosts:',
  ];
  for (let i = 0; i < 8; i++) lines.push(`  h${i}: { rack: r${i < 4 ? 0 : 1} }`);
  lines.push('vpcs:', '  bench: { cidr: 10.0.0.0/16 }', 'subnets:', '  s0: { cidr: 10.0.0.0/20 }', 'instances:');
  for (let i = 0; i < 8; i++) lines.push(`  i${i}: { host: h${i}, ip: 10.0.${i}.10 }`);
  return lines.join('\n') + '\n';
}

/** Fabric options matching the peer: one spine, 10 Gb/s and 1 µs on every physical link. */
export const LEAFSPINE_LINK = { rateBps: 10_000_000_000, latencyNs: 1_000, mtu: 9216, queuePackets: 100 };
