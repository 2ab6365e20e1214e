/**
 * Nothing a peer sends may throw out of `receive`, and every frame handed in is released: random
 * bytes, and valid frames of every kind with random bytes changed (with the IPv4 header checksum
 * repaired half the time, so the damage reaches the layers above).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeMac } from '../../../../core/base/addr.ts';
import { internetChecksum } from '../../../../core/base/checksum.ts';
import type { Guest } from '../../../../core/fabric/guest/index.ts';
import { ip, run, TestLan } from './support/lan.ts';

/** Valid frames addressed to guest b, recorded from a real exchange with a. */
function corpus(): { lan: TestLan; b: Guest; frames: Uint8Array[] } {
  const lan = new TestLan({ routerMtu: 1500 });
  const a = lan.add('a', '10.0.1.5', { mtu: 1500 });
  const b = lan.add('b', '10.0.1.6');
  run(b, 'sink -u 9000');
  run(b, 'nc -u -l 6000');
  run(a, 'ping -c 2 -s 3000 10.0.1.6'); // echo requests in fragments
  run(a, 'curl -s http://10.0.1.6/bytes/3000'); // TCP handshake, data, FIN
  run(a, 'echo hi | nc -u 10.0.1.6 6000');
  run(a, 'traceroute -q 1 10.0.1.6'); // UDP to closed ports
  a.sendUdp(b.ip, 1234, 9000, 20);
  lan.runFor(5e9);
  const frames = lan.trace.filter((f) => f.from === 'switch>b').map((f) => f.bytes);
  // And an ARP request for b, an ICMP error quoting b's traffic, a DNS-looking answer.
  const arp = new Uint8Array(42);
  arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 9, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 9, 10, 0, 1, 9, 0, 0, 0, 0, 0, 0, 10, 0, 1, 6]);
  frames.push(arp);
  return { lan, b, frames };
}

function deliver(lan: TestLan, b: Guest, bytes: Uint8Array): void {
  const p = lan.pool.copyOf(bytes);
  const live = lan.pool.liveCount;
  expect(() => b.receive(p, b.nic)).not.toThrow();
  // receive() released the frame it was given (anything else alive was sent on by b).
  expect(p.live).toBe(false);
  expect(lan.pool.liveCount).toBeLessThanOrEqual(live - 1 + 64);
}

describe('hostile frames', () => {
  it('random bytes never throw and are always released', () => {
    const { lan, b } = corpus();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), fc.boolean(), fc.boolean(), (bytes, addressed, arp) => {
        if (addressed && bytes.length >= 14) {
          writeMac(bytes, 0, b.mac);
          bytes[12] = 0x08;
          bytes[13] = arp ? 0x06 : 0x00;
        }
        deliver(lan, b, bytes);
      }),
      { numRuns: 400, seed: 7 },
    );
    lan.runFor(60e9);
    expect(b.counters.drops.error).toBe(0);
    expect(b.lastError).toBeNull();
    expect(lan.pool.liveCount).toBe(0);
  });

  it('mutated valid frames of every kind never throw and are always released', () => {
    const { lan, b, frames } = corpus();
    expect(frames.length).toBeGreaterThan(15);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: -8, max: 8 }),
        (which, edits, fixChecksum, resize) => {
          const src = frames[which];
          const bytes = new Uint8Array(Math.max(0, src.length + resize));
          bytes.set(src.subarray(0, bytes.length));
          for (const [at, v] of edits) {
            // Leave the Ethernet destination alone so the frame gets past the NIC filter.
            const i = 6 + (at % Math.max(1, bytes.length - 6));
            if (i < bytes.length) bytes[i] = v;
          }
          if (fixChecksum && bytes.length >= 34 && bytes[12] === 0x08 && bytes[13] === 0x00) {
            const hl = (bytes[14] & 0x0f) * 4;
            if (hl >= 20 && 14 + hl <= bytes.length) {
              bytes[24] = 0;
              bytes[25] = 0;
              const c = internetChecksum(bytes, 14, 14 + hl);
              bytes[24] = c >>> 8;
              bytes[25] = c & 0xff;
            }
          }
          deliver(lan, b, bytes);
          lan.runFor(1e6);
        },
      ),
      { numRuns: 1500, seed: 11 },
    );
    lan.runFor(200e9);
    expect(b.counters.drops.error).toBe(0);
    expect(b.lastError).toBeNull();
    expect(lan.pool.liveCount).toBe(0);
    // b is still a working host afterwards.
    const r = run(lan.guest('a'), 'ping -c 1 10.0.1.6');
    lan.runFor(5e9);
    expect(r.code()).toBe(0);
    expect(ip('10.0.1.6')).toBe(b.ip);
  });
});
