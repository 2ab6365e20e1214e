/**
 * `nc` — OpenBSD netcat as Debian ships it (netcat-openbsd):
 *
 *   nc [-u] [-v] [-n] [-N] [-w secs] [-p source_port] host port      connect, send stdin, print what comes back
 *   nc -z [-u] [-v] [-w secs] host port[-port]                     port scan, no data
 *   nc -l [-u] [-v] [-p] port                                      listen for one peer, print what it sends
 *
 * Standard input is what `echo text |` piped in (`text\n`); without a pipe it is the console,
 * which never reaches end of file. As in netcat-openbsd:
 * - a failed connect prints nothing unless `-v` (`nc: connect to H port P (tcp) failed: Connection refused`), exit 1;
 * - `-v` reports `Connection to H P port [tcp/http] succeeded!` and, listening, `Connection received on H P`;
 * - the client ends when the peer closes; `-N` closes our side after stdin's end of file;
 * - `-w` bounds the connect and the idle time (no data either way) — then the connection is closed, exit 0;
 * - a TCP listener serves one connection and exits when the peer closes; a UDP listener
 *   "connects" to the first sender and prints its datagrams until killed.
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import type { EventId } from '../../../sim/simulator.ts';
import { resolveErrorText } from '../dns-client.ts';
import type { IcmpErrorInfo, UdpBinding } from '../guest.ts';
import type { TcpCloseReason, TcpHandler, TcpSocket } from '../tcp/index.ts';
import { type AppContext, closeOnExit, closeQuietly, type Command, getopt, isGetoptError, LineOutput, parseInteger, serviceName } from './common.ts';

const USAGE = [
  'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]',
  '\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]',
  '\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]',
  '\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]',
  '\t  [destination] [port]',
];

interface NcOptions {
  readonly listen: boolean;
  readonly udp: boolean;
  readonly zero: boolean;
  readonly verbose: boolean;
  readonly numeric: boolean;
  readonly shutdownOnEof: boolean;
  readonly timeoutNs: number;
  readonly sourcePort: number;
  readonly host: string | null;
  readonly ports: readonly number[];
}

export const nc: Command = {
  summary: 'nc [-u] [-l] [-v] [-z] [-N] [-n] [-w secs] [-p port] [host] port — netcat (echo text | nc host port)',
  run(ctx) {
    const opts = parseOptions(ctx);
    if (opts === null) return;
    if (opts.listen) return opts.udp ? udpListen(ctx, opts) : tcpListen(ctx, opts);
    const host = opts.host!;
    if (opts.numeric && !/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
      ctx.proc.print(`nc: getaddrinfo for host "${host}" port ${opts.ports[0]}: Name or service not known`);
      ctx.proc.exit(1);
      return;
    }
    const lookup = ctx.guest.dns.resolve(host, (r) => {
      if (!ctx.proc.running) return;
      if (!r.ok) {
        ctx.proc.print(`nc: getaddrinfo for host "${host}" port ${opts.ports[0]}: ${resolveErrorText(r.error)}`);
        ctx.proc.exit(1);
        return;
      }
      if (opts.udp) udpClient(ctx, opts, r.ip);
      else if (opts.zero) scan(ctx, opts, r.ip, 0, true);
      else new TcpClient(ctx, opts, r.ip).start();
    });
    if (ctx.proc.running) ctx.proc.own(lookup);
  },
};

function parseOptions(ctx: AppContext): NcOptions | null {
  const { proc } = ctx;
  const fail = (line: string | null, usage = false): null => {
    if (line !== null) proc.print(line);
    if (usage) for (const l of USAGE) proc.print(l);
    proc.exit(1);
    return null;
  };
  const parsed = getopt(ctx.args, 'luzvnNw:p:hk');
  if (isGetoptError(parsed)) {
    return fail(parsed.kind === 'invalid' ? `nc: invalid option -- '${parsed.option.replace(/^-+/, '')}'` : `nc: option requires an argument -- '${parsed.option}'`, true);
  }
  if (parsed.has('h')) return fail(null, true);
  const listen = parsed.has('l');
  let timeoutNs = 0;
  const w = parsed.value('w');
  if (w !== undefined) {
    const n = parseInteger(w);
    if (n === null) return fail(`nc: timeout invalid: ${w}`);
    timeoutNs = n * 1_000_000_000;
  }
  let sourcePort = 0;
  const p = parsed.value('p');
  if (p !== undefined) {
    const n = parseInteger(p);
    if (n === null || n < 1 || n > 0xffff) return fail(`nc: port number invalid: ${p}`);
    sourcePort = n;
  }
  const operands = [...parsed.operands];
  let host: string | null = null;
  let portText: string | undefined;
  if (listen) {
    if (operands.length === 0 && sourcePort !== 0) portText = String(sourcePort);
    else if (operands.length === 1) portText = operands[0];
    else if (operands.length === 2) {
      host = operands[0];
      portText = operands[1];
    } else return fail(null, true);
    if (portText === undefined) return fail(null, true);
  } else {
    if (operands.length === 0) return fail(null, true);
    if (operands.length === 1) return fail('nc: missing port number');
    if (operands.length > 2) return fail(null, true);
    host = operands[0];
    portText = operands[1];
  }
  const ports: number[] = [];
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(portText);
  if (range !== null && parsed.has('z')) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo < 1 || hi > 0xffff || lo > hi) return fail(`nc: port range not valid`);
    for (let i = lo; i <= hi; i++) ports.push(i);
  } else {
    const n = parseInteger(portText);
    if (n === null || n < 1 || n > 0xffff) return fail(`nc: port number invalid: ${portText}`);
    ports.push(n);
  }
  return {
    listen,
    udp: parsed.has('u'),
    zero: parsed.has('z'),
    verbose: parsed.has('v'),
    numeric: parsed.has('n'),
    shutdownOnEof: parsed.has('N'),
    timeoutNs,
    sourcePort: listen ? 0 : sourcePort,
    host,
    ports,
  };
}

function succeeded(ctx: AppContext, opts: NcOptions, ip: Ipv4, port: number, udp: boolean): void {
  if (!opts.verbose) return;
  const host = opts.host ?? formatIpv4(ip);
  ctx.proc.print(`Connection to ${host} ${port} port [${udp ? 'udp' : 'tcp'}/${serviceName(port, udp)}] succeeded!`);
}

function connectFailed(ctx: AppContext, opts: NcOptions, port: number, reason: string): void {
  if (opts.verbose) ctx.proc.print(`nc: connect to ${opts.host} port ${port} (${opts.udp ? 'udp' : 'tcp'}) failed: ${reason}`);
}

function reasonText(reason: TcpCloseReason): string {
  switch (reason) {
    case 'refused':
      return 'Connection refused';
    case 'timeout':
      return 'Connection timed out';
    case 'unreachable':
      return 'No route to host';
    case 'reset':
      return 'Connection reset by peer';
    default:
      return 'Connection closed';
  }
}

/** `-z`: connect to each port in turn, close at once. Exit 0 when any succeeded. */
function scan(ctx: AppContext, opts: NcOptions, ip: Ipv4, index: number, allFailed: boolean): void {
  const { guest, proc } = ctx;
  if (index >= opts.ports.length) {
    proc.exit(allFailed ? 1 : 0);
    return;
  }
  const port = opts.ports[index];
  let settled = false;
  let timedOut = false;
  let timer: EventId = -1;
  const next = (ok: boolean) => {
    if (settled) return;
    settled = true;
    if (timer >= 0) proc.cancelTimer(timer);
    scan(ctx, opts, ip, index + 1, allFailed && !ok);
  };
  const socket = guest.tcp.connect(ip, port, {
    connected(s) {
      succeeded(ctx, opts, ip, port, false);
      closeQuietly(s);
      next(true);
    },
    closed(_s, reason) {
      if (settled || timedOut) return;
      connectFailed(ctx, opts, port, reasonText(reason));
      next(false);
    },
  });
  proc.own(closeOnExit(socket));
  if (opts.timeoutNs > 0) {
    timer = proc.timer(opts.timeoutNs, () => {
      if (settled) return;
      timedOut = true;
      socket.abort();
      connectFailed(ctx, opts, port, 'Connection timed out');
      next(false);
    });
  }
}

