import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../core/fabric/guest/index.ts';
import { ip, run, TestLan } from './support/lan.ts';

function setup() {
  const lan = new TestLan();
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

describe('shell', () => {
  it('tokenises like sh: quotes, escapes and the pipe', () => {
    expect(tokenize(`echo 'a  b' "c \\"d\\"" e\\ f g|nc`)).toEqual([
      { text: 'echo', pipe: false },
      { text: 'a  b', pipe: false },
      { text: 'c "d"', pipe: false },
      { text: 'e f', pipe: false },
      { text: 'g', pipe: false },
      { text: '|', pipe: true },
      { text: 'nc', pipe: false },
    ]);
    expect(tokenize(`it's`)).toBe('unterminated quoted string');
    expect(tokenize(`'a|b'`)).toEqual([{ text: 'a|b', pipe: false }]);
  });

  it.each([
    ['foo bar', ['foo: command not found'], 127],
    ['', [], 0],
    ['echo "oops', ['sh: syntax error: unterminated quoted string'], 2],
    ['echo a |', ["sh: syntax error near unexpected token `|'"], 2],
    ['ls | wc', ['sh: only `echo text | command` pipelines are supported'], 2],
    ['echo  a   "b  c"', ['a b  c'], 0],
    ['hostname', ['a'], 0],
    ['hostname -I', ['10.0.1.5 '], 0],
    ['ip', ['Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }', 'where  OBJECT := { address | route | neighbor }'], 255],
    ['ip link', ['Object "link" is unknown, try "ip help".'], 1],
    ['ip route get x', ['Error: any valid prefix is expected rather than "x".'], 1],
    ['sleep', ['sleep: missing operand'], 1],
  ])('%j', (cmd, lines, code) => {
    const { a } = setup();
    const r = run(a, cmd);
    expect(r.lines).toEqual(lines);
    expect(r.code()).toBe(code);
  });

  it('ip addr and ip route look like iproute2', () => {
    const { a } = setup();
    expect(run(a, 'ip addr').lines).toEqual([
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    inet 127.0.0.1/8 scope host lo',
      '       valid_lft forever preferred_lft forever',
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9001 qdisc mq state UP group default qlen 1000',
      '    link/ether 02:00:0a:00:01:05 brd ff:ff:ff:ff:ff:ff',
      '    inet 10.0.1.5/24 brd 10.0.1.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
    ]);
    expect(run(a, 'ip a').lines).toHaveLength(8);
    expect(run(a, 'ip r').lines).toEqual(['default via 10.0.1.1 dev eth0', '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.5']);
    expect(run(a, 'ip route get 10.0.1.6').lines).toEqual(['10.0.1.6 dev eth0 src 10.0.1.5 uid 0', '    cache']);
    expect(run(a, 'ip route get 10.0.1.5').lines).toEqual(['local 10.0.1.5 dev lo src 10.0.1.5 uid 0', '    cache <local>']);
  });

  it('ss and netstat list listening and connected sockets', () => {
    const { lan, a } = setup();
    run(a, 'sink -u 9000');
    run(a, 'nc -l 5000');
    run(lan.guest('b'), 'nc 10.0.1.5 5000');
    lan.runFor(1e9);
    const ss = run(a, 'ss -tuan').lines;
    expect(ss[0]).toBe('Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process');
    expect(ss.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' ') + ' ' + l.split(/\s+/)[4])).toEqual([
      'tcp LISTEN 0.0.0.0:80',
      'tcp ESTAB 10.0.1.5:5000',
      'udp UNCONN 0.0.0.0:9000',
    ]);
    expect(run(a, 'ss -t').lines).toHaveLength(2);
    expect(run(a, 'ss -tl').lines.slice(1).map((l) => l.split(/\s+/)[4])).toEqual(['0.0.0.0:80']);
    const ns = run(a, 'netstat -an').lines;
    expect(ns[0]).toBe('Active Internet connections (servers and established)');
    expect(ns[1]).toBe('Proto Recv-Q Send-Q Local Address           Foreign Address         State');
    expect(ns[2]).toBe('tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN');
    expect(ns[3]).toMatch(/^tcp {8}0 {6}0 10\.0\.1\.5:5000 {11}10\.0\.1\.6:\d{5} {10}ESTABLISHED$/);
    expect(ns[4]).toBe('udp        0      0 0.0.0.0:9000            0.0.0.0:*');
  });

  it('help lists every command', () => {
    const { a } = setup();
    const lines = run(a, 'help').lines.join('\n');
    for (const c of ['ping', 'traceroute', 'curl', 'nc', 'bulk', 'sink', 'ip', 'ss', 'netstat', 'hostname', 'echo', 'sleep']) expect(lines).toContain(`  ${c} `);
  });

  it('processes: pids, onExit (also after the fact), kill, io.exit once, no output after exit', () => {
    const { lan, a } = setup();
    const exits: number[] = [];
    const lines: string[] = [];
    const p = a.exec('sleep 2', { write: (l) => lines.push(l), exit: (c) => exits.push(c) });
    const q = a.exec('sleep 1.5', { write: () => {} });
    expect(q.pid).toBe(p.pid + 1);
    expect(p.running).toBe(true);
    expect(p.command).toBe('sleep 2');
    expect(a.shell.processes()).toHaveLength(2);
    const seen: number[] = [];
    p.onExit((c) => seen.push(c));
    lan.runFor(1_600_000_000);
    expect(q.running).toBe(false);
    expect(q.exitCode).toBe(0);
    p.kill();
    p.kill();
    expect(exits).toEqual([130]);
    expect(seen).toEqual([130]);
    expect(p.exitCode).toBe(130);
    const late: number[] = [];
    p.onExit((c) => late.push(c));
    expect(late).toEqual([130]);
    lan.runFor(1e9);
    expect(exits).toEqual([130]);
    expect(a.shell.processes()).toHaveLength(0);
    // Synchronous commands are already over when exec returns.
    const h = a.exec('hostname', { write: () => {} });
    expect([h.running, h.exitCode]).toEqual([false, 0]);
    expect(ip('10.0.1.5')).toBe(a.ip);
  });
});
