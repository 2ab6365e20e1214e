import { describe, expect, it } from 'vitest';
import { latin1 } from '../../../../core/base/bytes.ts';
import { max5, parseUrl, time2str } from '../../../../core/fabric/guest/apps/curl.ts';
import { httpBytesPattern, httpIndexPage, type TcpSocket } from '../../../../core/fabric/guest/index.ts';
import { Ipv4View } from '../../../../core/wire/ipv4.ts';
import { ip, run, TestLan } from './support/lan.ts';
import { frameProblem } from './support/validate.ts';

function setup() {
  const lan = new TestLan({ dnsNames: { web: ip('10.0.1.6') } });
  const a = lan.add('a', '10.0.1.5');
  const b = lan.add('b', '10.0.1.6');
  return { lan, a, b };
}

function patternText(n: number): string {
  const bytes = new Uint8Array(n);
  httpBytesPattern(0, bytes);
  return latin1(bytes);
}

describe('curl and the built-in HTTP server', () => {
  it('GET / prints the page naming the instance', () => {
    const { lan, a } = setup();
    const r = run(a, 'curl http://10.0.1.6/');
    lan.runFor(1e9);
    expect(r.lines.join('\n') + '\n').toBe(httpIndexPage('b', '10.0.1.6'));
    expect(r.lines[2]).toBe('<head><title>b</title></head>');
    expect(r.code()).toBe(0);
  });

  it('GET /bytes/100000 is byte-exact, segmented to the MSS', () => {
    const { lan, a, b } = setup();
    const r = run(a, 'curl -s http://web/bytes/100000');
    lan.runFor(2e9);
    expect(r.code()).toBe(0);
    // 1562 full 64-byte lines and a last line of 32 bytes without a newline.
    expect(r.lines).toHaveLength(1563);
    expect(r.lines.join('\n')).toBe(patternText(100_000));
    const segments = lan.guestFrames.filter((f) => f.from === 'b' && f.bytes[23] === 6).map((f) => {
      const v = Ipv4View.checked(f.bytes.subarray(14));
      if (!v.ok) throw new Error();
      return v.value;
    });
    expect(segments.length).toBeGreaterThan(10);
    expect(segments.every((s) => s.dontFrag && s.totalLength <= 9001)).toBe(true);
    expect(Math.max(...segments.map((s) => s.totalLength))).toBeGreaterThan(8000);
    for (const f of lan.guestFrames) expect(frameProblem(f.bytes)).toBeNull();
    expect(b.http.stats.requests).toBe(1);
    expect(lan.pool.liveCount).toBe(0);
  });

  it('a 10 MB body to /dev/null prints curl\'s final progress meter', () => {
    const { lan, a, b } = setup();
    const r = run(a, 'curl -o /dev/null http://10.0.1.6/bytes/10000000');
    lan.runFor(5e9);
    expect(r.code()).toBe(0);
    expect(r.lines[0]).toBe('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current');
    expect(r.lines[1]).toBe('                                 Dload  Upload   Total   Spent    Left  Speed');
    // 10 MB in about 81 ms of virtual time: line rate on the 1 Gb/s link.
    expect(r.lines[2]).toBe('100 9765k  100 9765k    0     0   117M      0 --:--:-- --:--:-- --:--:--  117M');
    expect(b.http.stats.bytesServed).toBeGreaterThan(10_000_000);
  });

  it('404 prints the error page; -f turns it into exit 22', () => {
    const { lan, a } = setup();
    const r = run(a, 'curl http://10.0.1.6/nope');
    const f = run(a, 'curl -f http://10.0.1.6/nope');
    lan.runFor(1e9);
    expect(r.lines).toContain('<center><h1>404 Not Found</h1></center>');
    expect(r.code()).toBe(0);
    expect(f.lines).toEqual(['curl: (22) The requested URL returned error: 404']);
    expect(f.code()).toBe(22);
  });

  it('-v shows the connection and both heads; -i and -I print the response head', () => {
    const { lan, a } = setup();
    const v = run(a, 'curl -v http://web/bytes/10');
    lan.runFor(1e9);
    expect(v.lines).toEqual([
      '*   Trying 10.0.1.6:80...',
      '* Connected to web (10.0.1.6) port 80 (#0)',
      '> GET /bytes/10 HTTP/1.1',
      '> Host: web',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '< HTTP/1.1 200 OK',
      '< Server: underlay-httpd',
      '< Content-Type: application/octet-stream',
      '< Content-Length: 10',
      '< Connection: keep-alive',
      '< ',
      '0123456789',
      '* Connection #0 to host web left intact',
    ]);
    const i = run(a, 'curl -i http://10.0.1.6:80/bytes/5');
    const h = run(a, 'curl -I http://10.0.1.6/bytes/5');
    lan.runFor(1e9);
    expect(i.lines).toEqual([
      'HTTP/1.1 200 OK', 'Server: underlay-httpd', 'Content-Type: application/octet-stream', 'Content-Length: 5', 'Connection: keep-alive', '', '01234',
    ]);
    expect(h.lines).toEqual(i.lines.slice(0, 6));
    expect(h.code()).toBe(0);
  });

  it('a closed port: (7) Connection refused', () => {
    const { lan, a } = setup();
    const r = run(a, 'curl http://10.0.1.6:81/');
    lan.runFor(1e9);
    expect(r.lines).toEqual(['curl: (7) Failed to connect to 10.0.1.6 port 81 after 0 ms: Connection refused']);
    expect(r.code()).toBe(7);
    const v = run(a, 'curl -sS -v http://10.0.1.6:81/');
    lan.runFor(1e9);
    expect(v.lines).toEqual([
      '*   Trying 10.0.1.6:81...',
      '* connect to 10.0.1.6 port 81 failed: Connection refused',
      '* Failed to connect to 10.0.1.6 port 81 after 0 ms: Connection refused',
      '* Closing connection 0',
      'curl: (7) Failed to connect to 10.0.1.6 port 81 after 0 ms: Connection refused',
    ]);
  });

  it('timeouts: -m while connecting, TCP giving up, -m during the transfer', () => {
    const { lan, a } = setup();
    lan.answerArp(ip('10.0.1.77'));
    const m = run(a, 'curl -m 2 http://10.0.1.77/');
    lan.runFor(3e9);
    expect(m.lines).toEqual(['curl: (28) Connection timed out after 2000 milliseconds']);
    expect(m.code()).toBe(28);
    const t = run(a, 'curl http://10.0.1.77/');
    lan.runFor(300e9);
    expect(t.lines).toHaveLength(1);
    expect(t.lines[0]).toMatch(/^curl: \(28\) Failed to connect to 10\.0\.1\.77 port 80 after \d+ ms: Connection timed out$/);
    expect(t.code()).toBe(28);
    const o = run(a, 'curl -s -S -m 0.05 -o /dev/null http://10.0.1.6/bytes/100000000');
    lan.runFor(1e9);
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toMatch(/^curl: \(28\) Operation timed out after 50 milliseconds with \d+ out of 100000000 bytes received$/);
  });

  it.each([
    ['curl', ['curl: no URL specified!', "curl: try 'curl --help' or 'curl --manual' for more information"], 2],
    ['curl -z http://x/', ['curl: option -z: is unknown', "curl: try 'curl --help' or 'curl --manual' for more information"], 2],
    ['curl -m abc http://x/', ['curl: option -m: expected a proper numerical parameter', "curl: try 'curl --help' or 'curl --manual' for more information"], 2],
    ['curl ftp://10.0.1.6/', ['curl: (1) Protocol "ftp" not supported or disabled in libcurl'], 1],
    ['curl http://10.0.1.6:99999/', ['curl: (3) URL using bad/illegal format or missing URL'], 3],
  ])('%s', (cmd, lines, code) => {
    const { lan, a } = setup();
    const r = run(a, cmd);
    lan.runFor(1e9);
    expect(r.lines).toEqual(lines);
    expect(r.code()).toBe(code);
  });

  it('the server keeps connections alive, answers pipelined requests in order, and honours Connection: close', () => {
    const { lan, a } = setup();
    const got: number[] = [];
    let text = '';
    let ended = '';
    a.tcp.connect(ip('10.0.1.6'), 80, {
      connected(s: TcpSocket) {
        s.send(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: b\r\n\r\nGET /bytes/10 HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n'));
      },
      data(_s, bytes) {
        got.push(bytes.length);
        text += latin1(bytes);
      },
      remoteClosed(s) {
        ended = 'server closed';
        s.close();
      },
    });
    lan.runFor(1e9);
    expect(text.match(/HTTP\/1\.1 200 OK\r\n/g)).toHaveLength(2);
    expect(text.indexOf('<h1>b</h1>')).toBeLessThan(text.lastIndexOf('HTTP/1.1 200 OK'));
    expect(text).toContain('Connection: keep-alive');
    expect(text.endsWith('Connection: close\r\n\r\n0123456789')).toBe(true);
    expect(ended).toBe('server closed');
  });

  it('a malformed request gets 400 and the connection closes; an idle one is closed after 75 s', () => {
    const { lan, a } = setup();
    let text = '';
    let closedAt = -1;
    a.tcp.connect(ip('10.0.1.6'), 80, {
      connected(s) {
        s.send(new TextEncoder().encode('HELLO\r\n\r\n'));
      },
      data(_s, bytes) {
        text += latin1(bytes);
      },
      remoteClosed(s) {
        s.close();
      },
    });
    const idle = a.tcp.connect(ip('10.0.1.6'), 80, {
      remoteClosed(s) {
        closedAt = lan.sim.now();
        s.close();
      },
    });
    lan.runFor(100e9);
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(closedAt).toBeGreaterThan(75e9);
    expect(closedAt).toBeLessThan(75.01e9);
    expect(idle.state === 'TIME_WAIT' || idle.state === 'CLOSED').toBe(true);
  });

  it('parses URLs the way curl does, and formats its meter', () => {
    expect(parseUrl('http://web:8080/a?b=1#frag')).toEqual({ host: 'web', port: 8080, path: '/a?b=1' });
    expect(parseUrl('10.0.1.6')).toEqual({ host: '10.0.1.6', port: 80, path: '/' });
    expect(parseUrl('https://x/')).toEqual({ error: 1, scheme: 'https' });
    expect(parseUrl('http://a b/')).toEqual({ error: 3 });
    expect([max5(97656), max5(100000), max5(10_000_000), max5(20_000_000), max5(200 * 1024 * 1024)]).toEqual(['97656', '  97k', '9765k', '19.0M', ' 200M']);
    expect([time2str(0), time2str(2), time2str(3725)]).toEqual(['--:--:--', ' 0:00:02', ' 1:02:05']);
  });
});

describe('curl -w', () => {
  it('writes the requested variables after the transfer', () => {
    const { lan, a } = setup();
    const r = run(a, 'curl -s -o /dev/null -w "%{http_code} %{size_download}" http://web/bytes/100000');
    const v = run(a, "curl -s -o /dev/null -w '%{remote_ip}:%{remote_port} %{content_type} %{num_connects} %{exitcode} 100%%\\n%{time_total}' http://10.0.1.6/");
    lan.runFor(2e9);
    expect(r.lines).toEqual(['200 100000']);
    expect(r.code()).toBe(0);
    expect(v.lines[0]).toBe('10.0.1.6:80 text/html 1 0 100%');
    expect(v.lines[1]).toMatch(/^0\.000\d{3}$/);
  });

  it('still writes them after an error (http_code 000), after the message', () => {
    const { lan, a } = setup();
    const r = run(a, 'curl -w "%{http_code} %{exitcode} %{errormsg} %{bogus}" http://10.0.1.6:81/');
    lan.runFor(1e9);
    expect(r.lines).toEqual([
      'curl: (7) Failed to connect to 10.0.1.6 port 81 after 0 ms: Connection refused',
      "curl: unknown --write-out variable: 'bogus'",
      '000 7 Failed to connect to 10.0.1.6 port 81 after 0 ms: Connection refused ',
    ]);
  });
});