class TcpClient implements TcpHandler {
  private socket!: TcpSocket;
  private readonly out: LineOutput;
  private idle: EventId = -1;
  private connectedYet = false;
  private gaveUp = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: NcOptions,
    private readonly ip: Ipv4,
  ) {
    this.out = new LineOutput((l) => ctx.proc.print(l));
  }

  start(): void {
    const { guest, proc } = this.ctx;
    this.socket = guest.tcp.connect(this.ip, this.opts.ports[0], this, this.opts.sourcePort ? { localPort: this.opts.sourcePort } : undefined);
    proc.own(closeOnExit(this.socket));
    proc.own({ dispose: () => this.out.flush() });
    this.armIdle();
  }

  connected(s: TcpSocket): void {
    this.connectedYet = true;
    succeeded(this.ctx, this.opts, this.ip, this.opts.ports[0], false);
    const stdin = this.ctx.stdin;
    if (stdin !== null) {
      if (stdin.length > 0) s.send(stdin);
      if (this.opts.shutdownOnEof) closeQuietly(s);
    }
    this.armIdle();
  }

  data(_s: TcpSocket, bytes: Uint8Array): void {
    this.out.push(bytes);
    this.armIdle();
  }

  remoteClosed(s: TcpSocket): void {
    closeQuietly(s);
    this.out.flush();
    this.ctx.proc.exit(0);
  }

  closed(_s: TcpSocket, reason: TcpCloseReason): void {
    if (this.gaveUp) return;
    if (!this.connectedYet) {
      connectFailed(this.ctx, this.opts, this.opts.ports[0], reasonText(reason));
      this.ctx.proc.exit(1);
      return;
    }
    this.out.flush();
    this.ctx.proc.exit(reason === 'closed' ? 0 : 1);
  }

  private armIdle(): void {
    if (this.opts.timeoutNs === 0) return;
    const proc = this.ctx.proc;
    if (this.idle >= 0) proc.cancelTimer(this.idle);
    this.idle = proc.timer(this.opts.timeoutNs, () => {
      if (!this.connectedYet) {
        this.gaveUp = true;
        this.socket.abort();
        connectFailed(this.ctx, this.opts, this.opts.ports[0], 'Connection timed out');
        proc.exit(1);
        return;
      }
      this.out.flush();
      proc.exit(0);
    });
  }
}

