/**
 * `curl` (7.88-style messages) over the guest's TCP: HTTP/1.1 GET (or HEAD with -I) of one
 * `http://host[:port]/path` URL (a URL without a scheme is http, as curl assumes).
 *
 * Output: the body as lines (or nothing with `-o FILE`: there is no file system, so the body is
 * counted and dropped — `-o /dev/null` is the honest spelling); `-i` also prints the response head,
 * `-v` the connection steps (`*`), request (`>`) and response (`<`) heads. With `-o` and without
 * `-s`, curl's progress meter is printed once, as its final state.
 *
 * Errors, as curl words them (suppressed by `-s` unless `-S`):
 *   (6)  Could not resolve host: NAME
 *   (7)  Failed to connect to HOST port P after N ms: Connection refused | No route to host
 *   (28) Failed to connect to HOST port P after N ms: Connection timed out (TCP gave up)
 *   (28) Connection timed out after N milliseconds (-m/--connect-timeout while connecting)
 *   (28) Operation timed out after N milliseconds with X out of Y bytes received (-m)
 *   (18) transfer closed with N bytes remaining to read
 *   (52) Empty reply from server      (56) Recv failure: Connection reset by peer
 *   (22) The requested URL returned error: 404 (-f)
 *   (3)  URL using bad/illegal format or missing URL      (1) Protocol "x" not supported or disabled in libcurl
 */
import { formatIpv4, type Ipv4 } from '../../../base/addr.ts';
import { latin1, utf8Encode } from '../../../base/bytes.ts';
import { HttpView } from '../../../wire/http.ts';
import type { TcpCloseReason, TcpHandler, TcpSocket } from '../tcp/index.ts';
import { type AppContext, closeOnExit, closeQuietly, type Command, getopt, isGetoptError, LineOutput, parseNumber } from './common.ts';

const USER_AGENT = 'curl/7.88.1';
const MAX_HEAD = 100 * 1024;

interface CurlOptions {
  readonly url: string;
  readonly silent: boolean;
  readonly showErrors: boolean;
  readonly output: string | null;
  readonly verbose: boolean;
  readonly maxTimeNs: number;
  readonly connectTimeoutNs: number;
  readonly fail: boolean;
  readonly include: boolean;
  readonly head: boolean;
  readonly method: string;
  readonly headers: readonly string[];
  readonly writeOut: string | null;
}

interface Url {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

const LONGS = {
  silent: { key: 's', hasArg: false },
  'show-error': { key: 'S', hasArg: false },
  output: { key: 'o', hasArg: true },
  verbose: { key: 'v', hasArg: false },
  'max-time': { key: 'm', hasArg: true },
  'connect-timeout': { key: 'connect-timeout', hasArg: true },
  fail: { key: 'f', hasArg: false },
  include: { key: 'i', hasArg: false },
  head: { key: 'I', hasArg: false },
  header: { key: 'H', hasArg: true },
  request: { key: 'X', hasArg: true },
  'write-out': { key: 'w', hasArg: true },
};

export const curl: Command = {
  summary: 'curl [-s] [-S] [-o file] [-v] [-i] [-I] [-f] [-m max_time] [-H header] [-w format] http://host[:port]/path',
  run(ctx) {
    const opts = parseOptions(ctx);
    if (opts === null) return;
    new Transfer(ctx, opts).start();
  },
};

function tryLine(ctx: AppContext): void {
  ctx.proc.print("curl: try 'curl --help' or 'curl --manual' for more information");
}

function parseOptions(ctx: AppContext): CurlOptions | null {
  const { proc } = ctx;
  const parsed = getopt(ctx.args, 'sSo:vm:fiIH:X:w:', LONGS);
  if (isGetoptError(parsed)) {
    const opt = parsed.option.startsWith('-') ? parsed.option : `-${parsed.option}`;
    proc.print(parsed.kind === 'invalid' ? `curl: option ${opt}: is unknown` : `curl: option ${opt}: requires parameter`);
    tryLine(ctx);
    proc.exit(2);
    return null;
  }
  const seconds = (key: string, name: string): number | null => {
    const v = parsed.value(key);
    if (v === undefined) return 0;
    const n = parseNumber(v);
    if (n === null) {
      proc.print(`curl: option ${name}: expected a proper numerical parameter`);
      tryLine(ctx);
      proc.exit(2);
      return null;
    }
    return Math.round(n * 1e9);
  };
  const maxTimeNs = seconds('m', '-m');
  if (maxTimeNs === null) return null;
  const connectTimeoutNs = seconds('connect-timeout', '--connect-timeout');
  if (connectTimeoutNs === null) return null;
  if (parsed.operands.length === 0) {
    proc.print('curl: no URL specified!');
    tryLine(ctx);
    proc.exit(2);
    return null;
  }
  const head = parsed.has('I');
  return {
    url: parsed.operands[0],
    silent: parsed.has('s'),
    showErrors: parsed.has('S'),
    output: parsed.value('o') ?? null,
    verbose: parsed.has('v'),
    maxTimeNs,
    connectTimeoutNs,
    fail: parsed.has('f'),
    include: parsed.has('i') || head,
    head,
    method: parsed.value('X') ?? (head ? 'HEAD' : 'GET'),
    headers: parsed.values('H'),
    writeOut: parsed.value('w') ?? null,
  };
}

/** Splits `[http://]host[:port][/path]`; a string error code for what curl refuses. */
export function parseUrl(text: string): Url | { readonly error: 1 | 3; readonly scheme?: string } {
  let rest = text;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme !== null) {
    if (scheme[1].toLowerCase() !== 'http') return { error: 1, scheme: scheme[1] };
    rest = rest.slice(scheme[0].length);
  }
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? '/' : rest.slice(slash);
  if (path.startsWith('?')) path = `/${path}`;
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const m = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (m === null) return { error: 3 };
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port < 1 || port > 0xffff) return { error: 3 };
  if (/[\s]/.test(path)) return { error: 3 };
  return { host: m[1], port, path };
}

