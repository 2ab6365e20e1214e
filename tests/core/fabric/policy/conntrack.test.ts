import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowKey } from '../../../../core/fabric/flow.ts';
import { hashKey } from '../../../../core/fabric/policy/conntrack.ts';
import {
  ConnectionTable, DEFAULT_CONNTRACK_TIMEOUTS, DEFAULT_MAX_CONNTRACK_ENTRIES, TCP_FLAGS_UNKNOWN, type ConnectionState,
} from '../../../../core/fabric/policy/index.ts';
import { SECOND } from '../../../../core/sim/time.ts';
import { TcpFlag } from '../../../../core/wire/tcp.ts';
import { echoPacket, flowOf, icmp, ip, otherProtocol, reversed, tcp, tcpFlagsOf, tcpPacket, udp } from './helpers.ts';

const { syn, ack, fin, rst, psh } = TcpFlag;
const OUT = true;
const IN = false;

/** The state of the only (or the first) entry, for asserting transitions. */
const stateOf = (t: ConnectionTable): ConnectionState | undefined => t.entries()[0]?.state;

/**
 * Asserts that an entry last refreshed at `lastSeen` is alive just before `lastSeen + timeout`
 * and dead at it. Uses a probe that refreshes, so it checks from the refreshed time again.
 */
function expectIdleTimeout(t: ConnectionTable, probe: FlowKey, outbound: boolean, lastSeen: number, timeout: number): void {
  expect(t.entries(lastSeen + timeout - 1)).toHaveLength(1);
  expect(t.entries(lastSeen + timeout)).toHaveLength(0);
  const justBefore = lastSeen + timeout - 1;
  expect(t.observe(probe, outbound, justBefore)).toBe(true);
  // Refreshed at justBefore: alive until justBefore + timeout, dead at it.
  expect(t.entries(justBefore + timeout - 1)).toHaveLength(1);
  expect(t.observe(probe, outbound, justBefore + timeout)).toBe(false);
  expect(t.size).toBe(0);
}

