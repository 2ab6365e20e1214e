/**
 * `ping` as iputils prints it (ping/ping_common.c, ping/ping.c), driven by virtual time:
 *
 *   PING 10.0.1.5 (10.0.1.5) 56(84) bytes of data.
 *   64 bytes from 10.0.1.5: icmp_seq=1 ttl=64 time=0.052 ms
 *   From 10.0.1.1 icmp_seq=2 Frag needed and DF set (mtu = 1500)
 *   ping: local error: message too long, mtu=1500
 *
 *   --- 10.0.1.5 ping statistics ---
 *   4 packets transmitted, 4 received, 0% packet loss, time 3000ms
 *   rtt min/avg/max/mdev = 0.045/0.052/0.061/0.006 ms
 *
 * Options: -c count, -i interval (s), -s size, -t ttl, -M do|want|dont (default `want`, Linux's
 * PMTU discovery default), -W timeout (s; how long to wait for replies after the last probe when
 * none came: iputils' linger time, 10 s by default), -w deadline (s), -n, -q.
 *
 * Lab differences: without -c and -w the lab sends 4 probes (real ping runs until Ctrl-C;
 * `kill()` stops it here too, printing the statistics). A name target prints `name (ip)` for the
 * target and `ip (ip)` for other sources (real ping reverse-resolves every address; the lab sends
 * no PTR queries). Statistics use iputils' integer arithmetic: µs timestamps embedded in the
 * payload, `%g` loss, the `pipe N` note when errors or replies come back out of step.
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import { resolveErrorText } from '../dns-client.ts';
import type { IcmpEchoHandler, IcmpEchoSocket, IcmpErrorInfo, PmtuMode } from '../guest.ts';
import { pingIcmpText } from '../icmp-text.ts';
import { type AppContext, type Command, getopt, isGetoptError, parseNumber } from './common.ts';

const DEFAULT_COUNT = 4;
const DEFAULT_DATALEN = 56;
const MAX_DATALEN = 65507;
const MAXWAIT_S = 10;
const TIMEVAL_LEN = 16;
const MAX_DUP_CHK = 0x10000;

const USAGE = [
  '',
  'Usage',
  '  ping [options] <destination>',
  '',
  'Options:',
  '  <destination>      dns name or ip address',
  '  -c <count>         stop after <count> replies',
  '  -i <interval>      seconds between sending each packet',
  '  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>',
  '  -n                 no dns name resolution',
  '  -q                 quiet output',
  '  -s <size>          use <size> as number of data bytes to be sent',
  '  -t <ttl>           define time to live',
  '  -w <deadline>      reply wait <deadline> in seconds',
  '  -W <timeout>       time to wait for response',
];

export const ping: Command = {
  summary: 'ping [-c count] [-i interval] [-s size] [-t ttl] [-M do|want|dont] [-W timeout] [-w deadline] [-n] [-q] host',
  run(ctx) {
    const opts = parseOptions(ctx);
    if (opts === null) return;
    const target = opts.target;
    const lookup = ctx.guest.dns.resolve(target, (r) => {
      if (!r.ok) {
        ctx.proc.print(`ping: ${target}: ${resolveErrorText(r.error)}`);
        ctx.proc.exit(2);
        return;
      }
      new Pinger(ctx, opts, r.ip).start();
    });
    if (ctx.proc.running) ctx.proc.own(lookup);
  },
};

interface PingOptions {
  readonly target: string;
  readonly count: number;
  readonly intervalNs: number;
  readonly datalen: number;
  readonly ttl: number | undefined;
  readonly pmtu: PmtuMode;
  readonly lingerNs: number;
  readonly deadlineNs: number;
  readonly numeric: boolean;
  readonly quiet: boolean;
}

function parseOptions(ctx: AppContext): PingOptions | null {
  const { proc } = ctx;
  const fail = (line: string, code: number): null => {
    proc.print(line);
    proc.exit(code);
    return null;
  };
  const parsed = getopt(ctx.args, 'c:i:s:t:M:W:w:nqh');
  if (isGetoptError(parsed)) {
    proc.print(parsed.kind === 'invalid' ? `ping: invalid option -- '${parsed.option.replace(/^-+/, '')}'` : `ping: option requires an argument -- '${parsed.option}'`);
    for (const l of USAGE) proc.print(l);
    proc.exit(2);
    return null;
  }
  if (parsed.has('h')) {
    for (const l of USAGE) proc.print(l);
    proc.exit(2);
    return null;
  }
  const int = (key: string, min: number, max: number): number | null | undefined => {
    const v = parsed.value(key);
    if (v === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(v)) return fail(`ping: invalid argument: '${v}'`, 1);
    const n = Number(v);
    if (n < min || n > max) return fail(`ping: invalid argument: '${v}': out of range: ${min} <= value <= ${max}`, 1);
    return n;
  };
  const count = int('c', 1, Number.MAX_SAFE_INTEGER);
  if (count === null) return null;
  const datalen = int('s', 0, 2147483647);
  if (datalen === null) return null;
  if (datalen !== undefined && datalen > MAX_DATALEN) return fail(`ping: packet size ${datalen} is too large. Maximum is ${MAX_DATALEN}`, 2);
  const ttl = int('t', 0, 255);
  if (ttl === null) return null;
  const deadline = int('w', 0, 2147483647);
  if (deadline === null) return null;
  let intervalNs = 1_000_000_000;
  const iv = parsed.value('i');
  if (iv !== undefined) {
    const n = parseNumber(iv);
    if (n === null) return fail(`ping: bad timing interval: ${iv}`, 2);
    const ms = Math.floor(n * 1000);
    if (ms < 2) return fail(`ping: cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)`, 2);
    intervalNs = ms * 1_000_000;
  }
  let lingerNs = MAXWAIT_S * 1_000_000_000;
  const w = parsed.value('W');
  if (w !== undefined) {
    const n = parseNumber(w);
    if (n === null || n < 0.001) return fail(`ping: bad linger time: ${w}`, 2);
    lingerNs = Math.floor(n * 1000) * 1_000_000;
  }
  let pmtu: PmtuMode = 'want';
  const m = parsed.value('M');
  if (m !== undefined) {
    if (m !== 'do' && m !== 'want' && m !== 'dont') return fail(`ping: invalid -M argument: ${m}`, 2);
    pmtu = m;
  }
  if (parsed.operands.length === 0) return fail('ping: usage error: Destination address required', 1);
  return {
    target: parsed.operands[parsed.operands.length - 1],
    count: count ?? (deadline === undefined ? DEFAULT_COUNT : 0),
    intervalNs,
    datalen: datalen ?? DEFAULT_DATALEN,
    ttl,
    pmtu,
    lingerNs,
    deadlineNs: (deadline ?? 0) * 1_000_000_000,
    numeric: parsed.has('n'),
    quiet: parsed.has('q'),
  };
}

class Pinger implements IcmpEchoHandler {
  private socket!: IcmpEchoSocket;
  private readonly numeric: boolean;
  private ntransmitted = 0;
  private nreceived = 0;
  private nrepeats = 0;
  private nerrors = 0;
  private tmin = Number.MAX_SAFE_INTEGER;
  private tmax = 0;
  private tsum = 0n;
  private tsum2 = 0;
  private pipesize = -1;
  private acked = 0;
  private readonly rcvd = new Uint8Array(MAX_DUP_CHK / 8);
  private startNs = 0;
  private curNs = 0;
  private exitScheduled = false;
  private finished = false;
  private readonly outpack: Uint8Array;
  private readonly timing: boolean;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: PingOptions,
    private readonly ip: Ipv4,
  ) {
    this.numeric = opts.numeric || /^\d+\.\d+\.\d+\.\d+$/.test(opts.target);
    this.timing = opts.datalen >= TIMEVAL_LEN;
    this.outpack = new Uint8Array(opts.datalen);
    for (let i = 0; i < opts.datalen; i++) this.outpack[i] = i & 0xff;
  }

  start(): void {
    const { proc, guest } = this.ctx;
    proc.print(`PING ${this.opts.target} (${formatIpv4(this.ip)}) ${this.opts.datalen}(${this.opts.datalen + 28}) bytes of data.`);
    this.socket = proc.own(guest.icmpOpen(this));
    proc.onKill = () => this.finish();
    this.startNs = guest.sim.now();
    if (this.opts.deadlineNs > 0) proc.timer(this.opts.deadlineNs, () => this.finish());
    this.pinger();
  }

  /** Sends one probe and schedules the next (or the exit wait after the last). */
  private pinger(): void {
    if (this.finished) return;
    const { guest, proc } = this.ctx;
    const seq = (this.ntransmitted + 1) & 0xffff;
    this.rcvdSet(seq, false);
    const now = guest.sim.now();
    if (this.timing) writeTimeval(this.outpack, now);
    const status = this.socket.send(this.ip, seq, this.outpack, { pmtu: this.opts.pmtu, ttl: this.opts.ttl });
    this.curNs = now;
    this.ntransmitted++;
    if (status === 'too-big') {
      this.nerrors++;
      if (!this.opts.quiet) proc.print(`ping: local error: message too long, mtu=${guest.pathMtu(this.ip)}`);
      if (this.checkDone()) return;
    }
    const { count, deadlineNs } = this.opts;
    if (count > 0 && this.ntransmitted >= count && deadlineNs === 0) {
      this.scheduleExit();
      return;
    }
    proc.timer(this.opts.intervalNs, () => this.pinger());
  }

  /** iputils' schedule_exit: after the last probe, wait 2·max RTT (at least one interval), or the linger time without replies. */
  private scheduleExit(): void {
    if (this.exitScheduled) return;
    this.exitScheduled = true;
    let waitNs: number;
    if (this.nreceived > 0) waitNs = Math.max(2 * this.tmax * 1000, this.opts.intervalNs);
    else waitNs = this.opts.lingerNs;
    this.ctx.proc.timer(waitNs, () => this.finish());
  }

  reply(src: Ipv4, seq: number, data: Uint8Array, ttl: number, icmpLength: number): void {
    if (this.finished || src !== this.ip) return;
    const now = this.ctx.guest.sim.now();
    this.nreceived++;
    this.acknowledge(seq);
    let triptime = 0;
    if (this.timing && data.length >= TIMEVAL_LEN) {
      triptime = Math.floor(now / 1000) - readTimevalUs(data);
      if (triptime < 0) triptime = 0;
      this.tsum += BigInt(triptime);
      this.tsum2 += triptime * triptime;
      if (triptime < this.tmin) this.tmin = triptime;
      if (triptime > this.tmax) this.tmax = triptime;
    }
    let dup = false;
    if (this.rcvdTest(seq)) {
      this.nrepeats++;
      this.nreceived--;
      dup = true;
    } else this.rcvdSet(seq, true);
    if (!this.opts.quiet) {
      let line = `${icmpLength} bytes from ${this.prAddr(src)}: icmp_seq=${seq} ttl=${ttl}`;
      if (icmpLength < this.opts.datalen + 8) line += ' (truncated)';
      else {
        if (this.timing) line += ` time=${formatTriptime(triptime)} ms`;
        if (dup) line += ' (DUP!)';
      }
      this.ctx.proc.print(line);
    }
    this.checkDone();
  }

  error(info: IcmpErrorInfo, seq: number): void {
    if (this.finished || info.dst !== this.ip) return;
    this.acknowledge(seq);
    this.nerrors++;
    if (!this.opts.quiet) this.ctx.proc.print(`From ${this.prAddr(info.from)} icmp_seq=${seq} ${pingIcmpText(info.type, info.code, info.nextHopMtu)}`);
    this.checkDone();
  }

  private checkDone(): boolean {
    if ((this.opts.count > 0 && this.nreceived + this.nerrors >= this.opts.count) || (this.opts.deadlineNs > 0 && this.nerrors > 0)) {
      this.finish();
      return true;
    }
    return false;
  }

  private prAddr(a: Ipv4): string {
    const text = formatIpv4(a);
    if (this.numeric) return text;
    return a === this.ip ? `${this.opts.target} (${text})` : `${text} (${text})`;
  }

  private acknowledge(seq: number): void {
    const diff = (this.ntransmitted - seq) & 0xffff;
    if (diff <= 0x7fff) {
      if (diff + 1 > this.pipesize) this.pipesize = diff + 1;
      if (((seq - this.acked) << 16) >> 16 > 0 || ((this.ntransmitted - this.acked) & 0xffff) > 0x7fff) this.acked = seq;
    }
  }

  private rcvdTest(seq: number): boolean {
    const bit = seq % MAX_DUP_CHK;
    return (this.rcvd[bit >> 3] & (1 << (bit & 7))) !== 0;
  }

  private rcvdSet(seq: number, on: boolean): void {
    const bit = seq % MAX_DUP_CHK;
    if (on) this.rcvd[bit >> 3] |= 1 << (bit & 7);
    else this.rcvd[bit >> 3] &= ~(1 << (bit & 7));
  }

  /** iputils' finish(): the statistics and the exit status. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const { proc } = this.ctx;
    const elapsedNs = this.curNs - this.startNs;
    proc.print('');
    proc.print(`--- ${this.opts.target} ping statistics ---`);
    let line = `${this.ntransmitted} packets transmitted, ${this.nreceived} received`;
    if (this.nrepeats) line += `, +${this.nrepeats} duplicates`;
    if (this.nerrors) line += `, +${this.nerrors} errors`;
    if (this.ntransmitted) {
      const loss = Math.fround(((this.ntransmitted - this.nreceived) * 100) / this.ntransmitted);
      line += `, ${formatG(loss)}% packet loss, time ${Math.floor((elapsedNs + 500_000) / 1_000_000)}ms`;
    }
    proc.print(line);
    let extra = '';
    let comma = '';
    if (this.nreceived && this.timing) {
      const total = BigInt(this.nreceived + this.nrepeats);
      const tmavg = this.tsum / total;
      let tmvar: bigint;
      if (this.tsum < 2147483647n) tmvar = BigInt(Math.trunc((this.tsum2 - Number((this.tsum * this.tsum) / total)) / Number(total)));
      else tmvar = BigInt(Math.trunc(this.tsum2 / Number(total))) - tmavg * tmavg;
      const tmdev = llsqrt(tmvar);
      extra += `rtt min/avg/max/mdev = ${us3(BigInt(this.tmin))}/${us3(tmavg)}/${us3(BigInt(this.tmax))}/${us3(tmdev)} ms`;
      comma = ', ';
    }
    if (this.pipesize > 1) extra += `${comma}pipe ${this.pipesize}`;
    if (extra !== '') proc.print(extra);
    else proc.print('');
    const failed = this.nreceived === 0 || (this.opts.deadlineNs > 0 && this.nreceived < this.opts.count);
    proc.exit(failed ? 1 : 0);
  }
}

/** Writes a `struct timeval` (two little-endian 64-bit words: seconds, microseconds) of virtual time. */
function writeTimeval(b: Uint8Array, ns: number): void {
  const us = Math.floor(ns / 1000);
  const sec = Math.floor(us / 1_000_000);
  const usec = us % 1_000_000;
  b.fill(0, 0, TIMEVAL_LEN);
  for (let i = 0; i < 6; i++) b[i] = Math.floor(sec / 2 ** (8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) b[8 + i] = (usec >>> (8 * i)) & 0xff;
}

function readTimevalUs(b: Uint8Array): number {
  let sec = 0;
  for (let i = 5; i >= 0; i--) sec = sec * 256 + b[i];
  let usec = 0;
  for (let i = 3; i >= 0; i--) usec = usec * 256 + b[8 + i];
  return sec * 1_000_000 + usec;
}

/** iputils' reply time: 3 decimals below 1 ms, 2 below 10 ms, 1 below 100 ms, none above. */
export function formatTriptime(t: number): string {
  if (t >= 100000 - 50) return `${Math.floor((t + 500) / 1000)}`;
  if (t >= 10000 - 5) return `${Math.floor((t + 50) / 1000)}.${Math.floor(((t + 50) % 1000) / 100)}`;
  if (t >= 1000) return `${Math.floor((t + 5) / 1000)}.${String(Math.floor(((t + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
}

function us3(v: bigint): string {
  return `${v / 1000n}.${String(v % 1000n).padStart(3, '0')}`;
}

function llsqrt(a: bigint): bigint {
  let prev = -1n;
  let x = a;
  if (x > 0n) {
    prev = x + 1n;
    while (x < prev) {
      prev = x;
      x = (x + a / x) / 2n;
    }
  }
  return x < 0n ? 0n : x;
}

/** C's `%g` for the loss percentage (6 significant digits, trailing zeros dropped). */
export function formatG(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential(5).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = v.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