class Transfer implements TcpHandler {
  private url!: Url;
  private ip: Ipv4 = 0;
  private startNs = 0;
  private phase: 'resolve' | 'connect' | 'transfer' | 'done' = 'resolve';
  private socket: TcpSocket | null = null;
  private headChunks: Uint8Array[] = [];
  private headLen = 0;
  private view: HttpView | null = null;
  private contentLength: number | null = null;
  private bodyBytes = 0;
  private bytesIn = 0;
  private closeAfter = false;
  private requestLen = 0;
  private dnsNs = -1;
  private connectNs = -1;
  private firstByteNs = -1;
  private localPort = 0;
  private readonly out: LineOutput;

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: CurlOptions,
  ) {
    this.out = new LineOutput((line) => ctx.proc.print(line));
  }

  start(): void {
    const { proc, guest } = this.ctx;
    const url = parseUrl(this.opts.url);
    if ('error' in url) {
      if (url.error === 1) this.fail(1, `Protocol "${url.scheme}" not supported or disabled in libcurl`);
      else this.fail(3, 'URL using bad/illegal format or missing URL');
      return;
    }
    this.url = url;
    this.startNs = guest.sim.now();
    if (this.opts.maxTimeNs > 0) proc.timer(this.opts.maxTimeNs, () => this.timedOut());
    const lookup = guest.dns.resolve(url.host, (r) => {
      if (!proc.running) return;
      if (!r.ok) {
        this.verbose(`* Could not resolve host: ${url.host}`);
        this.fail(6, `Could not resolve host: ${url.host}`);
        return;
      }
      this.connect(r.ip);
    });
    if (proc.running && this.phase === 'resolve') proc.own(lookup);
  }

  private connect(ip: Ipv4): void {
    const { proc, guest } = this.ctx;
    this.ip = ip;
    this.dnsNs = guest.sim.now();
    this.phase = 'connect';
    this.verbose(`*   Trying ${formatIpv4(ip)}:${this.url.port}...`);
    this.socket = guest.tcp.connect(ip, this.url.port, this);
    proc.own(closeOnExit(this.socket));
    if (this.opts.connectTimeoutNs > 0) {
      proc.timer(this.opts.connectTimeoutNs, () => {
        if (this.phase === 'connect') this.fail(28, `Connection timed out after ${this.elapsedMs()} milliseconds`);
      });
    }
  }

  connected(s: TcpSocket): void {
    if (this.phase !== 'connect') return;
    this.phase = 'transfer';
    this.connectNs = this.ctx.guest.sim.now();
    this.localPort = s.localPort;
    const host = this.url.host;
    this.verbose(`* Connected to ${host} (${formatIpv4(this.ip)}) port ${this.url.port} (#0)`);
    const hostHeader = this.url.port === 80 ? host : `${host}:${this.url.port}`;
    const lines = [`${this.opts.method} ${this.url.path} HTTP/1.1`, `Host: ${hostHeader}`, `User-Agent: ${USER_AGENT}`, 'Accept: */*', ...this.opts.headers, ''];
    for (const l of lines) this.verbose(`> ${l}`);
    const request = utf8Encode(lines.map((l) => `${l}\r\n`).join(''));
    this.requestLen = request.length;
    s.send(request);
  }

  data(_s: TcpSocket, bytes: Uint8Array): void {
    if (this.phase !== 'transfer') return;
    if (this.firstByteNs < 0) this.firstByteNs = this.ctx.guest.sim.now();
    this.bytesIn += bytes.length;
    if (this.view === null) {
      this.headChunks.push(bytes.slice());
      this.headLen += bytes.length;
      const all = concat(this.headChunks, this.headLen);
      const view = HttpView.checked(all);
      if (!view.ok) {
        if (view.error.code === 'truncated' && all.length < MAX_HEAD) return;
        this.fail(view.error.code === 'truncated' ? 8 : 1, view.error.code === 'truncated' ? 'Weird server reply' : 'Received HTTP/0.9 when not allowed');
        return;
      }
      if (view.value.isRequest) {
        this.fail(1, 'Received HTTP/0.9 when not allowed');
        return;
      }
      this.headChunks = [];
      this.head(view.value);
      const rest = all.subarray(view.value.headerLen);
      if (rest.length > 0) this.body(rest);
    } else this.body(bytes);
    this.checkComplete();
  }

  remoteClosed(_s: TcpSocket): void {
    if (this.phase !== 'transfer') return;
    if (this.view === null) {
      if (this.bytesIn === 0) this.fail(52, 'Empty reply from server');
      else this.fail(8, 'Weird server reply');
      return;
    }
    if (this.contentLength !== null && this.bodyBytes < this.contentLength && !this.opts.head) {
      this.fail(18, `transfer closed with ${this.contentLength - this.bodyBytes} bytes remaining to read`);
      return;
    }
    this.complete();
  }

  closed(_s: TcpSocket, reason: TcpCloseReason): void {
    if (this.phase === 'connect') {
      const why = reason === 'refused' ? 'Connection refused' : reason === 'timeout' ? 'Connection timed out' : reason === 'unreachable' ? 'No route to host' : 'Connection reset by peer';
      const host = formatIpv4(this.ip);
      const text = `Failed to connect to ${this.url.host === host ? host : this.url.host} port ${this.url.port} after ${this.elapsedMs()} ms: ${why}`;
      this.verbose(`* connect to ${host} port ${this.url.port} failed: ${why}`);
      this.verbose(`* ${text}`);
      this.fail(reason === 'timeout' ? 28 : 7, text);
      return;
    }
    if (this.phase === 'transfer') {
      if (reason === 'closed') return this.remoteClosed(_s);
      this.fail(56, reason === 'reset' ? 'Recv failure: Connection reset by peer' : 'Recv failure: Connection timed out');
    }
  }

  private head(view: HttpView): void {
    this.view = view;
    this.contentLength = view.contentLength;
    this.closeAfter = (view.header('connection') ?? '').toLowerCase() === 'close';
    const headLines = latin1(view.bytes, 0, view.headerLen).split('\r\n');
    headLines.pop();
    for (const l of headLines) this.verbose(`< ${l}`);
    if (this.printsBody() && this.opts.include) for (const l of headLines) this.ctx.proc.print(l);
  }

  private body(bytes: Uint8Array): void {
    if (this.opts.head) return;
    let chunk = bytes;
    if (this.contentLength !== null && this.bodyBytes + chunk.length > this.contentLength) chunk = chunk.subarray(0, this.contentLength - this.bodyBytes);
    this.bodyBytes += chunk.length;
    if (this.printsBody() && chunk.length > 0) this.out.push(chunk);
  }

  private printsBody(): boolean {
    return this.opts.output === null && !(this.opts.fail && this.view !== null && this.view.status >= 400);
  }

  private checkComplete(): void {
    if (this.phase !== 'transfer' || this.view === null) return;
    const status = this.view.status;
    const noBody = this.opts.head || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (noBody || (this.contentLength !== null && this.bodyBytes >= this.contentLength)) this.complete();
  }

  private complete(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    if (this.socket !== null) closeQuietly(this.socket);
    this.out.flush();
    const status = this.view?.status ?? 0;
    if (this.opts.fail && status >= 400) {
      this.verbose(`* The requested URL returned error: ${status}`);
      this.verbose('* Closing connection 0');
      this.error(22, `The requested URL returned error: ${status}`);
      return;
    }
    if (this.closeAfter) this.verbose('* Closing connection 0');
    else this.verbose(`* Connection #0 to host ${this.url.host} left intact`);
    this.progress();
    this.writeOut(0, '');
    this.ctx.proc.exit(0);
  }

  private timedOut(): void {
    if (this.phase === 'done') return;
    const ms = this.elapsedMs();
    if (this.phase === 'resolve') this.fail(28, `Resolving timed out after ${ms} milliseconds`);
    else if (this.phase === 'connect') this.fail(28, `Connection timed out after ${ms} milliseconds`);
    else if (this.contentLength !== null) this.fail(28, `Operation timed out after ${ms} milliseconds with ${this.bodyBytes} out of ${this.contentLength} bytes received`);
    else this.fail(28, `Operation timed out after ${ms} milliseconds with ${this.bodyBytes} bytes received`);
  }

  private fail(code: number, message: string): void {
    if (this.phase === 'done' && code !== 22) return;
    this.phase = 'done';
    this.out.flush();
    if (this.socket !== null) closeQuietly(this.socket);
    if (code !== 1 && code !== 3) this.verbose('* Closing connection 0');
    this.error(code, message);
  }

  private error(code: number, message: string): void {
    this.progress();
    if (!this.opts.silent || this.opts.showErrors) this.ctx.proc.print(`curl: (${code}) ${message}`);
    this.writeOut(code, message);
    this.ctx.proc.exit(code);
  }

  /** `-w FORMAT`: curl's write-out variables, after the transfer (and after an error message). */
  private writeOut(exitcode: number, errormsg: string): void {
    const format = this.opts.writeOut;
    if (format === null) return;
    const now = this.ctx.guest.sim.now();
    const t = (at: number) => (at < 0 ? 0 : (at - this.startNs) / 1e9).toFixed(6);
    const total = (now - this.startNs) / 1e9;
    const url = this.url === undefined ? this.opts.url : `http://${this.url.host}${this.url.port === 80 ? '' : `:${this.url.port}`}${this.url.path}`;
    const view = this.view;
    const vars: Record<string, string> = {
      http_code: String(view?.status ?? 0).padStart(3, '0'),
      response_code: String(view?.status ?? 0).padStart(3, '0'),
      http_version: view === null ? '0' : view.version.replace('HTTP/', ''),
      size_download: String(this.bodyBytes),
      size_header: String(view?.headerLen ?? 0),
      size_request: String(this.requestLen),
      size_upload: '0',
      speed_download: String(total > 0 ? Math.floor(this.bodyBytes / total) : 0),
      speed_upload: '0',
      time_namelookup: t(this.dnsNs),
      time_connect: t(this.connectNs),
      time_appconnect: '0.000000',
      time_pretransfer: t(this.connectNs),
      time_starttransfer: t(this.firstByteNs),
      time_redirect: '0.000000',
      time_total: total.toFixed(6),
      remote_ip: this.ip === 0 ? '' : formatIpv4(this.ip),
      remote_port: this.ip === 0 ? '' : String(this.url.port),
      local_ip: this.connectNs < 0 ? '' : formatIpv4(this.ctx.guest.ip),
      local_port: this.connectNs < 0 ? '' : String(this.localPort),
      url_effective: url,
      url,
      content_type: view?.header('content-type') ?? '',
      num_connects: this.connectNs < 0 ? '0' : '1',
      num_redirects: '0',
      redirect_url: '',
      scheme: 'HTTP',
      method: this.opts.method,
      exitcode: String(exitcode),
      errormsg,
    };
    let text = '';
    for (let i = 0; i < format.length; i++) {
      const c = format[i];
      if (c === '%' && format[i + 1] === '%') {
        text += '%';
        i++;
      } else if (c === '%' && format[i + 1] === '{') {
        const end = format.indexOf('}', i + 2);
        if (end < 0) {
          text += format.slice(i);
          break;
        }
        const name = format.slice(i + 2, end);
        if (name in vars) text += vars[name];
        else this.ctx.proc.print(`curl: unknown --write-out variable: '${name}'`);
        i = end;
      } else if (c === '\\' && i + 1 < format.length && 'nrt\\'.includes(format[i + 1])) {
        const e = format[++i];
        text += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : '\\';
      } else text += c;
    }
    const out = new LineOutput((line) => this.ctx.proc.print(line));
    out.push(utf8Encode(text));
    out.flush();
  }

  private verbose(line: string): void {
    if (this.opts.verbose) this.ctx.proc.print(line);
  }

  private elapsedMs(): number {
    return Math.floor((this.ctx.guest.sim.now() - this.startNs) / 1e6);
  }

  /** curl's progress meter, final state only (printed when the body goes to a file and not -s). */
  private progress(): void {
    if (this.opts.output === null || this.opts.silent) return;
    const { proc } = this.ctx;
    const spentNs = this.ctx.guest.sim.now() - this.startNs;
    const total = this.contentLength ?? 0;
    const dl = this.bodyBytes;
    const speed = spentNs < 1000 ? dl * 1_000_000 : Math.floor((dl * 1e9) / spentNs);
    const spent = Math.floor(spentNs / 1e9);
    const totalTime = total > 0 && speed > 0 ? Math.floor(total / speed) : 0;
    const pct = (part: number) => String(total > 0 ? Math.floor((part * 100) / total) : 0).padStart(3, ' ');
    proc.print('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current');
    proc.print('                                 Dload  Upload   Total   Spent    Left  Speed');
    proc.print(
      `${pct(dl)} ${max5(total)}  ${pct(dl)} ${max5(dl)}    0 ${max5(0)}  ${max5(speed)}  ${max5(0)} ${time2str(totalTime)} ${time2str(spent)} ${time2str(Math.max(0, totalTime - spent))} ${max5(speed)}`,
    );
  }
}

