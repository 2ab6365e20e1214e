/**
 * `hping` / `hping3` — hand-made packets from a raw socket, the tool for probing firewalls and
 * spoofing sources:
 *
 *   hping [-1|-2] [-S -A -F -R -P -U] [-c count] [-i secs|uMICROS] [-a spoof_ip] [-p port] [-s baseport]
 *         [-t ttl] [-d size] [-k] [-q] host
 *
 * Modes: TCP (default; flags from -S/-A/-F/-R/-P/-U, none by default), `-1` ICMP echo, `-2` UDP.
 * Probes leave through the guest's raw IP path, so `-a` really forges the source address (the
 * Nitro card's source/destination check then drops it, as on AWS). Replies are read from the
 * packet-socket view of everything the guest receives, as hping reads them with libpcap (the
 * guest's own TCP still answers a stray SYN-ACK with RST, as Linux does). Output as hping3:
 *
 *   HPING 10.0.1.20 (eth0 10.0.1.20): icmp mode set, 28 headers + 0 data bytes
 *   len=28 ip=10.0.1.20 ttl=64 id=4711 icmp_seq=0 rtt=0.3 ms
 *   len=44 ip=10.0.1.20 ttl=64 DF id=0 sport=80 flags=SA seq=0 win=62727 rtt=0.4 ms
 *   ICMP Port Unreachable from ip=10.0.1.20 name=UNKNOWN
 *
 *   --- 10.0.1.20 hping statistic ---
 *   1 packets transmitted, 1 packets received, 0% packet loss
 *   round-trip min/avg/max = 0.3/0.3/0.3 ms
 *
 * Lab difference: without -c it sends 4 probes (hping3 runs until Ctrl-C; `kill()` stops it here
 * too, with statistics). After the last probe it waits 1 s for late replies, as hping3 does.
 */
import { formatIpv4, type Ipv4, parseIpv4, readIpv4 } from '../../../base/addr.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from '../../../base/checksum.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../frames.ts';
import { type AppContext, type Command, getopt, isGetoptError, parseNumber, parseInteger } from './common.ts';

const DEFAULT_COUNT = 4;
const COUNT_REACHED_WAIT_NS = 1_000_000_000;

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;
const TCP_URG = 0x20;

const LONGS = {
  count: { key: 'c', hasArg: true },
  interval: { key: 'i', hasArg: true },
  spoof: { key: 'a', hasArg: true },
  destport: { key: 'p', hasArg: true },
  baseport: { key: 's', hasArg: true },
  ttl: { key: 't', hasArg: true },
  data: { key: 'd', hasArg: true },
  icmp: { key: '1', hasArg: false },
  udp: { key: '2', hasArg: false },
  syn: { key: 'S', hasArg: false },
  ack: { key: 'A', hasArg: false },
  fin: { key: 'F', hasArg: false },
  rst: { key: 'R', hasArg: false },
  push: { key: 'P', hasArg: false },
  urg: { key: 'U', hasArg: false },
  keep: { key: 'k', hasArg: false },
  numeric: { key: 'n', hasArg: false },
  quiet: { key: 'q', hasArg: false },
  fast: { key: 'fast', hasArg: false },
  faster: { key: 'faster', hasArg: false },
  help: { key: 'h', hasArg: false },
};

const USAGE = [
  'usage: hping3 host [options]',
  '  -c  --count     packet count',
  '  -i  --interval  wait (uX for X microseconds, for example -i u1000)',
  '  -n  --numeric   numeric output',
  '  -q  --quiet     quiet',
  '  -1  --icmp      ICMP mode',
  '  -2  --udp       UDP mode',
  '  -a  --spoof     spoof source address',
  '  -t  --ttl       ttl (default 64)',
  '  -d  --data      data size (default is 0)',
  '  -s  --baseport  base source port (default random)',
  '  -p  --destport  destination port (default 0)',
  '  -k  --keep      keep still source port',
  '  -F -S -R -P -A -U  set FIN, SYN, RST, PUSH, ACK, URG',
];

type Mode = 'tcp' | 'icmp' | 'udp';

interface HpingOptions {
  readonly target: string;
  readonly mode: Mode;
  readonly flags: number;
  readonly count: number;
  readonly intervalNs: number;
  readonly spoof: Ipv4 | null;
  readonly dstPort: number;
  readonly basePort: number | null;
  readonly ttl: number;
  readonly dataSize: number;
  readonly keep: boolean;
  readonly quiet: boolean;
}

