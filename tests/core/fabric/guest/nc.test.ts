import { describe, expect, it } from 'vitest';
import { ip, run, TestLan } from './support/lan.ts';

function setup() {
  const lan = new TestLan({ dnsNames: { b: ip('10.0.1.6') } });
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

describe('nc', () => {
  it('TCP: echo text | nc host port reaches a listening nc, which prints it', () => {
    const { lan, a, b } = setup();
    const server = run(b, 'nc -l 5000');
    const client = run(a, 'echo hello world | nc b 5000');
    lan.runFor(1e9);
    expect(server.lines).toEqual(['hello world']);
    // Neither side closed: both still run, like the real thing.
    expect(server.proc.running && client.proc.running).toBe(true);
    client.proc.kill();
    expect(client.code()).toBe(130);
    lan.runFor(1e9);
    // The client's exit closed its socket (FIN): the listener sees the end and exits.
    expect(server.code()).toBe(0);
  });

  it('-N closes after stdin; -v narrates; the listener sends its own stdin back', () => {
    const { lan, a, b } = setup();
    const server = run(b, 'echo welcome | nc -lv 5000');
    const client = run(a, 'echo hi | nc -vN 10.0.1.6 5000');
    lan.runFor(1e9);
    expect(server.lines[0]).toBe('Listening on 0.0.0.0 5000');
    expect(server.lines[1]).toMatch(/^Connection received on 10\.0\.1\.5 \d+$/);
    expect(server.lines[2]).toBe('hi');
    expect(client.lines).toEqual(['Connection to 10.0.1.6 5000 port [tcp/*] succeeded!', 'welcome']);
    expect(server.code()).toBe(0);
    expect(client.code()).toBe(0);
    // The listener served one connection and stopped listening.
    expect(b.tcpListeningPorts()).toEqual([80]);
  });

  it('a failed connect is silent without -v, exit 1', () => {
    const { lan, a } = setup();
    const quiet = run(a, 'nc 10.0.1.6 81');
    const loud = run(a, 'nc -v 10.0.1.6 81');
    lan.runFor(1e9);
    expect([quiet.lines, quiet.code()]).toEqual([[], 1]);
    expect([loud.lines, loud.code()]).toEqual([['nc: connect to 10.0.1.6 port 81 (tcp) failed: Connection refused'], 1]);
  });

  it('-w bounds the connect and the idle time', () => {
    const { lan, a } = setup();
    lan.answerArp(ip('10.0.1.77'));
    const c = run(a, 'nc -v -w 2 10.0.1.77 80');
    lan.runFor(1_999_000_000);
    expect(c.proc.running).toBe(true);
    lan.runFor(2e6);
    expect([c.lines, c.code()]).toEqual([['nc: connect to 10.0.1.77 port 80 (tcp) failed: Connection timed out'], 1]);
    const idle = run(a, 'nc -w 3 10.0.1.6 80');
    lan.runFor(2e9);
    expect(idle.proc.running).toBe(true);
    lan.runFor(2e9);
    expect(idle.code()).toBe(0);
  });

  it('-z scans ports, reporting each with -v', () => {
    const { lan, a } = setup();
    const r = run(a, 'nc -zv 10.0.1.6 79-81');
    const q = run(a, 'nc -z 10.0.1.6 81');
    lan.runFor(1e9);
    expect(r.lines).toEqual([
      'nc: connect to 10.0.1.6 port 79 (tcp) failed: Connection refused',
      'Connection to 10.0.1.6 80 port [tcp/http] succeeded!',
      'nc: connect to 10.0.1.6 port 81 (tcp) failed: Connection refused',
    ]);
    expect(r.code()).toBe(0);
    expect([q.lines, q.code()]).toEqual([[], 1]);
  });

  it('UDP: a datagram each way; port unreachable ends the client; -w ends it when idle', () => {
    const { lan, a, b } = setup();
    const server = run(b, 'echo pong | nc -u -l 6000');
    const client = run(a, 'echo ping | nc -u -w 2 10.0.1.6 6000');
    lan.runFor(1e9);
    expect(server.lines).toEqual(['ping']);
    expect(client.lines).toEqual(['pong']);
    lan.runFor(2e9);
    expect(client.code()).toBe(0);
    expect(server.proc.running).toBe(true);
    const refused = run(a, 'echo x | nc -uv 10.0.1.6 6001');
    lan.runFor(1e9);
    expect([refused.lines, refused.code()]).toEqual([['Connection to 10.0.1.6 6001 port [udp/*] succeeded!', 'nc: Connection refused'], 1]);
    const z = run(a, 'nc -uzv 10.0.1.6 53');
    expect([z.lines, z.code()]).toEqual([['Connection to 10.0.1.6 53 port [udp/domain] succeeded!'], 0]);
  });

  it.each([
    ['nc', 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]', 1],
    ['nc 10.0.1.6', 'nc: missing port number', 1],
    ['nc 10.0.1.6 99999', 'nc: port number invalid: 99999', 1],
    ['nc -l 80', 'nc: Address already in use', 1],
    ['nc -Q 10.0.1.6 80', "nc: invalid option -- 'Q'", 1],
    ['nc -n b 80', 'nc: getaddrinfo for host "b" port 80: Name or service not known', 1],
  ])('%s', (cmd, first, code) => {
    const { lan, a } = setup();
    const r = run(a, cmd);
    lan.runFor(1e9);
    expect(r.lines[0]).toBe(first);
    expect(r.code()).toBe(code);
  });
});
