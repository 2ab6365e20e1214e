/**
 * Small commands: `ip addr|route|neigh` (iproute2's layout), `ss` and `netstat` (sockets),
 * `hostname`, `echo`, `sleep` and `help`.
 */
import { formatCidr, formatIpv4, formatMac, parseIpv4, parseMac, prefixMask } from '../../../base/addr.ts';
import { echoText } from '../shell.ts';
import type { TcpSocket } from '../tcp/index.ts';
import { type AppContext, type Command, getopt, isGetoptError, parseNumber } from './common.ts';

// ---- ip ----

const IP_USAGE = [
  'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }',
  'where  OBJECT := { address | route | neighbor }',
];

function prefixOf(word: string, full: string, min = 1): boolean {
  return word.length >= min && full.startsWith(word);
}

export const ip: Command = {
  summary: 'ip addr | ip route [get ADDR] | ip neigh [add|replace|del ADDR lladdr MAC] — interfaces, routes, ARP cache',
  run(ctx) {
    const { proc } = ctx;
    const args = ctx.args.filter((a) => a !== '-4');
    const obj = args[0];
    if (obj === undefined || obj === 'help') {
      for (const l of IP_USAGE) proc.print(l);
      return proc.exit(obj === undefined ? 255 : 0);
    }
    const sub = args[1] ?? 'show';
    let code = 0;
    if (prefixOf(obj, 'address')) code = ipAddr(ctx, sub);
    else if (prefixOf(obj, 'route')) code = ipRoute(ctx, args.slice(1));
    else if (prefixOf(obj, 'neighbor') || prefixOf(obj, 'neighbour')) code = ipNeigh(ctx, args.slice(1));
    else {
      proc.print(`Object "${obj}" is unknown, try "ip help".`);
      code = 1;
    }
    proc.exit(code);
  },
};

function ipAddr(ctx: AppContext, sub: string): number {
  const { guest, proc } = ctx;
  if (!prefixOf(sub, 'show') && !prefixOf(sub, 'list')) {
    proc.print(`Command "${sub}" is unknown, try "ip address help".`);
    return 1;
  }
  const bcast = formatIpv4((guest.subnet.base | ~prefixMask(guest.subnet.prefix)) >>> 0);
  for (const l of [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
    `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${guest.mtu} qdisc mq state UP group default qlen 1000`,
    `    link/ether ${formatMac(guest.mac)} brd ff:ff:ff:ff:ff:ff`,
    `    inet ${formatIpv4(guest.ip)}/${guest.subnet.prefix} brd ${bcast} scope global eth0`,
    '       valid_lft forever preferred_lft forever',
  ]) proc.print(l);
  return 0;
}

function ipRoute(ctx: AppContext, args: readonly string[]): number {
  const { guest, proc } = ctx;
  const sub = args[0] ?? 'show';
  const src = formatIpv4(guest.ip);
  if (prefixOf(sub, 'show') || prefixOf(sub, 'list')) {
    proc.print(`default via ${formatIpv4(guest.config.router)} dev eth0`);
    proc.print(`${formatCidr(guest.subnet)} dev eth0 proto kernel scope link src ${src}`);
    return 0;
  }
  if (sub === 'get') {
    const dst = args[1] === undefined ? null : parseIpv4(args[1]);
    if (dst === null) {
      proc.print(args[1] === undefined ? '"ip route get" requires a destination address' : `Error: any valid prefix is expected rather than "${args[1]}".`);
      return 1;
    }
    if (guest.isLocal(dst)) {
      proc.print(`local ${formatIpv4(dst)} dev lo src ${dst >>> 24 === 127 ? '127.0.0.1' : src} uid 0`);
      proc.print('    cache <local>');
      return 0;
    }
    const hop = guest.nextHop(dst);
    proc.print(`${formatIpv4(dst)} ${hop === dst ? '' : `via ${formatIpv4(hop)} `}dev eth0 src ${src} uid 0`);
    const pmtu = guest.pmtu.get(dst);
    if (pmtu === null) proc.print('    cache');
    else {
      const left = Math.max(0, Math.floor((pmtu.expires - guest.sim.now()) / 1e9));
      proc.print(`    cache expires ${left}sec mtu ${pmtu.locked ? 'lock ' : ''}${pmtu.mtu}`);
    }
    return 0;
  }
  proc.print(`Command "${sub}" is unknown, try "ip route help".`);
  return 1;
}