function concat(chunks: Uint8Array[], len: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(len);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  chunks.length = 0;
  chunks.push(out);
  return out;
}

/** curl's max5data: a size in at most 5 characters (`97656`, ` 976k`, `95.3M`, ` 953M`, `9.3G`…). */
export function max5(bytes: number): string {
  const K = 1024;
  const M = K * K;
  if (bytes < 100000) return String(bytes).padStart(5, ' ');
  if (bytes < 10000 * K) return `${String(Math.floor(bytes / K)).padStart(4, ' ')}k`;
  if (bytes < 100 * M) return `${String(Math.floor(bytes / M)).padStart(2, ' ')}.${Math.floor((bytes % M) / (M / 10))}M`;
  if (bytes < 10000 * M) return `${String(Math.floor(bytes / M)).padStart(4, ' ')}M`;
  const G = M * K;
  if (bytes < 100 * G) return `${String(Math.floor(bytes / G)).padStart(2, ' ')}.${Math.floor((bytes % G) / (G / 10))}G`;
  return `${String(Math.floor(bytes / G)).padStart(4, ' ')}G`;
}

/** curl's time2str: `--:--:--` for 0, else `H:MM:SS` right-aligned in 8 characters. */
export function time2str(seconds: number): string {
  if (seconds <= 0) return '--:--:--';
  const h = Math.floor(seconds / 3600);
  if (h <= 99) {
    const m = Math.floor((seconds - h * 3600) / 60);
    const s = seconds - h * 3600 - m * 60;
    return `${String(h).padStart(2, ' ')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  }
  const d = Math.floor(h / 24);
  return d <= 999 ? `${String(d).padStart(3, ' ')}d ${String(h - d * 24).padStart(2, '0')}h` : `${String(d).padStart(7, ' ')}d`;
}