describe('ConnectionTable: defaults', () => {
  it('uses the AWS timeouts where AWS documents them, and lab choices elsewhere', () => {
    expect(DEFAULT_CONNTRACK_TIMEOUTS).toEqual({
      tcpEstablished: 432_000 * SECOND, udp: 30 * SECOND, udpStream: 180 * SECOND, other: 600 * SECOND,
      icmp: 30 * SECOND, tcpSynSent: 120 * SECOND, tcpSynReceived: 60 * SECOND, tcpFinWait: 120 * SECOND,
      tcpTimeWait: 120 * SECOND, tcpClosed: 10 * SECOND,
    });
    expect(new ConnectionTable().maxEntries).toBe(DEFAULT_MAX_CONNTRACK_ENTRIES);
  });

  it('rejects nonsense options', () => {
    expect(() => new ConnectionTable({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ConnectionTable({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => new ConnectionTable({ timeouts: { udp: 0 } })).toThrow(/udp/);
    expect(() => new ConnectionTable({ timeouts: { icmp: 0.5 } })).toThrow(/icmp/);
    expect(new ConnectionTable({ timeouts: { udp: undefined } }).timeouts.udp).toBe(30 * SECOND);
  });
});

describe('ConnectionTable: one connection, both directions', () => {
  it('finds the entry from either direction and says which way the packet went', () => {
    const t = new ConnectionTable();
    const request = udp('10.0.1.5:5353', '10.0.2.10:53');
    expect(t.observe(request, OUT, 0)).toBe(false);
    expect(t.track(request, OUT, 0)).toBe(true);
    expect(t.observe(reversed(request), IN, 1)).toBe(true);
    expect(t.lastWasReply).toBe(true);
    expect(t.observe(request, OUT, 2)).toBe(true);
    expect(t.lastWasReply).toBe(false);
    expect(t.size).toBe(1);
    // Different remote port, remote address, local port or protocol: other connections.
    expect(t.observe(udp('10.0.1.5:5353', '10.0.2.10:54'), OUT, 3)).toBe(false);
    expect(t.observe(udp('10.0.1.5:5353', '10.0.2.11:53'), OUT, 3)).toBe(false);
    expect(t.observe(udp('10.0.1.5:5354', '10.0.2.10:53'), OUT, 3)).toBe(false);
    expect(t.observe(tcp('10.0.1.5:5353', '10.0.2.10:53'), OUT, 3)).toBe(false);
    // The same 5-tuple in the wrong orientation is not the reply: the ENI's side must be local.
    expect(t.observe(reversed(request), OUT, 3)).toBe(false);
  });

  it('snapshots entries with endpoints, state, direction and times', () => {
    const t = new ConnectionTable();
    // A client's SYN arrives for the ENI's port 5432; the ENI answers with a SYN-ACK.
    const f = tcp('10.0.1.7:40000', '10.0.2.10:5432');
    t.track(f, IN, 5 * SECOND, syn);
    t.observe(reversed(f), OUT, 6 * SECOND, syn | ack);
    expect(t.entries()).toEqual([{
      protocol: 6, local: ip('10.0.2.10'), remote: ip('10.0.1.7'), localPort: 5432, remotePort: 40000,
      state: 'SYN_RECEIVED', direction: 'inbound', replied: true, lastSeen: 6 * SECOND, expiresAt: 66 * SECOND,
    }]);
  });

  it('keys ICMP echo on the identifier, request and reply sharing one entry', () => {
    const t = new ConnectionTable();
    const request = flowOf(echoPacket('10.0.1.5', '10.0.2.10', 'echoRequest', 0x1234));
    const reply = flowOf(echoPacket('10.0.2.10', '10.0.1.5', 'echoReply', 0x1234));
    expect(t.track(request, OUT, 0)).toBe(true);
    expect(t.observe(reply, IN, 1)).toBe(true);
    expect(t.lastWasReply).toBe(true);
    expect(t.entries()[0]).toMatchObject({ protocol: 1, localPort: 0x1234, remotePort: 8, state: 'ICMP', direction: 'outbound' });
    // Another identifier is another "connection" (another ping process).
    expect(t.observe(flowOf(echoPacket('10.0.2.10', '10.0.1.5', 'echoReply', 0x1235)), IN, 2)).toBe(false);
    // An error message is not the reply of an echo: AWS does not treat it as related.
    expect(t.observe(icmp('10.0.2.10', '10.0.1.5', 3, 3), IN, 2)).toBe(false);
  });

  it('pairs the other ICMP query types with their requests, and keys errors on their own type', () => {
    const t = new ConnectionTable();
    t.track(icmp('10.0.1.5', '10.0.2.10', 13, 0), OUT, 0);
    expect(t.observe(icmp('10.0.2.10', '10.0.1.5', 14, 0), IN, 1)).toBe(true);
    t.track(icmp('10.0.1.5', '10.0.2.10', 11, 0), OUT, 0);
    expect(t.observe(icmp('10.0.2.10', '10.0.1.5', 11, 0), IN, 1)).toBe(true);
    expect(t.observe(icmp('10.0.2.10', '10.0.1.5', 12, 0), IN, 1)).toBe(false);
  });

  it('keys other protocols on addresses and protocol only', () => {
    const t = new ConnectionTable();
    t.track(otherProtocol(47, '10.0.1.5', '192.0.2.9'), OUT, 0);
    expect(t.observe(otherProtocol(47, '192.0.2.9', '10.0.1.5'), IN, 1)).toBe(true);
    expect(t.observe(otherProtocol(50, '192.0.2.9', '10.0.1.5'), IN, 1)).toBe(false);
    expect(t.entries()[0]).toMatchObject({ protocol: 47, localPort: 0, remotePort: 0, state: 'OTHER' });
  });

  it('reads the TCP flags from real bytes the same as from constants', () => {
    const t = new ConnectionTable();
    const synBytes = tcpPacket('10.0.1.5:40000', '10.0.2.10:443', syn);
    const synAckBytes = tcpPacket('10.0.2.10:443', '10.0.1.5:40000', syn | ack);
    const ackBytes = tcpPacket('10.0.1.5:40000', '10.0.2.10:443', ack);
    expect(t.track(flowOf(synBytes), OUT, 0, tcpFlagsOf(synBytes))).toBe(true);
    expect(t.observe(flowOf(synAckBytes), IN, 1, tcpFlagsOf(synAckBytes))).toBe(true);
    expect(t.observe(flowOf(ackBytes), OUT, 2, tcpFlagsOf(ackBytes))).toBe(true);
    expect(stateOf(t)).toBe('ESTABLISHED');
  });
});

describe('ConnectionTable: idle timeouts (expired when lastSeen + timeout ≤ now)', () => {
  const T0 = 1_000 * SECOND;

  it('TCP established: 432,000 s', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, TCP_FLAGS_UNKNOWN);
    expect(stateOf(t)).toBe('ESTABLISHED');
    expectIdleTimeout(t, reversed(f), IN, T0, 432_000 * SECOND);
  });

  it('UDP: 30 s', () => {
    const t = new ConnectionTable();
    const f = udp('10.0.1.5:5000', '10.0.2.10:53');
    t.track(f, OUT, T0);
    t.observe(reversed(f), IN, T0); // one request-response transaction is not yet a stream
    expect(stateOf(t)).toBe('UDP');
    expectIdleTimeout(t, f, OUT, T0, 30 * SECOND);
  });

  it('UDP stream: 180 s once a second request-response transaction completes', () => {
    const t = new ConnectionTable();
    const f = udp('10.0.1.5:5000', '10.0.2.10:9000');
    t.track(f, OUT, T0);
    t.observe(reversed(f), IN, T0 + 1);
    t.observe(reversed(f), IN, T0 + 2); // more replies without a new request: still one transaction
    t.observe(f, OUT, T0 + 3);
    expect(stateOf(t)).toBe('UDP');
    t.observe(reversed(f), IN, T0 + 4);
    expect(stateOf(t)).toBe('UDP_STREAM');
    expectIdleTimeout(t, f, OUT, T0 + 4, 180 * SECOND);
  });

  it('UDP sent one way only stays at 30 s however many packets', () => {
    const t = new ConnectionTable();
    const f = udp('10.0.1.5:5000', '10.0.2.10:9000');
    t.track(f, OUT, T0);
    for (let i = 1; i <= 10; i++) t.observe(f, OUT, T0 + i);
    expect(stateOf(t)).toBe('UDP');
    expect(t.entries()[0]).toMatchObject({ replied: false, expiresAt: T0 + 10 + 30 * SECOND });
  });

  it('ICMP: 30 s (a lab choice)', () => {
    const t = new ConnectionTable();
    const f = icmp('10.0.1.5', '10.0.2.10', 8, 0, 77);
    t.track(f, OUT, T0);
    expectIdleTimeout(t, reversed(f), IN, T0, 30 * SECOND);
  });

  it('other protocols: 600 s', () => {
    const t = new ConnectionTable();
    const f = otherProtocol(47, '10.0.1.5', '10.0.2.10');
    t.track(f, IN, T0);
    expectIdleTimeout(t, reversed(f), OUT, T0, 600 * SECOND);
  });

  it('TCP handshake states: SYN_SENT 120 s, SYN_RECEIVED 60 s, then established', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, syn);
    expect(stateOf(t)).toBe('SYN_SENT');
    expect(t.entries()[0].expiresAt).toBe(T0 + 120 * SECOND);
    // A retransmitted SYN keeps SYN_SENT and restarts its timer.
    t.observe(f, OUT, T0 + SECOND, syn);
    expect(t.entries()[0]).toMatchObject({ state: 'SYN_SENT', expiresAt: T0 + 121 * SECOND });
    t.observe(reversed(f), IN, T0 + 2 * SECOND, syn | ack);
    expect(t.entries()[0]).toMatchObject({ state: 'SYN_RECEIVED', expiresAt: T0 + 62 * SECOND });
    // The responder's data does not complete the handshake; the opener's ACK does.
    t.observe(reversed(f), IN, T0 + 3 * SECOND, ack);
    expect(stateOf(t)).toBe('SYN_RECEIVED');
    t.observe(f, OUT, T0 + 4 * SECOND, ack);
    expect(t.entries()[0]).toMatchObject({ state: 'ESTABLISHED', expiresAt: T0 + 4 * SECOND + 432_000 * SECOND });
  });

  it('a half-open connection dies after the SYN_SENT timeout', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, syn);
    expectIdleTimeout(t, f, OUT, T0, 120 * SECOND);
  });

  it('FIN one way: FIN_WAIT 120 s; FIN both ways: TIME_WAIT 120 s', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, syn);
    t.observe(reversed(f), IN, T0, syn | ack);
    t.observe(f, OUT, T0, ack);
    t.observe(f, OUT, T0 + 1, fin | ack);
    expect(t.entries()[0]).toMatchObject({ state: 'FIN_WAIT', expiresAt: T0 + 1 + 120 * SECOND });
    t.observe(f, OUT, T0 + 2, fin | ack); // a retransmitted FIN from the same side changes nothing
    expect(stateOf(t)).toBe('FIN_WAIT');
    t.observe(reversed(f), IN, T0 + 3, fin | ack);
    expect(t.entries()[0]).toMatchObject({ state: 'TIME_WAIT', expiresAt: T0 + 3 + 120 * SECOND });
    expectIdleTimeout(t, f, OUT, T0 + 3, 120 * SECOND);
  });

  it('RST closes: CLOSED for 10 s', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, TCP_FLAGS_UNKNOWN);
    t.observe(reversed(f), IN, T0 + 5, rst | ack);
    expect(t.entries()[0]).toMatchObject({ state: 'CLOSED', expiresAt: T0 + 5 + 10 * SECOND });
    expectIdleTimeout(t, f, OUT, T0 + 5, 10 * SECOND);
  });

  it('a fresh SYN on a closed connection is a new connection: the old entry does not admit it', () => {
    const t = new ConnectionTable();
    const f = tcp('10.0.1.5:40000', '10.0.2.10:443');
    t.track(f, OUT, T0, syn);
    t.observe(reversed(f), IN, T0, rst | ack);
    // The remote reuses the 4-tuple to open a connection *to* us: judged afresh (by the rules).
    expect(t.observe(reversed(f), IN, T0 + 1, syn)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('picks up a mid-stream packet (no SYN) as established, and one with FIN as closing', () => {
    const t = new ConnectionTable();
    t.track(tcp('10.0.1.5:40000', '10.0.2.10:443'), OUT, T0, ack | psh);
    t.track(tcp('10.0.1.5:40001', '10.0.2.10:443'), OUT, T0, fin | ack);
    expect(t.entries().map((e) => [e.localPort, e.state]).sort()).toEqual([[40000, 'ESTABLISHED'], [40001, 'FIN_WAIT']]);
  });

  it('honours configured timeouts', () => {
    const t = new ConnectionTable({ timeouts: { tcpEstablished: 350 * SECOND, udp: 60 * SECOND } });
    t.track(tcp('10.0.1.5:1', '10.0.2.10:2'), OUT, 0);
    t.track(udp('10.0.1.5:1', '10.0.2.10:2'), OUT, 0);
    expect(t.entries().map((e) => e.expiresAt).sort((a, b) => a - b)).toEqual([60 * SECOND, 350 * SECOND]);
  });
});

describe('ConnectionTable: capacity', () => {
  const flowN = (n: number) => udp(`10.0.${(n >> 8) & 255}.${n & 255}:${1000 + (n >> 16)}`, '10.9.9.9:53');

  it('refuses a new connection when full of live entries, keeps serving the tracked ones', () => {
    const t = new ConnectionTable({ maxEntries: 4 });
    for (let n = 0; n < 4; n++) expect(t.track(flowN(n), OUT, 0)).toBe(true);
    expect(t.track(flowN(4), OUT, 1)).toBe(false);
    expect(t.size).toBe(4);
    for (let n = 0; n < 4; n++) expect(t.observe(flowN(n), OUT, 2)).toBe(true);
    // Re-tracking a connection already held needs no new slot.
    expect(t.track(flowN(2), OUT, 3)).toBe(true);
  });

  it('reclaims dead entries when full, so a new connection fits once one has expired', () => {
    const t = new ConnectionTable({ maxEntries: 4 });
    for (let n = 0; n < 4; n++) t.track(flowN(n), OUT, n * SECOND); // expire at 30, 31, 32, 33 s
    expect(t.track(flowN(4), OUT, 30 * SECOND - 1)).toBe(false);
    expect(t.track(flowN(4), OUT, 30 * SECOND)).toBe(true);
    expect(t.entries(30 * SECOND).map((e) => e.local).sort((a, b) => a - b)).toEqual([1, 2, 3, 4].map((n) => flowN(n).src));
    expect(t.observe(flowN(0), OUT, 30 * SECOND)).toBe(false);
  });

  it('notices an entry that was shortened (RST) while the table was full', () => {
    const t = new ConnectionTable({ maxEntries: 2 });
    const a = tcp('10.0.1.5:1000', '10.0.2.10:443');
    const b = tcp('10.0.1.5:1001', '10.0.2.10:443');
    t.track(a, OUT, 0);
    t.track(b, OUT, 0);
    expect(t.track(udp('10.0.1.5:1', '10.0.2.10:2'), OUT, 1)).toBe(false); // full: no sweep before the earliest expiry
    t.observe(reversed(b), IN, 2, rst); // b now dies at 2 + 10 s, long before the established timeout
    expect(t.track(udp('10.0.1.5:1', '10.0.2.10:2'), OUT, 2 + 10 * SECOND - 1)).toBe(false);
    expect(t.track(udp('10.0.1.5:1', '10.0.2.10:2'), OUT, 2 + 10 * SECOND)).toBe(true);
    expect(t.observe(a, OUT, 3 + 10 * SECOND)).toBe(true);
  });

  it('grows from a small table as connections arrive, and expire() reclaims the dead', () => {
    const t = new ConnectionTable({ maxEntries: 1000 });
    expect(t.capacity).toBe(16);
    for (let n = 0; n < 1000; n++) expect(t.track(flowN(n), OUT, n)).toBe(true);
    expect(t.capacity).toBe(2048);
    expect(t.size).toBe(1000);
    expect(t.expire(30 * SECOND + 499)).toBe(500);
    expect(t.size).toBe(500);
    expect(t.observe(flowN(499), OUT, 30 * SECOND + 499)).toBe(false);
    expect(t.observe(flowN(500), OUT, 30 * SECOND + 499)).toBe(true);
    t.clear();
    expect([t.size, t.capacity, t.entries()]).toEqual([0, 16, []]);
  });

  it('holds 65,536 connections at once and finds each of them', () => {
    const t = new ConnectionTable();
    const f = udp('10.0.0.0:0', '10.9.9.9:53');
    for (let n = 0; n < DEFAULT_MAX_CONNTRACK_ENTRIES; n++) {
      f.src = (ip('10.1.0.0') + (n >> 4)) >>> 0;
      f.srcPort = 1000 + (n & 15);
      if (!t.track(f, OUT, 0)) throw new Error(`track ${n} failed`);
    }
    expect(t.size).toBe(DEFAULT_MAX_CONNTRACK_ENTRIES);
    expect(t.capacity).toBe(2 * DEFAULT_MAX_CONNTRACK_ENTRIES);
    let found = 0;
    const back = reversed(f);
    for (let n = 0; n < DEFAULT_MAX_CONNTRACK_ENTRIES; n++) {
      back.dst = (ip('10.1.0.0') + (n >> 4)) >>> 0;
      back.dstPort = 1000 + (n & 15);
      if (t.observe(back, IN, 1)) found++;
    }
    expect(found).toBe(DEFAULT_MAX_CONNTRACK_ENTRIES);
    expect(t.track(udp('10.2.0.0:1', '10.9.9.9:53'), OUT, 2)).toBe(false);
  });
});

describe('ConnectionTable: against a Map model (property)', () => {
  // Small timeouts in ns so expiry happens often within a run.
  const timeouts = { tcpEstablished: 70, udp: 30, udpStream: 45, icmp: 25, other: 60 };
  const timeoutOf = { 6: timeouts.tcpEstablished, 17: timeouts.udp, 1: timeouts.icmp, 47: timeouts.other } as Record<number, number>;

  interface ModelEntry { expiresAt: number; openedOutbound: boolean; lastWasReply: boolean; transactions: number }

  /** The model's key: the ENI's side first; ICMP echo replies fold onto requests. */
  function modelKey(f: FlowKey, outbound: boolean): string {
    const [local, remote, lp, rp] = outbound ? [f.src, f.dst, f.srcPort, f.dstPort] : [f.dst, f.src, f.dstPort, f.srcPort];
    if (f.protocol === 1) return `1|${local}|${remote}|${f.icmpId}|${f.icmpType === 0 ? 8 : f.icmpType}`;
    if (f.protocol === 47) return `47|${local}|${remote}`;
    return `${f.protocol}|${local}|${remote}|${lp}|${rp}`;
  }

  // Each run draws a small pool of flows, so the same connections recur (from both sides), entries
  // die and are met again (deletion from the middle of probe runs), and the table fills up.
  const hosts = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
  const flowArb = fc.record({
    kind: fc.constantFrom('tcp', 'udp', 'icmp', 'gre'),
    a: fc.constantFrom(...hosts),
    b: fc.constantFrom(...hosts),
    pa: fc.integer({ min: 1, max: 40 }),
    pb: fc.integer({ min: 1, max: 3 }),
    reply: fc.boolean(),
  }).map((p): FlowKey => {
    if (p.kind === 'tcp') return tcp(`${p.a}:${p.pa}`, `${p.b}:${p.pb}`);
    if (p.kind === 'udp') return udp(`${p.a}:${p.pa}`, `${p.b}:${p.pb}`);
    if (p.kind === 'icmp') return icmp(p.a, p.b, p.reply ? 0 : 8, 0, p.pa);
    return otherProtocol(47, p.a, p.b);
  });
  const stepArb = fc.record({ pick: fc.nat(), outbound: fc.boolean(), track: fc.boolean(), dt: fc.integer({ min: 0, max: 12 }) });

  it('observe/track/expiry/capacity agree with the model, through collisions, deletions and growth', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 12 }), fc.array(flowArb, { minLength: 1, maxLength: 24 }), fc.array(stepArb, { minLength: 1, maxLength: 300 }),
      (maxEntries, pool, steps) => {
        const table = new ConnectionTable({ maxEntries, timeouts });
        const model = new Map<string, ModelEntry>();
        let now = 0;
        const liveCount = (except: string) => [...model].filter(([k, e]) => k !== except && e.expiresAt > now).length;
        for (const { pick, outbound, track, dt } of steps) {
          const f = pool[pick % pool.length];
          now += dt;
          const k = modelKey(f, outbound);
          const m = model.get(k);
          const live = m !== undefined && m.expiresAt > now;
          expect(table.observe(f, outbound, now)).toBe(live);
          if (live) {
            const reply = m.openedOutbound !== outbound;
            expect(table.lastWasReply).toBe(reply);
            if (f.protocol === 17 && reply && !m.lastWasReply) m.transactions++;
            m.lastWasReply = reply;
            const timeout = f.protocol === 17 && m.transactions >= 2 ? timeouts.udpStream : timeoutOf[f.protocol];
            m.expiresAt = now + timeout;
          } else {
            model.delete(k);
            if (track) {
              const fits = liveCount(k) < maxEntries;
              expect(table.track(f, outbound, now)).toBe(fits);
              if (fits) model.set(k, { expiresAt: now + timeoutOf[f.protocol], openedOutbound: outbound, lastWasReply: false, transactions: 0 });
            }
          }
          expect(table.size).toBeLessThanOrEqual(maxEntries);
          // Every connection of the pool, both ways, is found exactly when the model holds it live.
          for (const g of pool) for (const dir of [OUT, IN]) expect(table.has(g, dir, now)).toBe((model.get(modelKey(g, dir))?.expiresAt ?? -1) > now);
        }
        const expected = [...model.values()].filter((e) => e.expiresAt > now).map((e) => e.expiresAt).sort((a, b) => a - b);
        expect(table.entries(now).map((e) => e.expiresAt).sort((a, b) => a - b)).toEqual(expected);
      },
    ), { numRuns: 500, seed: 20_260_101 });
  });

  /** UDP flows 10.0.0.1:port → 10.0.0.2:53 whose home slot in a 16-slot table is one of `homes`. */
  function collidingFlows(homes: number[], count: number): FlowKey[] {
    const out: FlowKey[] = [];
    for (let port = 1; out.length < count; port++) {
      const f = udp(`10.0.0.1:${port}`, '10.0.0.2:53');
      const home = hashKey(17, f.src | 0, f.dst | 0, (port << 16) | 53) & 15;
      if (homes.includes(home)) out.push(f);
    }
    return out;
  }

  it('keeps every entry reachable when entries in the middle of a probe run, and across the wrap, are deleted', () => {
    // maxEntries 8 ⇒ 16 slots from the start, never regrown: every key here lands in slots 14, 15, 0, 1,
    // so probe runs are long and wrap from the end of the arrays to the start.
    const pool = collidingFlows([14, 15, 0, 1], 16);
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 200 }), (steps) => {
      const table = new ConnectionTable({ maxEntries: 8, timeouts });
      const expiry = new Map<FlowKey, number>();
      let now = 0;
      for (const { pick, track, dt } of steps) {
        const f = pool[pick % pool.length];
        now += dt;
        const live = (expiry.get(f) ?? -1) > now;
        expect(table.observe(f, OUT, now)).toBe(live);
        if (live) expiry.set(f, now + timeouts.udp);
        else {
          expiry.delete(f);
          if (track) {
            const fits = [...expiry.values()].filter((e) => e > now).length < 8;
            expect(table.track(f, OUT, now)).toBe(fits);
            if (fits) expiry.set(f, now + timeouts.udp);
          }
        }
        expect(table.capacity).toBe(16);
        // Every live entry must still be found after whatever was just deleted or shifted.
        for (const g of pool) expect(table.has(g, OUT, now)).toBe((expiry.get(g) ?? -1) > now);
      }
    }), { numRuns: 300, seed: 20_260_102 });
  });

  it('deletes from a single collision chain in every order without losing the others', () => {
    const chain = collidingFlows([15], 6); // one home slot: a run 15, 0, 1, 2, 3, 4 across the wrap
    for (let victim = 0; victim < chain.length; victim++) {
      const table = new ConnectionTable({ maxEntries: 8, timeouts: { udp: 100 } });
      chain.forEach((f, i) => table.track(f, OUT, i === victim ? 0 : 50)); // the victim dies at 100, the rest at 150
      expect(table.observe(chain[victim], OUT, 100)).toBe(false); // dead: reclaimed here, shifting the run back
      expect(table.size).toBe(5);
      chain.forEach((f, i) => expect(table.observe(f, OUT, 101), `flow ${i} after deleting ${victim}`).toBe(i !== victim));
    }
  });
});
