/**
 * The settings of one direction of a point-to-point link (ns-3's DataRate, Delay, Mtu and queue
 * MaxSize attributes, plus our seeded impairments). Defaults match the ns-3 benchmark peer:
 * 10 Gb/s, 1 µs, jumbo MTU 9001, a 100-packet DropTail queue.
 */

export interface LinkDirectionConfig {
  /** Line rate in bit/s (integer), or Infinity for no serialization delay. */
  readonly rateBps: number;
  /** Propagation delay in integer ns, added after the last bit leaves. */
  readonly latencyNs: number;
  /**
   * Largest L3 packet in bytes. A frame is dropped (`LINK_MTU_EXCEEDED`) when
   * `frame length − l2HeaderBytes > mtu`, so `mtu: 9001` means what AWS means by it.
   */
  readonly mtu: number;
  /** L2 header allowance on top of the MTU: 14 for Ethernet II (18 to allow one 802.1Q tag). */
  readonly l2HeaderBytes: number;
  /**
   * DropTail limit: packets that may wait while another serializes (the packet being serialized
   * is not counted, as in ns-3). 0 means a packet that finds the line busy is dropped.
   */
  readonly queuePackets: number;
  /** Probability in [0, 1] that a frame is lost in flight (seeded, per direction). */
  readonly lossRate: number;
  /** Probability in [0, 1] that a delivered frame has one bit flipped (seeded, per direction). */
  readonly corruptRate: number;
  /** False: the direction is failed; frames sent into it or in flight on it are dropped. */
  readonly up: boolean;
}

export const DEFAULT_LINK_DIRECTION: LinkDirectionConfig = Object.freeze({
  rateBps: 10_000_000_000,
  latencyNs: 1_000,
  mtu: 9001,
  l2HeaderBytes: 14,
  queuePackets: 100,
  lossRate: 0,
  corruptRate: 0,
  up: true,
});

/** Merges `patch` into `base` and checks the result; throws RangeError naming the bad field. */
export function resolveLinkConfig(base: LinkDirectionConfig, patch: Partial<LinkDirectionConfig> = {}): LinkDirectionConfig {
  const c: LinkDirectionConfig = { ...base, ...patch };
  const fail = (field: string, why: string): never => {
    throw new RangeError(`link config: ${field} ${why}, got ${String((c as unknown as Record<string, unknown>)[field])}`);
  };
  if (!(c.rateBps === Infinity || (Number.isSafeInteger(c.rateBps) && c.rateBps > 0))) fail('rateBps', 'must be a positive integer or Infinity');
  if (!(Number.isSafeInteger(c.latencyNs) && c.latencyNs >= 0)) fail('latencyNs', 'must be a non-negative integer');
  if (!(Number.isSafeInteger(c.mtu) && c.mtu > 0)) fail('mtu', 'must be a positive integer');
  if (!(Number.isSafeInteger(c.l2HeaderBytes) && c.l2HeaderBytes >= 0)) fail('l2HeaderBytes', 'must be a non-negative integer');
  if (!(Number.isSafeInteger(c.queuePackets) && c.queuePackets >= 0)) fail('queuePackets', 'must be a non-negative integer');
  if (!(c.lossRate >= 0 && c.lossRate <= 1)) fail('lossRate', 'must be in [0, 1]');
  if (!(c.corruptRate >= 0 && c.corruptRate <= 1)) fail('corruptRate', 'must be in [0, 1]');
  if (typeof c.up !== 'boolean') fail('up', 'must be a boolean');
  return Object.freeze(c);
}

/**
 * Serialization time of `bytes` at `rateBps`, rounded up to whole ns: ⌈bytes · 8 · 10^9 / rate⌉.
 * Exact (integer-corrected, no floating-point off-by-one) while bytes · 8 · 10^9 < 2^53, i.e. for
 * frames up to about 1.1 MB.
 */
export function serializationNs(bytes: number, rateBps: number): number {
  if (rateBps === Infinity || bytes === 0) return 0;
  const bitsNs = bytes * 8_000_000_000;
  let q = Math.ceil(bitsNs / rateBps);
  // The float quotient can land one off an exact integer boundary; fix it with exact products.
  if ((q - 1) * rateBps >= bitsNs) q--;
  else if (q * rateBps < bitsNs) q++;
  return q;
}