function ipNeigh(ctx: AppContext, args: readonly string[]): number {
  const { guest, proc } = ctx;
  const sub = args[0] ?? 'show';
  if (prefixOf(sub, 'show') || prefixOf(sub, 'list')) {
    for (const n of guest.arp.list()) {
      const mac = n.mac >= 0 ? ` lladdr ${formatMac(n.mac)}` : '';
      proc.print(`${formatIpv4(n.ip)} dev eth0${mac} ${n.state}`);
    }
    return 0;
  }
  if (sub === 'add' || sub === 'replace' || sub === 'change') {
    const addr = args[1] === undefined ? null : parseIpv4(args[1]);
    const at = args.indexOf('lladdr');
    const mac = at < 0 || args[at + 1] === undefined ? null : parseMac(args[at + 1]);
    if (addr === null || mac === null) {
      proc.print('Usage: ip neigh { add | replace } ADDR lladdr LLADDR [ nud permanent ] dev DEV');
      return 1;
    }
    if (sub === 'add' && guest.arp.state(addr) !== null) {
      proc.print('RTNETLINK answers: File exists');
      return 2;
    }
    guest.arp.set(addr, mac);
    return 0;
  }
  if (sub === 'del' || sub === 'delete') {
    const addr = args[1] === undefined ? null : parseIpv4(args[1]);
    if (addr === null || !guest.arp.delete(addr)) {
      proc.print('RTNETLINK answers: No such file or directory');
      return 2;
    }
    return 0;
  }
  proc.print(`Command "${sub}" is unknown, try "ip neigh help".`);
  return 1;
}

// ---- ss / netstat ----

interface SockRow {
  readonly proto: 'tcp' | 'udp';
  readonly state: string;
  readonly recvQ: number;
  readonly sendQ: number;
  readonly local: string;
  readonly peer: string;
  readonly listening: boolean;
}

const SS_STATE: Record<string, string> = {
  LISTEN: 'LISTEN', SYN_SENT: 'SYN-SENT', SYN_RECEIVED: 'SYN-RECV', ESTABLISHED: 'ESTAB', FIN_WAIT_1: 'FIN-WAIT-1', FIN_WAIT_2: 'FIN-WAIT-2',
  CLOSE_WAIT: 'CLOSE-WAIT', CLOSING: 'CLOSING', LAST_ACK: 'LAST-ACK', TIME_WAIT: 'TIME-WAIT', CLOSED: 'UNCONN',
};

function socketRows(ctx: AppContext): SockRow[] {
  const { guest } = ctx;
  const rows: SockRow[] = [];
  const listening = new Set(guest.tcpListeningPorts());
  const tcp: readonly TcpSocket[] = guest.tcp.sockets();
  for (const port of listening) rows.push({ proto: 'tcp', state: 'LISTEN', recvQ: 0, sendQ: 128, local: `0.0.0.0:${port}`, peer: '0.0.0.0:*', listening: true });
  for (const s of tcp) {
    if (s.state === 'LISTEN' || s.state === 'CLOSED') {
      if (s.state === 'LISTEN' && !listening.has(s.localPort)) rows.push({ proto: 'tcp', state: 'LISTEN', recvQ: 0, sendQ: 128, local: `0.0.0.0:${s.localPort}`, peer: '0.0.0.0:*', listening: true });
      continue;
    }
    rows.push({
      proto: 'tcp', state: s.state, recvQ: 0, sendQ: s.bufferedAmount,
      local: `${formatIpv4(s.localIp)}:${s.localPort}`, peer: `${formatIpv4(s.remoteIp)}:${s.remotePort}`, listening: false,
    });
  }
  for (const port of guest.udpPorts()) rows.push({ proto: 'udp', state: 'UNCONN', recvQ: 0, sendQ: 0, local: `0.0.0.0:${port}`, peer: '0.0.0.0:*', listening: true });
  return rows;
}