function udpClient(ctx: AppContext, opts: NcOptions, ip: Ipv4): void {
  const { guest, proc } = ctx;
  const port = opts.ports[0];
  const out = new LineOutput((l) => proc.print(l));
  let idle: EventId = -1;
  const armIdle = () => {
    if (opts.timeoutNs === 0) return;
    if (idle >= 0) proc.cancelTimer(idle);
    idle = proc.timer(opts.timeoutNs, () => {
      out.flush();
      proc.exit(0);
    });
  };
  let binding: UdpBinding;
  try {
    binding = guest.udpBind(
      opts.sourcePort,
      (src, srcPort, payload) => {
        if (src !== ip || srcPort !== port) return;
        out.push(payload);
        armIdle();
      },
      (e: IcmpErrorInfo) => {
        if (e.dst !== ip || e.dstPort !== port || e.type !== 3 || opts.zero) return;
        out.flush();
        if (opts.verbose) proc.print('nc: Connection refused');
        proc.exit(1);
      },
    );
  } catch {
    proc.print('nc: Address already in use');
    proc.exit(1);
    return;
  }
  proc.own(binding);
  proc.own({ dispose: () => out.flush() });
  if (opts.zero) {
    // OpenBSD's udptest: four 1-byte "X" datagrams; a UDP "connection" cannot fail at once.
    for (const p of opts.ports) {
      for (let i = 0; i < 4; i++) guest.sendUdpBytes(ip, binding.port, p, X);
      succeeded(ctx, opts, ip, p, true);
    }
    proc.exit(0);
    return;
  }
  succeeded(ctx, opts, ip, port, true);
  if (ctx.stdin !== null && ctx.stdin.length > 0) guest.sendUdpBytes(ip, binding.port, port, ctx.stdin);
  armIdle();
}

const X = new Uint8Array([0x58]);

function tcpListen(ctx: AppContext, opts: NcOptions): void {
  const { guest, proc } = ctx;
  const port = opts.ports[0];
  const out = new LineOutput((l) => proc.print(l));
  let listener: { dispose(): void } | null = null;
  let accepted = false;
  try {
    listener = guest.tcpListen(port, (socket) => {
      if (accepted) {
        socket.abort();
        return {};
      }
      accepted = true;
      // netcat serves one connection: stop listening as soon as it is accepted.
      guest.sim.call(0, () => listener?.dispose());
      proc.own(closeOnExit(socket));
      return {
        connected(s) {
          if (opts.verbose) proc.print(`Connection received on ${formatIpv4(s.remoteIp)} ${s.remotePort}`);
          const stdin = ctx.stdin;
          if (stdin !== null) {
            if (stdin.length > 0) s.send(stdin);
            if (opts.shutdownOnEof) closeQuietly(s);
          }
        },
        data(_s, bytes) {
          out.push(bytes);
        },
        remoteClosed(s) {
          closeQuietly(s);
          out.flush();
          proc.exit(0);
        },
        closed() {
          out.flush();
          proc.exit(0);
        },
      };
    });
  } catch {
    proc.print('nc: Address already in use');
    proc.exit(1);
    return;
  }
  proc.own(listener);
  proc.own({ dispose: () => out.flush() });
  if (opts.verbose) proc.print(`Listening on 0.0.0.0 ${port}`);
}

function udpListen(ctx: AppContext, opts: NcOptions): void {
  const { guest, proc } = ctx;
  const port = opts.ports[0];
  const out = new LineOutput((l) => proc.print(l));
  let peer: { ip: Ipv4; port: number } | null = null;
  let binding: UdpBinding;
  try {
    binding = guest.udpBind(port, (src, srcPort, payload) => {
      if (peer === null) {
        peer = { ip: src, port: srcPort };
        if (opts.verbose) proc.print(`Connection received on ${formatIpv4(src)} ${srcPort}`);
        if (ctx.stdin !== null && ctx.stdin.length > 0) guest.sendUdpBytes(src, port, srcPort, ctx.stdin);
      } else if (peer.ip !== src || peer.port !== srcPort) return;
      out.push(payload);
    });
  } catch {
    proc.print('nc: Address already in use');
    proc.exit(1);
    return;
  }
  proc.own(binding);
  proc.own({ dispose: () => out.flush() });
  if (opts.verbose) proc.print(`Bound on 0.0.0.0 ${port}`);
}
