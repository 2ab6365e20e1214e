/**
 * `sink [-u|-t] port` — the receiving end of `bulk`: counts what arrives, prints a line per flow
 * and runs until killed (then prints the totals and exits 0, its normal way to end).
 *
 *   sink: listening on udp port 9000
 *   sink: udp from 10.0.1.4:40000: 20000 packets, 20000000 bytes in 199.990 ms (800.04 Mbit/s)
 *   sink: tcp from 10.0.1.4:51234: 1048576 bytes in 1.234 ms (6798.12 Mbit/s)
 *   sink: total 20000 packets, 20000000 bytes
 *
 * A UDP flow (one source address and port) is reported once it has been quiet for a second; a TCP
 * connection when the sender closes it (the sink then closes too). The per-datagram path does one
 * map lookup and two additions.
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import type { EventId } from '../../../sim/simulator.ts';
import { type AppContext, closeOnExit, closeQuietly, type Command, getopt, isGetoptError, ms3, parseInteger } from './common.ts';
import { mbps } from './bulk.ts';

const QUIET_NS = 1_000_000_000;

interface Flow {
  readonly src: Ipv4;
  readonly port: number;
  packets: number;
  bytes: number;
  firstNs: number;
  lastNs: number;
}

export const sink: Command = {
  summary: 'sink [-u|-t] port — count what bulk sends (runs until killed)',
  run(ctx) {
    const { proc } = ctx;
    const parsed = getopt(ctx.args, 'ut');
    const port = isGetoptError(parsed) || parsed.operands.length !== 1 ? null : parseInteger(parsed.operands[0]);
    if (isGetoptError(parsed) || port === null || port < 1 || port > 0xffff) {
      proc.print('usage: sink [-u|-t] port');
      proc.exit(2);
      return;
    }
    if (parsed.has('t') && !parsed.has('u')) tcpSink(ctx, port);
    else udpSink(ctx, port);
  },
};

function udpSink(ctx: AppContext, port: number): void {
  const { guest, proc } = ctx;
  const flows = new Map<number, Flow>();
  let packets = 0;
  let bytes = 0;
  let check: EventId = -1;
  let last: Flow | null = null;
  const report = (f: Flow) => {
    proc.print(`sink: udp from ${formatIpv4(f.src)}:${f.port}: ${f.packets} packets, ${f.bytes} bytes in ${ms3(f.lastNs - f.firstNs)} ms (${mbps(f.bytes, f.lastNs - f.firstNs)} Mbit/s)`);
  };
  const sweep = () => {
    check = -1;
    const now = guest.sim.now();
    for (const [key, f] of flows) {
      if (now - f.lastNs < QUIET_NS) continue;
      report(f);
      flows.delete(key);
      if (last === f) last = null;
    }
    if (flows.size > 0) check = proc.timer(QUIET_NS, sweep);
  };
  try {
    proc.own(
      guest.udpBind(port, (src, srcPort, payload) => {
        const now = guest.sim.now();
        // Datagrams come in runs from one flow: checking the last one first skips the map (whose
        // key, src · 65536 + port, is not a small integer and would be boxed on every lookup).
        let f = last;
        if (f === null || f.src !== src || f.port !== srcPort) {
          const key = src * 65536 + srcPort;
          f = flows.get(key) ?? null;
          if (f === null) {
            f = { src, port: srcPort, packets: 0, bytes: 0, firstNs: now, lastNs: now };
            flows.set(key, f);
          }
          last = f;
        }
        f.packets++;
        f.bytes += payload.length;
        f.lastNs = now;
        packets++;
        bytes += payload.length;
        if (check < 0) check = proc.timer(QUIET_NS, sweep);
      }),
    );
  } catch {
    proc.print(`sink: udp port ${port}: Address already in use`);
    proc.exit(1);
    return;
  }
  proc.print(`sink: listening on udp port ${port}`);
  proc.onKill = () => {
    for (const f of flows.values()) report(f);
    flows.clear();
    last = null;
    proc.print(`sink: total ${packets} packets, ${bytes} bytes`);
    proc.exit(0);
  };
}

function tcpSink(ctx: AppContext, port: number): void {
  const { guest, proc } = ctx;
  let bytes = 0;
  let connections = 0;
  try {
    proc.own(
      guest.tcpListen(port, (socket) => {
        proc.own(closeOnExit(socket));
        const startNs = guest.sim.now();
        let received = 0;
        connections++;
        return {
          data(_s, chunk) {
            received += chunk.length;
            bytes += chunk.length;
          },
          remoteClosed(s) {
            const ns = guest.sim.now() - startNs;
            proc.print(`sink: tcp from ${formatIpv4(s.remoteIp)}:${s.remotePort}: ${received} bytes in ${ms3(ns)} ms (${mbps(received, ns)} Mbit/s)`);
            closeQuietly(s);
          },
        };
      }),
    );
  } catch {
    proc.print(`sink: tcp port ${port}: Address already in use`);
    proc.exit(1);
    return;
  }
  proc.print(`sink: listening on tcp port ${port}`);
  proc.onKill = () => {
    proc.print(`sink: total ${connections} connections, ${bytes} bytes`);
    proc.exit(0);
  };
}
