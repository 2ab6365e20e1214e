/**
 * `traceroute` (Dmitry Butskoy's traceroute 2.x, the Linux one), UDP method:
 *
 *   traceroute to 10.0.2.5 (10.0.2.5), 30 hops max, 60 byte packets
 *    1  10.0.1.1 (10.0.1.1)  0.123 ms  0.110 ms  0.109 ms
 *    2  * * *
 *    3  10.0.2.5 (10.0.2.5)  0.300 ms  0.290 ms  0.281 ms
 *
 * Probes are UDP datagrams (32 bytes of data `@ABC…`, no DF) to port 33434 + n, n counting every
 * probe sent; a hop's replies are ICMP time exceeded, and the trace ends at the hop where the
 * destination answers port unreachable (or any other unreachable, annotated `!H`, `!N`, `!P`,
 * `!F-mtu`, `!X`, …). `-n` prints addresses without the `(addr)` repeat real traceroute prints
 * when reverse DNS finds no name (the lab sends no PTR queries, so names are always addresses).
 *
 * Lab difference: probes go one at a time, each waiting up to `-w` seconds (default 5), where
 * traceroute 2.x sends up to 16 at once; the output is the same, only the timing of the trace differs.
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import type { EventId } from '../../../sim/simulator.ts';
import { resolveErrorText } from '../dns-client.ts';
import type { IcmpErrorInfo, UdpBinding } from '../guest.ts';
import { tracerouteAnnotation } from '../icmp-text.ts';
import { type AppContext, type Command, getopt, isGetoptError, parseInteger, parseNumber } from './common.ts';

const USAGE = [
  'Usage:',
  '  traceroute [ -n ] [ -f first_ttl ] [ -m max_ttl ] [ -p port ] [ -q nqueries ] [ -w waittime ] host [ packetlen ]',
  'Options:',
  '  -f first_ttl  Start from the first_ttl hop (instead from 1)',
  '  -m max_ttl    Set the max number of hops (max TTL to be reached). Default is 30',
  '  -n            Do not resolve IP addresses to their domain names',
  '  -p port       Set the destination port to use. It is initial udp port value for "default" method (incremented by each probe, default is 33434)',
  '  -q nqueries   Set the number of probes per each hop. Default is 3',
  '  -w waittime   Wait for a probe no more than this many seconds. Default is 5.0',
  'Arguments:',
  '+     host          The host to traceroute to',
  '      packetlen     The full packet length (default is the length of an IP header plus 40). Can be ignored or increased to a minimal allowed value',
];

interface TraceOptions {
  readonly target: string;
  readonly firstTtl: number;
  readonly maxTtl: number;
  readonly nqueries: number;
  readonly waitNs: number;
  readonly port: number;
  readonly packetLen: number;
  readonly numeric: boolean;
}

export const traceroute: Command = {
  summary: 'traceroute [-n] [-f first_ttl] [-m max_ttl] [-q nqueries] [-w wait] [-p port] host [packetlen]',
  run(ctx) {
    const opts = parseOptions(ctx);
    if (opts === null) return;
    const lookup = ctx.guest.dns.resolve(opts.target, (r) => {
      if (!r.ok) {
        ctx.proc.print(`${opts.target}: ${resolveErrorText(r.error)}`);
        ctx.proc.print(`Cannot handle "host" cmdline arg \`${opts.target}' on position 1 (argc ${ctx.args.indexOf(opts.target) + 1})`);
        ctx.proc.exit(2);
        return;
      }
      new Tracer(ctx, opts, r.ip).start();
    });
    if (ctx.proc.running) ctx.proc.own(lookup);
  },
};

function parseOptions(ctx: AppContext): TraceOptions | null {
  const { proc, args } = ctx;
  const fail = (line: string): null => {
    proc.print(line);
    proc.exit(2);
    return null;
  };
  const parsed = getopt(args, 'f:m:q:w:p:nh');
  if (isGetoptError(parsed)) {
    const opt = parsed.option.startsWith('-') ? parsed.option : `-${parsed.option}`;
    if (parsed.kind === 'invalid') return fail(`Bad option \`${opt}' (argc ${args.indexOf(opt) + 1 || args.length})`);
    return fail(`Option \`${opt}' (argc ${args.length}) requires an argument: \`${opt} ${{ f: 'first_ttl', m: 'max_ttl', q: 'nqueries', w: 'waittime', p: 'port' }[parsed.option] ?? 'arg'}'`);
  }
  if (parsed.has('h') || parsed.operands.length === 0 || parsed.operands.length > 2) {
    for (const l of USAGE) proc.print(l);
    proc.exit(parsed.has('h') ? 0 : 2);
    return null;
  }
  const bad = (key: string, value: string) => fail(`Cannot handle \`-${key}' option with arg \`${value}' (argc ${args.indexOf(value) + 1})`);
  const intOpt = (key: string, dflt: number): number | null => {
    const v = parsed.value(key);
    if (v === undefined) return dflt;
    const n = parseInteger(v);
    return n === null ? bad(key, v) : n;
  };
  const firstTtl = intOpt('f', 1);
  if (firstTtl === null) return null;
  const maxTtl = intOpt('m', 30);
  if (maxTtl === null) return null;
  const nqueries = intOpt('q', 3);
  if (nqueries === null) return null;
  const port = intOpt('p', 33434);
  if (port === null) return null;
  let waitNs = 5_000_000_000;
  const w = parsed.value('w');
  if (w !== undefined) {
    const n = parseNumber(w);
    if (n === null) return bad('w', w);
    waitNs = Math.round(n * 1e9);
  }
  if (maxTtl > 255) return fail('max hops cannot be more than 255');
  if (firstTtl < 1 || firstTtl > maxTtl) return fail('first hop out of range');
  if (nqueries < 1 || nqueries > 10) return fail('no more than 10 probes per hop');
  if (port < 1 || port > 0xffff) return bad('p', String(port));
  let packetLen = 60;
  if (parsed.operands.length === 2) {
    const n = parseInteger(parsed.operands[1]);
    if (n === null || n > 65000) {
      return fail(`Cannot handle "packetlen" cmdline arg \`${parsed.operands[1]}' on position 2 (argc ${args.indexOf(parsed.operands[1]) + 1})`);
    }
    packetLen = Math.max(28, n);
  }
  return { target: parsed.operands[0], firstTtl, maxTtl, nqueries, waitNs, port, packetLen, numeric: parsed.has('n') };
}

interface ProbeResult {
  readonly from: Ipv4;
  readonly rttNs: number;
  readonly annotation: string;
}

class Tracer {
  private socket!: UdpBinding;
  private ttl: number;
  private probeNo = 0;
  private q = 0;
  private currentPort = 0;
  private sentAt = 0;
  private timer: EventId = -1;
  private final = false;
  private results: (ProbeResult | null)[] = [];
  private readonly data: Uint8Array;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: TraceOptions,
    private readonly ip: Ipv4,
  ) {
    this.ttl = opts.firstTtl;
    this.data = new Uint8Array(opts.packetLen - 28);
    for (let i = 0; i < this.data.length; i++) this.data[i] = 0x40 + (i & 0x3f);
  }

  start(): void {
    const { proc, guest } = this.ctx;
    proc.print(`traceroute to ${this.opts.target} (${formatIpv4(this.ip)}), ${this.opts.maxTtl} hops max, ${this.opts.packetLen} byte packets`);
    this.socket = proc.own(guest.udpBind(0, () => {}, (e) => this.onError(e)));
    this.send();
  }

  private send(): void {
    const { guest, proc } = this.ctx;
    this.currentPort = ((this.opts.port + this.probeNo - 1) % 0xffff) + 1;
    this.probeNo++;
    this.sentAt = guest.sim.now();
    const data = this.data;
    guest.sendUdp(this.ip, this.socket.port, this.currentPort, data.length, (out) => out.set(data), { ttl: this.ttl, pmtu: 'dont' });
    this.timer = proc.timer(this.opts.waitNs, () => {
      this.timer = -1;
      this.done(null);
    });
  }

  private onError(e: IcmpErrorInfo): void {
    if (this.timer < 0 || e.dst !== this.ip || e.dstPort !== this.currentPort) return;
    if (e.type !== 11 && e.type !== 3) return;
    this.ctx.proc.cancelTimer(this.timer);
    this.timer = -1;
    const rttNs = this.ctx.guest.sim.now() - this.sentAt;
    let annotation = '';
    if (e.type === 3) {
      annotation = tracerouteAnnotation(e.type, e.code, e.nextHopMtu);
      if (e.code !== 3 || e.from === this.ip) this.final = true;
    }
    this.done({ from: e.from, rttNs, annotation });
  }

  private done(result: ProbeResult | null): void {
    this.results.push(result);
    this.q++;
    if (this.q < this.opts.nqueries) return this.send();
    this.printHop();
    if (this.final || this.ttl >= this.opts.maxTtl) {
      this.ctx.proc.exit(0);
      return;
    }
    this.ttl++;
    this.q = 0;
    this.results = [];
    this.send();
  }

  private printHop(): void {
    let line = `${String(this.ttl).padStart(2, ' ')} `;
    let last: Ipv4 | -1 = -1;
    for (const r of this.results) {
      if (r === null) {
        line += ' *';
        continue;
      }
      if (r.from !== last) {
        const a = formatIpv4(r.from);
        line += this.opts.numeric ? ` ${a}` : ` ${a} (${a})`;
        last = r.from;
      }
      line += `  ${(r.rttNs / 1e6).toFixed(3)} ms`;
      if (r.annotation !== '') line += ` ${r.annotation}`;
    }
    this.ctx.proc.print(line);
  }
}