export const hping: Command = {
  summary: 'hping [-1|-2] [-S -A -F -R -P -U] [-c count] [-i secs|uMICROS] [-a spoof_ip] [-p port] [-t ttl] [-d size] host — hand-made probes',
  run(ctx) {
    const opts = parseOptions(ctx);
    if (opts === null) return;
    const lookup = ctx.guest.dns.resolve(opts.target, (r) => {
      if (!ctx.proc.running) return;
      if (!r.ok) {
        ctx.proc.print(`hping: unknown host ${opts.target}`);
        ctx.proc.exit(1);
        return;
      }
      new Hping(ctx, opts, r.ip).start();
    });
    if (ctx.proc.running) ctx.proc.own(lookup);
  },
};

function parseOptions(ctx: AppContext): HpingOptions | null {
  const { proc } = ctx;
  const fail = (lines: readonly string[], code = 1): null => {
    for (const l of lines) proc.print(l);
    proc.exit(code);
    return null;
  };
  const parsed = getopt(ctx.args, 'c:i:a:p:s:t:d:12SAFRPUknqh', LONGS);
  if (isGetoptError(parsed)) {
    const opt = parsed.option.startsWith('-') ? parsed.option : `-${parsed.option}`;
    return fail([parsed.kind === 'invalid' ? `hping: unrecognized option '${opt}'` : `hping: option requires an argument -- '${parsed.option}'`, "Try `hping --help' for more information."]);
  }
  if (parsed.has('h')) return fail(USAGE, 0);
  if (parsed.operands.length !== 1) return fail(['Warning: no target host specified', ...USAGE]);
  const int = (key: string, dflt: number, max: number, what: string): number | null => {
    const v = parsed.value(key);
    if (v === undefined) return dflt;
    const n = parseInteger(v);
    if (n === null || n > max) return fail([`hping: bad ${what}: ${v}`]);
    return n;
  };
  const count = int('c', 0, 1e9, 'count');
  const dstPort = int('p', 0, 0xffff, 'destination port');
  const ttl = int('t', 64, 255, 'ttl');
  const dataSize = int('d', 0, 65000, 'data size');
  if (count === null || dstPort === null || ttl === null || dataSize === null) return null;
  let basePort: number | null = null;
  if (parsed.value('s') !== undefined) {
    basePort = int('s', 0, 0xffff, 'base source port');
    if (basePort === null) return null;
  }
  let intervalNs = 1_000_000_000;
  if (parsed.has('fast')) intervalNs = 100_000_000;
  if (parsed.has('faster')) intervalNs = 1_000_000;
  const iv = parsed.value('i');
  if (iv !== undefined) {
    const micro = iv.startsWith('u');
    const n = parseNumber(micro ? iv.slice(1) : iv);
    if (n === null) return fail([`hping: bad interval: ${iv}`]);
    intervalNs = Math.round(micro ? n * 1000 : n * 1e9);
  }
  let spoof: Ipv4 | null = null;
  const a = parsed.value('a');
  if (a !== undefined) {
    spoof = parseIpv4(a);
    if (spoof === null) return fail([`hping: unknown host ${a}`]);
  }
  const mode: Mode = parsed.has('1') ? 'icmp' : parsed.has('2') ? 'udp' : 'tcp';
  let flags = 0;
  for (const [k, f] of [['F', TCP_FIN], ['S', TCP_SYN], ['R', TCP_RST], ['P', TCP_PSH], ['A', TCP_ACK], ['U', TCP_URG]] as const) if (parsed.has(k)) flags |= f;
  return {
    target: parsed.operands[0],
    mode,
    flags,
    count: count === 0 ? DEFAULT_COUNT : count,
    intervalNs,
    spoof,
    dstPort,
    basePort,
    ttl,
    dataSize,
    keep: parsed.has('k'),
    quiet: parsed.has('q'),
  };
}

/** hping3's flag letters, in its order. */
function flagText(flags: number): string {
  let s = '';
  if (flags & TCP_RST) s += 'R';
  if (flags & TCP_SYN) s += 'S';
  if (flags & TCP_ACK) s += 'A';
  if (flags & TCP_FIN) s += 'F';
  if (flags & TCP_PSH) s += 'P';
  if (flags & TCP_URG) s += 'U';
  return s;
}

