/**
 * `bulk` — a load generator (the lab's own tool, in the spirit of iperf/nuttcp):
 *
 *   bulk -u [-n packets] [-s size] [-i interval_us] host port     UDP: `packets` datagrams of `size` payload bytes, one every interval
 *   bulk -t [-b bytes] host port                                  TCP: `bytes` as fast as the window allows
 *
 * Defaults: UDP, 100 packets, 1000 bytes, 1000 µs; TCP 1 MiB. UDP datagrams leave from one
 * ephemeral port with zero payload; each send is one closure-free simulator event, the stack
 * allocates nothing but the pooled packet. When done it prints one summary line:
 *
 *   bulk: udp to 10.0.4.10:9000: 20000 packets, 20000000 bytes in 199.990 ms (800.04 Mbit/s), 0 errors
 *   bulk: tcp to 10.0.4.10:9000: 1048576 bytes in 1.234 ms (6798.12 Mbit/s), 0 retransmissions
 *
 * (UDP time is first to last send; TCP time is connect to the last byte acknowledged.)
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import type { EventHandler } from '../../../sim/simulator.ts';
import { resolveErrorText } from '../dns-client.ts';
import { SendPump } from '../send-pump.ts';
import type { Guest, UdpBinding } from '../guest.ts';
import type { TcpCloseReason, TcpHandler, TcpSocket } from '../tcp/index.ts';
import { type AppContext, closeOnExit, closeQuietly, type Command, getopt, isGetoptError, ms3, parseInteger } from './common.ts';

const USAGE = 'usage: bulk [-u|-t] [-n packets] [-s size] [-i interval_us] [-b bytes] host port';

export const bulk: Command = {
  summary: 'bulk [-u|-t] [-n packets] [-s size] [-i interval_us] [-b bytes] host port — load generator',
  run(ctx) {
    const { proc } = ctx;
    const fail = (line: string) => {
      proc.print(line);
      proc.exit(2);
    };
    const parsed = getopt(ctx.args, 'utn:s:i:b:');
    if (isGetoptError(parsed)) return fail(USAGE);
    if (parsed.operands.length !== 2) return fail(USAGE);
    const num = (key: string, dflt: number, min: number, max: number): number | null => {
      const v = parsed.value(key);
      if (v === undefined) return dflt;
      const n = parseInteger(v);
      if (n === null || n < min || n > max) {
        fail(`bulk: invalid -${key} value: ${v} (${min}..${max})`);
        return null;
      }
      return n;
    };
    const packets = num('n', 100, 1, 1e12);
    const size = num('s', 1000, 0, 65507);
    const intervalUs = num('i', 1000, 0, 1e9);
    const bytes = num('b', 1024 * 1024, 0, 1e12);
    if (packets === null || size === null || intervalUs === null || bytes === null) return;
    const port = parseInteger(parsed.operands[1]);
    if (port === null || port < 1 || port > 0xffff) return fail(`bulk: invalid port: ${parsed.operands[1]}`);
    const tcp = parsed.has('t') && !parsed.has('u');
    const host = parsed.operands[0];
    const lookup = ctx.guest.dns.resolve(host, (r) => {
      if (!proc.running) return;
      if (!r.ok) {
        proc.print(`bulk: ${host}: ${resolveErrorText(r.error)}`);
        proc.exit(2);
        return;
      }
      if (tcp) new BulkTcp(ctx, r.ip, port, bytes).start();
      else new BulkUdp(ctx, r.ip, port, packets, size, intervalUs * 1000).start();
    });
    if (proc.running) proc.own(lookup);
  },
};

/** Mbit/s of `bytes` over `ns`, 2 decimals. */
export function mbps(bytes: number, ns: number): string {
  return ns > 0 ? ((bytes * 8 * 1000) / ns).toFixed(2) : '0.00';
}

class BulkUdp implements EventHandler<undefined> {
  private sent = 0;
  private errors = 0;
  private firstNs = 0;
  private lastNs = 0;
  private socket!: UdpBinding;
  private readonly guest: Guest;

  constructor(
    private readonly ctx: AppContext,
    private readonly ip: Ipv4,
    private readonly port: number,
    private readonly packets: number,
    private readonly size: number,
    private readonly intervalNs: number,
  ) {
    this.guest = ctx.guest;
  }

  start(): void {
    this.socket = this.ctx.proc.own(this.guest.udpBind(0, () => {}));
    this.firstNs = this.guest.sim.now();
    this.handleEvent();
  }

  /** One send per event; closure-free rescheduling. */
  handleEvent(): void {
    const proc = this.ctx.proc;
    if (!proc.running) return;
    if (this.guest.sendUdp(this.ip, this.socket.port, this.port, this.size) !== 'ok') this.errors++;
    this.sent++;
    this.lastNs = this.guest.sim.now();
    if (this.sent < this.packets) {
      this.guest.sim.post(this.intervalNs, this, 0);
      return;
    }
    const bytes = this.sent * this.size;
    const ns = this.lastNs - this.firstNs;
    proc.print(`bulk: udp to ${formatIpv4(this.ip)}:${this.port}: ${this.sent} packets, ${bytes} bytes in ${ms3(ns)} ms (${mbps(bytes, ns)} Mbit/s), ${this.errors} errors`);
    proc.exit(this.errors === 0 ? 0 : 1);
  }
}

class BulkTcp implements TcpHandler {
  private startNs = 0;
  private socket!: TcpSocket;
  private pump: SendPump | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly ip: Ipv4,
    private readonly port: number,
    private readonly bytes: number,
  ) {}

  start(): void {
    this.startNs = this.ctx.guest.sim.now();
    this.socket = this.ctx.guest.tcp.connect(this.ip, this.port, this);
    this.ctx.proc.own(closeOnExit(this.socket));
    this.ctx.proc.own({ dispose: () => this.pump?.stop() });
  }

  connected(s: TcpSocket): void {
    if (this.bytes === 0) return this.finish(s);
    this.pump = new SendPump(this.ctx.guest.sim, s, this.bytes, () => {}, () => {});
    this.pump.pump();
  }

  drained(s: TcpSocket): void {
    if (this.pump === null) return;
    if (this.pump.finished) this.finish(s);
    else this.pump.pump();
  }

  closed(s: TcpSocket, reason: TcpCloseReason): void {
    const proc = this.ctx.proc;
    this.pump?.stop();
    if (!proc.running) return;
    if (reason === 'closed' && this.pump?.finished === true) return this.finish(s);
    const why = { refused: 'Connection refused', timeout: 'Connection timed out', unreachable: 'No route to host', reset: 'Connection reset by peer', closed: 'Connection closed' }[reason];
    proc.print(`bulk: tcp to ${formatIpv4(this.ip)}:${this.port}: ${why} after ${s.bytesSent} bytes`);
    proc.exit(1);
  }

  private finish(s: TcpSocket): void {
    const proc = this.ctx.proc;
    if (!proc.running) return;
    const ns = this.ctx.guest.sim.now() - this.startNs;
    closeQuietly(s);
    proc.print(`bulk: tcp to ${formatIpv4(this.ip)}:${this.port}: ${this.bytes} bytes in ${ms3(ns)} ms (${mbps(this.bytes, ns)} Mbit/s), ${s.retransmissions} retransmissions`);
    proc.exit(0);
  }
}