function selectRows(ctx: AppContext, flags: string): SockRow[] | null {
  const parsed = getopt(ctx.args, flags);
  if (isGetoptError(parsed)) return null;
  const wantTcp = parsed.has('t') || !parsed.has('u');
  const wantUdp = parsed.has('u') || !parsed.has('t');
  const all = parsed.has('a');
  const listenOnly = parsed.has('l');
  return socketRows(ctx).filter((r) => (r.proto === 'tcp' ? wantTcp : wantUdp) && (all || (listenOnly ? r.listening : !r.listening)));
}

export const ss: Command = {
  summary: 'ss [-t] [-u] [-a] [-l] [-n] — sockets',
  run(ctx) {
    const rows = selectRows(ctx, 'tuanlp');
    if (rows === null) {
      ctx.proc.print('Usage: ss [ OPTIONS ]');
      return ctx.proc.exit(1);
    }
    const table = [['Netid', 'State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process']];
    for (const r of rows) table.push([r.proto, SS_STATE[r.state] ?? r.state, String(r.recvQ), String(r.sendQ), r.local, r.peer, '']);
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) ctx.proc.print(row.map((c, i) => c.padEnd(widths[i] + 1)).join('').trimEnd());
    ctx.proc.exit(0);
  },
};

export const netstat: Command = {
  summary: 'netstat [-t] [-u] [-a] [-l] [-n] — sockets (net-tools layout)',
  run(ctx) {
    const rows = selectRows(ctx, 'tuanlp');
    if (rows === null) {
      ctx.proc.print('usage: netstat [-tuanl]');
      return ctx.proc.exit(1);
    }
    const parsed = getopt(ctx.args, 'tuanlp');
    const all = !isGetoptError(parsed) && parsed.has('a');
    const listen = !isGetoptError(parsed) && parsed.has('l');
    ctx.proc.print(`Active Internet connections (${all ? 'servers and established' : listen ? 'only servers' : 'w/o servers'})`);
    ctx.proc.print('Proto Recv-Q Send-Q Local Address           Foreign Address         State');
    for (const r of rows) {
      const state = r.proto === 'udp' ? '' : r.state === 'ESTABLISHED' ? 'ESTABLISHED' : r.state.replace('_RECEIVED', '_RECV').replace(/_/g, '');
      const line = `${r.proto.padEnd(5)} ${String(r.recvQ).padStart(6)} ${String(r.proto === 'tcp' && r.listening ? 0 : r.sendQ).padStart(6)} ${r.local.padEnd(23)} ${r.peer.padEnd(23)} ${state}`;
      ctx.proc.print(line.trimEnd());
    }
    ctx.proc.exit(0);
  },
};

// ---- small ones ----

export const hostname: Command = {
  summary: 'hostname [-I] — the instance name (or its addresses)',
  run(ctx) {
    const a = ctx.args[0];
    if (a === '-I') ctx.proc.print(`${formatIpv4(ctx.guest.ip)} `);
    else if (a === '-i') ctx.proc.print(formatIpv4(ctx.guest.ip));
    else ctx.proc.print(ctx.guest.name);
    ctx.proc.exit(0);
  },
};

export const echo: Command = {
  summary: 'echo [-n] text — print text (pipe it into nc: echo hi | nc host port)',
  run(ctx) {
    const text = echoText(ctx.args);
    const lines = text.split('\n');
    if (text.endsWith('\n')) lines.pop();
    for (const l of lines) ctx.proc.print(l);
    ctx.proc.exit(0);
  },
};

export const sleep: Command = {
  summary: 'sleep seconds — wait (virtual time)',
  run(ctx) {
    const { proc } = ctx;
    if (ctx.args.length === 0) {
      proc.print('sleep: missing operand');
      return proc.exit(1);
    }
    const s = parseNumber(ctx.args[0]);
    if (s === null) {
      proc.print(`sleep: invalid time interval '${ctx.args[0]}'`);
      return proc.exit(1);
    }
    proc.timer(Math.round(s * 1e9), () => proc.exit(0));
  },
};

export function helpCommand(commands: ReadonlyMap<string, Command>): Command {
  return {
    summary: 'help — this list',
    run(ctx) {
      ctx.proc.print(`${ctx.guest.name}: commands (output and options as the Linux tools):`);
      for (const [name, c] of [...commands].sort(([a], [b]) => a.localeCompare(b))) ctx.proc.print(`  ${name.padEnd(11)} ${c.summary}`);
      ctx.proc.exit(0);
    },
  };
}

