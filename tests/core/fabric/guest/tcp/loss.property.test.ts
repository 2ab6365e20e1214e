import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../../core/base/rng.ts';
import { S, TestNet, connectPair, firstDifference, pattern } from './net.ts';

describe('TCP under random loss (property)', () => {
  it('delivers both byte streams exactly and in order with up to 20% loss each way', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.constantFrom(1500, 9001),
        fc.boolean(),
        (seed, lossAB, lossBA, sizeA, sizeB, mtu, delayedAck) => {
          const net = new TestNet({ seed, mtuA: mtu, mtuB: mtu, delayNs: 100_000, configA: { delayedAck }, configB: { delayedAck } });
          const rng = Rng.stream(seed, 'test:loss');
          net.drop = (c) => rng.float() < (c.from === 'a' ? lossAB : lossBA);
          const fromA = pattern(sizeA, 1);
          const fromB = pattern(sizeB, 2);
          const { client, server } = connectPair(
            net,
            80,
            {
              connected: (s) => {
                if (fromB.length > 0) s.send(fromB);
              },
              remoteClosed: (s) => s.close(),
            },
            {
              connected: (s) => {
                s.send(fromA);
                s.close();
              },
            },
          );
          net.runFor(3000 * S);
          expect(firstDifference(server.bytes(), fromA)).toBe(-1);
          expect(firstDifference(client.bytes(), fromB)).toBe(-1);
          expect(server.events.some((e) => e.startsWith('remoteClosed'))).toBe(true);
          expect(client.events.some((e) => e.startsWith('remoteClosed'))).toBe(true);
          expect(client.closedReason).toBe('closed');
          // Either B saw its FIN acknowledged, or (its last ACK lost, A long gone) got an RST.
          expect(['closed', 'reset']).toContain(server.closedReason);
          // Every segment stayed within the MSS.
          for (const c of net.trace) expect(c.bytes.length - 20).toBeLessThanOrEqual(mtu - 40);
        },
      ),
      { numRuns: 60 },
    );
  });
});