const ICMP_ERROR_TEXT: Record<number, string> = {
  0: 'Network Unreachable', 1: 'Host Unreachable', 2: 'Protocol Unreachable', 3: 'Port Unreachable', 4: 'Fragmentation Needed/DF set',
  9: 'Network Prohibited', 10: 'Host Prohibited', 13: 'Packet filtered',
};

class Hping {
  private sent = 0;
  private received = 0;
  private readonly sentAt: number[] = [];
  private rttMin = Infinity;
  private rttMax = 0;
  private rttSum = 0;
  private readonly ident: number;
  private readonly basePort: number;
  private readonly src: Ipv4;
  private finished = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: HpingOptions,
    private readonly ip: Ipv4,
  ) {
    const rng = ctx.guest.sim.rng(`guest:${ctx.guest.name}:hping:${ctx.proc.pid}`);
    this.ident = rng.int(1, 0x10000);
    this.basePort = opts.basePort ?? rng.int(1024, 1024 + 30000);
    this.src = opts.spoof ?? ctx.guest.ip;
  }

  start(): void {
    const { proc, guest } = this.ctx;
    const headers = 20 + (this.opts.mode === 'tcp' ? 20 : 8);
    const what = this.opts.mode === 'icmp' ? 'icmp mode set' : this.opts.mode === 'udp' ? 'udp mode set' : this.opts.flags === 0 ? 'NO FLAGS are set' : `${flagText(this.opts.flags)} set`;
    proc.print(`HPING ${this.opts.target} (eth0 ${formatIpv4(this.ip)}): ${what}, ${headers} headers + ${this.opts.dataSize} data bytes`);
    proc.own(guest.rawListen((d) => this.input(d)));
    proc.onKill = () => this.finish();
    this.send();
  }

  private send(): void {
    if (this.finished) return;
    const { guest, proc } = this.ctx;
    const i = this.sent;
    const payload = this.probe(i);
    guest.sendRawIp(this.ip, this.opts.mode === 'icmp' ? PROTO_ICMP : this.opts.mode === 'udp' ? PROTO_UDP : PROTO_TCP, payload, { src: this.src, ttl: this.opts.ttl, pmtu: 'dont' });
    this.sentAt[i] = guest.sim.now();
    this.sent++;
    if (this.sent < this.opts.count) proc.timer(this.opts.intervalNs, () => this.send());
    else proc.timer(COUNT_REACHED_WAIT_NS, () => this.finish());
  }

  private sport(i: number): number {
    return this.opts.keep ? this.basePort : (this.basePort + i) & 0xffff;
  }

  private probe(i: number): Uint8Array {
    const data = this.opts.dataSize;
    switch (this.opts.mode) {
      case 'icmp': {
        const m = new Uint8Array(8 + data);
        m[0] = 8;
        m[4] = this.ident >>> 8;
        m[5] = this.ident & 0xff;
        m[6] = (i >>> 8) & 0xff;
        m[7] = i & 0xff;
        const c = finishChecksum(sumWords(m, 0, m.length));
        m[2] = c >>> 8;
        m[3] = c & 0xff;
        return m;
      }
      case 'udp': {
        const m = new Uint8Array(8 + data);
        const sp = this.sport(i);
        m[0] = sp >>> 8;
        m[1] = sp & 0xff;
        m[2] = this.opts.dstPort >>> 8;
        m[3] = this.opts.dstPort & 0xff;
        m[4] = m.length >>> 8;
        m[5] = m.length & 0xff;
        let c = finishChecksum(sumWords(m, 0, m.length, pseudoHeaderSum(this.src, this.ip, PROTO_UDP, m.length)));
        if (c === 0) c = 0xffff;
        m[6] = c >>> 8;
        m[7] = c & 0xff;
        return m;
      }
      default: {
        const m = new Uint8Array(20 + data);
        const sp = this.sport(i);
        const seq = this.ctx.guest.sim.rng(`guest:${this.ctx.guest.name}:hping:${this.ctx.proc.pid}:seq:${i}`).nextU32();
        m[0] = sp >>> 8;
        m[1] = sp & 0xff;
        m[2] = this.opts.dstPort >>> 8;
        m[3] = this.opts.dstPort & 0xff;
        m[4] = seq >>> 24;
        m[5] = (seq >>> 16) & 0xff;
        m[6] = (seq >>> 8) & 0xff;
        m[7] = seq & 0xff;
        m[12] = 5 << 4;
        m[13] = this.opts.flags;
        m[15] = 64; // hping's default window
        const c = finishChecksum(sumWords(m, 0, m.length, pseudoHeaderSum(this.src, this.ip, PROTO_TCP, m.length)));
        m[16] = c >>> 8;
        m[17] = c & 0xff;
        return m;
      }
    }
  }

  /** Everything the guest receives passes here; hping keeps what answers its probes. */
  private input(d: Uint8Array): void {
    if (this.finished || d.length < 20) return;
    const hl = (d[0] & 0x0f) * 4;
    if (d.length < hl + 8) return;
    const proto = d[9];
    if (proto === PROTO_ICMP && (d[hl] === 3 || d[hl] === 11) && d.length >= hl + 8 + 20 + 8) {
      // An error about one of our probes, from the target or a router on the way.
      const q = d.subarray(hl + 8);
      if (readIpv4(q, 16) !== this.ip || readIpv4(q, 12) !== this.src) return;
      const code = d[hl + 1];
      const text = d[hl] === 11 ? 'Time Exceeded' : ICMP_ERROR_TEXT[code] ?? `Unreachable type=3 code=${code}`;
      if (!this.opts.quiet) this.ctx.proc.print(`ICMP ${text} from ip=${formatIpv4(readIpv4(d, 12))} name=UNKNOWN`);
      return;
    }
    if (readIpv4(d, 12) !== this.ip) return;
    const ttl = d[8];
    const id = (d[4] << 8) | d[5];
    const df = (d[6] & 0x40) !== 0 ? ' DF' : '';
    const l4 = d.subarray(hl);
    const head = `len=${d.length} ip=${formatIpv4(this.ip)} ttl=${ttl}${df} id=${id}`;
    if (proto === PROTO_ICMP) {
      const type = l4[0];
      if (type === 0 && this.opts.mode === 'icmp' && ((l4[4] << 8) | l4[5]) === this.ident) {
        const seq = (l4[6] << 8) | l4[7];
        return this.reply(seq, (rtt) => `${head} icmp_seq=${seq} rtt=${rtt} ms`);
      }
      return;
    }
    if (proto === PROTO_TCP && this.opts.mode === 'tcp' && l4.length >= 20) {
      const sport = (l4[0] << 8) | l4[1];
      const dport = (l4[2] << 8) | l4[3];
      if (sport !== this.opts.dstPort) return;
      const seq = this.opts.keep ? this.sent - 1 : (dport - this.basePort) & 0xffff;
      if (seq >= this.sent) return;
      const win = (l4[14] << 8) | l4[15];
      return this.reply(seq, (rtt) => `${head} sport=${sport} flags=${flagText(l4[13])} seq=${seq} win=${win} rtt=${rtt} ms`);
    }
    if (proto === PROTO_UDP && this.opts.mode === 'udp') {
      const dport = (l4[2] << 8) | l4[3];
      const seq = this.opts.keep ? this.sent - 1 : (dport - this.basePort) & 0xffff;
      if (seq >= this.sent) return;
      return this.reply(seq, (rtt) => `${head} seq=${seq} rtt=${rtt} ms`);
    }
  }

  private reply(seq: number, line: (rtt: string) => string): void {
    const at = this.sentAt[seq];
    if (at === undefined) return;
    const rtt = (this.ctx.guest.sim.now() - at) / 1e6;
    this.received++;
    this.rttMin = Math.min(this.rttMin, rtt);
    this.rttMax = Math.max(this.rttMax, rtt);
    this.rttSum += rtt;
    if (!this.opts.quiet) this.ctx.proc.print(line(rtt.toFixed(1)));
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const { proc } = this.ctx;
    const loss = this.sent === 0 ? 0 : Math.floor(((this.sent - this.received) * 100) / this.sent);
    proc.print('');
    proc.print(`--- ${this.opts.target} hping statistic ---`);
    proc.print(`${this.sent} packets transmitted, ${this.received} packets received, ${loss}% packet loss`);
    const min = this.received ? this.rttMin : 0;
    const avg = this.received ? this.rttSum / this.received : 0;
    proc.print(`round-trip min/avg/max = ${min.toFixed(1)}/${avg.toFixed(1)}/${this.rttMax.toFixed(1)} ms`);
    proc.exit(this.received > 0 ? 0 : 1);
  }
}
